"""The records that flow between the layers. Standard library only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class Article:
    """One news article, as extracted from a file (or one record of a file).

    ``date`` is the page's own wall-clock time, naive (Whoosh drops tzinfo
    without converting), so filters and timelines use the calendar day the
    publisher printed: converting "23:30 -05:00" to UTC would move the story to
    the next day. ``date_text`` is the ISO 8601 form shown to users: a bare day
    ("2024-11-13") when the article gave no time of day, else the local time with
    the page's UTC offset ("2024-11-13T23:30:00-05:00", "Z" for UTC) or with none
    when the page named no zone. The instant is ``date`` minus that offset.
    """

    id: str
    path: str
    title: str = ""
    body: str = ""
    date: datetime | None = None
    date_text: str | None = None
    source: str | None = None
    author: str | None = None
    section: str | None = None
    url: str | None = None
    language: str | None = None
    # Copy signature (ingest.signatures.pack), set by the indexing run; not part of the export form.
    signature: bytes = b""

    def to_dict(self) -> dict:
        """The export form: every extracted field, JSON-ready."""
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "date": self.date_text,
            "source": self.source,
            "author": self.author,
            "section": self.section,
            "url": self.url,
            "language": self.language,
            "body": self.body,
        }


@dataclass
class Skip:
    """A file (or record) that was not indexed, and why."""

    path: str
    reason: str


@dataclass
class Hit:
    """One search result, JSON-ready through :meth:`to_dict`.

    ``snippet`` is plain text; ``highlights`` holds ``(start, end)`` offsets of
    matched words inside it, for renderers that style them.
    """

    rank: int
    score: float
    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    author: str | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    section: str | None = None
    url: str | None = None
    language: str | None = None
    # The article's text, for --fields body (CSV, JSON); not in the default JSON form (it is long).
    body: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("highlights")
        data.pop("body")
        return data


@dataclass
class SearchOptions:
    """How to search, beside the query text: filters, order, paging, grouping."""

    limit: int = 10
    offset: int = 0
    since: str | None = None  # as the user wrote it: "2024-11", "3 days ago"
    until: str | None = None
    sources: tuple[str, ...] = ()
    sort: str = "relevance"  # relevance | date | -date
    facets: tuple[str, ...] = ()
    group_duplicates: bool = True
    undated: str = "exclude"  # what date filters do with undated articles: exclude | include | only


@dataclass
class SearchResult:
    """One page of ranked hits, with what the user should know about the query.

    ``total`` counts results as they are listed (a group of copies is one);
    exact unless ``total_exact`` is False (a long list, grouped only at its
    top: then an upper bound). ``total_articles`` counts the matching articles
    before grouping; ``undated_excluded`` the undated articles that match but
    that a date filter left out.
    """

    query: str
    total: int
    took_ms: float
    hits: list[Hit]
    notes: list[str] = field(default_factory=list)
    suggestion: str | None = None
    facets: dict[str, dict[str, int]] | None = None
    total_articles: int | None = None  # None: the same as total
    undated_excluded: int = 0
    total_exact: bool = True  # False: copies were grouped among the best matches only; total is an upper bound

    def to_dict(self) -> dict:
        data = {
            "query": self.query,
            "total": self.total,
            "total_articles": self.total if self.total_articles is None else self.total_articles,
            "undated_excluded": self.undated_excluded,
            "total_exact": self.total_exact,
            "took_ms": round(self.took_ms, 2),
            "hits": [hit.to_dict() for hit in self.hits],
            "notes": self.notes,
            "suggestion": self.suggestion,
        }
        if self.facets is not None:
            data["facets"] = self.facets
        return data


@dataclass
class FileState:
    """What the index holds of one file: enough to skip it unread when it has not changed."""

    size: int
    mtime_ns: int
    sha1: str
    ids: list[str] = field(default_factory=list)
    source: str | None = None  # the name given with ``index --source``, kept for the file's later runs
    # [where, reason] of each record or file skipped when it was read: said again on every run
    # while the file is unchanged, and retried when it changes.
    skips: list[list[str]] = field(default_factory=list)
    root: bool = False  # a folder given to `newsearch index`: what `newsearch index` with no paths refreshes


@dataclass
class IndexReport:
    """What an indexing run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skip] = field(default_factory=list)
    files: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # how the run went that the user should know
    unsupported: list[str] = field(default_factory=list)  # files of other types in the folders (not read)
    excluded: list[str] = field(default_factory=list)  # files and folders left out by --exclude or .newsearchignore
    paths: list[str] = field(default_factory=list)  # what was indexed (the recorded folders when none was given)

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "files": self.files,
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
            "unsupported": self.unsupported,
            "excluded": self.excluded,
            "paths": self.paths,
        }


@dataclass
class IndexProgress:
    """How far a run is; passed to the ``progress`` callback as work completes."""

    files_done: int = 0
    files_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0  # bytes that have to be read (unchanged files excluded)
    articles: int = 0  # articles indexed so far
    phase: str = "indexing"  # indexing | committing | done


@dataclass
class Stats:
    """What an index holds."""

    articles: int
    sources: dict[str, int]
    first_date: str | None
    last_date: str | None
    undated: int
    index_bytes: int
    last_update: str | None
    path: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Timeline:
    """Matching articles per interval."""

    query: str
    interval: str  # day | week | month | year
    counts: dict[str, int]  # bucket start (ISO date) -> matching articles, gaps filled with 0
    undated: int
    total: int
    notes: list[str] = field(default_factory=list)  # what was changed (an interval too fine for the span)
    undated_excluded: int = 0  # undated articles that match but that a date filter left out

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class TimelineComparison:
    """Several queries' timelines on one set of buckets, optionally as shares of all articles.

    ``timelines`` hold the counts (every one with the same ``interval`` and the
    same bucket keys, gaps filled with 0); ``baseline`` is every dated article
    under the same filters, per bucket, when ``normalized``; ``shares`` then
    holds, per query, matching articles ÷ all articles of each bucket.
    """

    interval: str
    timelines: list[Timeline]
    normalized: bool = False
    baseline: Timeline | None = None
    shares: list[dict[str, float]] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        """The timelines' notes, each named by its query when several are compared."""
        several = len(self.timelines) > 1
        return list(dict.fromkeys(f"{t.query}: {note}" if several else note for t in self.timelines for note in t.notes))

    @property
    def buckets(self) -> list[str]:
        return list(self.timelines[0].counts) if self.timelines else []

    def to_dict(self) -> dict:
        return {
            "interval": self.interval,
            "normalized": self.normalized,
            "notes": self.notes,
            "buckets": self.buckets,
            "timelines": [t.to_dict() for t in self.timelines],
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "shares": self.shares,
        }
