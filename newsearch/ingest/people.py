"""Authors: one display form for a byline, and never a URL.

Pages state authors in many shapes: "By Jane Doe | Updated 3 hours ago",
"Jane Doe and John Roe", a profile URL ("https://example.com/author/jane-doe/")
or a social handle. Readers search bylines by name, so a URL is reduced to the
name its last path segment spells, and dropped when it spells none.
"""

from __future__ import annotations

import re

from newsearch.ingest.cleaning import clean_line

_I = re.IGNORECASE
_URL = re.compile(r"(?:https?://|www\.)\S+", _I)
_HANDLE = re.compile(r"(?<![\w@])@\w{2,30}\b")
_SEGMENT_WORDS = re.compile(r"[a-zà-ÿ]+", _I)
# Path segments that name a kind of page, not a person.
_NOT_NAMES = frozenset("author authors profile profiles people staff user users by writer writers contributor "
                       "contributors journalist journalists team about index html php www com".split())


def name_from_url(url: str) -> str | None:
    """"https://site/author/jane-doe/" -> "Jane Doe"; None when the URL spells no name."""
    path = re.sub(r"^(?:https?://)?[^/]*", "", url.strip()).split("?")[0].split("#")[0]
    for segment in reversed([s for s in path.split("/") if s]):
        segment = re.sub(r"\.(?:html?|php|aspx?)$", "", segment, flags=_I)
        if not re.fullmatch(r"[A-Za-zÀ-ÿ]+(?:[-_.][A-Za-zÀ-ÿ]+){1,3}", segment):
            continue
        words = _SEGMENT_WORDS.findall(segment)
        if any(w.lower() in _NOT_NAMES for w in words):
            continue
        return " ".join(w.capitalize() for w in words)
    return None


def clean_author(name: str | None) -> str | None:
    """One display form for bylines: no "By", no timestamp, no URL or handle, names joined by ", "."""
    name = clean_line(name or "")
    if not name:
        return None
    if _URL.fullmatch(name):
        return name_from_url(name)
    name = _HANDLE.sub("", _URL.sub("", name)).strip(" ,;|")
    name = re.sub(r"^(?:by|von|par|por)\s+", "", name, flags=_I)
    name = re.sub(r"\s*[|,]?\s*(?:Updated|Published|Posted)\b.*$", "", name, flags=_I)
    name = re.sub(r"\s*(?:\||;|\s&\s|\sand\s|\sund\s|\set\s|\sy\s)\s*", ", ", name)
    name = re.sub(r"(?:,\s*)+", ", ", name)
    return name.strip(" ,") or None
