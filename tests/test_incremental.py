"""Incremental indexing on real BBC articles: add, change, delete, rename, unchanged, rebuild."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

from conftest import corpus
from newsearch.engines.whoosh import generations, store
from newsearch.indexing import files as filestore
from newsearch.indexing.run import index_paths


def bbc_slice(dest: Path, per_topic: int = 3) -> list[Path]:
    """A few BBC articles from each topic, copied (as the corpus is read-only)."""
    bbc = corpus("bbc")
    copied = []
    for topic in sorted(p for p in bbc.iterdir() if p.is_dir()):
        for src in sorted(topic.glob("*.txt"))[10 : 10 + per_topic]:
            target = dest / topic.name / src.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            copied.append(target)
    return copied


def reuters_slice(path: Path, records: int) -> Path:
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as src:
        lines = [next(src) for _ in range(records)]
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(lines)
    return path


def stored(index: Path) -> dict[str, dict]:
    """Every stored article by id; fails on duplicate ids."""

    ix = store.open_for_reading(index)[0]
    with ix.searcher() as searcher:
        docs = list(searcher.all_stored_fields())
    by_id = {doc["id"]: doc for doc in docs}
    assert len(by_id) == len(docs), "duplicate article ids in the index"
    return by_id


def ids_matching(index: Path, word: str) -> set[str]:
    from whoosh.qparser import QueryParser

    ix = store.open_for_reading(index)[0]
    with ix.searcher() as searcher:
        query = QueryParser("body", ix.schema).parse(word)
        return {hit["id"] for hit in searcher.search(query, limit=None)}


@pytest.fixture
def news(tmp_path):
    folder = tmp_path / "news"
    bbc_slice(folder)
    return folder


def test_first_run_adds_everything_and_rerun_reads_nothing(news, tmp_path, monkeypatch):
    index = tmp_path / "index"
    first = index_paths([news], index)
    assert (first.added, first.updated, first.unchanged, first.removed) == (15, 0, 0, 0)
    assert len(stored(index)) == 15

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged file was opened")

    monkeypatch.setattr("newsearch.indexing.run.open", no_reading, raising=False)
    again = index_paths([news], index)
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 15, 0)
    assert again.files == 15


def test_added_changed_deleted_and_renamed_files(news, tmp_path):
    index = tmp_path / "index"
    index_paths([news], index)
    files = sorted(news.rglob("*.txt"))
    before = stored(index)

    # change: a new word in one article, same file (same id)
    changed = files[0]
    changed.write_text(changed.read_text("latin-1") + "\nThe zorblatt committee met again.\n", "latin-1")
    # delete one, rename another, add a new one
    deleted = files[1]
    deleted.unlink()
    renamed = files[2]
    renamed_to = renamed.with_name("renamed-" + renamed.name)
    renamed.rename(renamed_to)
    added = news / "extra" / "new.txt"
    added.parent.mkdir()
    added.write_text("Quixotic harbour plan unveiled\n\nThe quixotic harbour plan was unveiled today.\n", "utf-8")

    report = index_paths([news], index)
    assert report.updated == 1
    assert report.added == 2  # the new file and the renamed one (a new path, a new id)
    assert report.removed == 2  # the deleted file and the renamed one's old path
    assert report.unchanged == 12

    after = stored(index)
    assert len(after) == 15
    changed_id = filestore.file_id(str(changed.resolve()))
    assert changed_id in after and ids_matching(index, "zorblatt") == {changed_id}
    assert filestore.file_id(str(deleted.resolve())) not in after
    assert filestore.file_id(str(renamed.resolve())) not in after
    assert after[filestore.file_id(str(renamed_to.resolve()))]["title"] == before[filestore.file_id(str(renamed.resolve()))]["title"]
    assert ids_matching(index, "quixotic") == {filestore.file_id(str(added.resolve()))}


def test_touched_file_is_hashed_not_reindexed(news, tmp_path, monkeypatch):
    index = tmp_path / "index"
    index_paths([news], index)
    touched = sorted(news.rglob("*.txt"))[3]
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))

    def no_extraction(*args, **kwargs):
        raise AssertionError("a file with unchanged content was extracted again")

    monkeypatch.setattr("newsearch.ingest.read_articles", no_extraction)
    report = index_paths([news], index)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 15)
    # the new mtime is remembered: the next run does not even hash it
    manifest = generations.manifest_of(index)
    assert manifest[str(touched.resolve())].mtime_ns == stat.st_mtime_ns + 5_000_000_000


def test_rebuild_starts_over(news, tmp_path):
    index = tmp_path / "index"
    index_paths([news], index)
    report = index_paths([news], index, rebuild=True)
    assert (report.added, report.unchanged) == (15, 0)
    assert len(stored(index)) == 15


def test_only_files_gone_from_the_given_folders_are_removed(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    bbc_slice(a, per_topic=1)
    bbc_slice(b, per_topic=2)
    index = tmp_path / "index"
    index_paths([a], index)
    index_paths([b], index)
    assert len(stored(index)) == 15
    report = index_paths([a], index)  # b not given: its articles stay
    assert (report.unchanged, report.removed) == (5, 0)
    shutil.rmtree(b / "tech")
    report = index_paths([b], index)
    assert report.removed == 2
    assert len(stored(index)) == 13


def test_index_folder_inside_the_indexed_folder_is_not_indexed(news):
    index = news / "index"
    index_paths([news], index)
    (index / "stray.txt").write_text("Stray\n\nnot an article\n", "utf-8")
    report = index_paths([news], index)
    assert report.files == 15 and report.added == 0
    assert all(not doc["path"].startswith(str(index.resolve())) for doc in stored(index).values())


def test_record_file_grows_and_shrinks(tmp_path):
    folder = tmp_path / "wire"
    folder.mkdir()
    path = reuters_slice(folder / "wire.jsonl.gz", 120)
    index = tmp_path / "index"
    first = index_paths([folder], index)
    count = len(stored(index))
    assert first.added == count > 100
    reuters_slice(path, 150)
    grown = index_paths([folder], index)
    assert grown.updated == count and grown.added == len(stored(index)) - count > 0
    count = len(stored(index))
    reuters_slice(path, 100)
    shrunk = index_paths([folder], index)
    assert shrunk.removed > 0 and len(stored(index)) == count - shrunk.removed == shrunk.updated


def test_lost_manifest_is_named_and_repaired_without_duplicates(news, tmp_path):
    """The list of indexed files is written with each commit, never apart from it: losing it is damage,
    named as such; a repair re-reads the files the articles came from, without duplicates."""
    from newsearch.errors import IndexDamaged
    from newsearch.indexing.repair import check_index

    index = tmp_path / "index"
    index_paths([news], index)
    for manifest in store.current(index, str(index)).data.glob("newsearch-files.*.json"):
        manifest.unlink()
    with pytest.raises(IndexDamaged, match="list of indexed files"):
        index_paths([news], index)
    report = check_index(index, repair=True)
    assert report.problems and report.healthy and report.rebuild.added == 15
    assert len(stored(index)) == 15
    assert index_paths([news], index).unchanged == 15
