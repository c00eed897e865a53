"""Pseudo-relevance feedback for the cluster engine: the Whoosh engine's RM3 re-ranking
(``engines/whoosh/ranking.py``: ``feedback_terms``, ``feedback_bonus``), in three requests.

The top ``FEEDBACK_DOCS`` hits' title and body (their first ``FEEDBACK_CHARS``) give a relevance model
(``p(t|d)`` weighted by 1/rank); each candidate term is weighed by its Robertson IDF (document
frequencies from one request of ``filters`` aggregations); the best ``FEEDBACK_TERMS`` score the top
``FEEDBACK_DEPTH`` hits in one search restricted to them, and that bonus re-orders those hits. Queries
of fewer than ``FEEDBACK_MIN_WORDS`` words are left as they are (keyword look-ups).
"""

from __future__ import annotations

import math
from collections import Counter

from newsearch import terms
from newsearch.engines.base import Ranked
from newsearch.query.words import STOP_WORDS

FEEDBACK_DOCS = 5
FEEDBACK_TERMS = 20
FEEDBACK_WEIGHT = 0.6
FEEDBACK_MIN_WORDS = 3
FEEDBACK_DEPTH = 50
FEEDBACK_CHARS = 2500
CANDIDATES = 60  # candidate terms whose document frequencies are asked for
FIELD_BOOSTS = {"title": 2.5, "body": 1.0}


def rerank(engine, hits: list[Ranked], query_terms: set[str], deadline) -> list[Ranked]:
    """``hits`` (best first) with the top FEEDBACK_DEPTH re-ordered by their feedback bonus."""
    if len(query_terms) < FEEDBACK_MIN_WORDS or len(hits) < 2:
        return hits
    expansion = _expansion(engine, hits[:FEEDBACK_DOCS], deadline)
    if not expansion:
        return hits
    top = hits[:FEEDBACK_DEPTH]
    total = sum(w for _t, _f, w in expansion)
    scale = FEEDBACK_WEIGHT / (1.0 - FEEDBACK_WEIGHT) * len(query_terms) / total
    should = [{"term": {name: {"value": term, "boost": scale * w * FIELD_BOOSTS[name]}}} for term, name, w in expansion]
    body = {"size": len(top), "_source": False,
            "query": {"bool": {"should": should, "filter": [{"ids": {"values": [h.id for h in top]}}]}}}
    response = engine._search(body, deadline, "the ranking")
    if response is None:
        return hits
    bonus = {hit["_id"]: float(hit["_score"] or 0.0) for hit in response["hits"]["hits"]}
    rescored = [Ranked(h.id, h.score + bonus.get(h.id, 0.0), h.signature) for h in top]
    rescored.sort(key=lambda h: (-h.score, h.id))
    return rescored + hits[FEEDBACK_DEPTH:]


def _expansion(engine, feedback: list[Ranked], deadline) -> list[tuple[str, str, float]]:
    """(term, field it is scored in, weight) of the best expansion terms."""
    response = engine.client.mget(index=engine.alias, body={"ids": [h.id for h in feedback]},
                                  params={"_source_includes": "stored.title,stored.body,stored.language"})
    shares = [1.0 / rank for rank in range(1, len(feedback) + 1)]
    total_share = sum(shares)
    rm: dict[str, float] = {}
    for doc, share in zip(response["docs"], shares, strict=True):
        stored = (doc.get("_source") or {}).get("stored", {})
        tf: Counter[str] = Counter()
        for name in ("title", "body"):
            text = (stored.get(name) or "")[:FEEDBACK_CHARS]
            for term, poses in terms.term_positions(text, "text", stored.get("language")).items():
                tf[term] += len(poses)
        length = sum(tf.values()) or 1
        for term, freq in tf.items():
            rm[term] = rm.get(term, 0.0) + share / total_share * freq / length
    candidates = sorted(((w, t) for t, w in rm.items() if not (t in STOP_WORDS or len(t) < 2 or t.isdigit())),
                        key=lambda wt: (-wt[0], wt[1]))[:CANDIDATES]
    if not candidates:
        return []
    filters = {f"{name}:{i}": {"term": {name: term}} for i, (_w, term) in enumerate(candidates) for name in FIELD_BOOSTS}
    found = engine._search({"size": 0, "track_total_hits": True, "aggs": {"df": {"filters": {"filters": filters}}}},
                           deadline, "the ranking")
    if found is None:
        return []
    n = found["hits"]["total"]["value"]
    df = {key: bucket["doc_count"] for key, bucket in found["aggregations"]["df"]["buckets"].items()}
    scored = []
    for i, (w, term) in enumerate(candidates):
        per_field = {name: df.get(f"{name}:{i}", 0) for name in FIELD_BOOSTS}
        best = max(per_field.values())
        if best <= 1:
            continue  # a word of one document says nothing about the others
        name = max(per_field, key=lambda f: (per_field[f], f == "body"))
        scored.append((term, name, w * math.log(1.0 + (n - best + 0.5) / (best + 0.5))))
    scored.sort(key=lambda tnw: (-tnw[2], tnw[0]))
    return scored[:FEEDBACK_TERMS]
