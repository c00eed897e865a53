"""The units of work of an indexing run: planning them, and doing one (in a worker or in-process).

A task is a few small files, or a run of records of a big JSON Lines file (so
one big file is spread over the workers too). Doing a task reads and extracts
the files and hands the articles, with their copy signatures, to the
engine's sink; the result says what became of each file for the manifest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from newsearch.engines.base import ArticleSink
from newsearch.indexing import files as filestore
from newsearch.ingest.publishers import PublisherNames
from newsearch.ingest.signatures import signature_of
from newsearch.models import Article, FileState, IndexReport, Skip

# A task for a worker: a few small files, or a run of records of a big file.
FILES_PER_TASK = 24
BYTES_PER_TASK = 512 * 1024
RECORDS_PER_TASK = 800
# JSON Lines files bigger than this are split into record runs across workers.
SPLIT_BYTES = 256 * 1024
_RECORD_SUFFIXES = (".jsonl", ".jsonl.gz")


# The canonical publisher names of this process (each worker has its own, seeded with the names
# the index already holds, so that a variant spelling is filed under the name the index uses).
PUBLISHERS = PublisherNames()


def seed_publishers(known: Iterable[tuple[str, str | None]]) -> None:
    """Start this process's publisher names from the (name, URL of an article) pairs an index holds."""
    global PUBLISHERS
    PUBLISHERS = PublisherNames(known)


@dataclass
class SeededSink:
    """A sink factory for worker processes that first seeds the worker's publisher names."""

    open_sink: Callable[[], ArticleSink]
    publishers: tuple[tuple[str, str | None], ...]

    def __call__(self) -> ArticleSink:
        seed_publishers(self.publishers)
        return self.open_sink()


@dataclass
class Pending:
    """A file being indexed: its manifest entry is final when all its tasks are back."""

    state: FileState
    old: FileState | None
    tasks: int
    ids: list[str] = field(default_factory=list)
    unchanged: bool = False
    skips: list[Skip] = field(default_factory=list)  # what in it was skipped, remembered in the manifest


@dataclass
class TaskResult:
    """What became of one file (or one run of records of a split file)."""

    path: str
    size: int = 0
    mtime_ns: int = 0
    sha1: str | None = None
    ids: list[str] | None = None  # None: content unchanged (same hash), nothing indexed
    skips: list[Skip] = field(default_factory=list)
    error: str | None = None  # the file could not be read
    nbytes: int = 0  # for progress


def run_task(kind: str, payload, sink: ArticleSink) -> list[TaskResult]:
    """Read the task's files (or run of records) into ``sink``; what became of each."""
    if kind == "files":
        return [_index_file(path, old_sha1, size, source, sink) for path, old_sha1, size, source in payload]
    path, base_id, first_line, text, nbytes, source = payload
    return [_index_records(path, base_id, first_line, text, nbytes, source, sink)]


def _index_file(path: str, old_sha1: str | None, size: int, source: str | None, sink) -> TaskResult:
    from newsearch.ingest import read_articles

    try:
        with open(path, "rb") as handle:
            data = handle.read()
            stat = os.fstat(handle.fileno())
    except OSError as exc:
        return TaskResult(path, error=os_reason(exc), nbytes=size)
    result = TaskResult(path, stat.st_size, stat.st_mtime_ns, filestore.content_hash(data), nbytes=size)
    if result.sha1 != old_sha1:
        articles = read_articles(data, path, filestore.file_id(path), source=source)
        result.ids = _add_articles(articles, result.skips, sink, named=source is not None)
    return result


def _index_records(path: str, base_id: str, first_line: int, text: str, nbytes: int, source: str | None,
                   sink) -> TaskResult:
    """A run of lines of a JSON Lines file, numbered as in the whole file."""
    from newsearch.ingest.records import read_jsonl

    # Blank lines are passed over by the reader but counted, so ids ("base#line") match a whole-file read.
    items = read_jsonl("\n" * (first_line - 1) + text, path, base_id, source=source)
    result = TaskResult(path, nbytes=nbytes)
    skips: list[Skip] = []
    result.ids = _add_articles(items, skips, sink, named=source is not None)
    result.skips = [s for s in skips if not (s.path == path and s.reason == "empty file")]
    return result


def _add_articles(items: Iterable[Article | Skip], skips: list[Skip], sink: ArticleSink, *, named: bool) -> list[str]:
    """Add the articles (the last of each id: an id added twice would leave two copies), signed.

    A publisher the extractor found is filed under the index's name for it (one
    name per publisher); a name the user gave (``named``) is kept as typed.
    """
    articles: dict[str, Article] = {}
    for item in items:
        if isinstance(item, Skip):
            skips.append(item)
        else:
            articles[item.id] = item
    for article in articles.values():
        if not named:  # a name PublisherNames cannot clean (a record's "AP/Reuters") stays as stated
            article.source = PUBLISHERS.canonical(article.source, article.url) or article.source
        article.signature = signature_of(article.title or "", article.body or "")
        sink.add(article)
    return list(articles)


def plan_tasks(work, pending: dict[str, Pending], finished, report: IndexReport, delete_path) -> Iterator[tuple[str, object]]:
    """Group the files to read into tasks; split big JSON Lines files into runs of records."""
    batch: list[tuple[str, str | None, int, str | None]] = []
    batch_bytes = 0
    for path, old, size, source in work:
        if size > SPLIT_BYTES and path.lower().endswith(_RECORD_SUFFIXES):
            split = _split_records(path, old, size, source, pending, finished, report, delete_path)
            if split is not None:
                yield from split
                continue
        pending[path] = Pending(FileState(size, 0, "", [], source), old, tasks=1)
        same_source = old is not None and old.source == source
        batch.append((path, old.sha1 if old and same_source else None, size, source))
        batch_bytes += size
        if len(batch) >= FILES_PER_TASK or batch_bytes >= BYTES_PER_TASK:
            yield "files", batch
            batch, batch_bytes = [], 0
    if batch:
        yield "files", batch


def _split_records(path, old, size, source, pending, finished, report, delete_path):
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
    if old and old.sha1 == digest and old.source == source:
        report.unchanged += len(old.ids)
        finished[path] = FileState(stat.st_size, stat.st_mtime_ns, digest, old.ids, source)
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
    pending[path] = Pending(FileState(stat.st_size, stat.st_mtime_ns, digest, [], source), old, tasks=len(runs))
    delete_path(path)
    base_id = filestore.file_id(path)
    share = size // max(1, len(runs))
    return (("records", (path, base_id, first + 1, "\n".join(run), share, source)) for first, run in runs)


def os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
