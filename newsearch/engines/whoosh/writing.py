"""The write side of the Whoosh engine: the locked writer, the sinks that make segments, the commit.

Worker processes (and serial runs, in this process) add articles to a
:class:`WhooshSink`, which writes private segments with the fast segment
writer (``writer.py``) and never touches the table of contents. The one
:class:`WhooshWriter` holds the index's write lock, deletes the old articles
of re-indexed files, and commits the workers' segments together with those
deletions in one new table of contents; only then is the manifest of indexed
files saved. Readers see only committed tables of contents.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsearch.engines.whoosh import store
from newsearch.engines.whoosh.documents import article_document
from newsearch.errors import IndexLocked
from newsearch.models import Article, FileState

# More segments than this and a commit merges the small ones (see commit_segments).
MAX_SEGMENTS = 48
# Whoosh's in-memory posting buffer per writer before a segment is cut.
WRITER_LIMIT_MB = 64


class WhooshSink:
    """Articles -> private segments (an ``ArticleSink``)."""

    def __init__(self, ix, limit_mb: float = WRITER_LIMIT_MB):
        from newsearch.engines.whoosh.writer import SegmentMaker

        self._maker = SegmentMaker(ix, limit_mb)

    def add(self, article: Article) -> None:
        self._maker.add_document(**article_document(article))

    def check(self) -> None:
        self._maker.check()

    def finish(self) -> list:
        return self._maker.finish()

    def cancel(self) -> None:
        self._maker.cancel()


class PlainSink:
    """Articles straight into the locking writer, through Whoosh's public API (see ``compat``)."""

    def __init__(self, writer: WhooshWriter):
        self._writer = writer

    def add(self, article: Article) -> None:
        self._writer.locking_writer().add_document(**article_document(article))

    def check(self) -> None:
        pass

    def finish(self) -> list:
        return []

    def cancel(self) -> None:
        pass


@dataclass(frozen=True)
class SinkFactory:
    """Opens a :class:`WhooshSink` on the index folder in a worker process (picklable)."""

    index_dir: str
    limit_mb: float = WRITER_LIMIT_MB

    def __call__(self) -> WhooshSink:
        return WhooshSink(store.open_whoosh(Path(self.index_dir)), self.limit_mb)


class WhooshWriter:
    """The index's one writer (an ``EngineWriter``); holds the write lock until :meth:`close`."""

    def __init__(self, index_dir: Path, ix, lock, rebuilt: bool = False):
        from newsearch.engines.whoosh import compat

        self.index_dir = index_dir
        self.plain = not compat.fast_path()
        self.notes = [compat.plain_note()] if self.plain else []
        self._rebuilt = rebuilt  # started over: the old manifest describes nothing the index holds
        self._ix = ix
        self._lock = lock
        self._writer = None  # made when first needed: a SegmentWriter creates files on disk
        self._deleted = False
        self.fresh = ix.doc_count_all() == 0

    def manifest(self) -> dict[str, FileState]:
        return {} if self._rebuilt else store.load_manifest(self.index_dir)

    def sink(self) -> WhooshSink | PlainSink:
        return PlainSink(self) if self.plain else WhooshSink(self._ix)

    def sink_factory(self) -> Callable[[], WhooshSink] | None:
        return None if self.plain else SinkFactory(str(self.index_dir))

    def locking_writer(self):
        """The writer for deletions, merges and commits (made when first needed)."""
        if self._writer is None:
            self._writer = _new_writer(self._ix)
        return self._writer

    def delete_path(self, path: str) -> None:
        if not self.fresh:  # (only committed segments are searched: new copies are never touched)
            self.locking_writer().delete_by_term("path", path)
            self._deleted = True

    def commit(self, parts: list, manifest: dict[str, FileState]) -> None:
        writer, self._writer = self.locking_writer(), None
        if self.plain:
            writer.commit(merge=False)
        else:
            commit_segments(writer, parts, self._deleted)
        self._deleted = False
        store.save_manifest(self.index_dir, manifest)
        store.write_meta(self.index_dir, updated=time.time())

    def cancel(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.cancel()
            except Exception:  # a writer that failed half-way may not cancel cleanly; the lock still goes
                pass

    def close(self) -> None:
        self._lock.release()


def open_writer(index_dir: Path, *, rebuild: bool, wait: float, on_wait: Callable[[], None] | None) -> WhooshWriter:
    """Take the lock (waiting up to ``wait`` s), then open the index, creating or emptying it."""
    # One lock for the whole run, taken before --rebuild empties the index: a waiting
    # run cannot slip in between interval commits and manifest saves.
    lock = acquire_lock(index_dir, wait, on_wait)
    try:
        ix = store.open_for_writing(index_dir, rebuild=rebuild)
        return WhooshWriter(index_dir, ix, lock, rebuilt=rebuild)
    except BaseException:
        lock.release()
        raise


def commit_segments(writer, segments: list, changed: bool = True) -> None:
    """Commit the locking writer's deletions plus the new segments in one TOC.

    Nothing changed: no commit at all (a re-run leaves the index as it was).
    Segments are merged only when there are more than MAX_SEGMENTS: Whoosh
    merges in this one process with its slow writer (on 95,000 articles a
    routine MERGE_SMALL took two minutes of a re-run that had nothing to do).
    """
    from whoosh.writing import MERGE_SMALL, NO_MERGE

    if not segments and not changed:
        writer.cancel()
        return
    policy = MERGE_SMALL if len(writer.segments) + len(segments) > MAX_SEGMENTS else NO_MERGE
    try:
        final = writer._merge_segments(policy, None, None)
        final += segments
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final)
    except BaseException:
        writer._cleanup_on_error()
        raise
    writer._finish()


def acquire_lock(index_dir: Path, wait: float, on_wait: Callable[[], None] | None):
    """The index's write lock (an flock: released if this process dies), waiting up to ``wait`` s."""
    lock = store.write_lock(index_dir)
    if lock.acquire(False):
        return lock
    if on_wait:
        on_wait()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))
        if lock.acquire(False):
            return lock
    raise IndexLocked(
        f"another newsearch run is still indexing into this index after {wait:g}s — try again later, or give --wait more seconds"
    )


def _new_writer(ix):
    """A writer for deletions, merges and commits; the run already holds the lock."""
    from whoosh.writing import SegmentWriter

    return SegmentWriter(ix, _lk=False, limitmb=WRITER_LIMIT_MB)
