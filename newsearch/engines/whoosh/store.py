"""Opening the index folder: creation, schema-version checks, metadata."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path

from newsearch.errors import IndexIncompatible, IndexMissing
from newsearch.models import FileState
from newsearch.engines.whoosh.schema import SCHEMA_VERSION

META_NAME = "newsearch-meta.json"
MANIFEST_NAME = "newsearch-files.json"  # indexed files: size, mtime, content hash, article ids
INDEX_NAME = "articles"  # the Whoosh index name inside the folder


def read_meta(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / META_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def write_meta(index_dir: Path, **changes) -> None:
    meta = read_meta(index_dir)
    meta.update(changes)
    tmp = index_dir / (META_NAME + ".tmp")
    tmp.write_text(json.dumps(meta, indent=1), "utf-8")
    os.replace(tmp, index_dir / META_NAME)


def check_version(index_dir: Path) -> None:
    version = read_meta(index_dir).get("schema_version")
    if version != SCHEMA_VERSION:
        raise IndexIncompatible(
            f"the index at {index_dir} was made by an incompatible version of newsearch"
            f" (schema {version}, this version needs {SCHEMA_VERSION})"
            " — run `newsearch index --rebuild DIR`"
        )


def open_for_reading(index_dir: str | os.PathLike, shown: str | None = None):
    """The Whoosh index at ``index_dir``, or IndexMissing/IndexIncompatible."""
    from whoosh import index
    from whoosh.index import EmptyIndexError

    shown = shown or os.fspath(index_dir)  # as the user gave it: "./index", not "index"
    index_dir = Path(index_dir)
    try:  # (not Whoosh's exists_in first: it opens the whole index to answer)
        ix = index.open_dir(str(index_dir), indexname=INDEX_NAME)
    except (EmptyIndexError, OSError):
        raise IndexMissing(f"no index at {shown} — run `newsearch index DIR` first") from None
    check_version(index_dir)
    return ix


def write_lock(index_dir: Path):
    """Whoosh's write lock of the index (the one ``ix.writer()`` takes), usable before the index exists."""
    from whoosh.filedb.filestore import FileStorage

    index_dir.mkdir(parents=True, exist_ok=True)
    return FileStorage(str(index_dir)).lock(f"{INDEX_NAME}_WRITELOCK")


def open_whoosh(index_dir: Path):
    """The Whoosh index as it is, without checks (for indexing workers)."""
    from whoosh import index

    return index.open_dir(str(index_dir), indexname=INDEX_NAME)


def open_for_writing(index_dir: Path, rebuild: bool = False):
    """Open the index, creating it (or starting over with ``rebuild``)."""
    from whoosh import index

    from newsearch.engines.whoosh.schema import build_schema

    index_dir.mkdir(parents=True, exist_ok=True)
    if not rebuild:
        try:  # (not Whoosh's exists_in first: it opens the whole index to answer)
            ix = index.open_dir(str(index_dir), indexname=INDEX_NAME)
        except index.EmptyIndexError:
            pass
        else:
            check_version(index_dir)
            return ix
    ix = index.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)
    write_meta(index_dir, schema_version=SCHEMA_VERSION, created=time.time())
    return ix


def load_manifest(index_dir: Path) -> dict[str, FileState]:
    try:
        raw = json.loads((index_dir / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {path: FileState(**state) for path, state in raw.get("files", {}).items()}


def save_manifest(index_dir: Path, files: dict[str, FileState]) -> None:
    """Write atomically: a crash leaves the old manifest or the new one."""
    target = index_dir / MANIFEST_NAME
    tmp = target.with_suffix(".tmp")
    payload = {"files": {path: asdict(state) for path, state in files.items()}}
    tmp.write_text(json.dumps(payload, separators=(",", ":")), "utf-8")
    os.replace(tmp, target)
