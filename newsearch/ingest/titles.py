"""Which line of a text scrape is the headline: candidate lines scored by a fitted linear model.

Rules written for the pages someone looked at ("the line above the date",
"not a shouted kicker") do not hold on sites nobody looked at. Instead every
plausible line near the top is described by a few features that mean the same
thing on any site (where it sits, how long it is, its case and punctuation,
whether a byline or date follows it, whether the first paragraph repeats its
words, whether it looks like a menu item or a label), and a logistic model
scores them. The weights are fitted on the developers' pages by
``benchmarks/fit_extraction.py`` and judged there by cross-validation grouped
by site; the product only ships the numbers (``title_weights.py``) and does the
arithmetic here, with no fitting library.

The caller (``extract.py``) classifies the lines (meta, boilerplate, names,
dates): this module only turns those facts into features and scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsearch.ingest.linear import LinearModel
from newsearch.ingest.title_weights import TITLE_WEIGHTS

# The order of the features: the fitting script and the weights follow it.
FEATURES = (
    "position", "candidate_rank", "words", "short", "long", "ends_with_stop", "question",
    "capitalised", "upper", "has_date", "repeated", "stated_twice", "next_meta", "next_long",
    "after_meta_or_label", "date_below", "byline_near", "no_meta_anywhere", "body_overlap",
    "slug_overlap", "person_name", "credit", "label_like", "in_menu", "after_body_start",
    "colon", "function_words", "digits", "joined", "first_candidate", "text_overlap",
    "before_longer_candidate", "after_shorter_candidate", "typical_length", "furniture",
)

_WORDS = re.compile(r"[^\W_]+")
# Function words of the languages in the dev pages: headlines and sentences have them,
# menu items and labels ("AI Platforms & Assistants") rarely do.
_FUNCTION_WORDS = frozenset(
    "the a an of to in on for and or with at by from is are was be as its it that this after over "
    "der die das und in den von zu mit ist im für auf dem des ein eine nicht sich "
    "le la les de des du un une et en est pour dans sur au aux qui "
    "el los las del y en un una por con para es que se "
    "il lo gli di e per che con non una un "
    "het een van en op voor met is te".split()
)


@dataclass
class Line:
    """What the caller knows about one header line."""

    text: str
    meta: bool = False  # a byline, date or attribution line
    date: bool = False  # a date line
    byline: bool = False
    candidate: bool = False  # could be a headline at all (letters, length, not furniture)
    label: bool = False  # section-label shape
    person: bool = False  # only a person's name
    credit: bool = False  # a picture credit
    furniture: bool = False  # names the publisher the way sign-up, app and copyright lines do
    has_date: bool = False  # a date somewhere in it
    words: int = 0
    continues: bool = False  # no blank line before it: the previous line's paragraph goes on


@dataclass
class Candidate:
    index: int  # the header line (the first of two for a joined one)
    text: str
    joined: bool = False
    features: list[float] = field(default_factory=list)


def _content_words(text: str) -> set[str]:
    return {w for w in _WORDS.findall(text.casefold()) if len(w) > 2 and w not in _FUNCTION_WORDS}


def _overlap(words: set[str], other: set[str]) -> float:
    return len(words & other) / len(words) if words else 0.0


def paragraph_words(lines: Sequence[str], limit: int = 40) -> set[str]:
    """Content words of the text's paragraph-length lines (the first ``limit`` of them)."""
    words: set[str] = set()
    taken = 0
    for line in lines:
        if line.count(" ") >= 19:
            words |= _content_words(line)
            taken += 1
            if taken >= limit:
                break
    return words


def _first_paragraph(lines: Sequence[Line], start: int) -> set[str]:
    """Content words of the first paragraph-length line after ``start`` (the lead)."""
    for line in lines[start + 1: start + 16]:
        if line.words >= 20:
            return _content_words(line.text)
    return set()


def _features(lines: Sequence[Line], cand: Candidate, rank: int, context: dict) -> list[float]:
    j, text = cand.index, cand.text
    last = j + 1 if cand.joined else j
    line_words = text.split()
    words = max(len(line_words), lines[j].words)
    nxt = lines[last + 1] if last + 1 < len(lines) else Line("")
    prev = lines[j - 1] if j > 0 else Line("")
    content = _content_words(text)
    below = [k for k in context["dates"] if 0 < k - last <= 4]
    near_byline = [k for k in context["bylines"] if -3 <= k - j <= 4 and k != j]
    capitalised = sum(1 for w in line_words if w[:1].isupper()) / max(len(line_words), 1)
    function = sum(1 for w in line_words if w.casefold() in _FUNCTION_WORDS) / max(len(line_words), 1)
    in_menu = (j > 0 and prev.words <= 3 and not prev.meta) and nxt.words <= 3 and not nxt.meta
    return [
        math.log1p(j),
        math.log1p(rank),
        min(words, 30) / 10,
        float(words <= 3),
        float(words >= 8),
        float(text.rstrip("\"”’')»").endswith(".") and not text.endswith("...")),
        float(text.rstrip("\"”’')»").endswith(("?", "!"))),
        capitalised,
        float(text.isupper()),
        float(lines[j].has_date),
        float(context["counts"][text] > 1),
        float(any(line.text == text for line in lines[max(0, j - 2): j]) or nxt.text == text),
        float(nxt.meta),
        float(nxt.words >= 12),
        float(prev.meta or prev.label),
        float(bool(below)),
        float(bool(near_byline)),
        float(not context["dates"] and not context["bylines"]),
        _overlap(content, _first_paragraph(lines, last)),
        _overlap(content, context["slug_words"]),
        float(lines[j].person),
        float(lines[j].credit),
        float(words <= 5 and capitalised == 1.0 and not re.search(r"[.?!:,]", text)),
        float(in_menu),
        float(context["body_start"] is not None and j > context["body_start"]),
        float(":" in text),
        function,
        sum(c.isdigit() for c in text) / max(len(text), 1),
        float(cand.joined),
        float(rank == 0),
        _overlap(content, context["text_words"]),
        float(nxt.candidate and nxt.words >= 2 * words),
        float(prev.candidate and 2 * prev.words <= words),
        float(5 <= words <= 20),
        float(lines[j].furniture),
    ]


def candidates(lines: Sequence[Line], slug_words: set[str] | None = None,
               text_words: set[str] | None = None) -> list[Candidate]:
    """Every headline candidate of a header, with its features.

    ``slug_words`` are the words of URL slugs the text shows, ``text_words`` the
    content words of the article's paragraphs (see :func:`paragraph_words`).
    """
    context = {
        "text_words": text_words or set(),
        "counts": Counter(line.text for line in lines),
        "dates": [i for i, line in enumerate(lines) if line.date],
        "bylines": [i for i, line in enumerate(lines) if line.byline],
        "slug_words": slug_words or set(),
        "body_start": next((i for i, line in enumerate(lines) if line.words >= 25 and not line.meta), None),
    }
    found: list[Candidate] = []
    for j, line in enumerate(lines):
        if not line.candidate:
            continue
        nxt = lines[j + 1] if j + 1 < len(lines) else Line("")
        after = lines[j + 2] if j + 2 < len(lines) else Line("")
        if not nxt.continues:  # a headline is a block of its own, not the start of a paragraph
            found.append(Candidate(j, line.text))
        # A headline wrapped over two lines: neither half ends a sentence, both are short.
        elif (nxt.candidate and not after.continues and not line.text.endswith((".", "?", "!", ":"))
                and line.words + nxt.words <= 30 and nxt.text[:1].isalnum()):
            found.append(Candidate(j, f"{line.text} {nxt.text}", joined=True))
    for rank, cand in enumerate(found):
        cand.features = _features(lines, cand, rank, context)
    return found


_MODEL = LinearModel(FEATURES, TITLE_WEIGHTS)
using_weights = _MODEL.using


def score(features: Sequence[float], weights: dict[str, float] | None = None) -> float:
    """The model's log-odds that a candidate is the headline."""
    return _MODEL.score(features, weights)


def best(found: Sequence[Candidate]) -> Candidate | None:
    """The highest-scoring candidate (the earliest on a tie), or None when there is none."""
    if not found:
        return None
    return max(found, key=lambda c: (score(c.features), -c.index))
