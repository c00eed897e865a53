"""Undated articles and date filters: ``--undated exclude|include|only``.

A date filter cannot say whether an article without a date belongs in its
span, so by default (``exclude``) undated articles are left out — and how many
of them would otherwise have matched is counted, so the user is told rather
than misled (the BBC corpus is entirely undated). ``include`` lets them through
every date filter; ``only`` keeps just them. The rewrite is on the engine-neutral
query tree, so every engine answers it alike.
"""

from __future__ import annotations

from dataclasses import replace

from newsearch.query import tree as t

MODES = ("exclude", "include", "only")
UNDATED = t.Bool(must_not=(t.Exists("date"),))  # articles without a date


def has_date_filter(node: t.Node) -> bool:
    """Whether a date range narrows ``node`` (one under NOT lets undated articles through already)."""
    if isinstance(node, t.DateRange):
        return True
    if isinstance(node, t.Bool):
        return any(has_date_filter(child) for child in node.must + node.should + node.filter)
    return False


def _let_undated_through(node: t.Node) -> t.Node:
    """``node`` with every date range that narrows it widened to "in the range, or undated"."""
    if isinstance(node, t.DateRange):
        return t.Bool(should=(node, UNDATED))
    if isinstance(node, t.Bool):
        return replace(
            node,
            must=tuple(map(_let_undated_through, node.must)),
            should=tuple(map(_let_undated_through, node.should)),
            filter=tuple(map(_let_undated_through, node.filter)),
        )
    return node


def only_undated(node: t.Node) -> t.Node:
    """The undated articles ``node`` would match if its date filters let them through."""
    return t.Bool(must=(_let_undated_through(node),), filter=(UNDATED,))


def apply(node: t.Node, mode: str) -> tuple[t.Node, t.Node | None]:
    """(the tree to search, the tree of the undated articles it leaves out — None when it leaves none out)."""
    if mode not in MODES:
        raise ValueError(f"--undated is one of {', '.join(MODES)}, not {mode!r}")
    if mode == "only":
        return only_undated(node), None
    if not has_date_filter(node):
        return node, None
    if mode == "include":
        return _let_undated_through(node), None
    return node, only_undated(node)


def excluded_note(count: int) -> str:
    noun = "article" if count == 1 else "articles"
    return f"the date filter left out {count:,} undated {noun} that match; --undated include counts them in"
