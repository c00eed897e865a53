"""Exploring an archive beyond one ranked list: similar articles, stats, timelines. Engine-neutral."""

from __future__ import annotations

import os
import time
from datetime import datetime

from newsearch import buckets
from newsearch.deadline import Deadline
from newsearch.errors import ArticleNotFound
from newsearch.models import SearchOptions, SearchResult, Stats, Timeline
from newsearch.search.cache import engine_for
from newsearch.search.undated import excluded_note as undated_note


def similar(index: str | os.PathLike, article_id: str, limit: int = 10) -> SearchResult:
    """Articles most like one article (its identical copies left out)."""
    from newsearch.search.service import make_hits

    started = time.perf_counter()
    engine = engine_for(index)
    deadline = Deadline()
    try:
        ranking = engine.similar(article_id, limit=limit, deadline=deadline)
    except LookupError:
        raise ArticleNotFound(f"no article with id {article_id!r} in the index") from None
    hits = make_hits(engine, ranking, [[i] for i in range(len(ranking.hits))], 0)
    return SearchResult(
        query=f"similar to {article_id}",
        total=ranking.total if ranking.total is not None else len(hits),
        took_ms=(time.perf_counter() - started) * 1000,
        hits=hits,
        notes=ranking.notes + deadline.notes,
    )


def stats(index: str | os.PathLike) -> Stats:
    """Articles, sources with counts, date range, size and last update of the index."""
    return engine_for(index).stats()


def timeline(index: str | os.PathLike, text: str, options: SearchOptions | None = None,
             interval: str | None = None, *, now: datetime | None = None) -> Timeline:
    """How many matching articles per day, week, month or year (chosen from the span)."""
    from newsearch.search.service import parse_for

    options = options or SearchOptions()
    parsed, tree, left_out = parse_for(text, options, now)
    engine = engine_for(index)
    deadline = Deadline()
    counts = engine.dates(tree, interval=interval, deadline=deadline)
    notes = list(parsed.notes)
    if counts.counts:
        first, last = min(counts.counts), max(counts.counts)
        fitting = buckets.fitting_interval(first, last, counts.interval)
        if fitting != counts.interval:  # never cut silently: fewer, wider buckets, said
            needed = buckets.count_between(first, last, counts.interval)
            notes.append(f"{needed:,} {counts.interval}s from {first} to {last} are more than"
                         f" {buckets.MAX_BUCKETS:,} buckets: counted by {fitting}")
            counts = engine.dates(tree, interval=fitting, deadline=deadline)
    excluded = engine.count(left_out, deadline=deadline) if left_out is not None else 0
    if excluded:
        notes.append(undated_note(excluded))
    return Timeline(
        query=text,
        interval=counts.interval,
        counts=buckets.fill_gaps(counts.counts, counts.interval),
        undated=counts.undated,
        total=counts.total,
        notes=list(dict.fromkeys(notes + deadline.notes)),
        undated_excluded=excluded,
    )
