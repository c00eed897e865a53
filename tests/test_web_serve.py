"""`newsearch serve` as a user runs it: its errors, its warning, and answering while `index` runs."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

from conftest import REPO, corpus
from web_support import get, serving


def run_serve(*args, timeout=30):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "newsearch", "serve", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO, check=False,
    )


def small_index(tmp_path, files=10):
    from newsearch.indexing.run import index_paths

    folder = tmp_path / "articles"
    folder.mkdir()
    for source in sorted(corpus("bbc", "politics").glob("*.txt"))[:files]:
        shutil.copy(source, folder / source.name)
    index_paths([folder], tmp_path / "index", jobs=1)
    return folder, tmp_path / "index"


def test_missing_index_is_a_one_line_error(tmp_path):
    result = run_serve("--index", tmp_path / "nowhere", "--port", "0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("newsearch: ") and "Traceback" not in result.stderr


def test_port_in_use_is_a_one_line_error(tmp_path):
    _folder, index = small_index(tmp_path, files=2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_serve("--index", index, "--port", taken.getsockname()[1])
    assert result.returncode == 2
    assert "address already in use" in result.stderr and "Traceback" not in result.stderr


def test_binding_beyond_loopback_warns_first(tmp_path):
    """192.0.2.1 (TEST-NET-1) is no address of this machine: the warning comes, then the bind fails."""
    _folder, index = small_index(tmp_path, files=2)
    result = run_serve("--index", index, "--host", "192.0.2.1", "--port", "0")
    lines = result.stderr.splitlines()
    assert "warning" in lines[0] and "anyone" in lines[0] and "192.0.2.1" in lines[0]
    assert result.returncode == 2 and lines[1].startswith("newsearch: cannot serve on 192.0.2.1")
    loopback = run_serve("--index", tmp_path / "nowhere", "--host", "localhost", "--port", "0")
    assert "warning" not in loopback.stderr


def test_answers_from_the_last_commit_while_index_runs(tmp_path):
    folder, index = small_index(tmp_path, files=10)
    more = sorted(corpus("bbc", "business").glob("*.txt"))[:300]
    statuses, counts, stop = [], [], threading.Event()
    with serving(index, tmp_path / "serve.log") as base:
        def poll():
            while not stop.is_set():
                for url in ("/api/search?q=government", "/?q=government", "/api/stats"):
                    status, body = get(base + url)
                    statuses.append(status)
                    if url == "/api/stats" and status == 200:
                        counts.append(json.loads(body)["articles"])

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            for source in more:
                shutil.copy(source, folder / f"b{source.name}")
            env = {**os.environ, "PYTHONPATH": str(REPO)}
            indexing = subprocess.run(
                [sys.executable, "-m", "newsearch", "index", str(folder), "--index", str(index), "--quiet"],
                capture_output=True, text=True, timeout=300, env=env, cwd=REPO, check=False,
            )
            assert indexing.returncode == 0, indexing.stderr
            time.sleep(1.0)  # a few more requests after the commit
        finally:
            stop.set()
            poller.join(timeout=30)
        final = json.loads(get(base + "/api/stats")[1])["articles"]
    assert len(statuses) > 10 and set(statuses) == {200}, statuses
    assert counts[0] == 10 and final == 310  # the server saw the old commit, then the new one
