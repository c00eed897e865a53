"""Progress of ``newsearch index`` on stderr: a Rich bar on a terminal, plain lines otherwise.

The bar shows the share of bytes read (unchanged files cost nothing), the
articles indexed, their rate and the time left. Without a terminal (a log
file, CI) a line is written every few seconds, and nothing at all for short
runs. Rich is imported only when a bar is drawn, and the bar refreshes from
the callback rather than a thread, so the indexer may still fork its workers.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

LINE_EVERY_SECONDS = 5.0
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
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[articles]:>9,} articles  {task.fields[rate]:>6,.0f}/s  {task.fields[files]}"),
                TimeRemainingColumn(),
                console=Console(file=self.stream, stderr=self.stream is sys.stderr),
                auto_refresh=False,
                transient=True,
            )
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


class _Lines:
    def __init__(self, stream: TextIO):
        self.stream = stream
        self.started = time.monotonic()
        self.last = self.started

    def __call__(self, status) -> None:
        now = time.monotonic()
        if status.phase == "done" or now - self.last < LINE_EVERY_SECONDS:
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
    is_tty = getattr(stream, "isatty", lambda: False)()
    return _Bar(stream) if is_tty else _Lines(stream)
