"""Same answers on both engines: BBC + Reuters (23,803 articles) indexed into a Whoosh folder and into one
OpenSearch node, then the same queries asked of both.

    python benchmarks/opensearch_same_answers.py [--url http://127.0.0.1:9200] [--limit N]

Filter-only and boolean queries must match the same articles on both (printed as equal/different with
the sizes); ranked queries print the overlap of their top 10 (the OpenSearch engine ranks with BM25 per
field plus the same feedback step; Whoosh with BM25F). Query latency (median and p95 over rounds, in
this process, warm) is printed next to Whoosh's for the same queries.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from benchmarks.common import corpus_paths, machine  # noqa: E402

EXACT = [
    "source:reuters", "date:1987-03", "source:bbc date:[* TO 1987-03-05]", "oil AND prices", "Blair OR Brown",
    "trade NOT Japan", '"interest rates"', '"Gordon Brown"~2', "Blair NEAR/5 Brown", "elect*", "opec AND (oil OR crude)",
    "title:budget", "author:*", "Blunket~", "U.S. AND dollar", "-said", "kyiv OR ukraine",
]
RANKED = [
    "oil prices opec production", "Blair election campaign Labour", "Microsoft software market share",
    "interest rates central bank", "football world cup final", "film box office record", "mobile phone technology",
    "coffee export quota talks", "Iraq war troops", "music awards ceremony",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running node (default: start one from the test kit)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    print(machine(), file=sys.stderr)
    from newsearch.deadline import Deadline
    from newsearch.engines import open_engine
    from newsearch.indexing.run import index_paths
    from newsearch.query.parser import parse_query

    work = Path(tempfile.mkdtemp(prefix="newsearch-same-"))
    nodes = []
    try:
        url = args.url
        if url is None:
            import os_cluster

            nodes = os_cluster.start_nodes(work / "node", 1)
            url = nodes[0].url
        paths = corpus_paths(work)
        cluster = f"{url}/same-{uuid.uuid4().hex[:8]}"
        for index in (work / "index", cluster):
            started = time.perf_counter()
            report = index_paths(paths, index)
            print(f"indexed {report.added:,} articles into {index} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        whoosh, opensearch = open_engine(work / "index"), open_engine(cluster)
        differ = 0
        print("query                                  whoosh  opensearch  same set")
        for text in EXACT:
            tree = parse_query(text).tree
            a = {h.id for h in whoosh.rank(tree, depth=100_000, deadline=Deadline(None)).hits}
            b = {h.id for h in opensearch.rank(tree, depth=100_000, deadline=Deadline(None)).hits}
            differ += a != b
            print(f"{text[:38]:38} {len(a):7,} {len(b):11,}  {'yes' if a == b else 'NO'}")
        print("\nranked query                            top-10 overlap")
        overlaps = []
        for text in RANKED:
            tree = parse_query(text).tree
            a = [h.id for h in whoosh.rank(tree, depth=10, deadline=Deadline(None)).hits]
            b = [h.id for h in opensearch.rank(tree, depth=10, deadline=Deadline(None)).hits]
            overlaps.append(len(set(a) & set(b)) / max(1, len(a)))
            print(f"{text[:38]:38} {overlaps[-1]:.1f}")
        print(f"mean top-10 overlap {statistics.mean(overlaps):.2f}; exact queries with different sets: {differ}")
        print("\nlatency (ms, warm, in-process engine.rank depth 10)   whoosh p50/p95   opensearch p50/p95")
        for name, engine in (("whoosh", whoosh), ("opensearch", opensearch)):
            times = []
            for _ in range(args.rounds):
                for text in EXACT + RANKED:
                    tree = parse_query(text).tree
                    started = time.perf_counter()
                    engine.rank(tree, depth=10, count=True, deadline=Deadline())
                    times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(f"{name:10} p50 {statistics.median(times):7.1f}  p95 {times[int(0.95 * (len(times) - 1))]:7.1f}")
        whoosh.close()
        opensearch.close()
        return 1 if differ else 0
    finally:
        for node in nodes:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
