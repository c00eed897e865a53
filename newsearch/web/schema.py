"""The JSON the API returns, described for OpenAPI: the CLI's ``--json`` schema (README, "JSON output").

These models only document (Stats and Timeline are the library's own records): routes return the library's ``to_dict()`` as it
is, so the API cannot drift from the CLI; the schemathesis test checks that
every answer matches these descriptions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from newsearch import models


class Copy(BaseModel):
    id: str
    path: str
    source: str | None


class Hit(BaseModel):
    rank: int = Field(description="1-based position in the full result list")
    score: float = Field(description="relevance score (higher is better)")
    id: str
    path: str = Field(description="absolute path of the file the article came from")
    title: str
    date: str | None = Field(description="ISO 8601 publication date")
    source: str | None
    author: str | None
    snippet: str = Field(description="plain text around the matched words")
    duplicates: list[Copy] = Field(description="other copies of the same story grouped under this hit")
    section: str | None = None
    url: str | None = None
    language: str | None = None


class SearchResult(BaseModel):
    query: str
    total: int = Field(description="number of results as listed (a group of copies is one)")
    total_articles: int = Field(description="matching articles before copies are grouped")
    undated_excluded: int = Field(description="undated articles that match but that a date filter left out")
    total_exact: bool = Field(description="false when copies were grouped among the best matches only: total is then an upper bound")
    took_ms: float
    hits: list[Hit]
    notes: list[str] = Field(description="parts of the query that were not understood or were changed")
    suggestion: str | None = Field(description="a corrected query when this one found little")
    facets: dict[str, dict[str, int]] | None = Field(default=None, description="present when asked for")


class Article(BaseModel):
    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    author: str | None
    section: str | None
    url: str | None
    language: str | None
    body: str


# Stats and Timeline print their dataclass fields as they are (``to_dict`` is ``__dict__``): described by the records themselves.
Stats = models.Stats
Timeline = models.Timeline


class TimelineComparison(BaseModel):
    interval: Literal["day", "week", "month", "year"]
    normalized: bool
    buckets: list[str]
    timelines: list[Timeline] = Field(description="one per query, all on `buckets`")
    baseline: Timeline | None = Field(description="all dated articles per bucket (when normalized)")
    shares: list[dict[str, float]] = Field(description="per query, matches / all articles of each bucket (when normalized)")


class Error(BaseModel):
    error: str = Field(description="what was wrong, in one line")
    status: int
