"""The write side: turning article files into an up-to-date Whoosh index.

Incremental by file: unchanged files (same size and mtime, or same content
hash) are not re-extracted; changed files have their old articles replaced;
files gone from the folders being indexed have their articles removed.
Work is committed at intervals, and the manifest of indexed files is saved
only after a commit, so an interrupted run keeps what it committed and the
next run picks up the rest.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from newsearch import dedup
from newsearch import files as filestore
from newsearch import store
from newsearch.errors import IndexLocked
from newsearch.files import FileState
from newsearch.models import Article, Skip
from newsearch.ranking import indexed_title

COMMIT_EVERY_ARTICLES = 5000
COMMIT_EVERY_SECONDS = 30.0


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skip] = field(default_factory=list)
    files: int = 0
    seconds: float = 0.0

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "files": self.files,
            "seconds": round(self.seconds, 3),
        }


ProgressFn = Callable[[int, int | None], None]

def article_document(article: Article) -> dict:
    """The Whoosh document for an article (None values omitted)."""
    words = dedup.words_of(f"{article.title}\n{article.body}")
    doc = {
        "id": article.id,
        "path": article.path,
        "title": indexed_title(article.title or "", article.body or ""),
        "_stored_title": article.title or "",
        "body": article.body or "",
        "names": f"{article.title}\n{article.body}",
        "fingerprint": dedup.fingerprint(words),
        "sketch": dedup.sketch(words).encode("ascii"),
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


def index_paths(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    rebuild: bool = False,
    wait: float = 60.0,
    progress: ProgressFn | None = None,
    on_wait: Callable[[], None] | None = None,
) -> IndexReport:
    """Bring the index at ``index_dir`` up to date with the files under ``paths``."""
    from newsearch.readers import read_articles

    started = time.perf_counter()
    index_dir = Path(index_dir)
    roots = [Path(p).resolve() for p in paths]
    report = IndexReport()
    ix = store.open_for_writing(index_dir, rebuild=rebuild)
    writer = _acquire_writer(ix, wait, on_wait)
    manifest = {} if rebuild else filestore.load_manifest(index_dir)
    pending: dict[str, FileState | None] = {}  # manifest changes awaiting a commit
    uncommitted = 0
    last_commit = time.monotonic()
    seen: set[str] = set()

    candidates = list(filestore.discover(paths, exclude=index_dir))
    total = sum(1 for c in candidates if isinstance(c, str))
    try:
        for done, item in enumerate(candidates):
            if isinstance(item, Skip):
                report.skipped.append(item)
                continue
            report.files += 1
            if progress:
                progress(report.files, total)
            path = item
            seen.add(path)
            old = manifest.get(path)
            try:
                stat = os.stat(path)
                if old and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
                    report.unchanged += len(old.ids)
                    continue
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError as exc:
                report.skipped.append(Skip(path, _os_reason(exc)))
                continue
            digest = filestore.content_hash(data)
            if old and old.sha1 == digest:
                report.unchanged += len(old.ids)
                pending[path] = FileState(stat.st_size, stat.st_mtime_ns, digest, old.ids)
                continue
            new_ids = _index_file(writer, data, path, old, report)
            pending[path] = FileState(stat.st_size, stat.st_mtime_ns, digest, new_ids)
            uncommitted += len(new_ids) + 1
            if (
                uncommitted >= COMMIT_EVERY_ARTICLES
                or time.monotonic() - last_commit > COMMIT_EVERY_SECONDS
            ):
                writer.commit()
                _apply(manifest, pending)
                filestore.save_manifest(index_dir, manifest)
                writer = _acquire_writer(ix, wait, on_wait)
                uncommitted, last_commit = 0, time.monotonic()

        for path, state in list(manifest.items()):
            if path not in seen and _under(path, roots) and not os.path.exists(path):
                for article_id in state.ids:
                    writer.delete_by_term("id", article_id)
                report.removed += len(state.ids)
                pending[path] = None
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    _apply(manifest, pending)
    filestore.save_manifest(index_dir, manifest)
    store.write_meta(index_dir, updated=time.time())
    report.seconds = time.perf_counter() - started
    return report


def _index_file(writer, data: bytes, path: str, old: FileState | None, report: IndexReport) -> list[str]:
    """Replace the file's articles in the index; return the new article ids."""
    from newsearch.readers import read_articles

    docs: dict[str, dict] = {}  # by id: a key updated twice in one writer would leave two copies
    for item in read_articles(data, path, filestore.file_id(path)):
        if isinstance(item, Skip):
            report.skipped.append(item)
        else:
            docs[item.id] = article_document(item)
    old_ids = set(old.ids) if old else set()
    for article_id in old_ids - docs.keys():
        writer.delete_by_term("id", article_id)
        report.removed += 1
    for article_id, doc in docs.items():
        if article_id in old_ids:
            writer.update_document(**doc)
            report.updated += 1
        else:
            writer.add_document(**doc)
            report.added += 1
    return list(docs)


def _acquire_writer(ix, wait: float, on_wait: Callable[[], None] | None):
    from whoosh.index import LockError

    try:
        return ix.writer()
    except LockError:
        pass
    if on_wait:
        on_wait()
    try:
        return ix.writer(timeout=wait, delay=0.25)
    except LockError:
        raise IndexLocked(
            f"another newsearch run is still indexing into this index after {wait:g}s — try again later, or give --wait more seconds"
        ) from None


def _apply(manifest: dict[str, FileState], pending: dict[str, FileState | None]) -> None:
    for path, state in pending.items():
        if state is None:
            manifest.pop(path, None)
        else:
            manifest[path] = state
    pending.clear()


def _under(path: str, roots: list[Path]) -> bool:
    p = Path(path)
    return any(p == root or root in p.parents for root in roots)


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
