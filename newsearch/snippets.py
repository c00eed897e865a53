"""Snippets: the best passages of a hit, as plain text plus match offsets.

Renderers get ``(text, [(start, end), ...])`` rather than markup, so article
text never passes through a markup parser.
"""

from __future__ import annotations

import re

from whoosh.highlight import ContextFragmenter, Formatter, Highlighter

SNIPPET_CHARS = 220
FRAGMENTS = 2
ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


class _SpanFormatter(Formatter):
    """Returns fragments as (text, spans) pairs instead of a marked-up string."""

    def format(self, fragments, replace=False):  # noqa: ARG002 - Whoosh's signature
        pieces = []
        for fragment in fragments:
            start, end = _word_bounds(fragment.text, fragment.startchar, fragment.endchar)
            spans, last = [], start
            for token in sorted(fragment.matches, key=lambda t: t.startchar):
                if token.startchar is None or token.startchar < last or token.endchar > end:
                    continue
                spans.append((token.startchar - start, token.endchar - start))
                last = token.endchar
            pieces.append((fragment.text[start:end], spans, start == 0, end >= len(fragment.text)))
        return pieces


def _word_bounds(text: str, start: int, end: int, reach: int = 25) -> tuple[int, int]:
    """Widen a fragment so it neither starts nor ends inside a word ("s conflict" -> "Ukraine's conflict")."""
    floor = max(0, start - reach)
    while start > floor and not text[start - 1].isspace():
        start -= 1
    ceiling = min(len(text), end + reach)
    while end < ceiling and not text[end].isspace():
        end += 1
    return start, end


def make_highlighter() -> Highlighter:
    fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    fragmenter.charlimit = None  # by default Whoosh only looks at the first 32K characters
    return Highlighter(fragmenter=fragmenter, formatter=_SpanFormatter())


def snippet_for_hit(highlighter: Highlighter, hit, body: str) -> tuple[str, list[tuple[int, int]]]:
    """The best one or two passages of ``body`` with the query words marked."""
    pieces = highlighter.highlight_hit(hit, "body", text=body, top=FRAGMENTS) if body else []
    if not pieces:
        return lead(body), []
    text, spans = "", []
    for piece, piece_spans, at_start, at_end in pieces:
        piece, piece_spans = collapse_spaces(piece, piece_spans)
        if text:
            text += f" {ELLIPSIS} "
        elif not at_start:
            text = f"{ELLIPSIS} "
        spans.extend((s + len(text), e + len(text)) for s, e in piece_spans)
        text += piece
    if not pieces[-1][3]:
        text += f" {ELLIPSIS}"
    return text, spans


def lead(body: str, limit: int = SNIPPET_CHARS) -> str:
    """The opening of the body, cut at a word boundary."""
    text = _SPACE.sub(" ", body[: limit * 2]).strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


def collapse_spaces(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Fold runs of whitespace (newlines included) to one space, keeping spans aligned."""
    out, new_spans, cursor = "", [], 0
    for start, end in spans:
        out += _SPACE.sub(" ", text[cursor:start])
        match = _SPACE.sub(" ", text[start:end])
        new_spans.append((len(out), len(out) + len(match)))
        out += match
        cursor = end
    out += _SPACE.sub(" ", text[cursor:])
    stripped = out.lstrip()
    shift = len(out) - len(stripped)
    return stripped.rstrip(), [(s - shift, e - shift) for s, e in new_spans]
