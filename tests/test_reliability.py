"""Junk files, interruptions and concurrent runs, with real files and real processes."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SEEDS, corpus, invoke
from newsearch.durable import read_signed_json, signed_json
from newsearch.engines.whoosh import store


def newsearch(*args, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "NEWSEARCH_INDEX")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.Popen(
        [sys.executable, "-m", "newsearch", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=kwargs.get("cwd", REPO),
    )


def run(*args, timeout=120) -> subprocess.CompletedProcess:
    process = newsearch(*args)
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def count(index: Path) -> int:
    result = run("stats", "--index", index, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["articles"]


@pytest.fixture
def junk_folder(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for seed in SEEDS.iterdir():
        shutil.copy(seed, folder / seed.name)
    (folder / "nul.txt").write_bytes(b"Title\n\nbody\x00\x00\x00 with NUL bytes" * 10)
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("   \n\t\n  \n")
    (folder / "latin.txt").write_bytes("Caf\xe9 society\n\nThe caf\xe9s of Paris re-open \xe0 la mode.\n".encode("latin-1"))
    (folder / "garbage.txt").write_bytes(bytes([0xFF, 0xFE, 0xFD, 0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50)
    os.symlink(folder / "nowhere.txt", folder / "broken.txt")
    os.symlink(folder, folder / "loop")
    (folder / "folder.txt").mkdir()
    (folder / "feed.jsonl").write_text(
        '{"title": "Good record one", "body": "First good body about harbours."}\n'
        '{"title": "Broken record", "body": \n'
        "not json at all\n"
        '{"title": "Good record two", "body": "Second good body about lighthouses."}\n'
    )
    whole = gzip.compress(b'{"title": "Zipped", "body": "never complete"}\n' * 200)
    (folder / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    big = "Giant file headline\n\n" + ("All work and no play makes a very long article. " * 20 + "\n\n") * 52_000
    (folder / "huge.txt").write_text(big)
    return folder


def test_junk_is_skipped_with_reasons_and_the_rest_indexed(junk_folder, tmp_path, runner):
    index = junk_folder / "index"  # inside the folder being indexed: must not index itself
    first = invoke(runner, "index", junk_folder, "--index", index)
    assert first.exit_code == 0, first.stderr
    assert "Traceback" not in first.stderr
    reasons = {line.split(":")[0].replace("skipped ", "").rsplit("/", 1)[-1]: line for line in first.stderr.splitlines() if line.startswith("skipped")}
    for name in ("nul.txt", "photo.txt"):
        assert any(name in key and "binary" in line for key, line in reasons.items()), first.stderr
    for name in ("empty.txt", "blank.md"):
        assert any(name in key and "empty" in line for key, line in reasons.items()), first.stderr
    assert any("broken.txt" in key and "symlink" in line for key, line in reasons.items()), first.stderr
    assert any("feed.jsonl" in key and "JSON" in line for key, line in reasons.items()), first.stderr
    assert any("cut.jsonl.gz" in key and "gzip" in line for key, line in reasons.items()), first.stderr

    exported = [json.loads(line) for line in invoke(runner, "export", "--index", index).stdout.splitlines()]
    titles = {row["title"] for row in exported}
    assert {"Good record one", "Good record two", "Café society", "Giant file headline"} <= titles
    assert not any(row["path"].startswith(str(index)) for row in exported)
    from newsearch.ingest.extract import MAX_BODY_CHARS

    giant = next(row for row in exported if row["title"] == "Giant file headline")
    assert MAX_BODY_CHARS * 0.9 < len(giant["body"]) <= MAX_BODY_CHARS
    assert all("\ufffd" not in row["title"] for row in exported)

    again = invoke(runner, "index", junk_folder, "--index", index, "--json")
    summary = json.loads(again.stdout)
    assert summary["added"] == 0 and summary["updated"] == 0 and summary["removed"] == 0


def test_a_file_deleted_during_the_run_is_skipped(tmp_path):
    from newsearch.indexing.run import index_paths

    folder = tmp_path / "archive"
    folder.mkdir()
    for seed in SEEDS.iterdir():
        shutil.copy(seed, folder / seed.name)
    doomed = sorted(folder.iterdir())[-1]

    def delete_the_last_file(status):
        if doomed.exists():
            doomed.unlink()

    report = index_paths([folder], tmp_path / "index", progress=delete_the_last_file)
    assert report.added == 1
    assert [s.path for s in report.skipped] == [str(doomed)]


def test_nothing_indexable_exits_2(tmp_path, runner):
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    result = invoke(runner, "index", folder, "--index", tmp_path / "index")
    assert result.exit_code == 2
    assert "empty" in result.stderr and "nothing indexable" in result.stderr


def test_missing_path_is_reported(tmp_path, runner):
    result = invoke(runner, "index", tmp_path / "nope", "--index", tmp_path / "index")
    assert result.exit_code == 2 and "no such file" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_skipped(tmp_path, runner):
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(next(SEEDS.iterdir()), folder / "ok.txt")
    secret = folder / "secret.txt"
    secret.write_text("Secret\n\nbody")
    secret.chmod(0)
    result = invoke(runner, "index", folder, "--index", tmp_path / "index")
    assert result.exit_code == 0 and "secret.txt" in result.stderr and "permission" in result.stderr


def test_incompatible_index_asks_for_rebuild(tmp_path, runner):
    index = tmp_path / "index"
    assert invoke(runner, "index", SEEDS, "--index", index).exit_code == 0
    meta = index / "newsearch-meta.json"
    data = read_signed_json(meta)
    data["schema_version"] = -1
    meta.write_bytes(signed_json(data))  # (a meta file changed by anyone else is damage, not a version)
    for args in (("query", "Blinken"), ("index", SEEDS)):
        result = invoke(runner, *args, "--index", index)
        assert result.exit_code == 2 and "--rebuild" in result.stderr, args
    rebuilt = invoke(runner, "index", SEEDS, "--index", index, "--rebuild")
    assert rebuilt.exit_code == 0 and "2 added" in rebuilt.stdout
    assert invoke(runner, "query", "Blinken", "--index", index).exit_code == 0


@pytest.fixture(scope="module")
def archive_copy(tmp_path_factory):
    """A private copy of the BBC corpus and 8,000 Reuters records: a run of seconds, to interrupt.

    Returns the folder and the number of articles in it.
    """
    from test_incremental import reuters_slice

    source = corpus("bbc")
    folder = tmp_path_factory.mktemp("bbc")
    files = sorted(source.glob("*/*.txt"))
    for path in files:
        target = folder / path.parent.name / path.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(path, target)
    reuters_slice(folder / "wire.jsonl.gz", 8000)
    return folder, len(files) + 8000


def _wait_for_progress(process: subprocess.Popen, index: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if any(index.glob("*/*.seg")) or any(index.glob("*/newsearch-files.*.json")):
            time.sleep(0.5)
            return
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_run_leaves_a_readable_index_and_the_next_run_finishes(archive_copy, tmp_path, sig):
    folder, articles = archive_copy
    index = tmp_path / "index"
    process = newsearch("index", folder, "--index", index)
    _wait_for_progress(process, index)
    if process.poll() is not None:
        pytest.skip("the run ended before it could be interrupted (machine too fast for this check)")
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    if sig == signal.SIGINT:
        assert process.returncode in (130, 0)
    query = run("query", "election", "--index", index, "--json")
    assert query.returncode in (0, 1), query.stderr  # readable: hits or none, never an error
    finish = run("index", folder, "--index", index, "--json")
    assert finish.returncode == 0, finish.stderr
    assert count(index) == articles
    ids = [json.loads(line)["id"] for line in run("export", "--index", index).stdout.splitlines()]
    assert len(ids) == len(set(ids)) == articles


def test_concurrent_runs_wait_or_give_up_with_exit_3(archive_copy, tmp_path):
    folder, articles = archive_copy
    index = tmp_path / "index"
    # An indexing run holds the write lock from start to end. Holding it here, as such a run
    # would, keeps the check independent of speed: a real run can end before the others start.
    lock = store.write_lock(index)
    assert lock.acquire(False)
    try:
        impatient = run("index", SEEDS, "--index", index, "--wait", "0.5")
        patient = newsearch("index", SEEDS, "--index", index, "--wait", "120")
        time.sleep(1.5)
        assert patient.poll() is None  # still waiting for the lock
    finally:
        lock.release()
    patient_out, patient_err = patient.communicate(timeout=180)
    assert impatient.returncode == 3, impatient.stderr
    assert "another newsearch run" in impatient.stderr and len(impatient.stderr.strip().splitlines()) <= 2
    assert patient.returncode == 0, patient_err
    assert "waiting" in patient_err
    assert count(index) == 2

    # Two real runs at once, and a query meanwhile: both runs' articles land.
    first = newsearch("index", folder, "--index", index)
    _wait_for_progress(first, index)
    second = newsearch("index", SEEDS, folder, "--index", index, "--wait", "120")
    during = run("query", "election", "--index", index, "--json")
    first_out, first_err = first.communicate(timeout=180)
    second_out, second_err = second.communicate(timeout=180)
    assert during.returncode in (0, 1), during.stderr
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    assert count(index) == articles + 2


def test_closed_pipe_and_unusable_index_folder_end_quietly(tmp_path, seed_index):
    env = {k: v for k, v in os.environ.items() if k != "NEWSEARCH_INDEX"} | {"PYTHONPATH": str(REPO)}
    shell = f"{sys.executable} -m newsearch export --index {seed_index} | head -c 10 >/dev/null"
    piped = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=env)
    assert piped.stderr == ""
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run("index", SEEDS, "--index", not_a_folder)
    assert result.returncode == 2 and result.stderr.startswith("newsearch: ") and "Traceback" not in result.stderr
