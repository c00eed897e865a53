"""'Did you mean …?': corrections drawn from the index's own vocabulary.

The index holds stemmed terms ("ukrain"), which would make poor suggestions,
so a corrected stem is turned back into a real word by finding it in the text
of one article that contains it.
"""

from __future__ import annotations

import re

from whoosh.analysis import LowercaseFilter, RegexTokenizer

from newsearch.analysis import TOKEN_PATTERN

_OPERATORS = {"AND", "OR", "NOT", "TO"}
_WORD = re.compile(r"^[^\W\d_][\w'’-]*$")
FIELDS = ("title", "body")


def suggest(searcher, words: str) -> str | None:
    """The query with unknown or rare words corrected, or None when nothing changed."""
    analyzer = searcher.schema["body"].analyzer
    reader = searcher.reader()
    changed = False
    out = []
    for chunk in words.split():
        core = chunk.strip("\"()+-")
        replacement = None
        if core and core not in _OPERATORS and _WORD.match(core) and len(core) >= 3:
            stems = [t.text for t in analyzer(core)]
            if len(stems) == 1:
                replacement = _correct(reader, analyzer, stems[0])
        if replacement:
            changed = True
            out.append(chunk.replace(core, replacement))
        else:
            out.append(chunk)
    return " ".join(out) if changed else None


def _frequency(reader, stem: str) -> int:
    return sum(reader.doc_frequency(field, stem) for field in FIELDS)


def _correct(reader, analyzer, stem: str) -> str | None:
    known = _frequency(reader, stem)
    if known > 2:
        return None
    best: tuple[int, int, str] | None = None
    for maxdist in (1, 2) if len(stem) >= 5 else (1,):
        for candidate in reader.terms_within("body", stem, maxdist, prefix=1):
            if candidate == stem:
                continue
            freq = _frequency(reader, candidate)
            key = (maxdist, -freq, candidate)
            if best is None or key < best:
                best = key
        if best:
            break
    if best is None or -best[1] < max(3, 10 * known):
        return None
    return _surface_form(reader, analyzer, best[2])


def _surface_form(reader, analyzer, stem: str) -> str | None:
    """A word from the articles that analyses to ``stem`` (stems are not words)."""
    words = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
    for docnum in reader.postings("body", stem).all_ids():
        body = reader.stored_fields(docnum).get("body", "")
        for token in words(body):
            if [t.text for t in analyzer(token.text)] == [stem]:
                return token.text
        break
    return None
