"""Screenshots of every page of ``newsearch serve``, to look at them (and the one in the README).

    .venv/bin/python benchmarks/screenshots.py [--index DIR] [--out DIR] [--readme]

Without --index, BBC + Reuters + the real news pages of ``pages/`` are indexed into a
temporary folder first. A real ``newsearch serve`` is started on a free loopback port
and Debian's Chromium (``/usr/bin/chromium``, driven by playwright) saves each page,
at desktop width and the search page also at phone width, as PNG files in --out
(default: a new temporary folder, printed). --readme also writes the search page
shown in the README to ``docs/serve-search.png``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import CORPORA, REPO, corpus_paths, newsearch_index  # noqa: E402
from benchmarks.web_latency import start_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
README_SHOT = REPO / "docs" / "serve-search.png"
SEARCH = "/?q=" + quote("oil prices")


def pages(first_article: str) -> list[tuple[str, str, int]]:
    """(file name, path, viewport width) of each page to save."""
    return [
        ("home.png", "/", 1200),
        ("search.png", SEARCH, 1200),
        ("search-phone.png", SEARCH, 390),
        ("search-filtered.png", SEARCH + "&source=Reuters&sort=-date", 1200),
        ("article.png", "/articles/" + quote(first_article, safe=""), 1200),
        ("timeline.png", "/timeline?q=oil&q=wheat&q=coffee", 1200),
        ("timeline-normalized.png", "/timeline?q=oil&q=wheat&normalize=true&interval=week", 1200),
        ("stats.png", "/stats", 1200),
        ("error.png", "/?q=" + quote('"unbalanced'), 1200),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--readme", action="store_true", help=f"also write {README_SHOT.relative_to(REPO)}")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    out = args.out or work / "png"
    out.mkdir(parents=True, exist_ok=True)
    index = args.index
    if index is None:
        index = work / "index"
        print("indexing BBC + Reuters + pages/ …", flush=True)
        newsearch_index(index, [*corpus_paths(work), str(CORPORA / "pages")])
    process, port = start_server(index)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page()
            tab.goto(base + SEARCH)
            first = tab.locator("a.hit-title").first.get_attribute("href") or "/articles/none"
            for name, path, width in pages(unquote(first.removeprefix("/articles/"))):
                tab.set_viewport_size({"width": width, "height": 900 if width > 600 else 800})
                tab.goto(base + path)
                tab.screenshot(path=str(out / name))
                print(out / name)
            if args.readme:
                README_SHOT.parent.mkdir(exist_ok=True)
                tab.set_viewport_size({"width": 1100, "height": 760})
                for _ in range(3):  # warm: the picture shows a typical time, not the first query's
                    tab.goto(base + SEARCH)
                tab.screenshot(path=str(README_SHOT))
                print(README_SHOT)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
