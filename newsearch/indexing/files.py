"""Finding article files on disk, and naming them: stable ids and content hashes.

What was indexed from each file (the manifest) is kept by the engine, which
commits it together with the articles.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from newsearch.ingest import is_supported
from newsearch.models import Skip


def file_id(path: str) -> str:
    """A short stable id for a file, from its absolute path."""
    return hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def content_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


IGNORE_FILE = ".newsearchignore"  # glob patterns, one a line, for the folder it sits in and those below


def discover(paths: Iterable[str | os.PathLike], exclude: Path | None, *, patterns: Sequence[str] = (),
             passed: Callable[[str, str], None] | None = None) -> Iterator[str | Skip]:
    """Yield absolute paths of supported files under ``paths``, or a Skip.

    Folders are walked recursively without following symlinked folders (no
    loops); ``exclude`` (the index folder) is never entered. Files and folders
    matching ``patterns`` (``--exclude``) or a ``.newsearchignore`` are left
    out. What is passed over is told to ``passed(kind, path)`` — kind
    "unsupported" (a file of another type) or "excluded" — so it can be
    counted; an unsupported file named explicitly is a skip.
    """
    exclude = exclude.resolve() if exclude is not None else None
    tell = passed or (lambda kind, path: None)
    for given in paths:
        path = Path(given)
        if not path.exists() and not path.is_symlink():
            yield Skip(str(given), "no such file or folder")
        elif path.is_dir():
            yield from _walk(path, exclude, list(patterns), tell)
        elif not path.exists():
            yield Skip(str(given), "broken symlink")
        elif patterns and ignored(path.name, patterns):
            tell("excluded", str(path.resolve()))
        elif not is_supported(path):
            yield Skip(str(given), "unsupported file type")
        else:
            yield str(path.resolve())


def ignored(relative: str, patterns: Sequence[str]) -> bool:
    """Whether a path (relative to the folder the patterns belong to, with ``/``) matches a pattern.

    As in .gitignore, simply: a pattern without a slash matches any one name
    along the path (``*.bak``, ``drafts``); one with a slash matches the path
    from that folder (``2024/tmp/*``); a trailing slash is dropped.
    """
    parts = relative.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if not pattern:
            continue
        if "/" in pattern.strip("/"):
            if fnmatch.fnmatchcase(relative, pattern.lstrip("/")):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern.lstrip("/")) for part in parts):
            return True
    return False


def read_ignore_file(folder: Path) -> list[str]:
    try:
        text = (folder / IGNORE_FILE).read_text("utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _walk(folder: Path, exclude: Path | None, patterns: list[str], tell) -> Iterator[str | Skip]:
    root = folder.resolve()
    if exclude is not None and (root == exclude or exclude in root.parents):
        return
    rules: dict[Path, list[str]] = {root: patterns} if patterns else {}

    def left_out(path: Path) -> bool:
        return any(
            (base == path.parent or base in path.parents) and ignored(path.relative_to(base).as_posix(), wanted)
            for base, wanted in rules.items()
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        here = Path(dirpath)
        own = read_ignore_file(here) if IGNORE_FILE in filenames else []
        if own:
            rules[here] = rules.get(here, []) + own
        kept = []
        for d in sorted(dirnames):
            if (here / d) == exclude or d.startswith("."):
                continue
            if rules and left_out(here / d):
                tell("excluded", str(here / d))
                continue
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = here / name
            if rules and left_out(full):
                tell("excluded", str(full))
                continue
            if not is_supported(name):
                tell("unsupported", str(full))
                continue
            if not full.exists():
                yield Skip(str(full), "broken symlink")
            elif full.is_dir():
                continue
            else:
                yield str(full)
