"""Finding article files on disk, and naming them: stable ids and content hashes.

What was indexed from each file (the manifest) is kept by the engine, which
commits it together with the articles.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsearch.ingest import is_supported
from newsearch.models import Skip


def file_id(path: str) -> str:
    """A short stable id for a file, from its absolute path."""
    return hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def content_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def discover(paths: Iterable[str | os.PathLike], exclude: Path | None) -> Iterator[str | Skip]:
    """Yield absolute paths of supported files under ``paths``, or a Skip.

    Folders are walked recursively without following symlinked folders (no
    loops); ``exclude`` (the index folder) is never entered. Unsupported files
    found in folders are passed over quietly; named explicitly, they are skips.
    """
    exclude = exclude.resolve() if exclude is not None else None
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


def _walk(folder: Path, exclude: Path | None) -> Iterator[str | Skip]:
    root = folder.resolve()
    if exclude is not None and (root == exclude or exclude in root.parents):
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
