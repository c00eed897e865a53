"""An indexing run: bring an index up to date with the article files under some paths.

Engine-neutral: the engine's writer (``engines.base.EngineWriter``) owns the
index, its lock and its manifest of indexed files; this module decides what
to read and keeps the manifest honest.

Incremental by file: unchanged files (same size and mtime, or same content
hash) are not re-extracted; changed files have their old articles replaced;
files gone from the folders being indexed have their articles removed.

Parallel: with ``jobs`` > 1, worker processes read and extract the files and
feed them to sinks of their own (``workers.py``); this process commits what
the sinks made, with the deletions, through the writer.

Work is committed at intervals, and the manifest advances only with a commit,
so an interrupted run keeps what it committed and the next run picks up the
rest. Old articles of a (re)indexed file are deleted by path, so a run killed
between a commit and the manifest save leaves no duplicates behind.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from newsearch import crashpoints
from newsearch.engines.base import EngineWriter
from newsearch.errors import NewsearchError
from newsearch.indexing import files as filestore
from newsearch.indexing.tasks import Pending, SeededSink, TaskResult, os_reason, plan_tasks, seed_publishers
from newsearch.models import FileState, IndexProgress, IndexReport, Skip

if TYPE_CHECKING:
    from newsearch.indexing.workers import InlineRunner, PoolRunner

COMMIT_EVERY_ARTICLES = 50_000
COMMIT_EVERY_SECONDS = 60.0
# Below this much to read, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 2 * 1024 * 1024

ProgressFn = Callable[[IndexProgress], None]


class NothingRecorded(NewsearchError):
    """`newsearch index` with no paths, on an index that records none."""


def index_paths(
    paths: Iterable[str | os.PathLike],
    index: str | os.PathLike,
    *,
    rebuild: bool = False,
    wait: float = 60.0,
    progress: ProgressFn | None = None,
    on_wait: Callable[[], None] | None = None,
    jobs: int | None = None,
    start_method: str | None = None,
    source: str | None = None,
    exclude: Sequence[str] = (),
) -> IndexReport:
    """Bring the index ``index`` (a folder, or any ``--index`` value) up to date with the files under ``paths``.

    ``paths`` empty: the folders (and files) given to earlier runs, as the
    index records them. ``exclude``: glob patterns of files and folders to
    leave out (beside each folder's ``.newsearchignore``). ``jobs``: worker
    processes (None: one per core, or none for a small job; 1: all work in
    this process). ``source``: the publisher of every article in these files
    (``index --source``), remembered for the files' later runs.
    """
    from newsearch.engines import open_engine

    started = time.perf_counter()
    engine = open_engine(index, create=True)
    try:
        paths = list(paths) or list(recorded_paths(engine, wait, on_wait))
        writer = engine.open_writer(rebuild=rebuild, wait=wait, on_wait=on_wait)
        try:
            run = IndexRun(writer, paths, exclude=engine.folder, progress=progress, source=source, patterns=exclude,
                           publishers=(lambda: ()) if rebuild else (lambda: _publishers(engine)))
            report = run.run(jobs=jobs, start_method=start_method)
            if rebuild and not report.files and report.skipped:  # a mistyped path must not empty the index
                writer.cancel()
                report.notes.append("nothing found to rebuild from: the index was left as it was")
        finally:
            writer.close()
    finally:
        engine.close()
    report.seconds = time.perf_counter() - started
    report.paths = [str(p) for p in paths]
    return report


def recorded_paths(engine, wait: float, on_wait) -> list[str]:
    """What earlier runs were given: the folders recorded as roots, and files not under any of them."""
    writer = engine.open_writer(wait=wait, on_wait=on_wait)
    try:
        manifest = writer.manifest()
    finally:
        writer.close()
    roots = sorted(path for path, state in manifest.items() if state.root)
    folders = [Path(root) for root in roots]
    loose = sorted(path for path, state in manifest.items() if not state.root and not _under(path, folders))
    if not roots and not loose:
        raise NothingRecorded(
            f"the index at {engine.location} records no folders to refresh: name the folders of article files"
            " to index (`newsearch index FOLDER...`)"
        )
    return roots + loose


class IndexRun:
    """One run over ``paths`` into ``writer``; :meth:`run` does it and returns the report."""

    def __init__(self, writer: EngineWriter, paths: list[str | os.PathLike], *, exclude: Path | None,
                 progress: ProgressFn | None = None, source: str | None = None,
                 publishers: Callable[[], tuple[tuple[str, str | None], ...]] = tuple, patterns: Sequence[str] = ()):
        self.writer = writer
        self.source = source  # None: each file keeps the name it was indexed under, if any
        # (name, an article's URL) of the publishers the index holds, to file new spellings under;
        # asked for only when there are files to read, so an unchanged re-run does not pay for it.
        self.publishers = publishers
        self.paths = paths
        self.roots = [Path(p).resolve() for p in paths]
        self.exclude = exclude
        self.patterns = list(patterns)
        self.progress = progress
        self.report = IndexReport()
        self.status = IndexProgress()
        self.manifest: dict[str, FileState] = {}
        self.seen: set[str] = set()
        self.pending: dict[str, Pending] = {}
        self.finished: dict[str, FileState | None] = {}  # manifest changes awaiting a commit
        self.uncommitted = 0  # articles added since the last commit
        self.last_commit = time.monotonic()
        self.runner: InlineRunner | PoolRunner | None = None

    def run(self, *, jobs: int | None = None, start_method: str | None = None) -> IndexReport:
        from newsearch.indexing.workers import InlineRunner, PoolRunner

        try:
            self.manifest = self.writer.manifest()
            work = self.plan()
            if jobs is None:
                jobs = (os.cpu_count() or 1) if self.status.bytes_total >= PARALLEL_MIN_BYTES else 1
            self.report.notes.extend(getattr(self.writer, "notes", []))
            factory = self.writer.sink_factory()
            known = self.publishers() if work else ()
            if jobs <= 1 or not work or factory is None:
                seed_publishers(known)
                self.runner = InlineRunner(self.writer.sink())
            else:
                self.runner = PoolRunner(jobs, SeededSink(factory, known), start_method)
            self._index(work)
        except BaseException:
            if self.runner is not None:
                self.runner.kill()
            self.writer.cancel()
            raise
        self._progress("done")
        return self.report

    def plan(self) -> list[tuple[str, FileState | None, int, str | None]]:
        """The files that need reading (new, changed, or named another source): (path, old state, size, source)."""
        work: list[tuple[str, FileState | None, int, str | None]] = []
        for root in self.roots:
            if root.is_dir():  # recorded, so that `newsearch index` alone refreshes it
                self.finished[str(root)] = FileState(0, 0, "", root=True)

        def passed(kind: str, path: str) -> None:
            (self.report.unsupported if kind == "unsupported" else self.report.excluded).append(path)

        for item in filestore.discover(self.paths, exclude=self.exclude, patterns=self.patterns, passed=passed):
            if isinstance(item, Skip):
                self.report.skipped.append(item)
                continue
            if item in self.seen:
                continue
            self.seen.add(item)
            self.report.files += 1
            old = self.manifest.get(item)
            try:
                stat = os.stat(item)
            except OSError as exc:
                self.report.skipped.append(Skip(item, os_reason(exc)))
                continue
            source = self.source if self.source is not None else (old.source if old else None)
            if old and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns and old.source == source:
                self.report.unchanged += len(old.ids)
                self.report.skipped.extend(Skip(where, reason) for where, reason in old.skips)  # still skipped
                self.status.files_done += 1
            else:
                work.append((item, old, stat.st_size, source))
        self.status.files_total = self.report.files
        self.status.bytes_total = sum(size for _, _, size, _ in work)
        return work

    def _index(self, work) -> None:
        self._progress()
        runner = self._runner()
        for kind, payload in plan_tasks(work, self.pending, self.finished, self.report, self.writer.delete_path):
            while runner.outstanding >= runner.capacity:
                self.take(runner.wait_one())
            runner.submit(kind, payload)
            if self.uncommitted >= COMMIT_EVERY_ARTICLES or time.monotonic() - self.last_commit > COMMIT_EVERY_SECONDS:
                self.commit()
        self._remove_missing()
        self.commit()
        runner.close()

    def _runner(self) -> InlineRunner | PoolRunner:
        assert self.runner is not None, "run() starts the runner before indexing"
        return self.runner

    def _remove_missing(self) -> None:
        """Articles of files gone from the folders being indexed, or now excluded, are removed."""
        left_out = [Path(p) for p in self.report.excluded]
        for path, state in list(self.manifest.items()):
            if path in self.seen or not _under(path, self.roots) or (state.root and Path(path) in self.roots):
                continue
            if not os.path.exists(path) or _under(path, left_out):
                self.writer.delete_path(path)
                self.report.removed += len(state.ids)
                self.finished[path] = None

    def commit(self) -> None:
        """Everything the workers made so far, the deletions and the manifest, in one commit."""
        parts = self._runner().flush(self.take)
        self._progress("committing")
        for path, state in self.finished.items():
            if state is None:
                self.manifest.pop(path, None)
            else:
                self.manifest[path] = state
        self.finished.clear()
        self.writer.commit(parts, self.manifest)
        self.uncommitted, self.last_commit = 0, time.monotonic()

    def take(self, results: list[TaskResult]) -> None:
        """Account for finished tasks: progress, skips, deletions, manifest entries."""
        for result in results:
            entry = self.pending[result.path]
            self.status.bytes_done += result.nbytes
            self.report.skipped.extend(result.skips)
            entry.skips.extend(result.skips)
            if result.error is not None:
                self.report.skipped.append(Skip(result.path, result.error))
                entry.tasks = -1  # not indexed; its old articles and manifest entry stay
            else:
                self._take_indexed(result, entry)
            entry.tasks -= 1
            crashpoints.reached("task:done")
            if entry.tasks == 0:
                self._settle(result.path, self.pending.pop(result.path))
                self.status.files_done += 1
            elif entry.tasks < 0:
                self.pending.pop(result.path)
                self.status.files_done += 1
        self._progress()

    def _take_indexed(self, result: TaskResult, entry: Pending) -> None:
        if result.sha1 is not None:  # a whole file (split files were hashed when split)
            entry.state.size, entry.state.mtime_ns, entry.state.sha1 = result.size, result.mtime_ns, result.sha1
        if result.ids is None:
            entry.unchanged = True
            return
        if result.sha1 is not None:
            self.writer.delete_path(result.path)
        entry.ids.extend(result.ids)
        self.status.articles += len(result.ids)
        self.uncommitted += len(result.ids)

    def _settle(self, path: str, entry: Pending) -> None:
        """Count a completely indexed file and queue its manifest entry."""
        old_ids = set(entry.old.ids) if entry.old else set()
        entry.state.skips = [[skip.path, skip.reason] for skip in entry.skips]
        if entry.unchanged:
            self.report.unchanged += len(old_ids)
            entry.state.ids = list(entry.old.ids) if entry.old else []
            if entry.old:  # same content: what was skipped in it still is
                entry.state.skips = list(entry.old.skips)
                self.report.skipped.extend(Skip(where, reason) for where, reason in entry.old.skips)
        else:
            new_ids = set(entry.ids)
            self.report.added += len(new_ids - old_ids)
            self.report.updated += len(new_ids & old_ids)
            self.report.removed += len(old_ids - new_ids)
            entry.state.ids = entry.ids
        self.finished[path] = entry.state

    def _progress(self, phase: str = "indexing") -> None:
        if self.progress:
            self.status.phase = phase
            self.progress(self.status)


PUBLISHERS_SEEDED = 500  # the most frequent publishers of an index that new spellings are matched against


def _publishers(engine) -> tuple[tuple[str, str | None], ...]:
    """The publisher names an index holds, most articles first, each with the URL of one of its articles.

    The URL gives the publisher's web domain, so that a page of the same domain
    that spells the name otherwise is filed under the index's name.
    """
    from newsearch.deadline import Deadline
    from newsearch.query.tree import MatchAll, SourceIs

    names = list(engine.facets(MatchAll(), ["source"], deadline=Deadline(None)).get("source", {}))[:PUBLISHERS_SEEDED]
    examples = {}
    for name in names:  # about 2 ms a name
        top = engine.rank(SourceIs(name), depth=1, deadline=Deadline(None)).hits
        if top:
            examples[name] = top[0].id
    urls = {name: article.url for name, article in zip(examples, engine.articles(list(examples.values()))) if article}
    return tuple((name, urls.get(name)) for name in names)


def _under(path: str, roots: list[Path]) -> bool:
    p = Path(path)
    return any(p == root or root in p.parents for root in roots)
