"""From what the user typed to a Whoosh query plus a filter, and notes.

Date and source clauses become filters (they narrow, never widen: with OR
grouping, ``kyiv date:2024`` would otherwise match every 2024 article).
Fielded clauses (``title:``, ``author:``, ``section:``) are required; the free
words are OR-ed and ranked, so a long natural-language question still
returns the articles that match most of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from whoosh import query as wq

from newsearch.errors import BadQuery
from newsearch.engines.whoosh.names import query_names
from newsearch.engines.whoosh.schema import FIELD_BOOSTS

USER_FIELDS = {"title", "body", "source", "author", "section", "date"}
MAX_QUERY_CHARS = 10_000

_DATE_CLAUSE = re.compile(r"(?<!\S)date:(\[[^\]]*\]|\S*)", re.IGNORECASE)
_SOURCE_CLAUSE = re.compile(r"(?<!\S)source:(\"[^\"]*\"|\S*)", re.IGNORECASE)
_FIELD_PREFIX = re.compile(r"(?<![\w/])([A-Za-z_]\w*):(?!//)")
_EMPTY_FIELD = re.compile(r"(?<![\w/])([A-Za-z_]\w*):(?=\s|$|\))")
_PHRASE = re.compile(r'"[^"]*"')
_NEGATED = re.compile(r"(?:\bNOT\s+|(?<!\S)-)\S+")
_FIELD_CLAUSE = re.compile(r"\w+:(\([^)]*\)|\S+)")
_RANGE = re.compile(r"^\[\s*(.*?)\s+to\s+(.*?)\s*\]$", re.IGNORECASE)


@dataclass
class ParsedQuery:
    query: wq.Query
    sources: wq.Query | None = None  # source filter
    date_span: tuple[datetime | None, datetime | None] | None = None  # half-open [start, end)
    notes: list[str] = field(default_factory=list)
    words: str = ""  # the free-text part, for suggestions


def parse_query(
    schema,
    text: str,
    *,
    since: str | None = None,
    until: str | None = None,
    sources: tuple[str, ...] = (),
    now: datetime | None = None,
) -> ParsedQuery:
    """Parse ``text``; raise BadQuery with a one-line reason when it is malformed.

    ``since`` and ``until`` are dates as the user wrote them ("2024-11",
    "3 days ago"); both ends are inclusive of the period they name.
    """
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    notes: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"query cut to its first {MAX_QUERY_CHARS:,} characters")
    _check_balanced(text)

    start = user_date_span(since, "--since", now)[0] if since else None
    end = user_date_span(until, "--until", now)[1] if until else None
    for clause in _DATE_CLAUSE.findall(text):
        clause_start, clause_end = date_clause_span(clause, now)
        start = max(filter(None, (start, clause_start)), default=None)
        end = min(filter(None, (end, clause_end)), default=None)
    text = _DATE_CLAUSE.sub(" ", text)
    date_span = (start, end) if start or end else None

    names = list(sources) + [c.strip('"') for c in _SOURCE_CLAUSE.findall(text)]
    text = _SOURCE_CLAUSE.sub(" ", text)
    if any(not n.strip() for n in names):
        raise BadQuery("nothing after 'source:' — give a source name, e.g. source:reuters")
    sources_query = source_filter(schema, names) if names else None

    text = _drop_unknown_fields(text, notes)
    empty = _EMPTY_FIELD.search(text)
    if empty:
        raise BadQuery(f"nothing after '{empty.group(1)}:' — give a word or \"phrase\" to look for in it")

    words = text.strip()
    _note_unsearchable(schema, words, notes)
    if not words:
        if date_span is None and sources_query is None:
            raise BadQuery("empty query — give words to search for")
        query: wq.Query = wq.Every()
    else:
        query = _parse_words(schema, words)
        if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
            raise BadQuery(f"nothing to search for in {words!r}")
        query = _prefer_names(query, words)
    return ParsedQuery(query=query, sources=sources_query, date_span=date_span, notes=notes, words=words)


_SYNTAX_MARKS = re.compile(r'["()*?]|(?<!\S)[-+]|\w:')
_OPERATOR_WORDS = re.compile(r"\b(?:AND|OR|NOT)\b")


def has_syntax(words: str) -> bool:
    """Whether the query uses the query language, rather than being plain words.

    AND, OR and NOT are operators, except in a sentence typed all in capitals
    ("BORDER DISPUTE BETWEEN ISRAEL AND SYRIA"), where they are just words.
    """
    if _SYNTAX_MARKS.search(words):
        return True
    shouted = words.upper() == words and len(words.split()) > 3
    return bool(_OPERATOR_WORDS.search(words)) and not shouted


def _parse_words(schema, words: str) -> wq.Query:
    """Plain words go to the ranking module's free-text query; anything with syntax to Whoosh's parser."""
    if not has_syntax(words):
        from newsearch.engines.whoosh.ranking import free_text_query

        return free_text_query(schema, words)
    from whoosh import qparser  # only queries with syntax need the parser

    parser = qparser.MultifieldParser(
        list(FIELD_BOOSTS), schema, fieldboosts=FIELD_BOOSTS, group=qparser.OrGroup.factory(0.9)
    )
    # +word and -word only at the start of a word: "Anglo-Irish" is one word, not "Anglo NOT Irish".
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    parser.remove_plugin_class(qparser.BoostPlugin)  # "^" in pasted text is not a boost
    try:
        query = parser.parse(words, normalize=False)
    except Exception as exc:  # Whoosh raises assorted errors on odd syntax
        raise BadQuery(f"cannot parse query {words!r}: {exc}") from None
    return _require_fielded(query).normalize()


def _require_fielded(query: wq.Query) -> wq.Query:
    """Give the implicit OR of free words the meaning people expect.

    Fielded clauses are required (``title:blinken kyiv`` needs blinken in the
    title), and ``NOT x`` excludes x (with OR grouping, Whoosh would read
    ``blair NOT howard`` as "blair, or anything without howard").
    """
    if not isinstance(query, wq.Or):
        return query
    negative = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
    required = [q for q in query.subqueries if _is_fielded(q)]
    optional = [q for q in query.subqueries if not _is_fielded(q) and not isinstance(q, wq.Not)]
    if required and optional:
        must = required[0] if len(required) == 1 else wq.And(required)
        should = optional[0] if len(optional) == 1 else wq.Or(optional, scale=0.9)
        query = wq.AndMaybe(must, should)
    elif required or optional:
        parts = required or optional
        query = parts[0] if len(parts) == 1 else (wq.And(parts) if required else wq.Or(parts, scale=0.9))
    else:
        query = wq.Every()
    if negative:
        query = wq.AndNot(query, negative[0] if len(negative) == 1 else wq.Or(negative))
    return query


def _is_fielded(query: wq.Query) -> bool:
    """Free words expand to an Or over several fields; ``title:x`` stays one fielded clause."""
    return getattr(query, "fieldname", None) is not None


NAME_BOOST = 1.5


def _prefer_names(query: wq.Query, words: str) -> wq.Query:
    """Rank articles using a capitalised query word as a name above those using it as a word."""
    free = _NEGATED.sub(" ", _FIELD_CLAUSE.sub(" ", _PHRASE.sub(" ", words)))
    names = query_names(free)
    if not names:
        return query
    clauses = [wq.Term("names", name, boost=NAME_BOOST) for name in names]
    return wq.AndMaybe(query, clauses[0] if len(clauses) == 1 else wq.Or(clauses))


def source_filter(schema, names: list[str]) -> wq.Query:
    """Articles whose source name contains any of ``names`` (case-insensitive words)."""
    analyzer = schema["source"].analyzer
    clauses: list[wq.Query] = []
    for name in names:
        tokens = [t.text for t in analyzer(name)]
        if not tokens:
            raise BadQuery(f"cannot use {name!r} as a source name")
        clauses.append(wq.Term("source", tokens[0]) if len(tokens) == 1 else wq.Phrase("source", tokens))
    return clauses[0] if len(clauses) == 1 else wq.Or(clauses)


def user_date_span(value: str, what: str, now: datetime) -> tuple[datetime, datetime]:
    from newsearch.query.dates import parse_user_date

    try:
        return parse_user_date(value.strip().strip("'\""), now)
    except ValueError as exc:
        raise BadQuery(f"{what} {value}: {exc}") from None


def date_clause_span(clause: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """``[A TO B]``, ``>A``, ``>=A``, ``<A``, ``<=A`` or ``A`` -> half-open [start, end)."""
    def span(value: str) -> tuple[datetime, datetime]:
        return user_date_span(value, f"date:{clause} —", now)

    if not clause:
        raise BadQuery("nothing after 'date:' — e.g. date:2024-11, date:>2024-11-01, date:[2024-11-01 TO 2024-11-30]")
    ranged = _RANGE.match(clause)
    if ranged:
        low, high = ranged.groups()
        return (
            None if low in ("", "*") else span(low)[0],
            None if high in ("", "*") else span(high)[1],
        )
    for op in (">=", "<=", ">", "<"):
        if clause.startswith(op):
            first, last = span(clause[len(op) :])
            return {">=": (first, None), ">": (last, None), "<=": (None, last), "<": (None, first)}[op]
    return span(clause)


def _check_balanced(text: str) -> None:
    if text.count('"') % 2:
        raise BadQuery('unbalanced quote (") in query — close the phrase or remove the quote')
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise BadQuery("unbalanced ')' in query")
    if depth:
        raise BadQuery("unbalanced '(' in query")
    if text.count("[") != text.count("]"):
        raise BadQuery("unbalanced '[' in query — ranges look like date:[2024-11-01 TO 2024-11-30]")


_SYNTAX = re.compile(r'^(?:AND|OR|NOT|TO|[-+*?()"\[\]{}<>=^~]+)$')


def _note_unsearchable(schema, words: str, notes: list[str]) -> None:
    """Say which typed words the index cannot search (punctuation, symbols)."""
    analyzer = schema["body"].analyzer
    dropped = [
        chunk
        for chunk in words.split()
        if ":" not in chunk and not _SYNTAX.match(chunk) and not any(True for _ in analyzer(chunk))
    ]
    if dropped:
        notes.append("ignored " + ", ".join(f"'{w}'" for w in dropped[:5]) + " (nothing searchable in it)")


def _drop_unknown_fields(text: str, notes: list[str]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name.lower() in USER_FIELDS:
            return name.lower() + ":"
        note = f"no field '{name}:' — searched '{name}' as a word (fields: title, source, author, section, date)"
        if note not in notes:
            notes.append(note)
        return name + " "

    return _FIELD_PREFIX.sub(replace, text)


MAX_EXPANSION = 256  # words one wildcard may stand for


def bound_query(query: wq.Query, reader, notes: list[str]) -> wq.Query:
    """Keep wildcards cheap on a large index.

    ``a*`` can stand for tens of thousands of words; it is cut to the
    ``MAX_EXPANSION`` most common ones (with a note). A bare ``*`` becomes
    one unscored match-all instead of Whoosh's per-field scans.
    """
    if isinstance(query, wq.Every):
        return wq.Every()
    if isinstance(query, wq.MultiTerm):
        words = list(query._btexts(reader))
        if len(words) <= MAX_EXPANSION:
            return query
        common = sorted(words, key=lambda w: -reader.doc_frequency(query.fieldname, w))[:MAX_EXPANSION]
        note = f"'{query.text}' matches {len(words):,} words; searched the {MAX_EXPANSION} most common"
        if note not in notes:
            notes.append(note)
        field = reader.schema[query.fieldname]
        return wq.Or([wq.Term(query.fieldname, field.from_bytes(w), boost=query.boost) for w in common])
    if query.is_leaf():
        return query
    bounded = query.apply(lambda child: bound_query(child, reader, notes))
    if isinstance(bounded, wq.Or) and all(isinstance(q, wq.Every) for q in bounded.subqueries):
        return wq.Every()
    return bounded
