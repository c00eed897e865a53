"""Publisher names: one clean name per article, and one canonical name per publisher in an index.

Pages name their publisher in many spellings: "Copyright The Financial Times",
"Le Monde.fr", "Norddeutscher Rundfunk (NDR)", "AP NEWS", a hostname. Two jobs:

- :func:`publisher_name` cleans one stated name at extraction (no copyright
  words, years, "All rights reserved", top-level domain or URL; None for
  something that is no name at all);
- :class:`PublisherNames` merges the variants an index collects: names that
  normalise alike, an abbreviation and the name it abbreviates ("NDR" and
  "Norddeutscher Rundfunk (NDR)", "AP News" and "Associated Press News"), and
  names seen on articles from the same web domain. The first spelling seen for a
  publisher stays its name, so a re-run does not rename it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_I = re.IGNORECASE
_URL = re.compile(r"(?:https?://|www\.)\S+", _I)
_COPYRIGHT = re.compile(
    r"^(?:(?:copyright|©|\(c\)|\u00a9)\s*)+(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?,?\s*)?", _I)
_YEARS = re.compile(r"^(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?,?\s+")
_RIGHTS = re.compile(r"[,.]?\s*(?:all rights reserved|alle rechte vorbehalten|tous droits réservés"
                     r"|todos los derechos reservados|ltd|limited|inc|llc|gmbh|plc)\.?\s*$", _I)
_TLD = re.compile(r"\.(?:com|net|org|co\.uk|uk|de|fr|it|es|nl|be|ch|at|pl|cz|ru|jp|kr|in|au|ca|io|news)$", _I)
_ABBREVIATION = re.compile(r"^(?P<name>.+?)\s+\((?P<abbr>[A-Z0-9]{2,8})\)$")
_DOMAIN = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,}$", _I)
_WORD = re.compile(r"[^\W_]+")


def publisher_name(name: str | None) -> str | None:
    """A stated publisher name, cleaned; None when it is a URL, an e-mail or no name."""
    if not name:
        return None
    name = " ".join(unicodedata.normalize("NFC", name).split()).strip(" .,;:|-–—")
    if not name or "@" in name or _URL.search(name) or "/" in name:
        return None
    for _ in range(2):
        name = _RIGHTS.sub("", _YEARS.sub("", _COPYRIGHT.sub("", name))).strip(" .,;:|-–—")
    if _DOMAIN.fullmatch(name) and name.islower():
        return None  # a hostname: the index merges it by domain, but it is not a display name
    name = _TLD.sub("", name) if " " in name or not name.islower() else name
    if not name or len(name) > 80 or not any(c.isalpha() for c in name) or sum(c.isdigit() for c in name) > 2:
        return None
    return name


def domain_key(url: str | None) -> str | None:
    """The site a URL belongs to, without "www." and the top-level domain: "apnews", "bbc"."""
    if not url:
        return None
    m = re.match(r"^(?:[a-z][\w+.-]*://)?(?:[^@/]*@)?([^/:?#]+)", url.strip(), _I)
    if not m:
        return None
    parts = m.group(1).lower().split(".")
    if len(parts) < 2:
        return None
    parts = [p for p in parts if p not in ("www", "m", "amp", "edition", "mobile")]
    # drop the public suffix: one part ("com"), or two for "co.uk"-style domains
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in ("co", "com", "org", "net", "ac", "gov", "ne", "or"):
        parts = parts[:-2]
    else:
        parts = parts[:-1]
    return parts[-1] if parts else None


def name_keys(name: str) -> set[str]:
    """Keys under which two spellings of one publisher meet.

    The name without case, spaces, punctuation or a leading article; the name
    and the abbreviation of "Name (ABBR)"; and for a name opening with an
    abbreviation ("AP News") the same key as the words it abbreviates would give.
    """
    keys: set[str] = set()
    m = _ABBREVIATION.match(name)
    for part in ([m.group("name"), m.group("abbr")] if m else [name]):
        words = [w.casefold() for w in _WORD.findall(_TLD.sub("", part))]
        if words and words[0] in ("the", "la", "le", "el", "die", "der"):
            words = words[1:]
        if words:
            keys.add("".join(words))
            keys.add(_initials_key(part))
    keys.discard("")
    return keys


def _initials_key(name: str) -> str:
    """ "AP News" -> "#ap news": a name opening with an abbreviation, keyed as its initials."""
    words = _WORD.findall(name)
    if len(words) > 1 and words[0].isupper() and 2 <= len(words[0]) <= 5:
        return "#" + words[0].casefold() + " " + " ".join(w.casefold() for w in words[1:])
    return ""


def _expansion_key(name: str) -> str:
    """ "Associated Press News" -> "#ap news": the key the abbreviated spelling would have."""
    words = _WORD.findall(name)
    if len(words) >= 3 and all(w[:1].isupper() for w in words[:-1]):
        return "#" + "".join(w[0] for w in words[:-1]).casefold() + " " + words[-1].casefold()
    return ""


class PublisherNames:
    """Canonical names for the publishers of one index.

    ``canonical(name, url)`` returns the name under which the index should file
    an article: the first spelling seen of the same publisher, where "same" is
    a shared key of :func:`name_keys` or the same web domain. Seed it with the
    names already in the index (``add``) so that names stay stable across runs.
    """

    def __init__(self, known: Iterable[tuple[str, str | None]] = ()) -> None:
        self._by_key: dict[str, str] = {}
        for name, url in known:
            self.canonical(name, url)

    def add(self, name: str, url: str | None = None) -> None:
        self.canonical(name, url)

    def canonical(self, name: str | None, url: str | None = None) -> str | None:
        cleaned = publisher_name(name)
        domain = domain_key(url)
        keys = name_keys(cleaned) if cleaned else set()
        expanded = {_expansion_key(cleaned)} if cleaned else set()
        lookups = [f"domain:{domain}"] if domain else []
        lookups += sorted(keys) + sorted(k for k in expanded if k)
        found = next((self._by_key[k] for k in lookups if k in self._by_key), None)
        result = found or cleaned
        if result is None:
            return None
        for key in lookups:
            self._by_key.setdefault(key, result)
        return result

