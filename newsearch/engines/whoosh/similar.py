"""Articles like one article: a query of its key terms (Whoosh's Bo1 model), identical copies left out."""

from __future__ import annotations

from whoosh import query as wq

from newsearch.deadline import Deadline
from newsearch.engines.whoosh.columns import column
from newsearch.engines.whoosh.compile import Compiled
from newsearch.engines.whoosh.reading import top_documents
from newsearch.ingest.signatures import FINGERPRINT_BYTES

KEY_TERMS = 20


def similar_documents(searcher, docnum: int, *, limit: int, deadline: Deadline) -> tuple[list[tuple[int, float]], int, list[str]]:
    """(docnum, score) of the best ``limit`` matches, their number, and the key terms used."""
    stored = searcher.stored_fields(docnum)
    text = f"{stored.get('title', '')}\n{stored.get('body', '')}"
    terms = searcher.key_terms_from_text("body", text, numterms=KEY_TERMS)
    if not terms:
        return [], 0, []
    query = wq.Or([wq.Term("body", word, boost=weight) for word, weight in terms])
    live = set(searcher.docs_for_query(query)) - _identical_copies(searcher, docnum)
    ranked, _finished, _matched = top_documents(searcher, Compiled(query=query, allowed=live or {-1}), limit=limit, sortedby=None, deadline=deadline)
    return ranked, len(live), [word for word, _ in terms]


def _identical_copies(searcher, docnum: int) -> set[int]:
    """``docnum`` and the articles with its exact fingerprint (read from the copies column)."""
    signatures = column(searcher, "copies", default=b"")
    fingerprint = signatures[docnum][:FINGERPRINT_BYTES]
    same = {docnum}
    if any(fingerprint):
        same.update(d for d, raw in signatures.items() if raw[:FINGERPRINT_BYTES] == fingerprint)
    return same
