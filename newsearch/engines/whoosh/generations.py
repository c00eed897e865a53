"""Commits of a data folder: Whoosh's table of contents plus our signed list of files, made visible together.

Whoosh makes a commit visible by renaming a new table of contents (TOC,
``_articles_<N>.toc``) into place. Before that rename, this module writes
``newsearch-files.<N>.json``: the indexed files (the manifest) and the size
and SHA-256 of the TOC and of every segment file it names, signed (see
``newsearch.durable``). So the manifest advances exactly with the commit:

1. the new segment files are flushed to the disk and hashed;
2. the TOC is written under a temporary name and flushed;
3. the manifest of generation N is written (atomically, flushed);
4. the TOC is renamed into place and the folder flushed: the commit point;
5. files no longer used (old TOCs, merged segments, old manifests) are removed.

A crash before step 4 leaves generation N-1 and its manifest; after it,
generation N and its manifest. Checksums cost one hash of each segment when it
is new (~0.13 s for BBC + Reuters, 75 MB) and are read only by ``newsearch
check`` (``verify.py``), so queries pay nothing for them.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from newsearch import crashpoints
from newsearch.durable import (
    ChecksumError,
    file_digest,
    fsync_path,
    read_signed_json,
    replace_file,
    signed_json,
)
from newsearch.engines.whoosh import store
from newsearch.engines.whoosh.store import INDEX_NAME, damaged
from newsearch.models import FileState

MANIFEST_FORMAT = 1
_TOC = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
_MANIFEST = re.compile(r"^newsearch-files\.(\d+)\.json$")
_TOC_ASIDE = re.compile(rf"^_{INDEX_NAME}_\d+\.toc\..+$")  # a TOC written aside by a commit that never finished


@dataclass
class Generation:
    """One commit of a data folder as its manifest describes it."""

    number: int
    files: dict[str, FileState] = field(default_factory=dict)
    segments: dict[str, dict] = field(default_factory=dict)  # segment file name -> {"size", "sha256"}
    toc: dict = field(default_factory=dict)  # {"name", "size", "sha256"}


def toc_name(number: int) -> str:
    return f"_{INDEX_NAME}_{number}.toc"


def manifest_name(number: int) -> str:
    return f"newsearch-files.{number}.json"


def latest_toc(data: Path) -> int:
    """The newest table of contents' generation in ``data``; -1 when there is none."""
    numbers = [int(m.group(1)) for name in os.listdir(data) if (m := _TOC.match(name))]
    return max(numbers, default=-1)


def read_manifest(data: Path, number: int) -> dict:
    """The signed manifest of one generation (FileNotFoundError, ChecksumError)."""
    return read_signed_json(data / manifest_name(number))


def load_generation(data: Path, shown: str, *, check_toc: bool = True) -> Generation:
    """The last commit of ``data``; IndexDamaged when its TOC or manifest is missing or was changed."""
    number = latest_toc(data)
    if number < 0:
        raise damaged(shown, "its table of contents is missing")
    try:
        payload = read_manifest(data, number)
    except FileNotFoundError:
        raise damaged(shown, f"the list of indexed files of commit {number} is missing") from None
    except ChecksumError as exc:
        raise damaged(shown, f"{manifest_name(number)}: {exc}") from None
    generation = generation_of(payload, number)
    if check_toc and file_digest(data / toc_name(number))[1] != generation.toc.get("sha256"):
        raise damaged(shown, f"its table of contents {toc_name(number)} was changed since it was written")
    return generation


def generation_of(payload: dict, number: int) -> Generation:
    files = {path: FileState(**state) for path, state in payload.get("files", {}).items()}
    return Generation(number, files, dict(payload.get("segments", {})), dict(payload.get("toc", {})))


def segment_files(data: Path, segments) -> list[str]:
    """The file names of Whoosh segments in ``data`` (a compound ``.seg`` each, or their parts)."""
    ids = {segment.segment_id() for segment in segments}
    return sorted(name for name in os.listdir(data) if name.split(".", 1)[0] in ids and "." in name)


def check_sizes(data: Path, generation: Generation, shown: str) -> None:
    """IndexDamaged when a segment file of the last commit is missing or not the size it was written."""
    for name, known in generation.segments.items():
        try:
            size = os.stat(data / name).st_size
        except FileNotFoundError:
            raise damaged(shown, f"segment file {name} is missing") from None
        if size != known.get("size"):
            raise damaged(shown, f"{name} is {size:,} bytes, {known.get('size'):,} when written") from None


def check_merged(data: Path, merged, previous: Generation, shown: str) -> None:
    """IndexDamaged when a segment about to be merged away no longer matches its checksum."""
    for name in segment_files(data, merged):
        known = previous.segments.get(name, {})
        if file_digest(data / name)[1] != known.get("sha256"):
            raise damaged(shown, f"{name} was changed since it was written (checksum mismatch)")


def initial(data: Path, ix) -> Generation:
    """The manifest of a new, empty index (generation 0, written by ``store.create_whoosh``)."""
    size, digest = file_digest(data / toc_name(0))
    generation = Generation(0, toc={"name": toc_name(0), "size": size, "sha256": digest})
    _write_manifest(data, generation)
    fsync_path(data / toc_name(0))
    fsync_path(data)
    return generation


def commit(writer, segments: list, files: dict[str, FileState], previous: Generation) -> Generation:
    """Write generation ``writer.generation`` with ``segments`` and ``files`` (the steps of the module docstring)."""
    storage = writer.storage
    data = Path(storage.folder)
    number = writer.generation
    sums: dict[str, dict] = {}
    for name in segment_files(data, segments):
        known = previous.segments.get(name)
        if known is None:  # new: flush it to the disk, then hash it
            fsync_path(data / name)
            size, digest = file_digest(data / name)
            known = {"size": size, "sha256": digest}
        sums[name] = known
    crashpoints.reached("commit:segments-synced")
    aside = _write_toc_aside(storage, writer.schema, segments, number)
    size, digest = file_digest(aside)
    generation = Generation(number, files, sums, {"name": toc_name(number), "size": size, "sha256": digest})
    _write_manifest(data, generation)
    crashpoints.reached("commit:manifest-written")
    os.replace(aside, data / toc_name(number))
    fsync_path(data)
    crashpoints.reached("commit:toc-renamed")
    _clean(storage, data, number, segments)
    return generation


def _write_manifest(data: Path, generation: Generation) -> None:
    payload = {
        "format": MANIFEST_FORMAT,
        "generation": generation.number,
        "toc": generation.toc,
        "segments": generation.segments,
        "files": {path: asdict(state) for path, state in generation.files.items()},
    }
    replace_file(data / manifest_name(generation.number), signed_json(payload))


def _write_toc_aside(storage, schema, segments, number: int) -> Path:
    """Whoosh's TOC for ``number`` under its temporary name, flushed, not yet renamed into place.

    ``TOC.write`` ends by renaming its temporary file; that one rename is
    held back here (the storage's method is shadowed for the call), so the
    manifest can be written first.
    """
    from whoosh.index import TOC

    held: list[str] = []
    storage.rename_file = lambda old, new, safe=False: held.append(old)
    try:
        TOC(schema, segments, number).write(storage, INDEX_NAME)
    finally:
        del storage.rename_file
    if len(held) != 1:
        raise RuntimeError("whoosh's TOC.write no longer renames one temporary file (see engines/whoosh/compat.py)")
    aside = Path(storage.folder) / held[0]
    fsync_path(aside)
    return aside


def _clean(storage, data: Path, number: int, segments) -> None:
    """Remove what generation ``number`` no longer uses: old TOCs and manifests, unused segment files."""
    from whoosh.index import clean_files

    clean_files(storage, INDEX_NAME, number, segments)
    for name in os.listdir(data):
        match = _MANIFEST.match(name)
        if (match and int(match.group(1)) != number) or _TOC_ASIDE.match(name):
            try:
                (data / name).unlink()
            except OSError:
                pass


def manifest_of(index_dir: Path) -> dict[str, FileState]:
    """The indexed files as of an index folder's last commit (for tools and tests)."""
    shown = str(index_dir)
    return load_generation(store.current(Path(index_dir), shown).data, shown).files
