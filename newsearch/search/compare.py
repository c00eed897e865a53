"""Several timelines on one time axis, and timelines as shares of all articles.

A count per month says little on its own when the archive itself holds ten
times more articles in March than in May: normalising divides each bucket by
every dated article of that bucket (under the same filters). Comparing
queries needs them on the same buckets. Both are built from
:func:`newsearch.search.timeline` alone, so they work on every engine; the
web app's timeline page and the CLI's ``timeline`` use this one function.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from newsearch.errors import BadQuery
from newsearch.models import SearchOptions, Timeline, TimelineComparison

INTERVALS = ("day", "week", "month", "year")  # finest first
MAX_BUCKETS = 400  # a common axis longer than this is coarsened (a chart cannot show more)
MAX_QUERIES = 8
EARLIEST = "0001"  # --since for "every dated article": an empty query needs a filter
_DAYS_PER = {"day": 1.0, "week": 7.0, "month": 30.44, "year": 365.25}


def compare_timelines(
    index_dir: str | os.PathLike,
    queries: Sequence[str],
    options: SearchOptions | None = None,
    interval: str | None = None,
    normalize: bool = False,
) -> TimelineComparison:
    """Timelines of ``queries`` on common buckets; with ``normalize``, also as shares of all articles.

    Without ``interval`` each query's own choice is made first and the
    coarsest of them is used for all (coarser still when the queries together
    span more than MAX_BUCKETS), so no query is cut into buckets finer than
    its own span calls for.
    """
    from newsearch.search import timeline

    if not queries:
        raise BadQuery("give at least one query to chart")
    if len(queries) > MAX_QUERIES:
        raise BadQuery(f"at most {MAX_QUERIES} queries can be compared at once")
    options = options or SearchOptions()
    timelines = [timeline(index_dir, text, options, interval=interval) for text in queries]
    # Without an interval: the coarsest each query chose; with one, the coarsest a long span forced (said in its notes).
    interval = common_interval(timelines) if interval is None else max((t.interval for t in timelines), key=INTERVALS.index)
    timelines = [t if t.interval == interval else timeline(index_dir, t.query, options, interval=interval) for t in timelines]
    keys = common_buckets(timelines, interval)
    aligned = [replace(t, counts={key: t.counts.get(key, 0) for key in keys}) for t in timelines]
    if not normalize:
        return TimelineComparison(interval=interval, timelines=aligned)
    every = timeline(index_dir, "", replace(options, since=options.since or EARLIEST), interval=interval)
    base = {key: every.counts.get(key, 0) for key in keys}
    shares = [{key: (t.counts[key] / base[key] if base[key] else 0.0) for key in keys} for t in aligned]
    return TimelineComparison(
        interval=interval, timelines=aligned, normalized=True, baseline=replace(every, counts=base), shares=shares
    )


def common_interval(timelines: Sequence[Timeline]) -> str:
    """The coarsest interval the timelines chose, coarsened until their joint span fits MAX_BUCKETS."""
    charted = [t for t in timelines if t.counts]
    if not charted:
        return timelines[0].interval if timelines else "day"
    interval = max((t.interval for t in charted), key=INTERVALS.index)
    first = min(bucket_date(next(iter(t.counts))) for t in charted)
    last = max(bucket_date(next(reversed(t.counts))) for t in charted)
    span_days = (last - first).days + 1
    while span_days / _DAYS_PER[interval] > MAX_BUCKETS and interval != INTERVALS[-1]:
        interval = INTERVALS[INTERVALS.index(interval) + 1]
    return interval


def common_buckets(timelines: Sequence[Timeline], interval: str) -> list[str]:
    """Every bucket key from the earliest to the latest of all the timelines, in order."""
    from collections import Counter

    from newsearch.buckets import fill_gaps

    keys = Counter({key: 0 for t in timelines for key in t.counts})
    return list(fill_gaps(keys, interval))


def bucket_date(key: str) -> date:
    """The first day of a bucket key: ``2024-11-13`` (day, week), ``2024-11`` (month), ``2024`` (year)."""
    parts = [int(part) for part in key.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def bucket_last_day(key: str, interval: str) -> date:
    """The last day a bucket covers, so that a bucket can be searched as ``since``..``until``."""
    from datetime import timedelta

    start = bucket_date(key)
    if interval == "day":
        return start
    if interval == "week":
        return start + timedelta(days=6)
    if interval == "month":
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(start.year, 12, 31)
