"""How indexing and query times grow with the collection: 1x, 2x and 4x BBC + Reuters (about 24k, 48k, 95k articles).

    /work/venv/bin/python benchmarks/scale.py [--sizes 1,2,4] [--runs N]

Copies of the corpus are folders of symlinks (new paths, so distinct ids). At
every size: newsearch indexing time and rate, re-run time, peak memory, warm
median query time. At the largest size also the baseline script and the cold
query comparison, with PASS/FAIL against the same targets as the 1x
benchmarks. Takes ten minutes or more.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import indexing, query_latency  # noqa: E402
from benchmarks.common import corpus_paths, machine, newsearch_index  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4", help="corpus copies to index, comma-separated")
    parser.add_argument("--runs", type=int, default=2, help="cold runs per query at the largest size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {machine()}")
    rows = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="newsearch-scale-") as tmp:
        work = Path(tmp)
        for copies in sizes:
            largest = copies == max(sizes)
            print(f"corpus: BBC + Reuters x {copies}", flush=True)
            figures = indexing.measure(work, copies, 1, [], with_baseline=largest)
            # measure() leaves the index of this size in work/"index"
            warm_median, warm_max = query_latency.warm(work / "index")
            rows.append((copies, figures, warm_median, warm_max))
            if largest:
                ok &= indexing.report(figures, None)
                cold_minimal, cold_ours = query_latency.cold(work / "index", args.runs)
                ok &= query_latency.report(
                    {"cold_minimal": cold_minimal, "cold_newsearch": cold_ours, "warm_median_ms": warm_median, "warm_max_ms": warm_max}
                )
            shutil.rmtree(work / "index", ignore_errors=True)
    print()
    print(f"{'copies':>6} {'articles':>9} {'index s':>8} {'art/s':>7} {'re-run s':>9} {'peak MB':>8} {'query ms (median/max)':>22}")
    for copies, figures, warm_median, warm_max in rows:
        rate = figures["articles"] / figures["full"]
        print(
            f"{copies:>6} {figures['articles']:>9,} {figures['full']:>8.1f} {rate:>7,.0f} {figures['rerun']:>9.2f}"
            f" {figures['peak_mb']:>8.0f} {warm_median:>12.1f} / {warm_max:<7.0f}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
