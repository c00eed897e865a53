"""Small IR metrics for the ranking benchmark (standard library only).

Definitions follow trec_eval: AP divides by the number of relevant documents
in the qrels (unretrieved relevant documents count as zero precision), nDCG@10
uses the graded relevance from the qrels as gain and log2(rank + 1) discount,
P@10 counts relevant documents in the first ten (missing ranks count as
non-relevant). Queries with no retrieved documents score 0.

Cross-checked once against ``ir-measures`` 0.4.3 (pytrec_eval backend; AP,
nDCG@10, P@10) on the FTS5 and newsearch runs of ``benchmarks/ranking.py``:
identical to 4 decimals. Not a dependency: the benchmark needs only the stdlib.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]  # qid -> docno -> relevance
Run = Mapping[str, Sequence[str]]  # qid -> ranked docnos


def average_precision(ranking: Sequence[str], relevant: Mapping[str, int]) -> float:
    rel = {d for d, r in relevant.items() if r > 0}
    if not rel:
        return 0.0
    hits = 0
    total = 0.0
    for i, doc in enumerate(ranking, start=1):
        if doc in rel:
            hits += 1
            total += hits / i
    return total / len(rel)


def ndcg_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    dcg = sum(relevant.get(d, 0) / math.log2(i + 1) for i, d in enumerate(ranking[:k], start=1))
    ideal = sorted((r for r in relevant.values() if r > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 1) for i, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0


def precision_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    return sum(1 for d in ranking[:k] if relevant.get(d, 0) > 0) / k


def evaluate(run: Run, qrels: Qrels, depth: int = 1000) -> dict[str, float]:
    """Mean AP, nDCG@10 and P@10 over every judged query of ``qrels``."""
    qids = [q for q in qrels if any(r > 0 for r in qrels[q].values())]
    sums = {"MAP": 0.0, "nDCG@10": 0.0, "P@10": 0.0}
    for qid in qids:
        ranking = list(run.get(qid, ()))[:depth]
        sums["MAP"] += average_precision(ranking, qrels[qid])
        sums["nDCG@10"] += ndcg_at(ranking, qrels[qid])
        sums["P@10"] += precision_at(ranking, qrels[qid])
    return {name: value / len(qids) if qids else 0.0 for name, value in sums.items()}
