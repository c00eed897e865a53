"""Which title a saved page states is its headline: the page's statements scored by a fitted model.

A page states its title several times: JSON-LD ``headline``, ``og:title`` and
``twitter:title`` (often rewritten for search and social media), the visible
``<h1>`` (sometimes with a kicker or a logo glued on), and ``<title>`` (with the
site's name). When they disagree, no fixed order holds across publishers. Each
distinct statement is described by a few features that mean the same on any
site (which kinds state it, how many agree, whether it is the page's only
``<h1>``, whether another statement extends it or it extends another, whether
it looks cut, whether it carries the site's name or a label), and a linear
model scores them. The weights are fitted on the developers' pages by
``benchmarks/fit_extraction.py`` in a cross-validation grouped by site and
shipped in ``html_title_weights.py``; the product does only the arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsearch.ingest.html_title_weights import HTML_TITLE_WEIGHTS
from newsearch.ingest.linear import LinearModel

FEATURES = (
    "json_ld", "open_graph", "title_element", "h1", "votes", "only_h1", "first_h1", "core", "extends",
    "glued", "cut", "site_name", "label", "words", "short",
)
_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛“”„‟\"`´"})
# A headline does not end on these words: a title that does was cut to fit a length.
_CUT_ENDINGS = frozenset(
    "the a an of to in on for and or with at by from as is are was its their his her "
    "der die das und von zu mit im für auf dem des ein eine le la les de des du et en "
    "el los las del y il di e per".split()
)


def _key(text: str) -> str:
    """Titles compare without case, punctuation and quote style."""
    return " ".join(re.sub(r"[^\w\s]+", " ", text.translate(_QUOTES).casefold()).split())


def looks_cut(title: str) -> bool:
    """Whether a title was cut to a length: "... for Hong Kong leader...", "... Blooms on the"
    ("Who is X ... have?..." is not: its ellipsis follows a whole sentence)."""
    words = _key(title).split()
    return bool(re.search(r"\w(?:\.\.\.|…)$", title.rstrip())) or bool(words) and words[-1] in _CUT_ENDINGS


@dataclass
class Statement:
    """One distinct title a page states, and which kinds of statement give it."""

    text: str
    kinds: set[str] = field(default_factory=set)
    h1_index: int | None = None
    features: list[float] = field(default_factory=list)


def statements(ld: str | None, social: Sequence[str | None], h1s: Sequence[str], page_title: str | None,
               site: str | None) -> list[Statement]:
    """The page's distinct titles with their features, in the order they were stated."""
    found: dict[str, Statement] = {}

    def add(text: str | None, kind: str, h1_index: int | None = None) -> None:
        if not text or not (key := _key(text)):
            return
        item = found.setdefault(key, Statement(text))
        item.kinds.add(kind)
        if h1_index is not None and item.h1_index is None:
            item.h1_index = h1_index

    add(ld, "json_ld")
    for text in social:
        add(text, "open_graph")
    for i, text in enumerate(h1s):
        add(text, "h1", i)
    add(page_title, "title_element")
    items = list(found.values())
    keys = [_key(s.text) for s in items]
    site_key = _key(site or "")
    for item, key in zip(items, keys, strict=True):
        others = [k for k in keys if k != key]
        words = key.split()
        item.features = [
            float("json_ld" in item.kinds),
            float("open_graph" in item.kinds),
            float("title_element" in item.kinds),
            float("h1" in item.kinds),
            len(item.kinds) / 4,
            float(item.h1_index is not None and len(h1s) == 1),
            float(item.h1_index == 0),
            # "Title" beside "Title in battling win over Tottenham": the common core
            float(len(words) >= 3 and any(o.startswith(key + " ") for o in others)),
            float(any(len(o.split()) >= 3 and key.startswith(o + " ") for o in others)),
            # "Politics | Title", "Kicker: Title", "Premier League Title": something glued before another
            float(any(len(o.split()) >= 3 and key.endswith(" " + o) for o in others)),
            float(looks_cut(item.text)),
            float(bool(site_key) and site_key in key),
            float(bool(re.match(r"^[^|:]{2,30}\s[|]\s", item.text))),
            min(len(words), 30) / 10,
            float(len(words) <= 3),
        ]
    return items


_MODEL = LinearModel(FEATURES, HTML_TITLE_WEIGHTS)
using_weights = _MODEL.using


def score(features: Sequence[float]) -> float:
    """The model's log-odds that a statement is the page's headline."""
    return _MODEL.score(features)


def best(items: Sequence[Statement]) -> Statement | None:
    """The highest-scoring statement (the first stated on a tie), or None when the page states none."""
    if not items:
        return None
    return max(enumerate(items), key=lambda pair: (score(pair[1].features), -pair[0]))[1]
