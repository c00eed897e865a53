"""The engine seam: what the rest of newsearch asks of a search engine.

Everything above this line (the indexing run, the search service, the web
app, the CLI) talks to an :class:`Engine`; everything engine-specific (Whoosh
segments, an OpenSearch cluster) lives below it, in ``engines/<name>/``.
What crosses the seam is engine-neutral: article ids (never document
numbers), :class:`~newsearch.models.Article` records, copy signatures
(``ingest.signatures.pack``), query trees (:mod:`newsearch.query.tree`) and
one :class:`~newsearch.deadline.Deadline` per request.

Standard library only. The contract every engine must meet is tested by
``tests/test_engine_contract.py``, which runs the same tests on each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from newsearch.deadline import Deadline
from newsearch.models import Article, FileState, Stats
from newsearch.query.tree import Node

SORTS = ("relevance", "date", "-date")  # -date: newest first; undated articles last either way


@dataclass
class Ranked:
    """One matching article in rank order."""

    id: str
    score: float
    signature: bytes = b""  # copy signature (ingest.signatures.pack); b"" when it has none


@dataclass
class Ranking:
    """The top of a ranked list.

    ``complete``: ``hits`` holds every match, so ``len(hits)`` is their number.
    ``total``: the number of matching articles, when asked for (``count=True``).
    ``terms``: the analysed words that matched, for snippets (wildcards and
    fuzzy words expanded to the words they stood for).
    """

    hits: list[Ranked]
    complete: bool
    total: int | None = None
    terms: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)


@dataclass
class DateCounts:
    """Matching articles per time bucket (``newsearch.buckets``), plus the undated ones."""

    interval: str
    counts: dict[str, int]  # bucket key -> articles; only buckets with articles
    undated: int
    total: int


@dataclass
class Health:
    """What a check of an index's files found (``newsearch check``)."""

    problems: list[str]  # one line each; empty: nothing damaged
    articles: int | None = None  # as the index's own records count them
    files: int | None = None  # files indexed
    sources: list[str] = field(default_factory=list)  # the files it was built from: what a repair re-reads


@runtime_checkable
class ArticleSink(Protocol):
    """Takes the articles of an indexing run, in this process or in a worker process."""

    def add(self, article: Article) -> None:
        """Add one article (``article.signature`` set); an id added twice in one run keeps the last."""

    def check(self) -> None:
        """Write out what is held in memory when over budget (between files)."""

    def finish(self) -> list:
        """Close the sink; returns picklable parts for :meth:`EngineWriter.commit`."""

    def cancel(self) -> None:
        """Drop everything not yet finished."""


@runtime_checkable
class EngineWriter(Protocol):
    """The one writer of an index, holding its write lock until :meth:`close`.

    Nothing is visible to readers before :meth:`commit`; a commit makes the
    added parts, the deletions since the last commit and the new manifest
    visible together, so a run killed at any point leaves the last commit.

    A ``rebuild`` writer may fill a new index beside the old one, which
    readers keep seeing until :meth:`close` after a clean :meth:`commit`
    (no :meth:`cancel` since): then the new one replaces it.
    """

    fresh: bool  # the index held nothing when the writer opened: no deletes needed
    notes: list[str]  # what the user should know about how this run writes (said once per run)

    def manifest(self) -> dict[str, FileState]:
        """The files the index holds articles of, and the folders given to runs (``FileState.root``,
        what ``newsearch index`` with no paths refreshes), as of the last commit; kept as given."""

    def sink(self) -> ArticleSink:
        """A sink in this process."""

    def sink_factory(self) -> Callable[[], ArticleSink] | None:
        """A picklable callable that opens a sink in a worker process; None: articles only in this process."""

    def delete_path(self, path: str) -> None:
        """Remove the committed articles of a file (at the next commit)."""

    def commit(self, parts: list, manifest: dict[str, FileState]) -> None:
        """Make ``parts`` (from sinks' ``finish``), the deletions and ``manifest`` visible at once."""

    def cancel(self) -> None:
        """Forget everything since the last commit."""

    def close(self) -> None:
        """Release the write lock (after commit or cancel)."""


@runtime_checkable
class Engine(Protocol):
    """One index, for reading (and, through :meth:`open_writer`, writing)."""

    location: str  # the folder or URL, as the user gave it

    @property
    def folder(self) -> Path | None:
        """The local folder the index lives in (never indexed as articles); None for a server."""

    def rank(self, query: Node, *, sort: str = "relevance", depth: int = 10, count: bool = False,
             deadline: Deadline) -> Ranking:
        """The top ``depth`` matches of ``query`` in ``sort`` order (SORTS)."""

    def count(self, query: Node, *, deadline: Deadline) -> int:
        """How many articles match ``query``."""

    def articles(self, ids: Sequence[str]) -> list[Article | None]:
        """The stored articles for ``ids``, in order; None for an id the index does not hold."""

    def find(self, id_or_path: str) -> Article | None:
        """One article by id, or by the path of a file that holds one article."""

    def iter_articles(self) -> Iterator[Article]:
        """Every article, in index order."""

    def facets(self, query: Node, names: Sequence[str], *, deadline: Deadline) -> dict[str, dict[str, int]]:
        """Match counts per value of each facet ("source"), most first, over every match."""

    def dates(self, query: Node, *, interval: str | None, deadline: Deadline) -> DateCounts:
        """Matches per day/week/month/year; ``interval`` None: chosen from the matches' span."""

    def suggest(self, words: Sequence[str], *, few_hits: bool, deadline: Deadline) -> dict[str, str]:
        """Corrections for words the index does not know ({typed: suggested})."""

    def similar(self, article_id: str, *, limit: int, deadline: Deadline) -> Ranking:
        """Articles most like one article, its identical copies left out."""

    def body_term(self, word: str) -> str | None:
        """The term the body field makes of one word (for snippets), or None."""

    def stats(self) -> Stats:
        """What the index holds."""

    def open_writer(self, *, rebuild: bool = False, wait: float = 60.0,
                    on_wait: Callable[[], None] | None = None) -> EngineWriter:
        """The index's writer; waits up to ``wait`` s for another run (IndexLocked after)."""

    def close(self) -> None:
        """Free what the engine holds (files, connections)."""


@runtime_checkable
class Checkable(Protocol):
    """An engine whose files newsearch can check and mend (``newsearch check``); optional."""

    def verify(self) -> Health:
        """Check the index's files against what was written (checksums, sizes, presence)."""

    def restore(self) -> str | None:
        """Mend damage that needs no re-reading of articles (say, a lost pointer to intact data):
        what was done, or None when that cannot help."""
