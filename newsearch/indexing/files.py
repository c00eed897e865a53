"""Finding article files on disk, and remembering what was indexed from them.

The manifest maps each indexed file to its size, mtime and content hash, so a
re-run can skip unchanged files without reading them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Iterator

from newsearch.models import FileState, Skip
from newsearch.ingest import is_supported

MANIFEST_NAME = "newsearch-files.json"



def file_id(path: str) -> str:
    """A short stable id for a file, from its absolute path."""
    return hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def content_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def discover(paths: Iterable[str | os.PathLike], exclude: Path) -> Iterator[str | Skip]:
    """Yield absolute paths of supported files under ``paths``, or a Skip.

    Folders are walked recursively without following symlinked folders (no
    loops); ``exclude`` (the index folder) is never entered. Unsupported files
    found in folders are passed over quietly; named explicitly, they are skips.
    """
    exclude = exclude.resolve()
    for given in paths:
        path = Path(given)
        if not path.exists() and not path.is_symlink():
            yield Skip(str(given), "no such file or folder")
        elif path.is_dir():
            yield from _walk(path, exclude)
        elif not path.exists():
            yield Skip(str(given), "broken symlink")
        elif not is_supported(path):
            yield Skip(str(given), "unsupported file type")
        else:
            yield str(path.resolve())


def _walk(folder: Path, exclude: Path) -> Iterator[str | Skip]:
    root = folder.resolve()
    if root == exclude or exclude in root.parents:
        return
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if (here / d) != exclude and not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not is_supported(name):
                continue
            full = here / name
            if not full.exists():
                yield Skip(str(full), "broken symlink")
            elif full.is_dir():
                continue
            else:
                yield str(full)


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
