"""The index folder: which data folder is current, creating and replacing it, the write lock.

Layout::

    index/
      newsearch-meta.json   signed: format, schema version, creation time, and which data folder is current
      articles_WRITELOCK    the one writer's lock (an flock: released when its process dies)
      data-0003/            the current data: Whoosh's segments and tables of contents, and per
                            commit the list of indexed files with checksums (``generations.py``)
      data-0004/            a rebuild under way (or a new index before its first commit), marked
                            ``newsearch-building``; never read

Readers follow ``newsearch-meta.json`` to the current data folder and see its
last commit. A rebuild fills a new data folder beside the current one and
only when it is complete replaces the meta file (atomically, with fsync), so
readers switch from one complete index to the next and an interrupted
rebuild loses nothing; the old folder is removed after the switch.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from newsearch import crashpoints
from newsearch.durable import ChecksumError, read_signed_json, replace_file, signed_json
from newsearch.engines.whoosh.schema import SCHEMA_VERSION
from newsearch.errors import IndexDamaged, IndexIncompatible, IndexMissing, NotAnIndex

META_NAME = "newsearch-meta.json"
INDEX_NAME = "articles"  # the Whoosh index name inside a data folder
LOCK_NAME = f"{INDEX_NAME}_WRITELOCK"
BUILDING_NAME = "newsearch-building"  # in a data folder: not yet published (a rebuild, a new index)
FORMAT = 2  # the folder layout; 1 (no "format" key): Whoosh's files straight in the index folder
_DATA = re.compile(r"^data-(\d{4,})$")
# What an index of the first layout kept in its folder (removed once a rebuild replaces it).
_LEGACY = re.compile(rf"^(_{INDEX_NAME}_\d+\.toc|{INDEX_NAME}_[0-9a-z]+\..+|newsearch-files\.(json|tmp)|{META_NAME}\.tmp)$")


@dataclass
class Current:
    """The published state of an index folder."""

    meta: dict
    data: Path  # the current data folder

    @property
    def key(self) -> tuple:
        """Changes whenever another data folder becomes current (a rebuild)."""
        return self.meta.get("data"), self.meta.get("created")


def damaged(shown: str, what: str) -> IndexDamaged:
    """The one-line error for damage: what is wrong and what to do."""
    error = IndexDamaged(
        f"the index at {shown} is damaged: {what} — `newsearch check --repair --index {shown}`"
        " rebuilds it from its article files"
    )
    error.what = what
    return error


def incompatible(shown: str, meta: dict) -> IndexIncompatible:
    if meta.get("schema_version") != SCHEMA_VERSION:
        why = f"schema {meta.get('schema_version')}, this version needs {SCHEMA_VERSION}"
    else:
        why = f"folder layout {meta.get('format', 1)}, this version needs {FORMAT}"
    return IndexIncompatible(
        f"the index at {shown} was made by an incompatible version of newsearch ({why})"
        f" — rebuild it from the article folders: `newsearch index --rebuild --index {shown} FOLDER...`"
        " (the folders of article files, not the index)"
    )


def load_meta(index_dir: Path, shown: str) -> dict | None:
    """The signed meta file's contents; None when there is none; IndexDamaged when it was changed."""
    path = index_dir / META_NAME
    try:
        return read_signed_json(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ChecksumError as exc:
        if _unsigned_meta(path):  # written by a newsearch from before signed files
            raise incompatible(shown, _unsigned_meta(path) or {}) from None
        raise damaged(shown, f"{META_NAME}: {exc}") from None


def _unsigned_meta(path: Path) -> dict | None:
    import json

    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) and "schema_version" in value and "checksum" not in value else None


def current(index_dir: Path, shown: str) -> Current:
    """The published state, or IndexMissing / IndexIncompatible / IndexDamaged."""
    meta = load_meta(index_dir, shown)
    if meta is None:
        if published_data(index_dir):
            raise damaged(shown, f"{META_NAME} is missing")
        raise IndexMissing(f"no index at {shown} — run `newsearch index DIR` first")
    if meta.get("schema_version") != SCHEMA_VERSION or meta.get("format") != FORMAT:
        raise incompatible(shown, meta)
    name = str(meta.get("data", ""))
    if not _DATA.match(name):
        raise damaged(shown, f"{META_NAME} names no data folder")
    data = index_dir / name
    if not data.is_dir():
        raise damaged(shown, f"its data folder {name} is missing")
    return Current(meta, data)


def open_for_reading(index_dir: str | os.PathLike, shown: str | None = None):
    """(Whoosh index of the current data folder, Current), or IndexMissing/IndexIncompatible/IndexDamaged.

    A rebuild may switch folders between reading the meta file and opening
    the folder it named: then the meta file is read again.
    """
    shown = shown or os.fspath(index_dir)  # as the user gave it: "./index", not "index"
    index_dir = Path(index_dir)
    for _attempt in range(3):
        state = current(index_dir, shown)
        try:
            return open_data(state.data, shown), state
        except IndexDamaged:
            if load_meta(index_dir, shown) == state.meta:
                raise
    raise damaged(shown, "its data folder keeps changing while it is opened")


def open_data(data: Path, shown: str):
    """The Whoosh index in a data folder; IndexDamaged when its table of contents is missing or unreadable."""
    from whoosh import index
    from whoosh.index import EmptyIndexError

    try:
        return index.open_dir(str(data), indexname=INDEX_NAME)
    except EmptyIndexError:
        raise damaged(shown, "its table of contents is missing") from None
    except (PermissionError, IsADirectoryError):
        raise
    except Exception as exc:  # a cut or flipped table of contents fails in Whoosh's reader in many ways
        raise damaged(shown, f"its table of contents is unreadable ({type(exc).__name__})") from None


def open_whoosh(data: Path):
    """The Whoosh index in a data folder as it is, without checks (indexing workers)."""
    from whoosh import index

    return index.open_dir(str(data), indexname=INDEX_NAME)


# --- the folder ---------------------------------------------------------------------------------


def looks_like_index(index_dir: Path) -> bool:
    """Whether the folder holds a newsearch index (of any layout, damaged or not)."""
    try:
        names = os.listdir(index_dir)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return any(name in (META_NAME, LOCK_NAME) or _DATA.match(name) or _LEGACY.match(name) for name in names)


def _holds_user_files(index_dir: Path) -> bool:
    """Whether the folder holds anything but hidden entries.

    Hidden entries (``.gitkeep``, ``.DS_Store``, a ``.nfs…`` leftover) are what
    version control, file browsers and network file systems leave in folders
    that are empty to their users; newsearch only ever removes files and
    folders it named itself, so writing beside them is safe.
    """
    return any(not entry.name.startswith(".") for entry in index_dir.iterdir())


def prepare_folder(index_dir: Path, shown: str) -> None:
    """Make sure newsearch may write here: a new or empty folder, or an index; creates it."""
    if index_dir.exists() and not index_dir.is_dir():
        raise NotAnIndex(f"{shown} is a file, not an index folder — give --index a folder")
    if index_dir.is_dir() and _holds_user_files(index_dir) and not looks_like_index(index_dir):
        raise NotAnIndex(
            f"{shown} is not empty and holds no newsearch index; newsearch writes only into a new or"
            " empty folder or an index it made — give --index another folder"
        )
    index_dir.mkdir(parents=True, exist_ok=True)


def write_lock(index_dir: Path):
    """The index's write lock, usable before the index exists (creates the folder)."""
    from whoosh.filedb.filestore import FileStorage

    index_dir.mkdir(parents=True, exist_ok=True)
    return FileStorage(str(index_dir)).lock(LOCK_NAME)


def _data_folders(index_dir: Path) -> list[Path]:
    try:
        names = os.listdir(index_dir)
    except OSError:
        return []
    return sorted((index_dir / n for n in names if _DATA.match(n)), key=lambda p: int(p.name[5:]))


def published_data(index_dir: Path) -> list[Path]:
    """Data folders that are not unfinished rebuilds."""
    return [p for p in _data_folders(index_dir) if not (p / BUILDING_NAME).exists()]


def new_data_folder(index_dir: Path) -> Path:
    """A new, empty data folder numbered after every existing one, marked unfinished until :func:`publish`."""
    folders = _data_folders(index_dir)
    number = int(folders[-1].name[5:]) + 1 if folders else 1
    data = index_dir / f"data-{number:04d}"
    data.mkdir()
    (data / BUILDING_NAME).write_text("being built: not used until it is complete\n", "utf-8")
    return data


def create_whoosh(data: Path):
    """An empty Whoosh index (generation 0) in a new data folder."""
    from whoosh import index

    from newsearch.engines.whoosh.schema import build_schema

    return index.create_in(str(data), build_schema(), indexname=INDEX_NAME)


def publish(index_dir: Path, data: Path, created: float | None = None) -> None:
    """Make ``data`` the current data folder (atomically, durably), then remove the others."""
    meta = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "created": created or time.time(), "data": data.name}
    replace_file(index_dir / META_NAME, signed_json(meta))
    crashpoints.reached("publish:meta-written")
    try:
        (data / BUILDING_NAME).unlink()
    except FileNotFoundError:
        pass
    remove_stale(index_dir, keep=data)


def remove_stale(index_dir: Path, keep: Path | None) -> None:
    """Remove data folders other than ``keep`` (old or abandoned rebuilds) and files of the first layout.

    Only the writer calls this, holding the lock. Readers that still have an
    old folder's files open keep reading them (removal unlinks, it does not truncate).
    """
    for folder in _data_folders(index_dir):
        if keep is None or folder.name != keep.name:
            shutil.rmtree(folder, ignore_errors=True)
    if keep is None:
        return
    for name in os.listdir(index_dir):
        if _LEGACY.match(name):
            try:
                (index_dir / name).unlink()
            except OSError:
                pass


def remove_abandoned(index_dir: Path, keep: Path | None) -> None:
    """Remove data folders of rebuilds (or first runs) that never finished: their process was killed."""
    for folder in _data_folders(index_dir):
        if (keep is None or folder.name != keep.name) and (folder / BUILDING_NAME).exists():
            shutil.rmtree(folder, ignore_errors=True)
