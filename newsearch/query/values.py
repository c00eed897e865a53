"""One word, phrase, range or regular expression of a query -> a leaf of the tree, by field.

What a value means depends on the field it is given to: ``Kyiv`` is a word
to search, ``source:reuters`` a source name, ``date:>2024-11`` a span of time,
``lang:de`` a language code, ``author:*`` a field that must be present.
Suffixes are read here too: ``~`` (fuzzy, phrase slop), ``^`` (boost).
Standard library only.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import datetime

from newsearch.errors import BadQuery
from newsearch.query.build import Clause, combine_side_by_side, with_boost
from newsearch.query.dates import comparison_span, range_span
from newsearch.query.lexer import Notes, Token
from newsearch.query.tree import (
    DateRange,
    Exists,
    Fuzzy,
    LanguageIs,
    MatchAll,
    Node,
    Phrase,
    SourceIs,
    Term,
    Wildcard,
)

MAX_EDITS = 2  # as in Lucene: more edits match too many words to be useful
# The field each name in a query stands for, for ``name:*`` (the Article attribute).
EXISTS_FIELD = {"lang": "language"}
_LANGUAGE = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)?")
_REGEX_META = set(".*+?[](){}|^$\\")
_REGEX_PIECE = re.compile(r"\.\*|\.\+|\.|\\([.*+?\[\](){}|^$\\/])|([^.*+?\[\](){}|^$\\])|(.)", re.DOTALL)
_DATE_HINT = 'dates are a day, month or year (2024-11-13, 2024-11, 2024), today, yesterday, or in quotes: date:"3 days ago"'


def auto_edits(word: str) -> int:
    """Edits allowed for ``word~`` without a number: by length, as Elasticsearch's ``AUTO``.

    0 for 1-2 characters, 1 for 3-5, 2 for longer words: one typo in a short
    word already makes another common word ("cat~2" would match "car", "bat", "at").
    """
    length = len(word)
    return 0 if length <= 2 else 1 if length <= 5 else 2


class Leaves:
    """Builds leaves; keeps the notes and the ``now`` that relative dates are read against."""

    def __init__(self, notes: Notes, now: datetime) -> None:
        self.notes = notes
        self.now = now

    # --- words -------------------------------------------------------------------

    def word(self, token: Token, field: str | None, *, name_ok: bool) -> Clause | None:
        text = token.text
        if field in ("source", "date", "lang"):
            return self._filter_value(token, field, text)
        if set(text) <= {"*", "?"}:
            if text != "*":
                self.notes.add(f"'{token.raw}' has no letters; read as '*'")
            node: Node = MatchAll() if field is None else Exists(EXISTS_FIELD.get(field, field))
            if token.boost is not None or token.tilde is not None:
                self.notes.add(f"'{token.raw}': '*' takes no '^' or '~'; ignored")
            return Clause(node)
        free = False
        if token.wildcard:
            if token.tilde is not None:
                self.notes.add(f"'{token.raw}': a word cannot be both a wildcard and fuzzy; searched as the wildcard '{text}'")
            node = Wildcard(text, field=field)
        elif token.tilde is not None:
            node = Fuzzy(text, distance=self._edits(token), field=field)
        else:
            node = Term(text, field=field, capitalised=name_ok and field is None and text[:1].isupper())
            free = field is None and token.boost is None
        return self._boosted(Clause(node, free=free), token)

    def _edits(self, token: Token) -> int:
        typed = token.tilde or ""
        if not typed:
            return auto_edits(token.text)
        if typed.isdigit():
            edits = int(typed)
            if edits > MAX_EDITS:
                self.notes.add(f"'{token.raw}': at most {MAX_EDITS} edits; searched {token.text}~{MAX_EDITS}")
                return MAX_EDITS
            return edits
        edits = auto_edits(token.text)
        self.notes.add(f"'{token.raw}': '~' takes a number of edits (0, 1 or 2); searched {token.text}~{edits}")
        return edits

    def _boosted(self, clause: Clause, token: Token) -> Clause:
        factor = self.boost(token)
        if factor is None:
            return clause
        return Clause(with_boost(clause.node, factor, token.raw, self.notes))

    def boost(self, token: Token) -> float | None:
        """The number after '^', or None (with a note when it is not a number)."""
        if token.boost is None:
            return None
        try:
            factor = float(token.boost)
        except ValueError:
            factor = math.nan
        if not math.isfinite(factor):
            self.notes.add(f"'{token.raw}': '^' takes a number (word^2); ignored")
            return None
        return factor

    # --- phrases -----------------------------------------------------------------

    def phrase(self, token: Token, field: str | None) -> Clause | None:
        if field in ("source", "date", "lang"):
            return self._filter_value(token, field, " ".join(token.text.split()))
        words = self._plain_words(token)
        if not words:
            self.notes.add(f"empty quotes {token.raw} were ignored")
            return None
        slop = self._slop(token, words)
        node: Node = Term(words[0], field=field) if len(words) == 1 else Phrase(words, field=field, slop=slop)
        return self._boosted(Clause(node), token)

    def _plain_words(self, token: Token) -> tuple[str, ...]:
        if not any("*" in w or "?" in w for w in token.words):
            return token.words
        plain = tuple(w for w in (re.sub(r"[*?]", "", w) for w in token.words) if w)
        self.notes.add(f"{token.raw}: wildcards do not work inside quotes; searched \"{' '.join(plain)}\"")
        return plain

    def _slop(self, token: Token, words: tuple[str, ...]) -> int:
        if token.tilde is None:
            return 0
        if len(words) == 1:
            self.notes.add(f"{token.raw}: '~' after one quoted word has no effect; write word~ for a fuzzy word")
            return 0
        if token.tilde.isdigit():
            return int(token.tilde)
        self.notes.add(f'{token.raw}: \'~\' after a phrase takes a number of words ("a b"~5); searched the exact phrase')
        return 0

    # --- filters -----------------------------------------------------------------

    def _filter_value(self, token: Token, field: str, text: str) -> Clause:
        typed = f"{field}:{token.raw}"
        if token.tilde is not None:
            self.notes.add(f"'{typed}': '~' has no meaning on {field}:; ignored")
        if token.boost is not None:
            self.notes.add(f"'{typed}': filters do not change the ranking; the boost was ignored")
        if text == "*":
            return Clause(Exists(EXISTS_FIELD.get(field, field)))
        if field == "date":
            return Clause(self._date(text, typed))
        if any(c in text for c in "*?") and token.kind == "WORD":
            plain = re.sub(r"[*?]", "", text)
            self.notes.add(f"'{typed}': {field}: takes a name, not a pattern; searched {field}:{plain}")
            text = plain
        if not text.strip():
            raise BadQuery(f"nothing to look for in '{typed}'")
        if field == "source":
            return Clause(SourceIs(text))
        return Clause(self._language(text, typed))

    def _date(self, text: str, typed: str) -> DateRange:
        try:
            start, end = comparison_span(text.strip("'"), self.now)
        except ValueError:
            raise BadQuery(f"cannot understand the date in '{typed}' — {_DATE_HINT}") from None
        return DateRange(start, end)

    def _language(self, text: str, typed: str) -> LanguageIs:
        match = _LANGUAGE.fullmatch(text)
        if not match:
            raise BadQuery(f"'{typed}': give a two-letter language code (ISO 639-1), e.g. lang:en")
        code = match.group(1).lower()
        if len(text) > 2:
            self.notes.add(f"'{typed}' searched as lang:{code} (languages are matched by their two-letter code)")
        return LanguageIs(code)

    def range(self, token: Token, field: str) -> Clause | None:
        if field == "date":
            if token.boost is not None or token.tilde is not None:
                self.notes.add(f"'{token.raw}': filters do not change the ranking; '^' and '~' were ignored")
            try:
                start, end = range_span(token.low, token.high, include_low=token.include_low,
                                        include_high=token.include_high, now=self.now)
            except ValueError:
                raise BadQuery(f"cannot understand the dates in '{token.raw}' — {_DATE_HINT}") from None
            return Clause(DateRange(start, end))
        ends = [e for e in (token.low, token.high) if e not in ("", "*")]
        self.notes.add(f"'{token.raw}': ranges work only on date:; searched "
                       + (" and ".join(f"'{e}'" for e in ends) or "nothing") + f" in {field}")
        clauses = [c for e in ends if (c := self.word(Token("WORD", text=e, raw=e), field, name_ok=False))]
        node = combine_side_by_side(clauses, self.notes)
        return Clause(node) if node is not None else None

    # --- regular expressions -------------------------------------------------------

    def regex(self, token: Token, field: str | None, *, name_ok: bool) -> Clause | None:
        """``/pattern/``: not supported; searched as what it means when that can be said exactly
        (a literal word, or a wildcard for ``.`` and ``.*``), else as its longest literal run."""
        pattern = token.text
        if not _REGEX_META & set(pattern):
            return self.word(replace(token, kind="WORD", wildcard=False), field, name_ok=name_ok)
        wildcard = _as_wildcard(pattern.removeprefix("^").removesuffix("$"))
        head = f"'{token.raw}': regular expressions are not supported;"
        if wildcard is not None and re.search(r"\w", wildcard):
            self.notes.add(f"{head} searched as the wildcard '{wildcard}'")
            return self.word(Token("WORD", text=wildcard, raw=token.raw, wildcard=True), field, name_ok=False)
        runs = sorted(re.findall(r"\w+", re.sub(r"\\.", " ", pattern)), key=len, reverse=True)
        if not runs:
            self.notes.add(f"{head} ignored")
            return None
        self.notes.add(f"{head} searched as the word '{runs[0]}'")
        return self.word(Token("WORD", text=runs[0], raw=token.raw), field, name_ok=False)


def _as_wildcard(pattern: str) -> str | None:
    """The wildcard that means exactly what ``pattern`` does, if there is one (``blunk.*`` -> ``blunk*``)."""
    out = []
    for piece in _REGEX_PIECE.finditer(pattern):
        text, escaped, literal, other = piece.group(), piece.group(1), piece.group(2), piece.group(3)
        if other is not None:
            return None
        if escaped is not None or literal is not None:
            char = escaped if escaped is not None else literal
            if char in "*?":
                return None
            out.append(char)
        else:
            out.append({".*": "*", ".+": "?*", ".": "?"}[text])
    return "".join(out)
