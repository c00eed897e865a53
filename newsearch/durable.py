"""Files that survive a crash and say when they were damaged: atomic replacement, fsync, checksums.

A file is replaced by writing a temporary file beside it, flushing it to the
disk, renaming it over the old one and flushing the folder: a crash (kill -9,
a power cut) leaves the old file or the new one, never half of either.

Signed JSON files carry the SHA-256 of their own text, first, at a fixed
place: ``{"checksum":"<64 hex digits>",...}``, the digest being that of
everything after ``",``. They stay plain JSON for people and tools, and a
flipped byte anywhere is caught on reading without re-serialising anything.
Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

_HEAD = b'{"checksum":"'
_DIGEST_CHARS = 64
_BODY_AT = len(_HEAD) + _DIGEST_CHARS + 2  # after the digest's closing quote and the comma


class ChecksumError(ValueError):
    """A signed file whose contents no longer match their checksum (or that is no signed file at all)."""


def fsync_path(path: str | os.PathLike) -> None:
    """Flush a file's (or a folder's) data to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically and durably (see the module docstring)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_path(path.parent)


def signed_json(payload: dict) -> bytes:
    """The signed JSON text of ``payload`` (ASCII: file names that are not UTF-8 survive as escapes)."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    if not body.startswith(b"{") or body == b"{}":
        raise ValueError("a signed file holds a non-empty JSON object")
    rest = body[1:]
    return _HEAD + hashlib.sha256(rest).hexdigest().encode("ascii") + b'",' + rest


def read_signed_json(path: str | os.PathLike) -> dict:
    """The payload of a signed JSON file; ChecksumError when it was changed, OSError when unreadable."""
    raw = Path(path).read_bytes()
    if not raw.startswith(_HEAD) or raw[_BODY_AT - 2 : _BODY_AT] != b'",':
        raise ChecksumError("not a file newsearch signed")
    digest = raw[len(_HEAD) : len(_HEAD) + _DIGEST_CHARS]
    if hashlib.sha256(raw[_BODY_AT:]).hexdigest().encode("ascii") != digest:
        raise ChecksumError("its contents do not match its checksum")
    try:
        payload = json.loads(raw)
    except ValueError as exc:
        raise ChecksumError(f"not JSON ({exc})") from None
    payload.pop("checksum", None)
    return payload


def file_digest(path: str | os.PathLike) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()
