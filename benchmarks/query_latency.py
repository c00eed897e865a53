"""Query latency: a cold ``newsearch query --json`` process against a minimal Whoosh script, and warm queries in-process.

    /work/venv/bin/python benchmarks/query_latency.py [--index DIR] [--copies N] [--runs N]

Without --index, BBC + Reuters (x --copies) is indexed into a temporary folder first.
Cold: each query is run --runs times as ``python -m newsearch query Q --json`` and as
the minimal script below (open the index, parse, search, highlight the hits);
the medians of all runs are compared. Warm: 50 mixed queries through
``newsearch.search.service.search`` in one process after one warm-up pass.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import PYTHON, corpus_paths, machine, median, newsearch_index, run, verdict  # noqa: E402

COLD_QUERIES = ["oil prices", "bank interest rates", "\"prime minister\"", "football", "what did the central bank say about inflation"]

WARM_QUERIES = [
    "oil", "oil prices", "crude oil output opec", "\"crude oil\"", "bank", "bank rate cut", "interest rates",
    "\"interest rates\"", "federal reserve", "inflation", "yen dollar", "trade deficit japan", "grain exports",
    "wheat", "soviet union grain", "coffee", "cocoa", "sugar quota", "gold", "copper price", "election",
    "labour party election", "\"tony blair\"", "blair brown", "football", "chelsea", "arsenal wenger",
    "rugby england", "tennis", "film", "oscar nomination", "box office", "music", "mobile phone", "broadband",
    "microsoft", "software security", "apple ipod", "google", "video games", "economy growth",
    "what did the central bank say about inflation", "why are oil prices rising", "merger acquisition",
    "takeover bid", "dividend", "shares fell", "strike", "us", "may",
]

MINIMAL_SCRIPT = """
import json, sys
from whoosh import index, scoring
from whoosh.qparser import MultifieldParser, OrGroup
ix = index.open_dir(sys.argv[1], indexname="articles")
with ix.searcher(weighting=scoring.BM25F()) as searcher:
    query = MultifieldParser(["title", "body"], ix.schema, group=OrGroup).parse(sys.argv[2])
    hits = searcher.search(query, limit=10, terms=True)
    out = [{"id": h["id"], "title": h["title"], "snippet": h.highlights("body", top=2)} for h in hits]
    total = len(hits)  # inside the block: counting after the searcher closed raised ReaderClosed (exit 1)
print(json.dumps({"total": total, "hits": out}))
"""


def data_folder(index: Path) -> Path:
    """The folder holding Whoosh's files (the index folder names its current one)."""
    from newsearch.engines.whoosh import store

    return store.current(index, str(index)).data


def cold(index: Path, runs: int) -> tuple[float, float]:
    ours, minimal = [], []
    for _ in range(runs):
        for q in COLD_QUERIES:
            ours.append(run([PYTHON, "-m", "newsearch", "query", q, "--json", "--index", str(index)])["seconds"])
            minimal.append(run([PYTHON, "-c", MINIMAL_SCRIPT, str(data_folder(index)), q])["seconds"])
    return median(minimal), median(ours)


def warm(index: Path) -> tuple[float, float]:
    from newsearch.search.service import search

    for q in WARM_QUERIES:  # warm-up: imports, OS cache, stem cache
        search(index, q)
    times = []
    for q in WARM_QUERIES:
        started = time.perf_counter()
        search(index, q)
        times.append((time.perf_counter() - started) * 1000)
    return median(times), max(times)


def measure(index: Path, runs: int) -> dict:
    minimal, ours = cold(index, runs)
    warm_median, warm_max = warm(index)
    return {"cold_minimal": minimal, "cold_newsearch": ours, "warm_median_ms": warm_median, "warm_max_ms": warm_max}


def report(figures: dict) -> bool:
    ratio = figures["cold_newsearch"] / figures["cold_minimal"]
    cold_ok = ratio <= 1.3
    warm_ok = figures["warm_median_ms"] < 30
    print()
    print(f"{'figure':44} {'baseline':>10} {'newsearch':>10} {'target':>14}  result")
    print(
        f"{'cold query process, median s':44} {figures['cold_minimal']:10.3f} {figures['cold_newsearch']:10.3f}"
        f" {'<= 1.3x':>14}  {verdict(cold_ok)} ({ratio:.2f}x)"
    )
    print(
        f"{'warm in-process query, median ms (50 mixed)':44} {'':10} {figures['warm_median_ms']:10.1f}"
        f" {'< 30 ms':>14}  {verdict(warm_ok)} (slowest {figures['warm_max_ms']:.0f} ms)"
    )
    return cold_ok and warm_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an existing newsearch index of the corpus")
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--runs", type=int, default=4, help="cold runs per query")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="newsearch-bench-") as tmp:
        index = args.index
        if index is None:
            index = Path(tmp) / "index"
            built = newsearch_index(index, corpus_paths(Path(tmp), args.copies))
            print(f"indexed {built['report']['added']:,} articles in {built['seconds']:.1f} s", flush=True)
        ok = report(measure(index, args.runs))
        if args.index is None:
            shutil.rmtree(index, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
