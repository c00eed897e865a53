"""Request parameters, declared once for the API and the pages (FastAPI turns them into OpenAPI).

The names are the CLI's option names (``source`` repeatable like ``--source``,
``all`` like ``--all``), so a page's query string, its ``/api/...`` twin and
the command line say the same thing. Empty values (what an empty form field
sends) count as not given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Literal

from fastapi import Query

from newsearch.models import SearchOptions

Sort = Literal["relevance", "date", "-date"]
Interval = Literal["auto", "day", "week", "month", "year"]
MAX_LIMIT = 100
MAX_OFFSET = 10_000

QueryText = Annotated[str, Query(description="Words in newsearch's query language, as for `newsearch query`.")]
Since = Annotated[str | None, Query(description="Only articles from this date on: 2024-11-13, 2024-11, 2024, yesterday, '3 days ago'.")]
Until = Annotated[str | None, Query(description="Only articles up to this date (inclusive); same forms as `since`.")]
Sources = Annotated[list[str], Query(alias="source", description="Only articles from these sources (case-insensitive; repeat for several).")]


@dataclass(frozen=True)
class SearchRequest:
    q: str
    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    sort: str = "relevance"
    limit: int = 10
    offset: int = 0
    show_all: bool = False
    facets: tuple[str, ...] = ()

    @property
    def filtered(self) -> bool:
        return bool(self.since or self.until or self.sources)

    def options(self) -> SearchOptions:
        return SearchOptions(
            limit=self.limit,
            offset=self.offset,
            since=self.since,
            until=self.until,
            sources=self.sources,
            sort=self.sort,
            facets=self.facets,
            group_duplicates=not self.show_all,
        )

    def but(self, **changes) -> SearchRequest:
        return replace(self, **changes)


def _given(value: str | None) -> str | None:
    return value if value and value.strip() else None


def search_request(
    q: QueryText = "",
    since: Since = None,
    until: Until = None,
    sources: Sources = [],  # noqa: B006 (FastAPI copies defaults)
    sort: Annotated[Sort, Query(description="relevance, date (oldest first) or -date (newest first).")] = "relevance",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Number of results.")] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many results (paging).")] = 0,
    show_all: Annotated[bool, Query(alias="all", description="List every copy of a story instead of grouping copies.")] = False,
    facet: Annotated[list[Literal["source"]], Query(description="Hit counts per source beside the results.")] = [],  # noqa: B006
) -> SearchRequest:
    return SearchRequest(
        q=q,
        since=_given(since),
        until=_given(until),
        sources=tuple(s for s in sources if s.strip()),
        sort=sort,
        limit=limit,
        offset=offset,
        show_all=show_all,
        facets=tuple(dict.fromkeys(facet)),
    )


@dataclass(frozen=True)
class TimelineRequest:
    queries: tuple[str, ...]
    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    interval: str | None = None  # None: chosen from the span
    normalize: bool = False

    def options(self) -> SearchOptions:
        return SearchOptions(since=self.since, until=self.until, sources=self.sources)


def timeline_request(
    q: QueryText = "",
    since: Since = None,
    until: Until = None,
    sources: Sources = [],  # noqa: B006
    interval: Annotated[Interval, Query(description="Bucket size; auto chooses from the span.")] = "auto",
) -> TimelineRequest:
    """One query's timeline, as ``newsearch timeline``."""
    return _timeline(q=[q], since=since, until=until, sources=sources, interval=interval, normalize=False)


def compare_request(
    q: Annotated[list[str], Query(description="A query; repeat to compare several (empty ones are skipped).")] = [],  # noqa: B006
    since: Since = None,
    until: Until = None,
    sources: Sources = [],  # noqa: B006
    interval: Annotated[Interval, Query(description="Bucket size; auto chooses from the span.")] = "auto",
    normalize: Annotated[bool, Query(description="Divide each bucket by all dated articles of that bucket.")] = False,
) -> TimelineRequest:
    """Several queries' timelines on one axis (the timeline page and ``/api/timeline/compare``)."""
    return _timeline(q=q, since=since, until=until, sources=sources, interval=interval, normalize=normalize)


def _timeline(*, q, since, until, sources, interval, normalize) -> TimelineRequest:
    return TimelineRequest(
        queries=tuple(text for text in q if text.strip()),
        since=_given(since),
        until=_given(until),
        sources=tuple(s for s in sources if s.strip()),
        interval=None if interval == "auto" else interval,
        normalize=normalize,
    )
