"""Search page latency of ``newsearch serve`` on BBC + Reuters, against the library call it makes.

    .venv/bin/python benchmarks/web_latency.py [--index DIR] [--rounds N]

Without --index, BBC + Reuters (23,803 articles) is indexed into a temporary folder first.
A real ``newsearch serve`` process is started on a free loopback port; each round sends
the 50 mixed queries of ``query_latency.py`` to the search page (``/?q=…``: the whole
HTML page with snippets and source facets) and to ``/api/search`` over one kept-alive
HTTP connection, and runs the same search in this process through
``newsearch.search.search`` with the page's options (the baseline: what the page costs
beyond the search itself). Medians per round, then the median of the rounds.
Target: the search page answers in under 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ENV, PYTHON, REPO, corpus_paths, machine, median, newsearch_index, verdict  # noqa: E402
from benchmarks.query_latency import WARM_QUERIES  # noqa: E402

TARGET_MS = 300.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(index: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "newsearch", "serve", "--index", str(index), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=REPO,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("newsearch serve did not start")


def timed_get(connection: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path)
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        sys.exit(f"{path} answered {answer.status}")
    return (time.perf_counter() - started) * 1000


def one_round(connection, index: Path) -> dict:
    from newsearch.models import SearchOptions
    from newsearch.search import search

    page, api, library = [], [], []
    for q in WARM_QUERIES:
        page.append(timed_get(connection, "/?" + urlencode({"q": q})))
        api.append(timed_get(connection, "/api/search?" + urlencode({"q": q, "facet": "source"})))
        started = time.perf_counter()
        search(index, q, SearchOptions(facets=("source",)))
        library.append((time.perf_counter() - started) * 1000)
    return {"page": page, "api": api, "library": library}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an existing index of BBC + Reuters")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="web-latency-"))
    index = args.index
    if index is None:
        index = work / "index"
        print(f"indexing BBC + Reuters into {index} …", flush=True)
        newsearch_index(index, corpus_paths(work))
    print(machine())
    process, port = start_server(index)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        first = timed_get(connection, "/?" + urlencode({"q": WARM_QUERIES[0]}))
        rounds = [one_round(connection, index) for _ in range(args.rounds)]
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"first search page after start (opens the index): {first:.0f} ms")
    print(f"{'round':>5} {'page median':>12} {'page max':>9} {'api median':>11} {'library median':>15}")
    for n, r in enumerate(rounds, 1):
        print(f"{n:>5} {median(r['page']):>10.1f}ms {max(r['page']):>7.0f}ms {median(r['api']):>9.1f}ms {median(r['library']):>13.1f}ms")
    page_ms = median([median(r["page"]) for r in rounds])
    library_ms = median([median(r["library"]) for r in rounds])
    slowest = max(max(r["page"]) for r in rounds)
    print(f"search page, median of {args.rounds} round medians over {len(WARM_QUERIES)} queries: {page_ms:.1f} ms "
          f"(library search alone {library_ms:.1f} ms; slowest page {slowest:.0f} ms); target < {TARGET_MS:.0f} ms: "
          f"{verdict(page_ms < TARGET_MS)}")
    if args.index is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
