"""Start-up: instructions executed by a cold ``newsearch query --json`` against the minimal Whoosh script.

    .venv/bin/python benchmarks/startup.py [--index DIR] [--corpus]

Wall time of a 0.2 s process swings by tens of percent on a shared machine;
the number of instructions it executes (valgrind's callgrind, counted from the
start) moves by well under 1 %. Each query is run once as
``python -m newsearch query Q --json`` and once as ``query_latency.MINIMAL_SCRIPT``
(open the index, parse, search, highlight), both under callgrind, on the seeds
index (start-up bound) and, with ``--index`` or ``--corpus`` (BBC + Reuters,
indexed first), on a real-sized one. Target: every query <= 1.25x the script.

Measured as a user runs it: bytecode cached. Each command runs once without
valgrind first, with PYTHONDONTWRITEBYTECODE removed from the environment so
the ``.pyc`` files get written (this sandbox sets it; with it, and no cache,
every cold process compiles newsearch's modules again).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ENV, PYTHON, REPO, corpus_paths, machine, newsearch_index, verdict
from benchmarks.query_latency import COLD_QUERIES, MINIMAL_SCRIPT, data_folder

TARGET = 1.25
SEED_QUERIES = ["Blinken Kyiv", "Ukraine", "\"Secretary of State\""]
CACHED_ENV = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}


def instructions(cmd: list[str]) -> int:
    """Instructions the process executes, by callgrind (after one plain run that caches the bytecode)."""
    subprocess.run(cmd, env=CACHED_ENV, cwd=REPO, capture_output=True, check=False)
    grind = ["valgrind", "--tool=callgrind", "--collect-atstart=yes", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(grind + cmd, env=CACHED_ENV, cwd=REPO, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode not in (0, 1) or not found:
        raise RuntimeError(f"{' '.join(cmd)} failed under valgrind ({done.returncode}): {done.stderr[-1500:]}")
    return int(found.group(1))


def compare(index: Path, queries: list[str]) -> list[tuple[str, int, int]]:
    rows = []
    for q in queries:
        ours = instructions([PYTHON, "-m", "newsearch", "query", q, "--json", "--index", str(index)])
        minimal = instructions([PYTHON, "-c", MINIMAL_SCRIPT, str(data_folder(index)), q])
        print(f"  {q[:44]:44} {minimal / 1e6:9.0f}M {ours / 1e6:9.0f}M  {ours / minimal:5.2f}x", flush=True)
        rows.append((q, minimal, ours))
    return rows


def report(name: str, rows: list[tuple[str, int, int]]) -> bool:
    worst = max(ours / minimal for _, minimal, ours in rows)
    total = sum(ours for *_, ours in rows) / sum(minimal for _, minimal, _ in rows)
    ok = worst <= TARGET
    print(f"{name}: worst {worst:.2f}x, all queries together {total:.2f}x  (target <= {TARGET}x each)  {verdict(ok)}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an existing newsearch index of BBC + Reuters")
    parser.add_argument("--corpus", action="store_true", help="index BBC + Reuters first and measure on it too")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind not found (apt-get install valgrind)")
    print(f"machine: {machine()}")
    print("bytecode cached (PYTHONDONTWRITEBYTECODE unset for the children)")
    base = instructions([PYTHON, "-c", "pass"])
    cli = instructions([PYTHON, "-c", "import newsearch.cli"])
    print(f"python start-up {base / 1e6:.0f}M instructions; importing newsearch.cli {(cli - base) / 1e6:.0f}M more")
    print(f"  {'query':44} {'minimal':>10} {'newsearch':>10}  ratio")
    ok = True
    with tempfile.TemporaryDirectory(prefix="newsearch-startup-") as tmp:
        seeds = Path(tmp) / "seeds-index"
        newsearch_index(seeds, [str(REPO / "seeds")])
        print("seeds index (2 articles):")
        ok &= report("seeds", compare(seeds, SEED_QUERIES))
        index = args.index
        if index is None and args.corpus:
            index = Path(tmp) / "index"
            built = newsearch_index(index, corpus_paths(Path(tmp)))
            print(f"indexed {built['report']['added']:,} articles in {built['seconds']:.1f} s", flush=True)
        if index is not None:
            print(f"{index}:")
            ok &= report("corpus", compare(index, COLD_QUERIES))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
