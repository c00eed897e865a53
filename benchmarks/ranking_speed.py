"""What query expansion costs: warm ms/query on a ~24k-article index.

Usage (from the repository root)::

    python benchmarks/ranking_speed.py [--index DIR]

Builds (once, into ``DIR``, default ``/tmp/newsearch-speed-index``) an index of
Reuters-21578 (21,578 articles) and BBC News (2,225) with newsearch's schema,
then times, per query, the stages of a free-text search with feedback:
the plain query (the baseline, top 10), the first pass for feedback (top
``FEEDBACK_DEPTH``), :func:`feedback_terms`, the re-scoring of the top hits,
and the final search. Short news queries and the long TIME queries are
reported separately.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CORPORA = ROOT.parent / "shared" / "corpora"

# CPU time of this process: on a shared machine wall time mostly measures the
# neighbours' jobs (load 4 on 2 cores doubled every wall figure).
CLOCK = time.process_time

SHORT_QUERIES = [
    "oil prices", "US sanctions", "Kennedy", "bank interest rates rise", "general election labour",
    "wheat exports to the soviet union", "chelsea football", "The Who", "Yukos", "dollar falls against the euro",
    "coffee", "stock market crash", "gold price", "Tony Blair", "opec output", "merger talks",
    "inflation in May", "Brazil debt", "steel tariffs", "airline strike",
]  # fmt: skip


def build(index_dir: Path):
    from whoosh import index

    from newsearch.engines.whoosh.schema import build_schema

    if index.exists_in(str(index_dir)):
        return index.open_dir(str(index_dir))
    index_dir.mkdir(parents=True, exist_ok=True)
    print(f"building {index_dir} (a few minutes)...", file=sys.stderr)
    ix = index.create_in(str(index_dir), build_schema())
    writer = ix.writer(limitmb=256)
    with gzip.open(CORPORA / "reuters21578.jsonl.gz", "rt", encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            r = json.loads(line)
            writer.add_document(
                id=f"reuters-{n}", path="", title=r.get("title") or "", body=r.get("body") or "", source="Reuters"
            )
    for path in sorted((CORPORA / "bbc").rglob("*.txt")):
        title, _, body = path.read_bytes().decode("utf-8", "replace").partition("\n")
        doc_id = f"bbc-{path.parent.name}-{path.stem}"
        writer.add_document(id=doc_id, path=str(path), title=title, body=body, source="BBC")
    writer.commit()
    return ix


def time_stages(ix, queries: list[str]) -> dict[str, list[float]]:
    from whoosh import query as wq

    from newsearch.engines.whoosh import ranking

    stages: dict[str, list[float]] = {k: [] for k in ("plain", "first pass", "terms", "rescore", "final", "expanded")}
    with ix.searcher(weighting=ranking.weighting()) as s:
        for repeat in range(2):  # the first round warms caches
            for text in queries:
                t0 = CLOCK()
                q = ranking.free_text_query(ix.schema, text)
                [hit["id"] for hit in s.search(q, limit=10)]
                t1 = CLOCK()
                docnums = [hit.docnum for hit in s.search(q, limit=ranking.FEEDBACK_DEPTH)]
                t2 = CLOCK()
                terms = ranking.feedback_terms(s, docnums[: ranking.FEEDBACK_DOCS])
                t3 = CLOCK()
                scaled = [("body", t, w) for t, w in terms]
                bonus = ranking._term_scores(s, sorted(docnums), scaled)
                t4 = CLOCK()
                [hit["id"] for hit in s.search(wq.Or([q, ranking.DocumentBonus(bonus)]), limit=10)]
                t5 = CLOCK()
                expanded = ranking.expand(s, ranking.free_text_query(ix.schema, text))
                [hit["id"] for hit in s.search(expanded, limit=10)]
                t6 = CLOCK()
                if repeat:
                    for name, ms in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
                        stages[name].append(ms * 1000)
    return stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/newsearch-speed-index"))
    args = parser.parse_args(argv)

    from ranking import load_time

    ix = build(args.index)
    _, time_queries, _ = load_time()
    print(f"{ix.doc_count()} articles; warm CPU ms/query (median / mean / p90)")
    for label, queries in (("short news queries", SHORT_QUERIES), ("long TIME queries", list(time_queries.values()))):
        print(f"\n{label} ({len(queries)})")
        for stage, ms in time_stages(ix, queries).items():
            p90 = sorted(ms)[int(0.9 * len(ms))]
            print(f"  {stage:11} {statistics.median(ms):7.1f} {statistics.mean(ms):7.1f} {p90:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
