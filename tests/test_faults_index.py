"""The index under faults, for real: kill -9 at each point of a commit and of a rebuild, damaged files, a full disk.

Crashes are placed with ``newsearch.crashpoints`` (an environment variable
names the moment: no race against a timer). After each, the index must hold
exactly its last commit, answer queries, pass ``newsearch check``, and the
next run must finish the job without duplicates.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SEEDS
from test_incremental import bbc_slice

from newsearch.engines.whoosh import generations, store
from newsearch.indexing.run import index_paths

# Runs the CLI with a small commit interval and small tasks, so one run makes several commits.
_CLI = (
    "import sys, newsearch.indexing.run as run, newsearch.indexing.tasks as tasks; "
    "run.COMMIT_EVERY_ARTICLES = int(sys.argv.pop(1)); tasks.FILES_PER_TASK = 2; "
    "from newsearch.cli import main; sys.argv[0] = 'newsearch'; main()"
)


def cli(*args, commit_every: int = 50_000, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The newsearch CLI in a fresh process (``env`` added to a clean environment)."""
    return subprocess.run(
        [sys.executable, "-c", _CLI, str(commit_every), *map(str, args)],
        capture_output=True, text=True, timeout=timeout, env=clean_env(env), cwd=REPO,
    )


def clean_env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSEARCH_", "FORCE_COLOR", "NO_COLOR"))}
    env["PYTHONPATH"] = str(REPO)
    return env | (extra or {})


def ids(index: Path) -> list[str]:
    """Every article id, by exporting the index in another process (asserting it is readable)."""
    result = cli("export", "--index", index)
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


def state(index: Path) -> set[str]:
    found = ids(index)
    assert len(found) == len(set(found)), "duplicate articles"
    return set(found)


def intact(index: Path) -> None:
    result = cli("check", "--index", index)
    assert result.returncode == 0 and "intact" in result.stdout, result.stdout + result.stderr


@pytest.fixture
def archive(tmp_path) -> Path:
    folder = tmp_path / "archive"
    bbc_slice(folder, per_topic=6)
    for seed in SEEDS.iterdir():
        shutil.copy(seed, folder / seed.name)
    return folder


def change(folder: Path) -> None:
    """New files, a changed one, a deleted one: what the next run has to take in."""
    bbc_slice(folder / "more", per_topic=8)
    files = sorted(folder.rglob("*.txt"))
    files[0].write_text("Zorblatt harbour reopens\n\nThe zorblatt harbour reopened today.\n", "utf-8")
    files[1].unlink()


def reference(folder: Path, tmp_path: Path) -> set[str]:
    """The articles a clean run makes of ``folder``."""
    target = tmp_path / "reference"
    shutil.rmtree(target, ignore_errors=True)
    index_paths([folder], target, jobs=1)
    return state(target)


@pytest.mark.parametrize("point", ["task:done", "commit:segments-synced", "commit:manifest-written", "commit:toc-renamed"])
def test_kill_9_during_a_run_keeps_the_last_commit_and_the_next_run_finishes(archive, tmp_path, point):
    index = tmp_path / "index"
    index_paths([archive], index, jobs=1)
    before = state(index)
    change(archive)
    after = reference(archive, tmp_path)
    # Several commits in this run (one per 10 articles): the crash comes at the second.
    killed = cli("index", archive, "--index", index, "-j", "2", commit_every=6,
                 env={"NEWSEARCH_CRASH_AT": f"{point}#2"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert state(index) <= before | after  # readable, no duplicates, nothing invented
    intact(index)
    finish = cli("index", archive, "--index", index, "--json")
    assert finish.returncode == 0, finish.stderr
    assert state(index) == after
    intact(index)
    assert len(list(store.current(index, str(index)).data.glob("newsearch-files.*.json"))) == 1


@pytest.mark.parametrize("point", ["commit:manifest-written", "commit:toc-renamed", "publish:meta-written"])
def test_kill_9_during_a_rebuild_keeps_the_old_index_whole(archive, tmp_path, point):
    index = tmp_path / "index"
    index_paths([archive], index, jobs=1)
    before = state(index)
    change(archive)
    after = reference(archive, tmp_path)
    nth = "" if point == "publish:meta-written" else "#2"
    killed = cli("index", archive, "--index", index, "--rebuild", commit_every=6,
                 env={"NEWSEARCH_CRASH_AT": point + nth})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert state(index) == (after if point == "publish:meta-written" else before)
    intact(index)
    again = cli("index", archive, "--index", index, "--rebuild")
    assert again.returncode == 0, again.stderr
    assert state(index) == after
    assert [p.name for p in index.iterdir() if p.name.startswith("data-")] == [store.current(index, "").data.name]


def test_queries_during_a_rebuild_see_the_old_index(archive, tmp_path):
    index = tmp_path / "index"
    index_paths([archive], index, jobs=1)
    before = state(index)
    marker = tmp_path / "paused"
    run = subprocess.Popen(
        [sys.executable, "-c", _CLI, "5", "index", str(archive), "--index", str(index), "--rebuild", "-q"],
        env=clean_env({"NEWSEARCH_PAUSE_AT": "commit:toc-renamed#3", "NEWSEARCH_PAUSE_FILE": str(marker)}),
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the rebuild never reached its third commit"
        assert state(index) == before  # three commits into the rebuild, readers see the whole old index
        stats = cli("stats", "--index", index, "--json")
        assert json.loads(stats.stdout)["articles"] == len(before)
    finally:
        run.kill()
        run.wait(timeout=30)
    assert state(index) == before
    intact(index)


def _flip(path: Path, every: int = 997, count: int = 12) -> None:
    data = bytearray(path.read_bytes())
    for i in range(count):
        data[(7 + i * every) % len(data)] ^= 0x5A
    path.write_bytes(bytes(data))


def _damage(index: Path, kind: str) -> str:
    """Damage one kind of index file; returns the file's name."""
    data = store.current(index, str(index)).data
    number = generations.latest_toc(data)
    segment = sorted(data.glob("*.seg"))[0]
    target = {
        "meta": index / store.META_NAME, "manifest": data / generations.manifest_name(number),
        "toc": data / generations.toc_name(number), "segment": segment,
    }
    if kind.endswith("-deleted"):
        path = target[kind[: -len("-deleted")]]
        path.unlink()
    elif kind == "segment-cut":
        path = segment
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path = target[kind]
        _flip(path, every=max(1, path.stat().st_size // 13))
    return path.name


KINDS = ["meta", "manifest", "toc", "segment", "segment-cut", "meta-deleted", "manifest-deleted", "toc-deleted",
         "segment-deleted"]


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_index_files_are_named_and_repaired(archive, tmp_path, kind):
    index = tmp_path / "index"
    index_paths([archive], index, jobs=1)
    before = state(index)
    name = _damage(index, kind)
    for args in (("query", "government"), ("stats",), ("export",), ("index", archive), ("show", sorted(before)[0])):
        result = cli(*args, "--index", index)
        assert result.returncode in (0, 1, 4), (args, result.stderr)
        assert "Traceback" not in result.stderr and "Aborted" not in result.stderr, args
        if result.returncode == 4:
            lines = [line for line in result.stderr.splitlines() if line.startswith("newsearch:")]
            assert len(lines) == 1 and "damaged" in lines[0] and "check --repair" in lines[0], (args, result.stderr)
    check = cli("check", "--index", index)
    assert check.returncode == 4, check.stdout + check.stderr
    assert "damaged" in check.stdout
    if kind not in ("meta-deleted", "toc-deleted", "meta"):
        assert name in check.stdout or "list of indexed files" in check.stdout, check.stdout
    repair = cli("check", "--repair", "--index", index)
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert state(index) == before
    intact(index)


def test_a_damaged_meta_file_is_replaced_by_a_rebuild(archive, tmp_path):
    index = tmp_path / "index"
    index_paths([archive], index, jobs=1)
    before = state(index)
    (index / store.META_NAME).write_text("{not json", "utf-8")
    assert cli("query", "government", "--index", index).returncode == 4
    rebuilt = cli("index", archive, "--index", index, "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert state(index) == before
    intact(index)


def test_export_skips_a_damaged_block_and_exports_the_rest(tmp_path):
    folder = tmp_path / "archive"
    bbc_slice(folder, per_topic=30)
    index = tmp_path / "index"
    index_paths([folder], index, jobs=1)
    ix, current = store.open_for_reading(index)
    segment = ix._segments()[0]
    entry = next(v for k, v in segment.open_compound_file(ix.storage)._dir.items() if k.endswith("._stored.col"))
    path = current.data / f"{segment.segment_id()}.seg"
    data = bytearray(path.read_bytes())
    middle = entry["offset"] + entry["length"] // 2
    data[middle : middle + 16] = bytes(b ^ 0x5A for b in data[middle : middle + 16])
    path.write_bytes(bytes(data))
    result = cli("export", "--index", index)
    assert result.returncode == 4
    exported = [json.loads(line) for line in result.stdout.splitlines()]
    assert 140 <= len(exported) < 150  # the damaged article (or two) left out, the rest exported
    assert result.stderr.count("\n") == 1 and "could not be read" in result.stderr


def test_an_index_is_never_made_in_a_folder_that_holds_other_things(tmp_path):
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", "utf-8")
    result = cli("index", SEEDS, env={"NEWSEARCH_INDEX": str(folder)})
    assert result.returncode == 2 and "not empty" in result.stderr and "newsearch index" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("index", SEEDS, "--index", empty).returncode == 0


def test_a_folder_with_only_a_placeholder_counts_as_empty(tmp_path):
    """The repository's own index/ holds a .gitkeep: the README's first command indexes into it."""
    folder = tmp_path / "index"
    folder.mkdir()
    (folder / ".gitkeep").write_text("", "utf-8")
    result = cli("index", SEEDS, "--index", folder)
    assert result.returncode == 0, result.stderr
    assert (folder / ".gitkeep").exists()
    assert cli("query", "Blinken", "--index", folder, "--json").returncode == 0


@pytest.mark.parametrize("wait", ["nan", "-1", "inf"])
def test_wait_must_be_a_number_of_seconds(tmp_path, wait):
    result = cli("index", SEEDS, "--index", tmp_path / "index", "--wait", wait)
    assert result.returncode == 2 and "--wait" in result.stderr
    assert not (tmp_path / "index").exists()


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs, or a skip where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk needs a small tmpfs, which needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"mounting a tmpfs was refused: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_line_and_keeps_the_last_commit(tmp_path, small_disk):
    index = small_disk / "index"
    first = tmp_path / "first"
    bbc_slice(first, per_topic=2)
    assert cli("index", first, "--index", index).returncode == 0
    before = state(index)
    more = tmp_path / "more"
    bbc_slice(more, per_topic=60)  # ~300 articles: several MB of segments, more than the disk holds
    full = cli("index", first, more, "--index", index, "-j", "2")
    assert full.returncode == 74, full.stderr
    lines = full.stderr.strip().splitlines()
    assert lines[-1].startswith("newsearch: no space left on device") and "Traceback" not in full.stderr
    assert state(index) == before
    intact(index)


def test_a_rebuild_that_finds_no_files_leaves_the_index_as_it_was(archive, tmp_path):
    index = tmp_path / "index"
    index_paths([archive], index, jobs=1)
    before = state(index)
    typo = cli("index", tmp_path / "archiv", "--index", index, "--rebuild")
    assert typo.returncode == 2 and "no such file" in typo.stderr and "left as it was" in typo.stderr
    assert state(index) == before
