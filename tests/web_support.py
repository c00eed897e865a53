"""Shared by the web tests: a real index from the corpora, a real `newsearch serve`, real Chromium.

Imported by the ``test_web*.py`` modules (fixtures are picked up from their
namespace); session-scoped, so the index and the server are made once.
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import CORPORA, REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
BBC_SLICES = {"tech": 120, "business": 80}  # tech/004 and tech/063 are byte-identical copies
PAGES = 40
REUTERS_RECORDS = 400


def corpus_files(work: Path) -> list[str]:
    """BBC slices, the first pages of ``pages/`` and the first Reuters records (a slice file in ``work``)."""
    bbc, pages, reuters = CORPORA / "bbc", CORPORA / "pages", CORPORA / "reuters21578.jsonl.gz"
    if not (bbc.is_dir() and pages.is_dir() and reuters.exists()):
        pytest.skip(f"corpora not available under {CORPORA}")
    files = [str(p) for topic, n in BBC_SLICES.items() for p in sorted((bbc / topic).glob("*.txt"))[:n]]
    files += [str(p) for p in sorted(pages.glob("*.html.gz"))[:PAGES]]
    slice_file = work / "reuters-slice.jsonl"
    with gzip.open(reuters, "rt", encoding="utf-8") as source, slice_file.open("w", encoding="utf-8") as out:
        for _, line in zip(range(REUTERS_RECORDS), source):
            out.write(line)
    return [*files, str(slice_file)]


def build_index(work: Path, paths: list[str]) -> Path:
    from newsearch.indexing.run import index_paths

    index = work / "index"
    report = index_paths(paths, index, jobs=1)
    assert report.indexed, report.skipped
    return index


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """Status and body of a GET (error statuses returned, not raised)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def serving(index: Path, log: Path):
    """``newsearch serve`` on a free loopback port, as a user starts it; yields the base URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with log.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsearch", "serve", "--index", str(index), "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=REPO,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"newsearch serve exited: {log.read_text()}")
            try:
                if get(base + "/api/stats", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"newsearch serve did not answer: {log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def require_browser():
    """Playwright's sync API, or a skip saying what is missing."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    return sync_playwright


_BUILT: dict[Path, Path] = {}  # one index per test session, whichever module asks first


@pytest.fixture(scope="session")
def web_index(tmp_path_factory) -> Path:
    """Each module that imports this fixture registers its own copy, so the index is kept here."""
    base = tmp_path_factory.getbasetemp()
    if base not in _BUILT:
        work = tmp_path_factory.mktemp("web")
        _BUILT[base] = build_index(work, corpus_files(work))
    return _BUILT[base]


@pytest.fixture(scope="session")
def web_server(web_index, tmp_path_factory):
    with serving(web_index, tmp_path_factory.mktemp("serve") / "stderr.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    sync_playwright = require_browser()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh page that fails the test on any dialog (alert, confirm): no script of ours opens one."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
    assert dialogs == [], f"a script opened dialogs: {dialogs}"
