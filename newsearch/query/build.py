"""Clauses -> :class:`~newsearch.query.tree.Bool` nodes, with the meaning the grammar documents.

Three ways clauses meet, each with its own rule:

- side by side (no operator): free words are OR-ed and ranked (``should``); a
  clause that only searches named fields (``title:``, ``author:``, ``section:``,
  ``body:``) is required (``must``); ``source:``/``date:``/``lang:`` clauses and
  anything else that only narrows are filters. Several ``date:`` clauses
  intersect; several ``source:`` (or ``lang:``) clauses are alternatives, since
  an article has one source and one language.
- ``AND``: every clause required (filters as filters, ``NOT x`` excluded).
- ``OR``: any clause (``NOT x`` as "not x"); filters OR-ed this way widen.

When a level has filters but nothing required, its ranked words become one
required clause, so the filters narrow the words' matches instead of making
the words optional. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from newsearch.query.dates import intersect
from newsearch.query.lexer import Notes
from newsearch.query.tree import (
    FILTER_NODES,
    WORD_NODES,
    Bool,
    DateRange,
    LanguageIs,
    MatchAll,
    Node,
    SourceIs,
    is_filter_only,
)

# Fields whose clauses are required when they stand beside free words (today's behaviour).
REQUIRED_FIELDS = frozenset({"title", "author", "section", "body"})


@dataclass(frozen=True)
class Clause:
    """A parsed piece of query before it is placed in a Bool.

    ``sign``: "+" (required), "-" (excluded) or "". ``free``: a bare word as
    typed, which the function-word rule may leave out. ``parts``: a bracketed
    group of plain words, spliced into the words around it (``(a b) c`` is
    ``a b c``), which keeps the function-word rule and ranking flat.
    """

    node: Node
    sign: str = ""
    free: bool = False
    parts: tuple[Clause, ...] = ()

    def negated(self) -> Clause:
        return Clause(self.node) if self.sign == "-" else Clause(self.node, sign="-")

    def required(self) -> Clause:
        return self if self.sign == "-" else Clause(self.node, sign="+")

    @property
    def plain(self) -> bool:
        """A ranked word clause: no sign, not a filter, not a required field clause."""
        return not self.sign and not is_filter_only(self.node) and not searches_named_fields(self.node)


def word_nodes(node: Node) -> Iterator[Node]:
    """The word nodes in positive positions (a Near counts as one, with its own field)."""
    if isinstance(node, Bool):
        for child in node.must + node.should + node.filter:
            yield from word_nodes(child)
    elif isinstance(node, WORD_NODES):
        yield node


def searches_named_fields(node: Node) -> bool:
    """Whether every word the node can match by is in a required field (``title:(a OR b)``)."""
    found = False
    for leaf in word_nodes(node):
        if getattr(leaf, "field", None) not in REQUIRED_FIELDS:
            return False
        found = True
    return found


def combine_side_by_side(clauses: list[Clause], notes: Notes) -> Node | None:
    """Clauses with no operator between them (the default combination)."""
    must, should, must_not, filters = _sort(clauses, side_by_side=True)
    return make_bool(must, should, must_not, merge_filters(filters, notes, alternatives=True))


def combine_and(clauses: list[Clause], notes: Notes) -> Node | None:
    must, should, must_not, filters = _sort(clauses, side_by_side=False)
    return make_bool(must, should, must_not, merge_filters(filters, notes, alternatives=False))


def _sort(clauses: list[Clause], *, side_by_side: bool) -> tuple[list[Node], list[Node], list[Node], list[Node]]:
    """must, should, must_not and filter clauses; with AND, every clause that is not a filter is a must."""
    must: list[Node] = []
    should: list[Node] = []
    must_not: list[Node] = []
    filters: list[Node] = []
    for clause in clauses:
        if clause.sign == "-":
            must_not.append(clause.node)
        elif is_filter_only(clause.node):
            filters.append(clause.node)
        elif not side_by_side or clause.sign == "+" or searches_named_fields(clause.node):
            must.append(clause.node)
        else:
            should.append(clause.node)
    return must, should, must_not, filters


def combine_or(clauses: list[Clause], notes: Notes) -> Node:
    nodes: list[Node] = []
    for clause in clauses:
        if clause.sign == "-":
            nodes.append(Bool(must_not=(clause.node,)))
        else:
            if clause.sign == "+":
                notes.add("'+' inside OR has no effect (one side of an OR is enough)")
            nodes.append(clause.node)
    return nodes[0] if len(nodes) == 1 else Bool(should=tuple(nodes))


def one_of(nodes: list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else Bool(should=tuple(nodes))


def make_bool(must: list[Node], should: list[Node], must_not: list[Node], filters: list[Node]) -> Node | None:
    """The Bool for these clauses, as small as it can be; None when there are none."""
    narrowing: list[Node] = [f for f in filters if not isinstance(f, MatchAll)]
    if len(narrowing) < len(filters) and (must or narrowing or (must_not and not should)):
        filters = narrowing  # '*' beside anything that narrows adds nothing
    if narrowing and not must and should:
        must, should = [one_of(should)], []
    if not (must or should or must_not or filters):
        return None
    if not must_not and not filters:
        if len(must) == 1 and not should:
            return must[0]
        if len(should) == 1 and not must:
            return should[0]
    if filters == [MatchAll()] and not (must or should or must_not):
        return MatchAll()
    return Bool(must=tuple(must), should=tuple(should), must_not=tuple(must_not), filter=tuple(filters))


def merge_filters(filters: list[Node], notes: Notes, *, alternatives: bool) -> list[Node]:
    """Filters of one level: date ranges intersected into one; with ``alternatives``,
    sources OR-ed into one clause and languages likewise. Each merged clause takes
    the place of the first of its kind."""
    flat: list[tuple[Node, bool]] = []  # (filter, whether it may merge as an alternative)
    for node in filters:
        if isinstance(node, Bool) and node.filter and not (node.must or node.should or node.must_not):
            flat.extend((f, False) for f in node.filter)  # a bracketed group of filters: same level
        else:
            flat.append((node, alternatives))
    groups: dict[type, list[Node]] = {}
    out: list[Node | type] = []
    for node, alternative in flat:
        kind = type(node)
        if kind is DateRange or (alternative and kind in (SourceIs, LanguageIs)):
            if kind not in groups:
                groups[kind] = []
                out.append(kind)
            groups[kind].append(node)
        else:
            out.append(node)
    merged: list[Node] = []
    for item in out:
        if not isinstance(item, type):
            merged.append(item)
        elif item is DateRange:
            merged.append(_intersect_dates(groups[item], notes))  # type: ignore[arg-type]
        else:
            merged.append(one_of(list(dict.fromkeys(groups[item]))))
    return merged


def _intersect_dates(ranges: list[DateRange], notes: Notes) -> DateRange:
    start, end = intersect([(r.start, r.end) for r in ranges])
    if start is not None and end is not None and start >= end:
        notes.add("the date limits leave no time in between; nothing can match")
    return DateRange(start, end)


def narrow(root: Node, flags: list[Node], notes: Notes) -> Node:
    """The root of a query, narrowed by the CLI's filters (``flags``).

    A root of only filters becomes ``Bool(filter=...)``, the form engines
    read as "the documents allowed" rather than as a scored query.
    """
    if not flags:
        merged: Node | None = root
    elif isinstance(root, MatchAll):
        merged = make_bool([], [], [], merge_filters(flags, notes, alternatives=False))
    elif isinstance(root, Bool) and root.boost == 1.0 and (root.filter or not is_filter_only(root)):
        filters = merge_filters([*root.filter, *flags], notes, alternatives=False)
        merged = make_bool(list(root.must), list(root.should), list(root.must_not), filters)
    elif is_filter_only(root):
        merged = make_bool([], [], [], merge_filters([root, *flags], notes, alternatives=False))
    else:
        merged = make_bool([root], [], [], flags)
    assert merged is not None
    if is_filter_only(merged) and not isinstance(merged, MatchAll) and not (
        isinstance(merged, Bool) and merged.filter and not (merged.must or merged.should or merged.must_not)
    ):
        merged = Bool(filter=(merged,))
    return merged


def with_boost(node: Node, factor: float, typed: str, notes: Notes) -> Node:
    """``node`` boosted by ``factor``; filters do not score, so a boost on them is a note."""
    if isinstance(node, FILTER_NODES) or is_filter_only(node):
        notes.add(f"'{typed}': filters do not change the ranking; the boost was ignored")
        return node
    return replace(node, boost=node.boost * factor)
