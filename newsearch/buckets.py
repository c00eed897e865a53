"""Time buckets for timelines: choosing an interval from a span, naming buckets, filling gaps.

Engine-neutral: engines count matches per bucket key, the search layer fills
the empty buckets in between for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

INTERVALS = ("day", "week", "month", "year")
MAX_BUCKETS = 10_000


def choose_interval(first: datetime | None, last: datetime | None) -> str:
    """Days for up to two months, weeks up to a year, months up to twelve years, then years."""
    if first is None or last is None:
        return "day"
    span = (last - first).days
    if span <= 62:
        return "day"
    if span <= 366:
        return "week"
    if span <= 12 * 365:
        return "month"
    return "year"


def bucket_start(day: datetime, interval: str) -> str:
    """The key of the bucket holding ``day``: ISO day (weeks start on Monday), YYYY-MM or YYYY."""
    if interval == "day":
        return day.date().isoformat()
    if interval == "week":
        return (day.date() - timedelta(days=day.weekday())).isoformat()
    if interval == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}"


def next_bucket(key: str, interval: str) -> str:
    if interval == "day":
        return (datetime.fromisoformat(key) + timedelta(days=1)).date().isoformat()
    if interval == "week":
        return (datetime.fromisoformat(key) + timedelta(days=7)).date().isoformat()
    if interval == "month":
        year, month = map(int, key.split("-"))
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    return f"{int(key) + 1:04d}"


def count_between(first: str, last: str, interval: str) -> int:
    """How many buckets run from the bucket ``first`` to the bucket ``last``, both included."""
    if interval == "year":
        return int(last[:4]) - int(first[:4]) + 1
    if interval == "month":
        return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1
    days = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).days
    return days // (7 if interval == "week" else 1) + 1


def fitting_interval(first: str, last: str, interval: str, limit: int = MAX_BUCKETS) -> str:
    """``interval``, or the finest coarser one whose buckets from ``first`` to ``last`` number at most ``limit``."""
    from datetime import date

    start, end = date.fromisoformat(_day_of(first)), date.fromisoformat(_day_of(last))
    for candidate in INTERVALS[INTERVALS.index(interval):]:
        a = bucket_start(datetime(start.year, start.month, start.day), candidate)
        b = bucket_start(datetime(end.year, end.month, end.day), candidate)
        if count_between(a, b, candidate) <= limit:
            return candidate
    return INTERVALS[-1]


def _day_of(key: str) -> str:
    """The first day of a bucket key (``2024`` -> ``2024-01-01``)."""
    return (key + "-01-01")[:10] if len(key) < 10 else key


def fill_gaps(counts: Mapping[str, int], interval: str, limit: int = MAX_BUCKETS) -> dict[str, int]:
    """Every bucket from the first to the last, empty ones at 0, in order (at most ``limit``)."""
    if not counts:
        return {}
    keys = sorted(counts)
    out: dict[str, int] = {}
    key = keys[0]
    while key <= keys[-1] and len(out) < limit:
        out[key] = counts.get(key, 0)
        key = next_bucket(key, interval)
    return out
