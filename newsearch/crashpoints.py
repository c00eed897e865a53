"""Named points where a test may kill or pause the process, to prove that crashes lose nothing.

Timing a ``kill -9`` against a running process is a race; naming the moment
is not. ``NEWSEARCH_CRASH_AT=NAME`` kills this process with SIGKILL the first
time it passes :func:`reached` ``NAME``; ``NAME#3`` the third time;
``NEWSEARCH_PAUSE_AT=NAME`` makes it write ``NAME`` to the file
``NEWSEARCH_PAUSE_FILE`` and sleep until the test kills it (so a test can
query the index while a run stands still at that point). Unset, a point costs
one dictionary lookup. Standard library only.

The points (each where a crash is most likely to lose or duplicate data):

``commit:segments-synced``  new segment files written and flushed, nothing else
``commit:manifest-written`` the next generation's list of files written, its table of contents not yet
``commit:toc-renamed``      the commit is visible, old files not yet cleaned up
``publish:meta-written``    a rebuilt index just replaced the old one, old folder not yet removed
``task:done``               a unit of work finished (a few files or a run of records), before commit
"""

from __future__ import annotations

import os
import signal
import time

_passed: dict[str, int] = {}


def reached(name: str) -> None:
    """Mark that the process has reached point ``name`` (see the module docstring)."""
    crash = os.environ.get("NEWSEARCH_CRASH_AT")
    pause = os.environ.get("NEWSEARCH_PAUSE_AT")
    if not crash and not pause:
        return
    count = _passed[name] = _passed.get(name, 0) + 1
    for spec, action in ((crash, _kill), (pause, _pause)):
        if spec and _matches(spec, name, count):
            action(name)


def _matches(spec: str, name: str, count: int) -> bool:
    wanted, _, nth = spec.partition("#")
    return wanted == name and count == (int(nth) if nth.isdigit() else 1)


def _kill(name: str) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _pause(name: str) -> None:
    marker = os.environ.get("NEWSEARCH_PAUSE_FILE")
    if marker:
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write(name)
    while True:
        time.sleep(3600)
