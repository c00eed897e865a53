"""Output that cannot be forged and never fails on the environment: file names, pipes, encodings, widths."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS
from test_faults_index import clean_env, cli

ODD_NAMES = [b"caf\xe9.txt", b"two\nlines.txt", b"tab\there.txt", b"\x1b[31mred.txt"]


@pytest.fixture
def odd_archive(tmp_path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    for seed in SEEDS.iterdir():
        shutil.copy(seed, folder / seed.name)
    for n, name in enumerate(ODD_NAMES):
        path = os.path.join(os.fsencode(folder), name)
        with open(path, "wb") as handle:
            handle.write(f"Harbour story number {n}\n\nThe zorblatt harbour reopened, story {n}.\n".encode())
    return folder


def test_file_names_that_are_not_utf8_or_hold_newlines_are_indexed_and_cannot_forge_lines(odd_archive, tmp_path):
    index = tmp_path / "index"
    first = cli("index", odd_archive, "--index", index)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("6 added")
    plain = cli("query", "zorblatt", "--index", index, "--limit", "10")
    assert plain.returncode == 0, plain.stderr
    lines = plain.stdout.splitlines()
    assert sum(line.startswith(("  1.", " 1.", " 2.", " 3.", " 4.")) for line in lines) == 4
    paths = [line for line in lines if "archive/" in line]
    assert len(paths) == 4 and not any("\x1b" in line for line in lines)
    assert any("caf\\xe9.txt" in line for line in paths) and any("two\\x0alines.txt" in line for line in paths)
    as_json = json.loads(cli("query", "zorblatt", "--index", index, "--json").stdout)
    names = {os.fsencode(hit["path"]).rsplit(b"/", 1)[-1] for hit in as_json["hits"]}
    assert names == set(ODD_NAMES)  # JSON keeps the exact bytes (lone surrogates escaped, as Python reads them back)
    exported = cli("export", "--index", index)
    assert len(exported.stdout.splitlines()) == 6
    again = cli("index", odd_archive, "--index", index, "--json")
    assert json.loads(again.stdout)["unchanged"] == 6
    os.unlink(os.path.join(os.fsencode(odd_archive), b"caf\xe9.txt"))
    removed = json.loads(cli("index", odd_archive, "--index", index, "--json").stdout)
    assert removed["removed"] == 1


@pytest.fixture
def seed_index(tmp_path) -> Path:
    index = tmp_path / "index"
    assert cli("index", SEEDS, "--index", index).returncode == 0
    return index


def shell(command: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=clean_env(env), timeout=60)


def test_a_reader_that_goes_away_ends_the_output_quietly_with_success(seed_index):
    newsearch = f"{sys.executable} -m newsearch"
    for args in ("query Ukraine --limit 50", "query Ukraine --jsonl", "export", "stats"):
        piped = shell(f"{newsearch} {args} --index {seed_index} | head -c 1 >/dev/null; echo status=${{PIPESTATUS[0]}}")
        assert "status=0" in piped.stdout and "Traceback" not in piped.stderr and "Aborted" not in piped.stderr, (args, piped)


def test_a_closed_stdout_or_stderr_is_not_an_error(seed_index):
    newsearch = f"{sys.executable} -m newsearch"
    closed = shell(f"{newsearch} query Blinken --index {seed_index} >&-; echo status=$?")
    assert "status=0" in closed.stdout and closed.stderr == ""
    no_stderr = shell(f"{newsearch} query nosuchwordatall --index {seed_index} 2>&-; echo status=$?")
    assert "status=1" in no_stderr.stdout


@pytest.mark.parametrize("columns", ["0", "5", "-3", "wide"])
def test_a_nonsense_terminal_width_still_prints_the_results(seed_index, columns):
    result = cli("query", "Blinken", "--index", seed_index, env={"COLUMNS": columns})
    assert result.returncode == 0 and "Blinken" in result.stdout and len(result.stdout.splitlines()) > 6


def test_an_ascii_only_terminal_gets_escapes_not_an_error(seed_index):
    env = {"PYTHONIOENCODING": "ascii"}
    plain = cli("query", "Blinken", "--index", seed_index, env=env)
    assert plain.returncode == 0 and plain.stdout.isascii() and "\\u2019" in plain.stdout, plain.stderr
    as_json = cli("query", "Blinken", "--index", seed_index, "--json", env=env)
    assert as_json.returncode == 0 and as_json.stdout.isascii()
    utf8 = cli("query", "Blinken", "--index", seed_index, "--json")
    assert json.loads(as_json.stdout)["hits"] == json.loads(utf8.stdout)["hits"]


def test_a_range_on_a_text_field_is_a_note_not_a_crash(seed_index):
    result = cli("query", "title:[a TO z]", "--index", seed_index)
    assert result.returncode in (0, 1) and "note:" in result.stderr and "Traceback" not in result.stderr
