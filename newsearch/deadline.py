"""One time limit for a whole search: ranking, counting, facets, timeline, suggestions, similar.

Created once per request and passed down through every engine call, so the
limit is the request's, not each step's: a step that starts with little time
left gets little time. Engines check it between units of work (a segment, a
block of postings, a batch of documents) and stop early, leaving a note in
``notes`` that the answer is partial.
"""

from __future__ import annotations

import math
import os
import time
from types import EllipsisType

SEARCH_SECONDS = 5.0  # a search answers within this (plus the time to finish one unit of work)
_ENV = "NEWSEARCH_SEARCH_SECONDS"  # another limit, for a slow machine or a test; read per request


def search_seconds() -> float:
    """The limit of one search: ``NEWSEARCH_SEARCH_SECONDS`` when it is a positive number, else 5 s."""
    try:
        value = float(os.environ.get(_ENV, ""))
    except ValueError:
        return SEARCH_SECONDS
    return value if math.isfinite(value) and value > 0 else SEARCH_SECONDS


class DeadlineExceeded(Exception):
    """Raised by :meth:`Deadline.check` inside an engine; the engine catches it and answers with what it has."""


class Deadline:
    def __init__(self, seconds: float | None | EllipsisType = ..., *, clock=time.monotonic):
        """``seconds``: the limit (None: none); by default :func:`search_seconds`."""
        if seconds is ...:
            seconds = search_seconds()
        self.seconds = seconds
        self._clock = clock
        self.started = clock()
        self.end = None if seconds is None else self.started + seconds
        self.notes: list[str] = []  # what was cut short, said once each

    def remaining(self) -> float:
        """Seconds left (never negative); a large number when there is no limit."""
        if self.end is None:
            return 1e9
        return max(0.0, self.end - self._clock())

    def expired(self) -> bool:
        return self.end is not None and self._clock() >= self.end

    def check(self) -> None:
        if self.expired():
            raise DeadlineExceeded()

    def elapsed_ms(self) -> float:
        return (self._clock() - self.started) * 1000

    def cut_short(self, what: str) -> None:
        """Record that ``what`` ("the ranking", "the count") stopped at the limit."""
        note = f"{what} stopped after {self.seconds:g} s: results are partial — try more specific words"
        if note not in self.notes:
            self.notes.append(note)
