"""On a whoosh3 other than the one the fast paths were written for, indexing falls back to Whoosh's
own writer: the same index, slower, and a note that says so."""

from __future__ import annotations

import shutil

import pytest

from conftest import corpus
from newsearch.indexing.run import index_paths
from newsearch.models import SearchOptions
from newsearch.search import search


@pytest.fixture
def news(tmp_path):
    folder = tmp_path / "news"
    for topic in ("politics", "business"):
        (folder / topic).mkdir(parents=True)
        for path in sorted(corpus("bbc", topic).glob("*.txt"))[:40]:
            shutil.copy(path, folder / topic / path.name)
    return folder


def results(index, text):
    """Total and (score, id) of every hit; ties may come in another order (document numbers differ)."""
    result = search(index, text, SearchOptions(limit=500, group_duplicates=False))
    return result.total, sorted((-hit.score, hit.id) for hit in result.hits)


def test_plain_writer_makes_the_same_index(news, tmp_path, monkeypatch):
    fast = index_paths([news], tmp_path / "fast", jobs=2)
    assert fast.notes == []
    monkeypatch.setenv("NEWSEARCH_WHOOSH_PLAIN", "1")
    plain = index_paths([news], tmp_path / "plain", jobs=2)
    assert plain.added == fast.added == 80
    assert len(plain.notes) == 1 and "Whoosh's own writer" in plain.notes[0]
    for text in ("Blair", "oil prices", '"Gordon Brown"', "elect*", "economy -growth"):
        assert results(tmp_path / "plain", text) == results(tmp_path / "fast", text)


def test_plain_writer_updates_incrementally(news, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSEARCH_WHOOSH_PLAIN", "1")
    index = tmp_path / "index"
    index_paths([news], index)
    changed = sorted((news / "politics").glob("*.txt"))[0]
    changed.write_text("Quixotic budget\n\nA quixotic budget was announced.", "utf-8")
    sorted((news / "business").glob("*.txt"))[0].unlink()
    report = index_paths([news], index)
    assert (report.updated, report.removed, report.unchanged) == (1, 1, 78)
    assert search(index, "quixotic").total == 1
    assert search(index, "*").total == 79
