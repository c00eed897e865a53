"""Checking an index folder against what newsearch wrote, and mending what needs no re-reading.

Everything the engine writes is signed or hashed when written (the meta file,
each commit's manifest with the size and SHA-256 of its table of contents and
segment files: ``store.py``, ``generations.py``), so a check finds a flipped
bit, a cut or a missing file and names it, without trusting Whoosh to notice.
A check reads every byte of the index once (~0.2 s for BBC + Reuters).
"""

from __future__ import annotations

import json
from pathlib import Path

from newsearch.durable import ChecksumError, file_digest
from newsearch.engines.base import Health
from newsearch.engines.whoosh import generations, store
from newsearch.errors import IndexDamaged, IndexMissing


def verify(index_dir: Path, shown: str) -> Health:
    """What is damaged in the index at ``index_dir`` (IndexMissing when there is no index at all)."""
    problems: list[str] = []
    try:
        data = store.current(index_dir, shown).data
    except IndexDamaged as exc:
        problems.append(exc.what)
        candidates = store.published_data(index_dir)
        if not candidates:
            return Health(problems, sources=[])
        data = candidates[-1]
    health = _verify_data(data, shown)
    health.problems[:0] = problems
    return health


def _verify_data(data: Path, shown: str) -> Health:
    """Check one data folder: its last commit's manifest, table of contents and segment files."""
    number = generations.latest_toc(data)
    if number < 0:
        return Health(["its table of contents is missing"], sources=_sources_of(data, None))
    problems: list[str] = []
    try:
        generation = generations.generation_of(generations.read_manifest(data, number), number)
    except FileNotFoundError:
        problems.append(f"the list of indexed files of commit {number} is missing")
        generation = None
    except ChecksumError as exc:
        problems.append(f"{generations.manifest_name(number)}: {exc}")
        generation = None
    toc = generations.toc_name(number)
    if generation is not None and file_digest(data / toc)[1] != generation.toc.get("sha256"):
        problems.append(f"its table of contents {toc} was changed since it was written")
    segments, articles = _read_toc(data, number, problems)
    if generation is not None and segments is not None:
        problems.extend(_segment_problems(data, segments, generation))
    return Health(
        problems,
        articles=articles,
        files=sum(not state.root for state in generation.files.values()) if generation is not None else None,
        sources=_sources_of(data, generation),
    )


def _read_toc(data: Path, number: int, problems: list[str]):
    """(segments, live documents) of the table of contents, or (None, None) when it cannot be read."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    try:
        toc = TOC.read(FileStorage(str(data)), store.INDEX_NAME, gen=number)
        return toc.segments, sum(segment.doc_count() for segment in toc.segments)
    except Exception as exc:  # a damaged TOC fails in Whoosh's reader or in unpickling
        problems.append(f"its table of contents {generations.toc_name(number)} cannot be read ({type(exc).__name__})")
        return None, None


def _segment_problems(data: Path, segments, generation: generations.Generation) -> list[str]:
    problems: list[str] = []
    names = generations.segment_files(data, segments)
    recorded = {name.split(".", 1)[0] for name in generation.segments}
    problems.extend(f"segment file {name} is missing" for name in sorted(set(generation.segments) - set(names)))
    problems.extend(f"segment {segment_id} has no files" for segment_id in sorted({s.segment_id() for s in segments} - recorded))
    for name in names:
        known = generation.segments.get(name)
        if known is None:
            problems.append(f"{name} is not among the files its commit recorded")
            continue
        size, digest = file_digest(data / name)
        if size != known.get("size"):
            problems.append(f"{name} is {size:,} bytes, {known.get('size'):,} when written (cut short or overwritten)")
        elif digest != known.get("sha256"):
            problems.append(f"{name} was changed since it was written (checksum mismatch)")
    return problems


def _sources_of(data: Path, generation: generations.Generation | None) -> list[str]:
    """The files the index was built from: its manifest's, else any readable manifest's, else its articles' paths."""
    if generation is not None:
        return sorted(generation.files)
    for path in sorted(data.glob("newsearch-files.*.json"), reverse=True):
        try:
            files = json.loads(path.read_bytes()).get("files", {})
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(files, dict) and files:
            return sorted(str(p) for p in files)
    return _stored_paths(data)


def _stored_paths(data: Path) -> list[str]:
    """The paths stored with the articles that can still be read."""
    paths: set[str] = set()
    try:
        reader = store.open_whoosh(data).reader()
    except Exception:
        return []
    try:
        for leaf, _offset in reader.leaf_readers():
            for docnum in range(leaf.doc_count_all()):
                try:
                    paths.add(leaf.stored_fields(docnum)["path"])
                except Exception:
                    continue
    finally:
        reader.close()
    return sorted(paths)


def restore(index_dir: Path, shown: str) -> str | None:
    """Point a damaged or lost meta file at the newest data folder that checks out; what was done, or None."""
    try:
        store.current(index_dir, shown)
        return None  # the meta file is fine: the damage is in the data
    except IndexMissing:
        return None
    except IndexDamaged:
        pass
    for data in reversed(store.published_data(index_dir)):
        if not _verify_data(data, shown).problems:
            store.publish(index_dir, data)
            return f"{store.META_NAME} written again, pointing at {data.name}"
    return None
