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

from newsearch.engines.whoosh import generations, store
from newsearch.engines.whoosh.documents import article_document, path_term
from newsearch.errors import IndexLocked, IndexMissing, NewsearchError
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
    """Opens a :class:`WhooshSink` on a data folder in a worker process (picklable)."""

    data_dir: str
    limit_mb: float = WRITER_LIMIT_MB

    def __call__(self) -> WhooshSink:
        return WhooshSink(store.open_whoosh(Path(self.data_dir)), self.limit_mb)


class WhooshWriter:
    """The index's one writer (an ``EngineWriter``); holds the write lock until :meth:`close`.

    ``rebuilding``: the writer fills a new data folder beside the current one,
    which replaces it at :meth:`close` when the last commit was clean (no
    cancel after it); readers see the old index until then.
    """

    def __init__(self, index_dir: Path, data: Path, ix, lock, generation: generations.Generation, *, rebuilding: bool,
                 shown: str):
        from newsearch.engines.whoosh import compat

        self.index_dir = index_dir
        self.shown = shown
        self.data = data
        self.plain = not compat.fast_path()
        self.notes = [compat.plain_note()] if self.plain else []
        self._generation = generation  # the last commit: manifest and checksums
        self._rebuilding = rebuilding
        self._clean = False  # committed, and nothing cancelled since
        self._ix = ix
        self._lock = lock
        self._writer = None  # made when first needed: a SegmentWriter creates files on disk
        self._deleted = False
        self.fresh = not any(segment.doc_count_all() for segment in ix._segments())  # (the TOC alone: no segment opened)

    def manifest(self) -> dict[str, FileState]:
        return dict(self._generation.files)

    def sink(self) -> WhooshSink | PlainSink:
        return PlainSink(self) if self.plain else WhooshSink(self._ix)

    def sink_factory(self) -> Callable[[], WhooshSink] | None:
        return None if self.plain else SinkFactory(str(self.data))

    def locking_writer(self):
        """The writer for deletions, merges and commits (made when first needed)."""
        if self._writer is None:
            self._writer = _new_writer(self._ix)
        return self._writer

    def _damage(self, exc: BaseException) -> BaseException:
        """IndexDamaged when a check of the files finds damage (the write stops), else ``exc`` (a bug)."""
        from newsearch.engines.whoosh.verify import verify

        problems = verify(self.index_dir, self.shown).problems
        return store.damaged(self.shown, problems[0]) if problems else exc

    def delete_path(self, path: str) -> None:
        try:
            self._delete_path(path)
        except (NewsearchError, KeyboardInterrupt):
            raise
        except Exception as exc:
            raise self._damage(exc) from exc

    def _delete_path(self, path: str) -> None:
        if not self.fresh:  # (only committed segments are searched: new copies are never touched)
            self.locking_writer().delete_by_term("path", path_term(path))
            self._deleted = True

    def commit(self, parts: list, manifest: dict[str, FileState]) -> None:
        try:
            self._commit(parts, manifest)
        except (NewsearchError, KeyboardInterrupt, OSError):
            raise
        except Exception as exc:
            raise self._damage(exc) from exc

    def _commit(self, parts: list, manifest: dict[str, FileState]) -> None:
        writer, self._writer = self.locking_writer(), None
        files = dict(manifest)
        if self.plain:
            made: list[generations.Generation] = []
            writer._commit_toc = lambda segments: made.append(generations.commit(writer, segments, files, self._generation))
            writer.commit(merge=False)
            if not made:
                raise RuntimeError("whoosh's writer no longer commits through _commit_toc (see engines/whoosh/compat.py)")
            self._generation = made[0]
        else:
            changed = self._deleted or files != self._generation.files
            made_one = commit_segments(writer, parts, changed, files, self._generation, self.shown)
            self._generation = made_one or self._generation
        self._deleted = False
        self._clean = True

    def cancel(self) -> None:
        self._clean = False
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.cancel()
            except Exception:  # a writer that failed half-way may not cancel cleanly; the lock still goes
                pass

    def close(self) -> None:
        try:
            if self._rebuilding and self._clean:
                store.publish(self.index_dir, self.data)
            elif self._rebuilding:  # cancelled: the old index stays, the unfinished one goes
                store.remove_abandoned(self.index_dir, keep=None)
        finally:
            self._lock.release()


def open_writer(index_dir: Path, shown: str, *, rebuild: bool, wait: float,
                on_wait: Callable[[], None] | None) -> WhooshWriter:
    """Take the lock (waiting up to ``wait`` s), then open the index, creating it or starting a rebuild."""
    # One lock for the whole run, taken before anything is read: a waiting run
    # cannot slip in between interval commits, and a rebuild's swap is the lock holder's alone.
    store.prepare_folder(index_dir, shown)
    lock = acquire_lock(index_dir, wait, on_wait)
    try:
        return _open_locked(index_dir, shown, rebuild, lock)
    except (NewsearchError, OSError, KeyboardInterrupt, MemoryError):
        lock.release()
        raise
    except Exception as exc:  # index files Whoosh cannot read: named as damage when a check confirms it
        lock.release()
        from newsearch.engines.whoosh.verify import verify

        problems = verify(index_dir, shown).problems
        if problems:
            raise store.damaged(shown, problems[0]) from exc
        raise
    except BaseException:
        lock.release()
        raise


def _open_locked(index_dir: Path, shown: str, rebuild: bool, lock) -> WhooshWriter:
    state = None
    if not rebuild:
        try:
            state = store.current(index_dir, shown)
        except IndexMissing:
            state = None
    if state is not None:
        store.remove_abandoned(index_dir, keep=state.data)
        ix = store.open_data(state.data, shown)
        generation = generations.load_generation(state.data, shown)
        generations.check_sizes(state.data, generation, shown)  # never build on a cut or missing segment
        return WhooshWriter(index_dir, state.data, ix, lock, generation, rebuilding=False, shown=shown)
    store.remove_abandoned(index_dir, keep=None)
    data = store.new_data_folder(index_dir)
    ix = store.create_whoosh(data)
    generation = generations.initial(data, ix)
    if not rebuild:  # a new index: readers see it (empty) at once, and every commit after
        store.publish(index_dir, data)
    return WhooshWriter(index_dir, data, ix, lock, generation, rebuilding=rebuild, shown=shown)


def commit_segments(writer, segments: list, changed: bool, files: dict[str, FileState],
                    previous: generations.Generation, shown: str) -> generations.Generation | None:
    """Commit the locking writer's deletions plus the new segments and ``files`` in one generation.

    Nothing changed: no commit at all (a re-run leaves the index as it was).
    Segments are merged only when there are more than MAX_SEGMENTS: Whoosh
    merges in this one process with its slow writer (on 95,000 articles a
    routine MERGE_SMALL took two minutes of a re-run that had nothing to do).
    """
    from whoosh.writing import MERGE_SMALL, NO_MERGE

    if not segments and not changed:
        from whoosh.index import clean_files

        writer.cancel()
        clean_files(writer.storage, store.INDEX_NAME, previous.number, writer.segments)  # the cancelled writer's files
        return None
    policy = MERGE_SMALL if len(writer.segments) + len(segments) > MAX_SEGMENTS else NO_MERGE
    try:
        final = writer._merge_segments(policy, None, None)
        # A merge copies old segments into a new one with a new checksum: check them first, or damage
        # would come out of the merge looking sound.
        generations.check_merged(Path(writer.storage.folder), set(writer.segments) - set(final), previous, shown)
        final += segments
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        generation = generations.commit(writer, final, files, previous)
    except BaseException:
        writer._cleanup_on_error()
        raise
    writer._finish()
    return generation


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
