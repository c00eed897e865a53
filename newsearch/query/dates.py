"""Dates users type: --since/--until and ``date:`` query ranges, as half-open spans.

"2024-11-13" is that day, "2024-11" that month, "2024" that year, and the
relative forms people use ("yesterday", "3 days ago", "last week") are read
against a ``now`` passed in, so results are reproducible.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_UNITS = {"day": 1, "week": 7}
_AGO = re.compile(r"(\d+|an?|one|two|three)\s+(day|week|month|year)s?\s+ago")
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}


def _month_start(year: int, month: int) -> datetime:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime(year, month, 1)


def _day(when: date | datetime) -> datetime:
    return datetime(when.year, when.month, when.day)


def parse_user_date(text: str, now: datetime) -> tuple[datetime, datetime]:
    """The half-open naive-UTC span [start, end) that a user's date denotes.

    "2024-11-13" is that day, "2024-11" that month, "2024" that year; "today",
    "yesterday", "N days/weeks/months/years ago" a day or the period N units
    back; "last week/month/year" the previous calendar period (weeks start on
    Monday). ``now`` is passed in so results are reproducible.
    """
    try:
        return _user_span(text, now)
    except (ValueError, OverflowError):
        raise ValueError(f"cannot understand date {text!r}") from None


def _user_span(raw: str, now: datetime) -> tuple[datetime, datetime]:
    text = " ".join(raw.strip().lower().split())
    if now.tzinfo is not None:
        # naive UTC, as ingest.dates.to_naive_utc (not imported: its regexes cost a cold query ~60M instructions)
        now = now.astimezone(UTC).replace(tzinfo=None)
    today = _day(now)
    one_day = timedelta(days=1)
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if m:
        year = int(m.group(1))
        try:
            if m.group(3):
                start = datetime(year, int(m.group(2)), int(m.group(3)))
                return start, start + one_day
            if m.group(2):
                month = int(m.group(2))
                start = datetime(year, month, 1)
                return start, _month_start(year, month + 1)
            return datetime(year, 1, 1), datetime(year + 1, 1, 1)
        except ValueError:
            pass
    elif text == "today":
        return today, today + one_day
    elif text == "yesterday":
        return today - one_day, today
    elif text in ("last week", "this week"):
        monday = today - timedelta(days=today.weekday())
        if text == "this week":
            return monday, monday + timedelta(days=7)
        return monday - timedelta(days=7), monday
    elif text in ("last month", "this month"):
        first = datetime(today.year, today.month, 1)
        if text == "this month":
            return first, _month_start(today.year, today.month + 1)
        return _month_start(today.year, today.month - 1), first
    elif text in ("last year", "this year"):
        year = today.year - (text == "last year")
        return datetime(year, 1, 1), datetime(year + 1, 1, 1)
    else:
        m = _AGO.fullmatch(text)
        if m:
            n = int(m.group(1)) if m.group(1).isdigit() else _WORDS[m.group(1)]
            unit = m.group(2)
            if unit in _UNITS:
                start = today - timedelta(days=n * _UNITS[unit])
                return start, start + timedelta(days=_UNITS[unit])
            if unit == "month":
                start = _month_start(today.year, today.month - n)
                return start, _month_start(start.year, start.month + 1)
            return datetime(today.year - n, 1, 1), datetime(today.year - n + 1, 1, 1)
    raise ValueError(f"cannot understand date {raw!r}")


Span = tuple[datetime | None, datetime | None]
_COMPARISONS = (">=", "<=", ">", "<")


def comparison_span(text: str, now: datetime) -> Span:
    """``date:`` values: ``A``, ``>A``, ``>=A``, ``<A``, ``<=A`` -> half-open [start, end).

    ``>2024-11`` starts after November (December 1st), ``>=2024-11`` on
    November 1st, ``<2024-11`` ends before November, ``<=2024-11`` with it.
    Raises ValueError for a date that cannot be read.
    """
    for op in _COMPARISONS:
        if text.startswith(op):
            first, last = parse_user_date(text[len(op) :], now)
            return {">=": (first, None), ">": (last, None), "<=": (None, last), "<": (None, first)}[op]
    return parse_user_date(text, now)


def range_span(low: str, high: str, *, include_low: bool, include_high: bool, now: datetime) -> Span:
    """``[A TO B]`` (both periods included), ``{A TO B}`` (both left out), or a mix; ``*`` is open.

    Raises ValueError for an end that cannot be read.
    """
    start = end = None
    if low not in ("", "*"):
        first, last = parse_user_date(low, now)
        start = first if include_low else last
    if high not in ("", "*"):
        first, last = parse_user_date(high, now)
        end = last if include_high else first
    return start, end


def intersect(spans: list[Span]) -> Span:
    """The span every one of ``spans`` allows (start >= end when they do not overlap)."""
    starts = [s for s, _ in spans if s is not None]
    ends = [e for _, e in spans if e is not None]
    return (max(starts) if starts else None, min(ends) if ends else None)
