"""Saved pages per second through the HTML reader, beside trafilatura alone, in the same rounds.

Each round runs every contender in a fresh Python process over the same saved
pages (../shared/corpora/pages and the first 100 of pages2), import and first-use
costs included, as an indexing worker pays them: dateparser's locales,
trafilatura's start-up. Contenders:

- ours: ``newsearch.ingest.read_articles`` of this checkout;
- trafilatura alone: ``bare_extraction(page, with_metadata=True)``;
- with ``--against DIR``: ``read_articles`` of another checkout (e.g. the commit
  before a change: ``git worktree add /tmp/before <commit>``).

The machine is shared and noisy: the figures are medians over rounds, and the
ratios are taken within each round before the median. Run from the repository root:

    python benchmarks/html_speed.py [--rounds 3] [--against DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"

_WORKER = r"""
import gzip, json, sys, time
from pathlib import Path
kind, root, files = sys.argv[1], sys.argv[2], json.loads(sys.stdin.read())
sys.path.insert(0, root)
start = time.perf_counter()
if kind == "trafilatura":
    import trafilatura
    for name in files:
        trafilatura.bare_extraction(gzip.decompress(Path(name).read_bytes()), with_metadata=True)
else:
    from newsearch.ingest import read_articles
    for name in files:
        list(read_articles(Path(name).read_bytes(), name, "speed"))
print(time.perf_counter() - start)
"""


def saved_pages() -> list[str]:
    pages = sorted((CORPORA / "pages").glob("*.html.gz"))
    pages += sorted((CORPORA / "pages2").glob("*.html.gz"))[:100]
    return [str(p) for p in pages]


def run(kind: str, root: Path, files: list[str]) -> float:
    """Pages per second of one contender in a fresh process."""
    out = subprocess.run([sys.executable, "-c", _WORKER, kind, str(root)], input=json.dumps(files),
                         capture_output=True, text=True, check=True)
    return len(files) / float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout whose read_articles to time too")
    args = parser.parse_args()
    files = saved_pages()
    if not files:
        print(f"no saved pages under {CORPORA}", file=sys.stderr)
        return 2
    contenders = [("ours", "ours", REPO), ("trafilatura alone", "trafilatura", REPO)]
    if args.against:
        contenders.append((f"read_articles of {args.against}", "ours", args.against))
    rates: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
    for round_no in range(args.rounds):
        for name, kind, root in contenders:
            rates[name].append(run(kind, root, files))
        print(f"round {round_no + 1}: " + ", ".join(f"{n} {r[-1]:.1f}/s" for n, r in rates.items()), flush=True)
    print(f"\n{len(files)} saved pages, {args.rounds} rounds, medians (pages/s, fresh process each):")
    for name, values in rates.items():
        line = f"  {name:<40}{statistics.median(values):>7.1f} pages/s"
        if name != "ours":
            ratio = statistics.median(o / v for o, v in zip(rates["ours"], values, strict=True))
            line += f"   ours = {ratio:.2f}x this"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
