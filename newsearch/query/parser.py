"""What the user typed -> the engine-neutral query tree (:mod:`newsearch.query.tree`), and notes.

A small recursive-descent parser over the tokens of :mod:`newsearch.query.lexer`
(hand-written rather than a parsing library: every odd input must turn into
a reading and a one-line note, never a syntax error, and it is a few hundred
lines). The grammar, loosest binding first::

    query    := clauses                      side by side: the default combination
    clauses  := or_expr*
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary ("AND" unary)*
    unary    := "NOT" unary | ("+" | "-") near | near
    near     := primary (("NEAR" | "NEAR/n") primary)*
    primary  := "(" clauses ")" ["^" n] | field ":" (primary | range) | phrase | word | /regex/

How clauses combine is :mod:`newsearch.query.build`; what a word, phrase or
range means in each field is :mod:`newsearch.query.values`. The syntax users
see is :mod:`newsearch.query.syntax` and the README's "Queries" section.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsearch.errors import BadQuery
from newsearch.query.build import (
    Clause,
    combine_and,
    combine_or,
    combine_side_by_side,
    narrow,
    one_of,
    with_boost,
    word_nodes,
)
from newsearch.query.dates import parse_user_date
from newsearch.query.lexer import DEFAULT_NEAR, Notes, Token, lex, restore
from newsearch.query.tree import (
    DateRange,
    Fuzzy,
    MatchAll,
    Near,
    Node,
    Phrase,
    SourceIs,
    Term,
)
from newsearch.query.values import Leaves
from newsearch.query.words import is_function_word, mostly_upper

MAX_QUERY_CHARS = 10_000
MAX_DEPTH = 50  # brackets inside brackets
SUGGESTED_FIELDS = (None, "title", "body")  # the fields whose words "did you mean" may correct

_PRIMARY_START = frozenset({"WORD", "PHRASE", "REGEX", "LPAREN", "FIELD", "NEARFIELD"})
_UNARY_START = _PRIMARY_START | {"NOT", "PLUS", "MINUS"}


@dataclass
class ParsedQuery:
    """The tree, what the user should be told about it, and the words "did you mean" may correct."""

    tree: Node
    notes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def parse_query(
    text: str,
    since: str | None = None,
    until: str | None = None,
    sources: tuple[str, ...] | list[str] = (),
    now: datetime | None = None,
) -> ParsedQuery:
    """Parse ``text`` with the CLI's filters (``--since``/``--until``: dates as users write them,
    each end including the period it names; ``--source``: any of these sources).

    Raises BadQuery (one line) only for query-language mistakes and unreadable
    dates; everything else that was changed or left out is a note.
    """
    try:
        return _parse(text, since, until, tuple(sources), now)
    except BadQuery as exc:
        raise BadQuery(one_line(str(exc))) from None


def _parse(text: str, since: str | None, until: str | None, sources: tuple[str, ...],
           now: datetime | None) -> ParsedQuery:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    notes = Notes()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.add(f"query cut to its first {MAX_QUERY_CHARS:,} characters")
    flags = _flag_filters(since, until, sources, now, notes)
    tokens, lexed = lex(text, notes)
    parser = _Parser(tokens, lexed, Leaves(notes, now), notes)
    clauses = drop_function_words(parser.clauses_until_end(), notes)
    root = combine_side_by_side(clauses, notes)
    if root is None:
        if not flags:
            raise BadQuery(_nothing_to_search(text, tokens))
        root = MatchAll()
    root = narrow(root, flags, notes)
    shown = list(dict.fromkeys(one_line(note) for note in notes))
    return ParsedQuery(tree=root, notes=shown, words=suggestable_words(root))


def one_line(message: str, limit: int = 300) -> str:
    """A note or error as one printable line: what the user typed is echoed in them, and may hold
    line breaks or control characters; a long one is cut."""
    line = " ".join("".join(c if c.isprintable() else " " for c in message).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class _Parser:
    def __init__(self, tokens: list[Token], text: str, leaves: Leaves, notes: Notes) -> None:
        self.tokens = tokens
        self.text = text
        self.leaves = leaves
        self.notes = notes
        self.at = 0
        self.depth = 0
        self.negative = 0  # inside NOT / '-': words there are not names to prefer
        words = [t.text for t in tokens if t.kind == "WORD"]
        capitalised = [w for w in words if w[:1].isupper()]
        self.names_ok = not (len(capitalised) > 1 and mostly_upper(" ".join(words)))

    # --- token stream ----------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self.tokens[self.at].kind if self.at < len(self.tokens) else "END"

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def typed(self, first: int, last: int) -> str:
        """What tokens ``first`` to ``last`` were typed as (for notes)."""
        return restore(self.text[self.tokens[first].start : self.tokens[last].end])

    def dangling(self, operator: Token) -> None:
        self.notes.add(f"'{operator.raw}' with nothing to join on one side was ignored")

    # --- grammar ----------------------------------------------------------------------

    def clauses_until_end(self) -> list[Clause]:
        clauses = self.clauses(None)
        assert self.kind == "END", self.kind
        return clauses

    def clauses(self, field: str | None) -> list[Clause]:
        """Clauses side by side, up to a closing bracket or the end; plain-word groups spliced in."""
        out: list[Clause] = []
        while self.kind not in ("END", "RPAREN"):
            if self.kind in ("AND", "OR", "NEAR", "RANGE"):
                self.dangling(self.take())
                continue
            before = self.at
            clause = self.or_expr(field)
            if clause is None:
                if self.at == before:
                    self.dangling(self.take())
                continue
            if clause.parts and not clause.sign:
                out.extend(clause.parts)
            else:
                out.append(clause)
        return out

    def or_expr(self, field: str | None) -> Clause | None:
        return self._joined(field, "OR", self.and_expr, combine_or)

    def and_expr(self, field: str | None) -> Clause | None:
        return self._joined(field, "AND", self.unary, combine_and)

    def _joined(self, field: str | None, kind: str, operand: Callable[[str | None], Clause | None],
                combine: Callable[[list[Clause], Notes], Node | None]) -> Clause | None:
        """Operands joined by one binary operator (``kind``): a AND b AND c."""
        clauses = [c for c in [operand(field)] if c]
        while self.kind == kind:
            operator = self.take()
            if self.kind not in _UNARY_START or not clauses:
                self.dangling(operator)
            right = operand(field) if self.kind in _UNARY_START else None
            if right:
                clauses.append(right)
        if len(clauses) <= 1:
            return clauses[0] if clauses else None
        node = combine(clauses, self.notes)
        return Clause(node) if node is not None else None

    def unary(self, field: str | None) -> Clause | None:
        if self.kind not in _UNARY_START:
            if self.kind not in ("END", "RPAREN", "OR", "AND"):
                self.dangling(self.take())  # NEAR or a stray range with nothing before it
            return None
        nots = 0
        last = ""
        while self.kind == "NOT":
            last = self.take().raw
            nots += 1
        sign = ""
        if self.kind in ("PLUS", "MINUS"):
            last = self.take().raw
            sign = self.tokens[self.at - 1].kind
        if self.kind not in _PRIMARY_START:
            self.notes.add(f"'{last}' with nothing after it was ignored")
            return None
        negative = nots % 2 == 1 or sign == "MINUS"
        self.negative += negative
        try:
            clause = self.near(field)
        finally:
            self.negative -= negative
        if clause is None:
            return None
        if sign == "PLUS":
            clause = clause.required()
        elif sign == "MINUS":
            clause = clause.negated()
        for _ in range(nots % 2):
            clause = clause.negated()
        return clause

    def near(self, field: str | None) -> Clause | None:
        begin = self.at
        first = self.primary(field)
        if self.kind != "NEAR":
            return first
        operands = [first]
        distances: list[int] = []
        while self.kind == "NEAR":
            operator = self.take()
            if self.kind not in _PRIMARY_START:
                self.dangling(operator)
                break
            distances.append(operator.number if operator.number is not None else DEFAULT_NEAR)
            operands.append(self.primary(field))
        present = [c for c in operands if c is not None]
        if len(present) < 2:
            return present[0] if present else None
        return self._near_clause(present, distances, self.typed(begin, self.at - 1))

    def _near_clause(self, operands: list[Clause], distances: list[int], typed: str) -> Clause | None:
        nodes = [c.node for c in operands]
        fields = {getattr(n, "field", "?") for n in nodes}
        if any(c.sign or not isinstance(c.node, Term | Phrase) for c in operands) or len(fields) != 1:
            self.notes.add(f"'{typed}': NEAR joins words or \"phrases\" of one field; searched with AND")
            node = combine_and(operands, self.notes)
            return Clause(node) if node is not None else None
        if any(n.boost != 1.0 for n in nodes):  # type: ignore[union-attr]
            self.notes.add(f"'{typed}': boosts inside NEAR were ignored")
        distance = max(distances)
        if len(set(distances)) > 1:
            self.notes.add(f"'{typed}': one distance per NEAR chain; used the largest, {distance}")
        clauses = tuple(Term(n.text) if isinstance(n, Term) else Phrase(n.words, slop=n.slop)  # type: ignore[union-attr]
                        for n in nodes)
        return Clause(Near(clauses, distance=distance, field=fields.pop()))

    def primary(self, field: str | None) -> Clause | None:
        kind = self.kind
        if kind == "LPAREN":
            return self.group(field)
        if kind == "FIELD":
            token = self.take()
            if self.kind == "LPAREN":
                return self.group(token.text)
            if self.kind == "RANGE":
                return self.leaves.range(self.take(), token.text)
            if self.kind not in ("WORD", "PHRASE", "REGEX"):
                raise BadQuery(f"nothing after '{token.raw}' — give a word or \"phrase\" to look for in it")
            return self.primary(token.text)
        if kind == "NEARFIELD":
            return self.gdelt_near(field)
        token = self.take()
        name_ok = self.names_ok and not self.negative
        if kind == "WORD":
            return self.leaves.word(token, field, name_ok=name_ok)
        if kind == "PHRASE":
            return self.leaves.phrase(token, field)
        return self.leaves.regex(token, field, name_ok=name_ok)

    def group(self, field: str | None) -> Clause | None:
        self.take()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BadQuery(f"brackets nested more than {MAX_DEPTH} deep")
        inner = self.clauses(field)
        self.depth -= 1
        close = self.take()
        assert close.kind == "RPAREN"
        if not inner:
            self.notes.add("empty brackets '()' were ignored")
            return None
        if close.tilde is not None:
            self.notes.add("'~' after brackets has no meaning; ignored")
        if len(inner) == 1:
            clause = inner[0]
        else:
            node = combine_side_by_side(inner, self.notes)
            assert node is not None
            clause = Clause(node, parts=tuple(inner) if all(c.plain for c in inner) else ())
        factor = self.leaves.boost(close)
        if factor is None:
            return clause
        return Clause(with_boost(clause.node, factor, "(…)" + close.raw, self.notes), sign=clause.sign)

    def gdelt_near(self, field: str | None) -> Clause | None:
        """GDELT's ``near20:"trump putin"``: the phrase's words within 20 words of each other."""
        token = self.take()
        if self.kind != "PHRASE":
            self.notes.add(f"'{token.raw}' needs \"words\" in quotes after it; ignored")
            return None
        words = self.take().words
        if len(words) < 2:
            self.notes.add(f"'{token.raw}' needs two or more words in its quotes; searched them as words")
            return Clause(Term(words[0], field=field)) if words else None
        assert token.number is not None
        return Clause(Near(tuple(Term(w) for w in words), distance=token.number, field=field))


def drop_function_words(clauses: list[Clause], notes: Notes) -> list[Clause]:
    """Leave out the function words among the free words, when other words remain (with a note).

    Only bare words side by side at the top of the query (or in plain
    brackets): never inside quotes, fields, or explicit AND/OR/NOT.
    """
    free = [c for c in clauses if c.free]
    if not free:
        return clauses
    texts = [c.node.text for c in free]  # type: ignore[union-attr]
    shouting = " ".join(texts).upper() == " ".join(texts)
    dropped = [c for c, text in zip(free, texts) if is_function_word(text, shouting=shouting)]
    gone = {id(c) for c in dropped}
    kept = [c for c in clauses if id(c) not in gone]
    if not dropped or not any(c.sign != "-" and any(word_nodes(c.node)) for c in kept):
        return clauses
    listed = dict.fromkeys(c.node.text.lower() for c in dropped)  # type: ignore[union-attr]
    notes.add(f"common words not searched: {', '.join(listed)} — quote them to search for them")
    return kept


def suggestable_words(node: Node) -> list[str]:
    """The words typed in positive positions of the free-text fields (Term and Fuzzy texts), once each."""
    found: dict[str, None] = {}
    for leaf in word_nodes(node):
        if isinstance(leaf, Near) and leaf.field in SUGGESTED_FIELDS:
            found.update((c.text, None) for c in leaf.clauses if isinstance(c, Term))
        elif isinstance(leaf, Term | Fuzzy) and leaf.field in SUGGESTED_FIELDS:
            found.setdefault(leaf.text)
    return list(found)


def _flag_filters(since: str | None, until: str | None, sources: tuple[str, ...], now: datetime,
                  notes: Notes) -> list[Node]:
    flags: list[Node] = []
    if since or until:
        start = _flag_date(since, "--since", now)[0] if since else None
        end = _flag_date(until, "--until", now)[1] if until else None
        if start is not None and end is not None and start >= end:
            notes.add("--since is after --until; nothing can match")
        flags.append(DateRange(start, end))
    if sources:
        names = [name.strip() for name in sources]
        if not all(names):
            raise BadQuery("--source needs a source name, e.g. --source reuters")
        flags.append(one_of([SourceIs(name) for name in dict.fromkeys(names)]))
    return flags


def _flag_date(value: str, option: str, now: datetime) -> tuple[datetime, datetime]:
    try:
        return parse_user_date(value.strip().strip("'\""), now)
    except ValueError as exc:
        raise BadQuery(f"{option} {value}: {exc}") from None


def _nothing_to_search(text: str, tokens: list[Token]) -> str:
    if not text.strip():
        return "empty query — give words to search for"
    shown = " ".join(text.split())[:60]
    if tokens and all(t.kind in ("AND", "OR", "NOT", "NEAR", "PLUS", "MINUS") for t in tokens):
        return f"'{shown}' is only operators — give words to search for"
    return f"nothing to search for in '{shown}'"
