"""The query tree: what a query means, whatever engine answers it.

The parser (:mod:`newsearch.query.parser`) turns what the user typed into
these nodes; every engine compiles them into its own query (Whoosh objects,
the OpenSearch DSL) and the reference engine evaluates them by brute force
over article text, which makes it the oracle the others are tested against.
Standard library only.

Words are kept as the user typed them (``Term("O'Neill")``): each engine
analyses a word with the analyzer of the field it searches, as it analysed
the articles, so the tree never depends on how an index tokenises or stems.

Meaning of the nodes (the same in every engine):

- ``field=None`` on a word node: the free-text fields (:data:`FREE_TEXT_FIELDS`);
  the node matches when any of them matches.
- :class:`Bool` matches when every ``must`` and ``filter`` clause matches, no
  ``must_not`` clause matches and, when it has neither ``must`` nor ``filter``
  clauses, at least one ``should`` clause matches. A ``Bool`` of only
  ``must_not`` clauses matches every article the clauses do not. ``should``
  clauses beside ``must``/``filter`` clauses only raise the score.
  ``filter`` clauses and the filter nodes (:class:`SourceIs`,
  :class:`DateRange`, :class:`LanguageIs`, :class:`Exists`,
  :class:`MatchAll`) never add to the score.
- :class:`Phrase` with ``slop`` s: the words in order with at most s other
  words between neighbours (s = 0: adjacent).
- :class:`Near`: the first two clauses at most ``distance`` other words apart,
  in either order, not overlapping; each further clause at most ``distance``
  words from the stretch of text the clauses before it cover (nested
  span-near, as Lucene and Whoosh evaluate it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import datetime

# The fields a word without a field searches, in every engine, with their weights (BM25F).
FREE_TEXT_FIELDS = ("title", "body", "source", "author")
# Fields a user may name before a colon for text search (source:, date:, lang: are filters).
TEXT_FIELDS = frozenset({"title", "body", "author", "section", "source"})


@dataclass(frozen=True)
class Term:
    """One word as typed. ``capitalised``: typed with a capital in a query not all in capitals,
    so engines may prefer articles that use it as a name ("US", "May")."""

    text: str
    field: str | None = None
    boost: float = 1.0
    capitalised: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words in order (``"arrived in Kyiv"``, ``"a b"~5``)."""

    words: tuple[str, ...]
    field: str | None = None
    slop: int = 0
    boost: float = 1.0


@dataclass(frozen=True)
class Wildcard:
    """A pattern of one word: ``*`` any run of characters, ``?`` one character (``elect*``, ``ky?v``).

    Matched against the index's terms for the field; engines bound the number
    of words one pattern stands for (and say so in a note).
    """

    pattern: str
    field: str | None = None
    boost: float = 1.0


@dataclass(frozen=True)
class Fuzzy:
    """A word within ``distance`` edits (``word~``, ``word~1``) of the word's analysed term.

    Edits are Levenshtein's (a letter inserted, deleted or replaced; a swap of
    two letters counts two), and the first letter must match, as in
    Whoosh's fuzzy terms (OpenSearch: ``transpositions: false``, ``prefix_length: 1``).
    """

    text: str
    distance: int = 2
    field: str | None = None
    boost: float = 1.0


@dataclass(frozen=True)
class Near:
    """Words or phrases within ``distance`` words of each other, in any order (``a NEAR/5 b``)."""

    clauses: tuple[Term | Phrase, ...]
    distance: int = 10
    field: str | None = None
    boost: float = 1.0


@dataclass(frozen=True)
class Bool:
    """Boolean structure; see the module docstring for what matches."""

    must: tuple[Node, ...] = ()
    should: tuple[Node, ...] = ()
    must_not: tuple[Node, ...] = ()
    filter: tuple[Node, ...] = ()
    boost: float = 1.0


@dataclass(frozen=True)
class MatchAll:
    """Every article (a query of only filters, or ``*``)."""


@dataclass(frozen=True)
class Exists:
    """Articles with a value in ``field`` (``author:*``)."""

    field: str


@dataclass(frozen=True)
class SourceIs:
    """Articles whose source name contains ``name``'s words in order, case and accents aside
    (``source:reuters`` matches "Reuters" and "Thomson Reuters")."""

    name: str


@dataclass(frozen=True)
class DateRange:
    """Articles dated in the half-open span [start, end) (naive UTC); None leaves that end open.

    Undated articles never match a date range.
    """

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class LanguageIs:
    """Articles in a language (ISO 639-1 code, ``lang:de``)."""

    code: str


Node = Term | Phrase | Wildcard | Fuzzy | Near | Bool | MatchAll | Exists | SourceIs | DateRange | LanguageIs
WORD_NODES = (Term, Phrase, Wildcard, Fuzzy, Near)
FILTER_NODES = (MatchAll, Exists, SourceIs, DateRange, LanguageIs)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Bool):
        return node.must + node.should + node.must_not + node.filter
    if isinstance(node, Near):
        return node.clauses
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children."""
    yield node
    for child in children(node):
        yield from walk(child)


def positive_leaves(node: Node) -> Iterator[Node]:
    """The word nodes that can make an article match or rank (not under a ``must_not``).

    What snippets highlight and suggestions correct.
    """
    if isinstance(node, Bool):
        for child in node.must + node.should + node.filter:
            yield from positive_leaves(child)
    elif isinstance(node, Near):
        yield from node.clauses
    elif isinstance(node, WORD_NODES):
        yield node


def is_filter_only(node: Node) -> bool:
    """Whether the node only narrows (nothing in it is scored)."""
    if isinstance(node, Bool):
        return all(is_filter_only(child) for child in children(node))
    return isinstance(node, FILTER_NODES)


def describe(node: Node) -> str:
    """A compact, readable form for messages and test failures."""
    name = type(node).__name__
    parts = []
    for f in fields(node):
        value = getattr(node, f.name)
        if value == f.default or value == ():
            continue
        if isinstance(value, tuple) and value and not isinstance(value[0], str):
            value = "[" + ", ".join(describe(v) for v in value) + "]"
        elif isinstance(value, datetime):
            value = value.isoformat()
        else:
            value = repr(value)
        parts.append(f"{f.name}={value}")
    return f"{name}({', '.join(parts)})"
