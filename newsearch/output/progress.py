"""Progress of ``newsearch index`` on stderr: a Rich bar on a terminal, plain lines otherwise.

The bar shows the share of bytes read (unchanged files cost nothing), the
articles indexed, their rate and the time left. Without a terminal (a log
file, CI) a line is written every few seconds, and nothing at all for short
runs. Rich is imported only when a bar is drawn, and the bar refreshes from
the callback rather than a thread, so the indexer may still fork its workers.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO

LINE_EVERY_SECONDS = 5.0
DUMB_LINE_EVERY_SECONDS = 2.0
REFRESH_SECONDS = 0.1


class _Bar:
    def __init__(self, stream: TextIO):
        self.stream = stream
        self.progress: Any = None  # a rich Progress, made on the first status with bytes to read
        self.task: Any = None
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, status) -> None:
        now = time.monotonic()
        if status.phase == "done":
            self.close()
            return
        if self.progress is None:
            if not status.bytes_total:
                return  # nothing to read: no bar
            from rich.console import Console
            from rich.progress import Progress

            from newsearch.output.color import color_options

            console = Console(file=self.stream, stderr=self.stream is sys.stderr, **color_options())
            self.progress = Progress(*columns_for(console.width), console=console, auto_refresh=False, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("indexing", total=status.bytes_total, articles=0, rate=0.0, files="")
        if now - self.last < REFRESH_SECONDS and status.phase == "indexing":
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        self.progress.update(
            self.task,
            completed=status.bytes_done,
            description="committing" if status.phase == "committing" else "indexing",
            articles=status.articles,
            rate=status.articles / elapsed,
            files=f"{status.files_done:,}/{status.files_total:,} files",
        )
        self.progress.refresh()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def columns_for(width: int) -> list:
    """The bar's columns for a terminal ``width``: what does not fit goes, the bar, share and time left stay.

    Rich squeezes a row that is too wide by shrinking the bar to nothing and
    cutting the last columns (the time left) first, the opposite of what matters.
    """
    from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeRemainingColumn

    if width >= 100:
        return [TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[articles]:>9,} articles  {task.fields[rate]:>6,.0f}/s  {task.fields[files]}"),
                TimeRemainingColumn()]
    if width >= 56:  # 60 columns: "indexing ━━━━━━  45%   12,345 articles 0:00:12"
        return [TextColumn("{task.description}"), BarColumn(bar_width=max(8, width - 48)), TaskProgressColumn(),
                TextColumn("{task.fields[articles]:>7,} articles"), TimeRemainingColumn()]
    return [BarColumn(bar_width=max(6, width - 20)), TaskProgressColumn(), TimeRemainingColumn()]


def can_redraw(stream: TextIO) -> bool:
    """Whether a bar can be drawn on ``stream``: a terminal that moves the cursor (not TERM=dumb, an Emacs shell)."""
    if not getattr(stream, "isatty", lambda: False)():
        return False
    return os.environ.get("TERM", "").lower() not in ("dumb", "unknown")


class _Lines:
    def __init__(self, stream: TextIO, every: float = LINE_EVERY_SECONDS):
        self.stream = stream
        self.every = every
        self.started = time.monotonic()
        self.last = self.started

    def __call__(self, status) -> None:
        now = time.monotonic()
        if status.phase == "done" or now - self.last < self.every:
            return
        self.last = now
        share = f"{100 * status.bytes_done / status.bytes_total:3.0f}%" if status.bytes_total else "  -"
        rate = status.articles / max(now - self.started, 1e-6)
        what = "committing" if status.phase == "committing" else "indexing"
        print(
            f"newsearch: {what} {share}  {status.articles:,} articles ({rate:,.0f}/s),"
            f" {status.files_done:,}/{status.files_total:,} files",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        pass


def index_progress(quiet: bool = False, stream: TextIO | None = None):
    """A progress callback for ``index_paths`` (with ``close()``), or None when quiet."""
    if quiet:
        return None
    stream = stream or sys.stderr
    if can_redraw(stream):
        return _Bar(stream)
    # A terminal that cannot redraw (TERM=dumb) still shows that work goes on: plain lines, sooner.
    tty = getattr(stream, "isatty", lambda: False)()
    return _Lines(stream, every=DUMB_LINE_EVERY_SECONDS if tty else LINE_EVERY_SECONDS)
