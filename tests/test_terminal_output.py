"""Issue 14: output like ripgrep's — no hard wrap when piped, titles that wrap under themselves,
progress that degrades at 60 columns and on TERM=dumb, --color, a closed pipe is not "nothing found"."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import corpus, invoke

NEWSEARCH = Path(sys.executable).parent / "newsearch"


@pytest.fixture(scope="module")
def politics(tmp_path_factory):
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("politics")
    source = corpus("bbc", "politics")
    folder = root / "a-folder-with-a-rather-long-name-for-paths" / "politics"
    folder.mkdir(parents=True)
    for path in sorted(source.glob("*.txt"))[:60]:
        shutil.copyfile(path, folder / path.name)
    index = root / "index"
    assert invoke(CliRunner(), "index", folder, "--index", index, "-q").exit_code == 0
    return index


def test_piped_output_is_not_hard_wrapped(runner, politics):
    result = invoke(runner, "query", "Blair", "--index", politics, "-n", "5", env={"COLUMNS": "40"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    paths = [line for line in lines if "a-folder-with-a-rather-long-name-for-paths/politics/" in line]
    assert len(paths) == 5  # every path whole, on its id's line
    assert max(map(len, lines)) > 100  # snippets are one line each, not cut at 40 (or 80) columns
    index_line = invoke(runner, "index", politics.parent / "a-folder-with-a-rather-long-name-for-paths", "--index", politics,
                        env={"COLUMNS": "30"}).stdout
    assert len(index_line.splitlines()) == 1 and index_line.rstrip().endswith("s)")


def terminal_console(width: int):
    from rich.console import Console

    out = Console(file=io.StringIO(), force_terminal=True, color_system=None, width=width, markup=False, emoji=False,
                  highlight=False)
    out.wraps = True
    return out


def test_on_a_terminal_long_titles_wrap_under_their_first_letter(politics):
    from newsearch.models import SearchOptions
    from newsearch.output.terminal import print_results
    from newsearch.search import search

    result = search(politics, "Blair", SearchOptions(limit=10))
    long_title = next(hit for hit in result.hits if len(hit.title) > 30)
    out = terminal_console(36)
    print_results(result, out)
    lines = out.file.getvalue().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"{long_title.rank:>2}. "))
    assert lines[first + 1].startswith("    ") and lines[first + 1].strip()
    assert all(len(line) <= 36 for line in lines[1:])
    words = " ".join(line[4:].strip() for line in lines[first : first + 3])
    assert long_title.title.split()[-1] in words


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def drive(bar) -> str:
    from newsearch.models import IndexProgress

    bar(IndexProgress(files_done=1, files_total=40, bytes_done=10, bytes_total=100, articles=5))
    time.sleep(0.15)
    bar(IndexProgress(files_done=18, files_total=40, bytes_done=45, bytes_total=100, articles=12_345))
    bar.close()
    return bar.stream.getvalue()


@pytest.mark.parametrize("columns", ["60", "120"])
def test_progress_keeps_bar_share_and_time_left_at_60_columns(monkeypatch, columns):
    from newsearch.output.progress import index_progress

    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", columns)
    shown = drive(index_progress(stream=FakeTerminal()))
    last = [line for line in shown.replace("\r", "\n").split("\n") if "45%" in line][-1]
    assert "━" in last and "12,345 articles" in last
    assert "0:00:" in last  # the time left is still there
    visible = len(__import__("re").sub(r"\x1b\[[0-9;]*[A-Za-z]", "", last))
    assert visible <= int(columns)


def test_progress_on_a_terminal_that_cannot_redraw_prints_plain_lines(monkeypatch):
    from newsearch.output import progress

    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setattr(progress, "DUMB_LINE_EVERY_SECONDS", 0.1)
    bar = progress.index_progress(stream=FakeTerminal())
    shown = drive(bar)
    assert "\x1b" not in shown and "\r" not in shown
    assert "newsearch: indexing  45%  12,345 articles" in shown


def test_color_always_never_auto_and_no_color(runner, politics):
    def run(*flags, env=None):
        result = invoke(runner, "query", "Blair", "--index", politics, "-n", "2", *flags, env=env)
        assert result.exit_code == 0
        return result.stdout

    assert "\x1b[" not in run()  # auto, piped
    assert "\x1b[" not in run("--color", "never")
    coloured = run("--color", "always")
    assert "\x1b[1;36m" in coloured and "\x1b[1;33m" in coloured  # rank and matched words
    assert "\x1b[1;33m" in run("--color", "always", env={"NO_COLOR": "1"})  # asked for: given
    assert "\x1b[" not in invoke(runner, "stats", "--index", politics, "--color", "never").stdout


def shell(command: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=120)


def test_a_closed_pipe_after_hits_exits_0(politics):
    for args in ("Blair -n 50", "Blair -n 50 --json", "Blair -n 50 --csv", "Blair -n 50 --jsonl"):
        piped = shell(f"{NEWSEARCH} query {args} --index {politics} | head -2 >/dev/null; echo status=${{PIPESTATUS[0]}}")
        assert "status=0" in piped.stdout and "Traceback" not in piped.stderr, (args, piped)
    nothing = shell(f"{NEWSEARCH} query zzxqjv --index {politics} | head -2 >/dev/null; echo status=${{PIPESTATUS[0]}}")
    assert "status=1" in nothing.stdout
