"""Term-at-a-time ranking for queries that are a sum of optional clauses (free text, questions).

Whoosh ranks document at a time: for an OR of n words it keeps n matchers in a
union and, for each matching document, asks every matcher for its id, weight,
field length and score through several Python calls, plus block-quality
bookkeeping. A 50-word question over 1,500 short documents took ~140 ms that
way. Here each word's postings are read a block at a time and added into one
score per document, with BM25 computed from per-document length norms made
once per searcher: the same scores (Whoosh's BM25F formula, in its order of
operations) and the same order (higher score first, then lower document
number), several times faster, and faster the longer the query.

Clauses that are not plain terms (a phrase for "U.S.", a pattern's words, a
group) are scored by their own Whoosh matcher and added in. Queries with
required clauses (AND, +word, field clauses, NOT) are left to Whoosh, whose
skipping is the better plan for them.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable

from whoosh import query as wq
from whoosh import scoring
from whoosh.matching.wrappers import FilterMatcher

from newsearch.deadline import Deadline, DeadlineExceeded

# (clause, multiplier): a query's score is the sum of its clauses' scores times their multipliers.
Clauses = list[tuple[wq.Query, float]]


def summands(query: wq.Query) -> tuple[Clauses, Clauses] | None:
    """``(scored, bonus)``: the query matches what any ``scored`` clause matches and scores the sum of
    them, plus the ``bonus`` clauses on documents it matches; None when it is not of that shape."""
    if isinstance(query, wq.AndMaybe) and query.boost == 1.0:
        inner = summands(query.a)
        extra = _sum(query.b, 1.0)
        if inner is None or extra is None or inner[1]:
            return None
        return inner[0], extra
    scored = _sum(query, 1.0)
    return None if scored is None else (scored, [])


def _sum(query: wq.Query, factor: float) -> Clauses | None:
    if isinstance(query, wq.Or) and not query.minmatch and query.scale is None:
        out: Clauses = []
        for sub in query.subqueries:
            part = _sum(sub, factor * query.boost)
            if part is None:
                return None
            out.extend(part)
        return out
    if query is wq.NullQuery:
        return []
    if isinstance(query, (wq.And, wq.AndMaybe, wq.AndNot, wq.Require, wq.Not)):
        return None  # required or excluded clauses: Whoosh skips through them better
    return [(query, factor)]


def top_documents(
    searcher, query: wq.Query, *, allowed: set[int] | None, limit: int, deadline: Deadline
) -> tuple[list[tuple[int, float]], bool, int] | None:
    """``(docnum, score)`` of the best ``limit`` matches, whether scoring finished, and how many
    documents matched; None for a query of another shape (the caller asks Whoosh)."""
    parts = summands(query)
    if parts is None:
        return None
    scored, bonus = parts
    scores: dict[int, float] = {}
    finished = True
    try:
        for leaf, offset in searcher.leaf_searchers():
            local: dict[int, float] = {}
            for clause, factor in scored:
                _add(searcher, leaf, clause, factor, local, create=True)
                deadline.check()
            for clause, factor in bonus:
                _add(searcher, leaf, clause, factor, local, create=False)
                deadline.check()
            deleted = leaf.reader().deleted_docs_set if leaf.reader().has_deletions() else ()
            for docnum, score in local.items():
                if docnum not in deleted:
                    scores[docnum + offset] = score
    except DeadlineExceeded:
        finished = False
        deadline.cut_short("the search")
    if allowed is not None:
        items = [(d, s) for d, s in scores.items() if d in allowed]
    else:
        items = list(scores.items())
    return heapq.nsmallest(limit, items, key=lambda item: (-item[1], item[0])), finished, len(items)


def _add(searcher, leaf, clause: wq.Query, factor: float, scores: dict[int, float], *, create: bool) -> None:
    """Add ``factor`` times ``clause``'s score of each document of ``leaf`` it matches into ``scores``
    (only to documents already there unless ``create``)."""
    if isinstance(clause, wq.Term) and clause.fieldname in leaf.schema:
        block_scores = _term_blocks(searcher, leaf, clause)
        if block_scores is not None:
            boost = clause.boost * factor
            for ids, values in block_scores:
                for docnum, value in zip(ids, values):
                    if create or docnum in scores:
                        scores[docnum] = scores.get(docnum, 0.0) + value * boost
            return
    m = clause.matcher(leaf, leaf.context())
    get = scores.get
    while m.is_active():
        docnum = m.id()
        if create or docnum in scores:
            scores[docnum] = get(docnum, 0.0) + m.score() * factor
        m.next()


def _postings(searcher, leaf, term: wq.Term):
    """``(matcher, idf, k1, norms)`` to compute the term's BM25 in ``leaf`` from its raw postings;
    ``()`` when the leaf does not hold the term; None when the weighting or the posting format is not
    the one computed here (Whoosh scores the term then)."""
    weighting = searcher.weighting
    field = leaf.schema[term.fieldname]
    # Whoosh's BM25F scorer (any IDF: the scorer asks the searcher, as done here), one B for all fields.
    bm25f = isinstance(weighting, scoring.BM25F) and type(weighting).scorer is scoring.BM25F.scorer
    if not bm25f or not field.scorable or weighting._field_B:
        return None
    try:
        btext = field.to_bytes(term.text)
    except ValueError:
        return ()
    reader = leaf.reader()
    if (term.fieldname, btext) not in reader:
        return ()
    m = reader.postings(term.fieldname, btext)
    if isinstance(m, FilterMatcher):  # deletions: the callers leave deleted documents out themselves
        m = m.child
    if not hasattr(m, "_read_ids") or not hasattr(m, "_next_block"):
        return None
    parent = searcher.get_parent()
    idf = parent.idf(term.fieldname, term.text)
    norms = _norms(leaf, term.fieldname, weighting.K1, weighting.B, parent.avg_field_length(term.fieldname) or 1)
    return m, idf, weighting.K1, norms


def _term_blocks(searcher, leaf, term: wq.Term):
    """The term's postings in ``leaf`` as (ids, BM25 scores) per block (see :func:`_postings`)."""
    prepared = _postings(searcher, leaf, term)
    if not prepared:
        return prepared
    m, idf, k1, norms = prepared
    return _blocks(m, idf, k1, norms)


def _blocks(m, idf: float, k1: float, norms: Callable[[int], float]):
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        if m._weights is None:
            m._read_weights()
        ids, weights = m._ids, m._weights
        # Whoosh's bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        yield ids, [idf * ((tf * (k1 + 1)) / (tf + norms(d))) for d, tf in zip(ids, weights)]
        m._next_block()


def term_scores_at(searcher, term: wq.Term, docnums: list[int]) -> dict[int, float]:
    """``term``'s score (times its boost) in each of the sorted global ``docnums`` that holds it.

    For feedback: a few dozen documents against a term's whole posting list, so blocks that hold
    none of them are skipped unread and the rest searched by bisection.
    """
    out: dict[int, float] = {}
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        local = [d - offset for d in docnums if offset <= d < end]
        if not local or term.fieldname not in leaf.schema:
            continue
        prepared = _postings(searcher, leaf, term)
        if prepared is None:  # Whoosh's own scorer, posting by posting
            m = leaf.postings(term.fieldname, term.text) if (term.fieldname, term.text) in leaf.reader() else None
            for docnum in local:
                if m is None or not m.is_active():
                    break
                m.skip_to(docnum)
                if m.is_active() and m.id() == docnum:
                    out[docnum + offset] = term.boost * m.score()
            continue
        if not prepared:
            continue
        m, idf, k1, norms = prepared
        for docnum in local:
            while m.is_active() and m._maxid < docnum:
                m._next_block()
            if not m.is_active():
                break
            if m._ids is None:
                m._read_ids()
            i = bisect_left(m._ids, docnum)
            if i < len(m._ids) and m._ids[i] == docnum:
                if m._weights is None:
                    m._read_weights()
                tf = m._weights[i]
                out[docnum + offset] = idf * ((tf * (k1 + 1)) / (tf + norms(docnum))) * term.boost
    return out


def _norms(leaf, fieldname: str, k1: float, b: float, avgfl: float) -> Callable[[int], float]:
    """``K1 * ((1 - B) + B * fl / avgfl)`` for each document of ``leaf`` (made once per reader and parameters)."""
    reader = leaf.reader()
    cache = reader.__dict__.setdefault("_newsearch_norms", {})
    key = (fieldname, k1, b, avgfl)
    table = cache.get(key)
    if table is None:
        length = reader.doc_field_length
        table = [k1 * ((1 - b) + b * (length(d, fieldname, 1) or 0) / avgfl) for d in range(reader.doc_count_all())]
        cache[key] = table
    return table.__getitem__
