"""Parallel indexing gives the index serial indexing gives, and survives interruption."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsearch.engines.whoosh import store

from conftest import REPO
from newsearch.indexing import run as indexing
from newsearch.indexing import tasks as indexing_tasks
from newsearch.indexing.run import index_paths
from test_incremental import bbc_slice, reuters_slice, stored

QUERIES = ["oil prices", "bank rate", "election", "football club", "mobile phone", "trade deficit", "\"interest rates\"", "film"]


def search_all(index: Path) -> dict[str, list[tuple[str, float]]]:
    """Every hit of each query, with its BM25F score (ties may come in any order)."""
    from whoosh import scoring
    from whoosh.qparser import MultifieldParser, OrGroup

    ix = store.open_for_reading(index)[0]
    parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        return {
            q: sorted((hit["id"], round(hit.score, 6)) for hit in searcher.search(parser.parse(q), limit=None))
            for q in QUERIES
        }


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    bbc_slice(folder / "bbc", per_topic=12)
    reuters_slice(folder / "wire.jsonl.gz", 1400)
    return folder


@pytest.fixture(scope="module")
def serial_index(corpus_dir, tmp_path_factory):
    index = tmp_path_factory.mktemp("serial") / "index"
    index_paths([corpus_dir], index, jobs=1)
    return index


def small_tasks(monkeypatch):
    """Split the record file and batch files finely, so the workers share the slice."""
    monkeypatch.setattr(indexing_tasks, "SPLIT_BYTES", 1024)
    monkeypatch.setattr(indexing_tasks, "RECORDS_PER_TASK", 100)
    monkeypatch.setattr(indexing_tasks, "FILES_PER_TASK", 8)


def test_parallel_gives_the_same_index_as_serial(corpus_dir, serial_index, tmp_path, monkeypatch):
    small_tasks(monkeypatch)
    index = tmp_path / "index"
    report = index_paths([corpus_dir], index, jobs=2)
    serial = stored(serial_index)
    assert report.added == len(serial) > 1400
    assert stored(index) == serial
    assert search_all(index) == search_all(serial_index)


def test_parallel_with_interval_commits_and_spawned_workers(corpus_dir, serial_index, tmp_path, monkeypatch):
    small_tasks(monkeypatch)
    monkeypatch.setattr(indexing, "COMMIT_EVERY_ARTICLES", 300)
    index = tmp_path / "index"
    index_paths([corpus_dir], index, jobs=2, start_method="spawn")
    assert search_all(index) == search_all(serial_index)
    again = index_paths([corpus_dir], index, jobs=2)
    assert again.indexed == 0 and again.unchanged == len(stored(serial_index))


def test_ctrl_c_keeps_the_index_readable_and_the_next_run_finishes(corpus_dir, serial_index, tmp_path, monkeypatch):
    small_tasks(monkeypatch)
    monkeypatch.setattr(indexing, "COMMIT_EVERY_ARTICLES", 200)
    index = tmp_path / "index"

    def interrupt(status):
        if status.articles > 900:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index_paths([corpus_dir], index, jobs=2, progress=interrupt)
    assert multiprocessing.active_children() == []  # no workers left behind
    committed = stored(index)  # readable, with what was committed
    assert 0 < len(committed) < len(stored(serial_index))
    report = index_paths([corpus_dir], index, jobs=2, wait=0)  # no stale lock
    assert stored(index) == stored(serial_index)
    assert report.added + report.updated + report.unchanged == len(stored(serial_index))


def _workers_of(index: Path) -> list[int]:
    """Processes whose command line names this index (forked workers keep the parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if str(index).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_kill_9_leaves_no_orphans_and_no_lock(corpus_dir, serial_index, tmp_path):
    index = tmp_path / "index"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsearch", "index", str(corpus_dir), "--index", str(index), "--jobs", "2", "--quiet"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while len(_workers_of(index)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while _workers_of(index) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _workers_of(index) == []
    report = index_paths([corpus_dir], index, jobs=2, wait=10)  # the killed run's lock dies with its processes
    assert stored(index) == stored(serial_index)
    assert report.added + report.updated + report.unchanged == len(stored(serial_index))
