"""The write side: turning article files into an up-to-date Whoosh index.

Incremental by file: unchanged files (same size and mtime, or same content
hash) are not re-extracted; changed files have their old articles replaced;
files gone from the folders being indexed have their articles removed.

Parallel: with ``jobs`` > 1, worker processes read, extract and analyse the
files and each writes its own Whoosh segment (an unlocked ``SegmentWriter``);
this process holds the index lock, applies the deletions and commits the
table of contents that adds the workers' segments. Large JSON Lines files are
cut into runs of records so they too are spread over the workers. Readers
only ever see committed tables of contents, so the index stays consistent
whatever happens to the workers.

Work is committed at intervals, and the manifest of indexed files is saved
only after a commit, so an interrupted run keeps what it committed and the
next run picks up the rest. Old articles of a (re)indexed file are deleted by
path, so a run killed between a commit and the manifest save leaves no
duplicates behind.
"""

from __future__ import annotations

import os
import queue
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from newsearch.ingest import signatures
from newsearch.indexing import files as filestore
from newsearch.engines.whoosh import store
from newsearch.errors import IndexLocked
from newsearch.models import Article, FileState, IndexProgress, IndexReport, Skip
from newsearch.engines.whoosh.ranking import indexed_title

COMMIT_EVERY_ARTICLES = 50_000
COMMIT_EVERY_SECONDS = 60.0
# More segments than this and a commit merges the small ones (see _commit).
MAX_SEGMENTS = 48
# A task for a worker: a few small files, or a run of records of a big file.
FILES_PER_TASK = 24
BYTES_PER_TASK = 512 * 1024
RECORDS_PER_TASK = 800
# JSON Lines files bigger than this are split into record runs across workers.
SPLIT_BYTES = 256 * 1024
# Below this much to read, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
# Whoosh's in-memory posting buffer per writer before it spills a run to disk.
WRITER_LIMIT_MB = 64
_RECORD_SUFFIXES = (".jsonl", ".jsonl.gz")




ProgressFn = Callable[[IndexProgress], None]

def article_document(article: Article) -> dict:
    """The Whoosh document for an article (None values omitted)."""
    words = signatures.words_of(f"{article.title}\n{article.body}")
    fingerprint = signatures.fingerprint(words)
    doc = {
        "id": article.id,
        "path": article.path,
        "title": indexed_title(article.title or "", article.body or ""),
        "_stored_title": article.title or "",
        "body": article.body or "",
        "names": f"{article.title}\n{article.body}",
        "fingerprint": fingerprint,
        "copies": signatures.pack(fingerprint, signatures.sketch(words)),
    }
    if article.source:
        doc["source"] = article.source
        doc["source_key"] = article.source.casefold()
    for name in ("author", "section", "url", "language", "date_text"):
        value = getattr(article, name)
        if value:
            doc[name] = value
    if article.date is not None:
        doc["date"] = article.date
    return doc


# ---------------------------------------------------------------------------
# Work done for one task, in a worker process or (serial runs) in this one.


@dataclass
class _Result:
    """What became of one file (or one run of records of a split file)."""

    path: str
    size: int = 0
    mtime_ns: int = 0
    sha1: str | None = None
    ids: list[str] | None = None  # None: content unchanged (same hash), nothing indexed
    skips: list[Skip] = field(default_factory=list)
    error: str | None = None  # the file could not be read
    nbytes: int = 0  # for progress


def _run_task(kind: str, payload, sink) -> list[_Result]:
    """``sink`` takes the documents (``add_document``): a SegmentMaker."""
    if kind == "files":
        return [_index_file(path, old_sha1, size, sink) for path, old_sha1, size in payload]
    path, base_id, first_line, text, nbytes = payload
    return [_index_records(path, base_id, first_line, text, nbytes, sink)]


def _index_file(path: str, old_sha1: str | None, size: int, sink) -> _Result:
    from newsearch.ingest import read_articles

    try:
        with open(path, "rb") as handle:
            data = handle.read()
            stat = os.fstat(handle.fileno())
    except OSError as exc:
        return _Result(path, error=_os_reason(exc), nbytes=size)
    result = _Result(path, stat.st_size, stat.st_mtime_ns, filestore.content_hash(data), nbytes=size)
    if result.sha1 != old_sha1:
        result.ids = _add_articles(read_articles(data, path, filestore.file_id(path)), result.skips, sink)
    return result


def _index_records(path: str, base_id: str, first_line: int, text: str, nbytes: int, sink) -> _Result:
    """A run of lines of a JSON Lines file, numbered as in the whole file."""
    from newsearch.ingest.records import read_jsonl

    # Blank lines are passed over by the reader but counted, so ids ("base#line") match a whole-file read.
    items = read_jsonl("\n" * (first_line - 1) + text, path, base_id)
    result = _Result(path, nbytes=nbytes)
    skips: list[Skip] = []
    result.ids = _add_articles(items, skips, sink)
    result.skips = [s for s in skips if not (s.path == path and s.reason == "empty file")]
    return result


def _add_articles(items: Iterable[Article | Skip], skips: list[Skip], sink) -> list[str]:
    docs: dict[str, dict] = {}  # by id: a key added twice in one writer would leave two copies
    for item in items:
        if isinstance(item, Skip):
            skips.append(item)
        else:
            docs[item.id] = article_document(item)
    for doc in docs.values():
        sink.add_document(**doc)
    return list(docs)


# ---------------------------------------------------------------------------
# Running tasks: in this process, or on a pool of worker processes.


class _InlineRunner:
    """Serial runs: tasks run at once, in this process."""

    capacity = 1

    def __init__(self, ix):
        from newsearch.engines.whoosh.writer import SegmentMaker

        self.maker = SegmentMaker(ix, WRITER_LIMIT_MB)
        self._done: list[list[_Result]] = []
        self.outstanding = 0

    def submit(self, kind: str, payload) -> None:
        self._done.append(_run_task(kind, payload, self.maker))
        self.maker.check()
        self.outstanding += 1

    def wait_one(self) -> list[_Result]:
        self.outstanding -= 1
        return self._done.pop(0)

    def flush(self, take: Callable[[list[_Result]], None]) -> list:
        while self.outstanding:
            take(self.wait_one())
        return self.maker.finish()

    def close(self) -> None:
        pass

    def kill(self) -> None:
        self.maker.cancel()


def _worker_main(index_dir: str, tasks, results, parent: int, limit_mb: float) -> None:
    """A worker process: run tasks into private segments until told to flush or stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    from newsearch.engines.whoosh.writer import SegmentMaker

    maker = SegmentMaker(store.open_whoosh(Path(index_dir)), limit_mb)
    while True:
        try:
            message = tasks.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:  # the parent was killed: leave no orphans
                results.cancel_join_thread()
                os._exit(1)
            continue
        if message is None:
            break
        task_id, kind, payload = message
        try:
            if kind == "flush":
                results.put((task_id, maker.finish(), None))
            else:
                done = _run_task(kind, payload, maker)
                maker.check()
                results.put((task_id, done, None))
        except BaseException as exc:  # reported to the parent, which stops the run
            results.put((task_id, None, f"{type(exc).__name__}: {exc}"))


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the parent dies (Linux), so kill -9 leaves no orphans.

    Elsewhere the worker notices at its next idle second (``os.getppid``); a read
    blocked on a message the dead parent only half wrote is why that is not enough.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


class _PoolRunner:
    """Worker processes, each with its own segment writer, fed a few tasks ahead."""

    def __init__(self, jobs: int, index_dir: Path, start_method: str | None = None):
        import multiprocessing
        import threading

        if start_method is None:
            # fork is quickest, but unsafe once threads run (Rich's refresh thread): use spawn then.
            methods = multiprocessing.get_all_start_methods()
            start_method = "fork" if "fork" in methods and threading.active_count() == 1 else "spawn"
        ctx = multiprocessing.get_context(start_method)
        self.capacity = jobs * 2
        self.results = ctx.Queue()
        self.queues = []
        self.procs = []
        self.owner: dict[int, int] = {}
        self.load = [0] * jobs
        self.outstanding = 0
        self._next_id = 0
        for _ in range(jobs):
            tasks = ctx.Queue()
            proc = ctx.Process(
                target=_worker_main,
                args=(str(index_dir), tasks, self.results, os.getpid(), WRITER_LIMIT_MB),
                daemon=True,
            )
            proc.start()
            self.queues.append(tasks)
            self.procs.append(proc)

    def _send(self, worker: int, kind: str, payload) -> int:
        task_id = self._next_id
        self._next_id += 1
        self.owner[task_id] = worker
        self.load[worker] += 1
        self.outstanding += 1
        self.queues[worker].put((task_id, kind, payload))
        return task_id

    def submit(self, kind: str, payload) -> None:
        self._send(min(range(len(self.load)), key=self.load.__getitem__), kind, payload)

    def _receive(self) -> tuple[int, object]:
        while True:
            try:
                task_id, value, error = self.results.get(timeout=0.5)
            except queue.Empty:
                dead = [p for p in self.procs if not p.is_alive()]
                if dead:
                    raise RuntimeError(f"an indexing worker died (exit code {dead[0].exitcode})") from None
                continue
            if error:
                raise RuntimeError(f"an indexing worker failed: {error}")
            self.load[self.owner.pop(task_id)] -= 1
            self.outstanding -= 1
            return task_id, value

    def wait_one(self) -> list[_Result]:
        return self._receive()[1]

    def flush(self, take: Callable[[list[_Result]], None]) -> list:
        """Every worker closes its segment once its queued tasks are done; returns the segments.

        The flush is queued behind each worker's own tasks at once, so a worker
        that runs out of tasks writes its segment while the others finish
        theirs; task results arriving meanwhile go to ``take``.
        """
        flushes = {self._send(worker, "flush", None) for worker in range(len(self.procs))}
        segments = []
        while self.outstanding:
            task_id, value = self._receive()
            if task_id in flushes:
                segments.extend(value)
            else:
                take(value)
        return segments

    def close(self) -> None:
        for tasks in self.queues:
            tasks.put(None)
        for proc in self.procs:
            proc.join(timeout=10)
        self.kill()

    def kill(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        # Unsent tasks must not keep this process from exiting (the feeder threads would wait).
        for channel in (*self.queues, self.results):
            channel.cancel_join_thread()
            channel.close()


# ---------------------------------------------------------------------------
# The run.


@dataclass
class _Pending:
    """A file being indexed: its manifest entry is final when all its tasks are back."""

    state: FileState
    old: FileState | None
    tasks: int
    ids: list[str] = field(default_factory=list)
    unchanged: bool = False


def index_paths(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    rebuild: bool = False,
    wait: float = 60.0,
    progress: ProgressFn | None = None,
    on_wait: Callable[[], None] | None = None,
    jobs: int | None = None,
    start_method: str | None = None,
) -> IndexReport:
    """Bring the index at ``index_dir`` up to date with the files under ``paths``.

    ``jobs``: worker processes (None: one per core, or none for a small job;
    1: all work in this process).
    """
    started = time.perf_counter()
    paths = list(paths)
    index_dir = Path(index_dir)
    roots = [Path(p).resolve() for p in paths]
    report = IndexReport()
    # One lock for the whole run (taken before --rebuild empties the index), interval
    # commits and manifest saves included: a waiting run cannot slip in between.
    lock = _acquire_lock(index_dir, wait, on_wait)
    try:
        ix = store.open_for_writing(index_dir, rebuild=rebuild)
        return _index_locked(ix, lock, paths, index_dir, roots, report, started, rebuild, progress, jobs, start_method)
    finally:
        lock.release()


def _index_locked(ix, lock, paths, index_dir, roots, report, started, rebuild, progress, jobs, start_method) -> IndexReport:
    writer = _new_writer(ix)
    try:
        fresh = ix.doc_count_all() == 0  # nothing to delete: skip the per-file deletes
        manifest = {} if rebuild else filestore.load_manifest(index_dir)
    except BaseException:
        writer.cancel()
        raise

    # Which files need reading: those whose size or mtime changed, or that are new.
    status = IndexProgress()
    work: list[tuple[str, FileState | None, int]] = []
    seen: set[str] = set()
    for item in filestore.discover(paths, exclude=index_dir):
        if isinstance(item, Skip):
            report.skipped.append(item)
            continue
        if item in seen:
            continue
        seen.add(item)
        report.files += 1
        old = manifest.get(item)
        try:
            stat = os.stat(item)
        except OSError as exc:
            report.skipped.append(Skip(item, _os_reason(exc)))
            continue
        if old and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
            report.unchanged += len(old.ids)
            status.files_done += 1
        else:
            work.append((item, old, stat.st_size))
    status.files_total = report.files
    status.bytes_total = sum(size for _, _, size in work)

    if jobs is None:
        jobs = (os.cpu_count() or 1) if status.bytes_total >= PARALLEL_MIN_BYTES else 1
    runner = _InlineRunner(ix) if jobs <= 1 or not work else _PoolRunner(jobs, index_dir, start_method)

    pending: dict[str, _Pending] = {}
    finished: dict[str, FileState | None] = {}  # manifest changes awaiting a commit
    uncommitted = 0
    deleted = False  # deletions awaiting a commit
    last_commit = time.monotonic()

    def report_progress(phase: str = "indexing") -> None:
        if progress:
            status.phase = phase
            progress(status)

    def take(results: list[_Result]) -> None:
        nonlocal uncommitted
        for result in results:
            entry = pending[result.path]
            status.bytes_done += result.nbytes
            report.skipped.extend(result.skips)
            if result.error is not None:
                report.skipped.append(Skip(result.path, result.error))
                entry.tasks = -1  # not indexed; its old articles and manifest entry stay
            else:
                if result.sha1 is not None:  # a whole file (split files were hashed when split)
                    entry.state.size, entry.state.mtime_ns, entry.state.sha1 = result.size, result.mtime_ns, result.sha1
                if result.ids is None:
                    entry.unchanged = True
                else:
                    if result.sha1 is not None:
                        # Only committed segments are searched: this never touches the new copies.
                        delete_path(result.path)
                    entry.ids.extend(result.ids)
                    status.articles += len(result.ids)
                    uncommitted += len(result.ids)
            entry.tasks -= 1
            if entry.tasks == 0:
                _settle(result.path, pending.pop(result.path), report, finished)
                status.files_done += 1
            elif entry.tasks < 0:
                pending.pop(result.path)
                status.files_done += 1
        report_progress()

    def delete_path(path: str) -> None:
        nonlocal deleted
        if not fresh:
            writer.delete_by_term("path", path)
            deleted = True

    def commit_now() -> None:
        nonlocal writer, uncommitted, last_commit, deleted
        segments = runner.flush(take)
        report_progress("committing")
        _commit(writer, segments, deleted)
        deleted = False
        _apply(manifest, finished)
        filestore.save_manifest(index_dir, manifest)
        writer = _new_writer(ix)
        uncommitted, last_commit = 0, time.monotonic()

    try:
        report_progress()
        for kind, payload in _tasks(work, pending, finished, report, delete_path):
            while runner.outstanding >= runner.capacity:
                take(runner.wait_one())
            runner.submit(kind, payload)
            if uncommitted >= COMMIT_EVERY_ARTICLES or time.monotonic() - last_commit > COMMIT_EVERY_SECONDS:
                commit_now()

        for path, state in list(manifest.items()):
            if path not in seen and _under(path, roots) and not os.path.exists(path):
                delete_path(path)
                report.removed += len(state.ids)
                finished[path] = None
        segments = runner.flush(take)
        report_progress("committing")
        _commit(writer, segments, deleted)
        runner.close()
    except BaseException:
        runner.kill()
        try:
            writer.cancel()
        except Exception:
            pass
        raise
    _apply(manifest, finished)
    filestore.save_manifest(index_dir, manifest)
    store.write_meta(index_dir, updated=time.time())
    report.seconds = time.perf_counter() - started
    report_progress("done")
    return report


def _tasks(work, pending: dict[str, _Pending], finished, report: IndexReport, delete_path) -> Iterator[tuple[str, object]]:
    """Group the files to read into tasks; split big JSON Lines files into runs of records."""
    batch: list[tuple[str, str | None, int]] = []
    batch_bytes = 0
    for path, old, size in work:
        if size > SPLIT_BYTES and path.lower().endswith(_RECORD_SUFFIXES):
            split = _split_records(path, old, size, pending, finished, report, delete_path)
            if split is not None:
                yield from split
                continue
        pending[path] = _Pending(FileState(size, 0, "", []), old, tasks=1)
        batch.append((path, old.sha1 if old else None, size))
        batch_bytes += size
        if len(batch) >= FILES_PER_TASK or batch_bytes >= BYTES_PER_TASK:
            yield "files", batch
            batch, batch_bytes = [], 0
    if batch:
        yield "files", batch


def _split_records(path, old, size, pending, finished, report, delete_path):
    """Tasks for runs of records of a clean JSON Lines file, or None to read it whole."""
    from newsearch.ingest.compressed import gunzip
    from newsearch.ingest.decoding import decode, sniff_binary

    try:
        with open(path, "rb") as handle:
            data = handle.read()
            stat = os.fstat(handle.fileno())
    except OSError:
        return None  # the whole-file path reports the error
    digest = filestore.content_hash(data)
    if old and old.sha1 == digest:
        report.unchanged += len(old.ids)
        finished[path] = FileState(stat.st_size, stat.st_mtime_ns, digest, old.ids)
        return iter(())
    if path.lower().endswith(".gz"):
        data, complete = gunzip(data)
        if not complete:
            return None
    if not data.strip() or sniff_binary(data):
        return None
    lines = decode(data, limit=None).split("\n")
    del data
    runs = [(first, lines[first : first + RECORDS_PER_TASK]) for first in range(0, len(lines), RECORDS_PER_TASK)]
    runs = [(first, run) for first, run in runs if any(line.strip() for line in run)]
    pending[path] = _Pending(FileState(stat.st_size, stat.st_mtime_ns, digest, []), old, tasks=len(runs))
    delete_path(path)
    base_id = filestore.file_id(path)
    share = size // max(1, len(runs))
    return (("records", (path, base_id, first + 1, "\n".join(run), share)) for first, run in runs)


def _settle(path: str, entry: _Pending, report: IndexReport, finished: dict[str, FileState | None]) -> None:
    """Count a completely indexed file and queue its manifest entry."""
    old_ids = set(entry.old.ids) if entry.old else set()
    if entry.unchanged:
        report.unchanged += len(old_ids)
        entry.state.ids = list(entry.old.ids) if entry.old else []
    else:
        new_ids = set(entry.ids)
        report.added += len(new_ids - old_ids)
        report.updated += len(new_ids & old_ids)
        report.removed += len(old_ids - new_ids)
        entry.state.ids = entry.ids
    finished[path] = entry.state


def _commit(writer, segments: list, changed: bool = True) -> None:
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


def _acquire_lock(index_dir: Path, wait: float, on_wait: Callable[[], None] | None):
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


def _apply(manifest: dict[str, FileState], finished: dict[str, FileState | None]) -> None:
    for path, state in finished.items():
        if state is None:
            manifest.pop(path, None)
        else:
            manifest[path] = state
    finished.clear()


def _under(path: str, roots: list[Path]) -> bool:
    p = Path(path)
    return any(p == root or root in p.parents for root in roots)


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
