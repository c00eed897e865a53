"""Snippets: the best passages of a hit, as plain text plus match offsets.

Renderers get ``(text, [(start, end), ...])`` rather than markup, so article
text never passes through a markup parser.

Engine-neutral: the engine says which terms matched (``Ranking.terms``) and
how the body field analyses a word (``Engine.body_term``), so every engine's
snippets look the same. Re-analysing every word of every shown article costs
about 3 ms an article on BBC news (most of a warm query); instead a regular
expression finds the few words that could match, by the first letters of
the matched terms, and only those are analysed, to check that they really
share a term.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

SNIPPET_CHARS = 160
CONTEXT_BEFORE = 50
FRAGMENTS = 2
ELLIPSIS = "…"
MAX_MATCHES = 400
_SPACE = re.compile(r"\s+")


class Highlighter:
    """Finds the words of ``body`` whose analysed form (``term_of``) is one of ``stems``."""

    def __init__(self, term_of: Callable[[str], str | None], stems: Iterable[str]):
        self._term_of = term_of
        stems = set(stems)
        self._stems = stems
        self._stems_seen: dict[str, str | None] = {}  # word -> its stem, for this query's snippets
        prefixes = sorted({re.escape(stem[: max(2, len(stem) - 1)]) for stem in stems if stem}, key=len, reverse=True)
        # Candidates: words starting like a stem (Porter stems are prefixes bar a final letter: happi/happy).
        self._candidates = re.compile(r"\b(?:" + "|".join(prefixes) + r")\w*", re.IGNORECASE) if prefixes else None

    def _stem_of(self, word: str) -> str | None:
        if word not in self._stems_seen:
            self._stems_seen[word] = self._term_of(word)
        return self._stems_seen[word]

    def matches(self, body: str) -> list[tuple[int, int, str]]:
        if self._candidates is None:
            return []
        found = []
        for match in self._candidates.finditer(body):
            stem = self._stem_of(match.group())
            if stem in self._stems:
                found.append((match.start(), match.end(), stem))
                if len(found) >= MAX_MATCHES:
                    break
        return found


def snippet(highlighter: Highlighter, body: str) -> tuple[str, list[tuple[int, int]]]:
    """The best one or two passages of ``body`` with the query words marked."""
    matches = highlighter.matches(body) if body else []
    if not matches:
        return lead(body), []
    windows = _best_windows(matches, len(body))
    text, spans = "", list[tuple[int, int]]()
    for start, end in windows:
        start, end = _word_bounds(body, start, end)
        piece_spans = [(s - start, e - start) for s, e, _ in matches if s >= start and e <= end]
        piece, piece_spans = collapse_spaces(body[start:end], piece_spans)
        if text:
            text += f" {ELLIPSIS} "
        elif start > 0:
            text = f"{ELLIPSIS} "
        spans.extend((s + len(text), e + len(text)) for s, e in piece_spans)
        text += piece
    if windows[-1][1] < len(body.rstrip()):
        text += f" {ELLIPSIS}"
    return text, spans


def _best_windows(matches: list[tuple[int, int, str]], length: int) -> list[tuple[int, int]]:
    """Up to FRAGMENTS windows of SNIPPET_CHARS holding the most distinct query words, in text order."""
    scored = []
    for i, (anchor, _, _) in enumerate(matches):
        start = max(0, anchor - CONTEXT_BEFORE)
        end = min(length, start + SNIPPET_CHARS)
        inside = [m for m in matches[i:] if m[1] <= end]
        scored.append((len({m[2] for m in inside}), len(inside), -start, start, end))
    scored.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for *_, start, end in scored:
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
            if len(chosen) == FRAGMENTS:
                break
    return sorted(chosen)


def _word_bounds(text: str, start: int, end: int, reach: int = 25) -> tuple[int, int]:
    """Widen a window so it neither starts nor ends inside a word."""
    floor = max(0, start - reach)
    while start > floor and not text[start - 1].isspace():
        start -= 1
    ceiling = min(len(text), end + reach)
    while end < ceiling and not text[end].isspace():
        end += 1
    return start, end


def lead(body: str, limit: int = SNIPPET_CHARS) -> str:
    """The opening of the body, cut at a word boundary."""
    text = _SPACE.sub(" ", body[: limit * 2]).strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " " + ELLIPSIS


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
