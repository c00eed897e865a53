"""Indexing speed, re-run speed and peak memory, against the straightforward Whoosh script.

    /work/venv/bin/python benchmarks/indexing.py [--rounds N] [--copies N] [--jobs N]

Each round times, in child processes and in this order: the baseline script
(benchmarks/baseline_whoosh.py), a full ``newsearch index``, a re-run on the
unchanged corpus. Then a run on twice the corpus checks that peak memory does
not grow with it. Memory is the peak resident size of the whole process tree
(indexer plus workers), sampled every 0.1 s. CPU seconds of each process tree
are printed too: on a shared machine wall times swing with the other jobs.
Takes a few minutes.

``--compare DIR`` also times, in every round, a full ``newsearch index`` by
another checkout (e.g. ``--compare ../main``: the same interpreter and
libraries, that checkout's code), and prints this checkout's time against it:
how much a change costs or saves, measured against the baseline of the same round.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import baseline_index, corpus_paths, machine, median, newsearch_index, verdict  # noqa: E402

MEMORY_LIMIT_MB = 500


def measure(work: Path, copies: int, rounds: int, jobs: list[str], with_baseline: bool = True, compare: Path | None = None) -> dict:
    paths = corpus_paths(work, copies)
    base, full, rerun, memory, articles = [], [], [], [], 0
    base_cpu, full_cpu, other, other_cpu = [], [], [], []
    for n in range(rounds):
        if with_baseline:
            b = baseline_index(work / "baseline", paths)
            shutil.rmtree(work / "baseline")
            base.append(b["seconds"])
            base_cpu.append(b["cpu"])
            print(f"  round {n + 1}: baseline {b['seconds']:.1f} s, CPU {b['cpu']:.1f} s ({b['report']['articles']:,} articles, {b['peak_mb']:.0f} MB)", flush=True)
        index = work / "index"
        if compare is not None:
            shutil.rmtree(index, ignore_errors=True)
            c = newsearch_index(index, paths, *jobs, repo=compare)
            other.append(c["seconds"])
            other_cpu.append(c["cpu"])
            print(f"  round {n + 1}: {compare} {c['seconds']:.1f} s, CPU {c['cpu']:.1f} s ({c['report']['added']:,} articles)", flush=True)
        shutil.rmtree(index, ignore_errors=True)
        f = newsearch_index(index, paths, *jobs)
        r = newsearch_index(index, paths, *jobs)
        assert r["report"]["added"] == r["report"]["updated"] == 0, r["report"]
        articles = f["report"]["added"]
        if with_baseline and abs(b["report"]["articles"] - articles) > articles * 0.01:
            raise SystemExit(f"baseline indexed {b['report']['articles']:,} articles, newsearch {articles:,}: not comparable")
        full.append(f["seconds"])
        full_cpu.append(f["cpu"])
        rerun.append(r["seconds"])
        memory.append(f["peak_mb"])
        print(
            f"  round {n + 1}: newsearch {f['seconds']:.1f} s, CPU {f['cpu']:.1f} s ({articles:,} articles, {f['peak_mb']:.0f} MB),"
            f" re-run {r['seconds']:.2f} s",
            flush=True,
        )
    return {
        "articles": articles,
        "baseline": median(base) if base else None,
        "full": median(full),
        "baseline_cpu": median(base_cpu) if base_cpu else None,
        "full_cpu": median(full_cpu),
        "rerun": median(rerun),
        "peak_mb": max(memory),
        "compare": (str(compare), median(other), median(other_cpu)) if other else None,
    }


def report(figures: dict, doubled: dict | None) -> bool:
    ok = True
    print()
    print(f"{'figure':44} {'baseline':>10} {'newsearch':>10} {'target':>14}  result")
    if figures["baseline"] is not None:
        speedup = figures["baseline"] / figures["full"]
        good = speedup >= 3
        ok &= good
        print(f"{'indexing wall time, s':44} {figures['baseline']:10.1f} {figures['full']:10.1f} {'>= 3x faster':>14}  {verdict(good)} ({speedup:.2f}x)")
        print(
            f"{'  (CPU time of the process tree, s)':44} {figures['baseline_cpu']:10.1f} {figures['full_cpu']:10.1f}"
            f" {'':>14}  ({figures['baseline_cpu'] / figures['full_cpu']:.2f}x less CPU)"
        )
    if figures.get("compare"):
        name, seconds, cpu = figures["compare"]
        print(
            f"{'indexing wall time vs ' + name + ', s':44} {seconds:10.1f} {figures['full']:10.1f} {'':>14}"
            f"  ({figures['full'] / seconds:.3f}x the time; CPU {figures['full_cpu'] / cpu:.3f}x)"
        )
    share = figures["rerun"] / figures["full"]
    good = share < 0.05
    ok &= good
    print(f"{'re-run on unchanged corpus, s':44} {'':10} {figures['rerun']:10.2f} {'< 5% of full':>14}  {verdict(good)} ({share:.1%})")
    good = figures["peak_mb"] < MEMORY_LIMIT_MB
    ok &= good
    print(f"{'peak memory (process tree), MB':44} {'':10} {figures['peak_mb']:10.0f} {'< 500':>14}  {verdict(good)}")
    if doubled:
        growth = doubled["peak_mb"] / figures["peak_mb"]
        good = doubled["peak_mb"] < MEMORY_LIMIT_MB and growth < 1.25
        ok &= good
        print(
            f"{'peak memory at 2x corpus (' + format(doubled['articles'], ',') + ' articles), MB':44} {'':10}"
            f" {doubled['peak_mb']:10.0f} {'not growing':>14}  {verdict(good)} ({growth:.2f}x of 1x;"
            f" indexing {doubled['full']:.1f} s)"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="repeat baseline/newsearch pairs; medians are reported")
    parser.add_argument("--copies", type=int, default=1, help="replicate the corpus (distinct ids)")
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs to newsearch index")
    parser.add_argument("--no-double", action="store_true", help="skip the run on twice the corpus")
    parser.add_argument("--compare", type=Path, default=None, help="also time another checkout's full index in each round")
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="newsearch-bench-") as tmp:
        work = Path(tmp)
        print(f"corpus: BBC + Reuters x {args.copies}", flush=True)
        figures = measure(work, args.copies, args.rounds, jobs, compare=args.compare.resolve() if args.compare else None)
        doubled = None
        if not args.no_double:
            print(f"corpus: BBC + Reuters x {args.copies * 2} (memory check)", flush=True)
            doubled = measure(work, args.copies * 2, 1, jobs, with_baseline=False)
        ok = report(figures, doubled)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
