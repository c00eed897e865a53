"""Ranking for free-text queries: weighting model, query-side word handling
and pseudo-relevance feedback.

The index keeps every word (see :mod:`newsearch.engines.whoosh.analysis`); what to do with
function words is decided here, per query. The query path::

    from newsearch.engines.whoosh import ranking

    with ix.searcher(weighting=ranking.weighting()) as s:
        q = ranking.free_text_query(ix.schema, text)  # or the parser's query
        if sort == "relevance":
            q = ranking.expand(s, q, filter=flt)      # feedback from the top hits
        results = s.search(q, filter=flt, limit=n, terms=True)

API
- :class:`Settings`, :data:`SETTINGS` -- the query-time parameters as one
  value; the engine ranks with ``SETTINGS`` (the module's constants).
- :func:`weighting` -- BM25F with the Robertson IDF, K1 1.5, B 0.75.
- :func:`query_words` -- the words of a free-text query worth searching
  (function words dropped unless that leaves nothing; "US", "WHO", "May"
  kept when capitalised; "U.S." kept as one word).
- :func:`free_text_query` -- those words OR-ed over the ``FIELD_BOOSTS``
  fields, one weighted term per word and field (a phrase for "U.S.").
- :func:`expand` -- RM3 pseudo-relevance feedback: returns
  ``Or([query, DocumentBonus])``, which matches exactly what ``query``
  matches and re-orders its top ``FEEDBACK_DEPTH`` hits. Works on any query
  (operators, phrases, field:value untouched), needs no schema change
  (term vectors on body would save ~3 ms of its ~30: not worth 30% more
  index). Queries under ``FEEDBACK_MIN_WORDS`` words are returned as they are.
- :func:`feedback_terms`, :class:`DocumentBonus` -- the two halves of it.
- :func:`indexed_title` -- index side: a stand-in title made of the body's
  opening words is not indexed as a title (keep it stored for display).

The parameters are chosen by ``benchmarks/ranking.py`` on four test
collections (TIME, CISI, Cranfield, MEDLINE), held out by collection; figures
and the earlier TIME-only variants are in ``benchmarks/README.md``. Cost:
``benchmarks/ranking_speed.py`` (24k articles), ``benchmarks/long_queries.py``.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from whoosh import query as wq
from whoosh import scoring
from whoosh.matching import ListMatcher, NullMatcher

from newsearch.engines.fields import indexed_title
from newsearch.engines.whoosh.analysis import TOKEN_PATTERN
from newsearch.engines.whoosh.schema import FIELD_BOOSTS
from newsearch.query.words import AMBIGUOUS_STOP_WORDS, STOP_WORDS  # one list for the parser and ranking

# The shipped ranking parameters, chosen by benchmarks/ranking.py on TIME, CISI, Cranfield and MEDLINE
# together (coordinate ascent; each collection's quoted figure comes from the choice made on the other three).
# BM25: K1 = 1.5 (tried 1.2, 2.0), B = 0.75 (tried 0.6, 0.9).
K1 = 1.5
B = 0.75

# Proximity: weight and slop of the phrase bonus for neighbouring query words.
PROXIMITY_WEIGHT = 0.0
PROXIMITY_SLOP = 2

# Pseudo-relevance feedback: how many top documents, how many expansion terms,
# and the share of the final query given to the expansion terms (RM3's lambda).
FEEDBACK_DOCS = 5  # tried 10
FEEDBACK_TERMS = 40  # tried 20
FEEDBACK_WEIGHT = 0.75  # tried 0 (no feedback), 0.4, 0.6
# Queries of fewer words than this are not expanded (see :func:`expand`).
FEEDBACK_MIN_WORDS = 3
# Expansion re-scores this many top hits of the original query.
FEEDBACK_DEPTH = 50
# Only the first characters of each feedback document are read (cost bound).
FEEDBACK_CHARS = 2500
# Feedback documents whose terms are kept with an open reader (about 2 KB each).
FEEDBACK_CACHE = 4096



@dataclass(frozen=True)
class Settings:
    """One ranking configuration: the query-time parameters ``benchmarks/ranking.py`` chooses.

    The product ships one of them (:data:`SETTINGS`), chosen on every
    development collection at once; the benchmark tries others on an engine
    (``WhooshEngine.use_settings``) without re-indexing, since all of them act
    at query time.
    """

    k1: float = K1
    b: float = B
    title_boost: float = FIELD_BOOSTS["title"]
    feedback_docs: int = FEEDBACK_DOCS
    feedback_terms: int = FEEDBACK_TERMS
    feedback_weight: float = FEEDBACK_WEIGHT  # 0: no feedback
    feedback_depth: int = FEEDBACK_DEPTH
    feedback_min_words: int = FEEDBACK_MIN_WORDS

    @property
    def fields(self) -> dict[str, float]:
        """Free-text fields and their BM25F weights."""
        return {**FIELD_BOOSTS, "title": self.title_boost}

    def weighting(self) -> scoring.WeightingModel:
        return weighting(k1=self.k1, b=self.b)


SETTINGS = Settings()

# Query words are the index's tokens (newsearch.terms): "U.S.", "O'Neill", "AT&T", "e-mail" are one word.
_WORD = re.compile(TOKEN_PATTERN)
_SPACE = re.compile(r"\s+")


class RobertsonBM25F(scoring.BM25F):
    """Whoosh's BM25F with the Robertson-Sparck Jones IDF.

    Whoosh's default IDF, ``log(N / (df + 1)) + 1``, gives a word found in
    every document a weight of 1 (a seventh of a rare word's on a small
    collection), so "the", "of" and "in" swamp long queries. The Robertson
    form ``log(1 + (N - df + 0.5) / (df + 0.5))`` (Lucene, SQLite FTS5) tends
    to zero for such words.
    """

    def idf(self, searcher, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        df = parent.doc_frequency(fieldname, text)
        n = parent.doc_count_all()
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def weighting(*, k1: float = K1, b: float = B) -> scoring.WeightingModel:
    """The weighting model for ``ix.searcher(weighting=...)``."""
    return RobertsonBM25F(B=b, K1=k1)


def query_words(text: str) -> list[str]:
    """The words of a free-text query that should be searched for.

    Function words are dropped from queries of several words, unless that
    would leave nothing ("the who", "to be or not to be" keep every word).
    Ambiguous ones (us/it/who/may/un) are kept when capitalised in a
    mixed-case query ("sanctions by the US in May"), and kept in an
    all-capitals query, where case tells nothing.
    """
    words = _WORD.findall(text)
    if len(words) <= 1:
        return words
    shouting = text.upper() == text
    kept = []
    for word in words:
        low = word.lower()
        if low in AMBIGUOUS_STOP_WORDS:
            if shouting or word != low:
                kept.append(word)
        elif low not in STOP_WORDS:
            kept.append(word)
    return kept or words


def free_text_query(
    schema,
    text: str,
    *,
    fields: Mapping[str, float] = FIELD_BOOSTS,
    drop_stop_words: bool = True,
    proximity: float = PROXIMITY_WEIGHT,
    slop: int = PROXIMITY_SLOP,
) -> wq.Query:
    """An OR query over ``fields`` for the free-text words of ``text``.

    Each kept word becomes one clause per field, weighted by the field's
    boost (BM25F-style field weighting; the fields use different analyzers,
    so each field analyses the word itself). Words that
    repeat in the query count once per occurrence, as in BM25's query term
    frequency. Returns :class:`whoosh.query.NullQuery` when nothing is left.
    """
    words = query_words(text) if drop_stop_words else _WORD.findall(text)
    clauses: list[wq.Query] = []
    for word in words:
        for name, boost in fields.items():
            if name not in schema:
                continue
            terms = _analyse(schema[name], word)
            if len(terms) == 1:
                clauses.append(wq.Term(name, terms[0], boost=boost))
            elif terms:  # a dotted abbreviation: "U.S." -> "u" next to "s"
                clauses.append(wq.Phrase(name, terms, boost=boost, degrade=True))
    if not clauses:
        return wq.NullQuery
    if proximity > 0 and len(words) > 1:
        clauses.extend(proximity_clauses(schema, words, fields, proximity, slop))
    return wq.Or(clauses)


def proximity_clauses(
    schema, words: list[str], fields: Mapping[str, float], weight: float, slop: int
) -> list[wq.Query]:
    """Bonus clauses for adjacent query words found near each other.

    A simplified sequential dependence model: each pair of neighbouring
    query words becomes an optional phrase with ``slop`` (so "Viet Nam",
    "test ban treaty" and "Ben Bella" reward documents that keep the words
    together). Whoosh scores a phrase match by its words' scores, so the
    bonus is ``weight`` times what the two words earn.
    """
    out: list[wq.Query] = []
    for name in ("title", "body"):
        if name not in fields or name not in schema:
            continue
        terms = [_analyse(schema[name], w) for w in words]
        flat = [t[0] for t in terms if len(t) == 1]
        for a, b in pairwise(flat):
            if a != b:
                out.append(wq.Phrase(name, [a, b], slop=slop, boost=weight * fields[name]))
    return out


def _analyse(field, word: str) -> list[str]:
    return [t.text for t in field.analyzer(word, mode="query")]


def feedback_terms(
    searcher,
    docnums: list[int],
    *,
    fieldnames: tuple[str, ...] = ("title", "body"),
    count: int = FEEDBACK_TERMS,
    max_chars: int = FEEDBACK_CHARS,
) -> list[tuple[str, float]]:
    """The ``count`` best expansion terms from the ranked feedback documents.

    Relevance-model (RM1) weights ``sum_d p(t|d) * p(d|q)``, with ``p(d|q)``
    proportional to 1/rank rather than to the BM25 score: BM25 scores of the
    top hits are nearly flat, so score weights let the 5th-10th documents
    (mostly non-relevant when a topic has few relevant articles) pull the
    query off topic, and the results swung with the number of feedback
    documents; with 1/rank they barely depend on it (see the benchmark).
    Each weight is multiplied by the term's Robertson IDF so words common
    to the whole collection (the index keeps "the", "said", ...) do not win.
    Reads stored term vectors when a field has them, else re-analyses the
    stored text (the first ``max_chars`` characters of each field).
    The fields must share one analyzer (title and body do).
    """
    if count <= 0:
        return []
    reader = searcher.reader()
    shares = [1.0 / rank for rank in range(1, len(docnums) + 1)]
    total_share = sum(shares)
    rm: dict[str, float] = {}  # relevance model: sum_d p(t|d) p(d|q)
    for docnum, share in zip(docnums, shares, strict=True):
        tf, length = _document_terms(searcher, docnum, fieldnames, max_chars)
        for term, freq in tf.items():
            rm[term] = rm.get(term, 0.0) + share / total_share * freq / length
    n = reader.doc_count_all()
    # Looking up a term's document frequency costs a hash probe per field and segment, and
    # the feedback documents hold ~1,000 distinct terms. Candidates go in order of weight, and
    # the search stops once even the highest IDF (df 2) cannot lift the next one to the
    # ``count``-th best score: the same terms as scoring them all, for a tenth of the look-ups.
    best_idf = math.log(1.0 + (n - 2 + 0.5) / (2 + 0.5))
    candidates = sorted(
        ((w, term) for term, w in rm.items() if not (term in STOP_WORDS or len(term) < 2 or term.isdigit())),
        key=lambda wt: (-wt[0], wt[1]),
    )
    scored: list[tuple[str, float]] = []
    top: list[float] = []  # the best ``count`` scores so far, a min-heap
    # Document frequencies, kept with the reader (the vocabulary of feedback documents recurs).
    frequencies = reader.__dict__.setdefault("_newsearch_feedback_df", {}).setdefault(fieldnames, {})
    if len(frequencies) > 50 * FEEDBACK_CACHE:
        frequencies.clear()
    for w, term in candidates:
        if len(top) >= count and w * best_idf < top[0]:
            break
        df = frequencies.get(term)
        if df is None:
            df = frequencies[term] = max(reader.doc_frequency(name, term) for name in fieldnames)
        if df <= 1:
            continue  # a word of one document says nothing about the others
        score = w * math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        scored.append((term, score))
        if len(top) < count:
            heapq.heappush(top, score)
        elif score > top[0]:
            heapq.heapreplace(top, score)
    scored.sort(key=lambda tw: (-tw[1], tw[0]))
    return scored[:count]


def _document_terms(searcher, docnum: int, fieldnames: tuple[str, ...], max_chars: int) -> tuple[Counter, int]:
    """The term counts of one feedback document and their total, kept with the reader: the top
    documents of related queries recur, and analysing their text is most of what feedback costs."""
    reader = searcher.reader()
    cache = reader.__dict__.setdefault("_newsearch_feedback_terms", {})
    key = (docnum, fieldnames, max_chars)
    found = cache.get(key)
    if found is not None:
        return found
    tf: Counter[str] = Counter()
    stored = None
    for name in fieldnames:
        if name not in searcher.schema:
            continue
        if reader.has_vector(docnum, name):
            tf.update(dict(reader.vector_as("weight", docnum, name)))
        else:
            if stored is None:
                stored = reader.stored_fields(docnum)
            text = stored.get(name) or ""
            tf.update(t.text for t in searcher.schema[name].analyzer(text[:max_chars]))
    if len(cache) >= FEEDBACK_CACHE:
        cache.clear()
    cache[key] = found = (tf, sum(tf.values()) or 1)
    return found


def expand(
    searcher,
    query: wq.Query,
    *,
    filter=None,
    docs: int = FEEDBACK_DOCS,
    terms: int = FEEDBACK_TERMS,
    weight: float = FEEDBACK_WEIGHT,
    depth: int = FEEDBACK_DEPTH,
    min_words: int = FEEDBACK_MIN_WORDS,
    fields: Mapping[str, float] = FIELD_BOOSTS,
) -> wq.Query:
    """``query`` plus a pseudo-relevance-feedback bonus for its top hits.

    RM3: the expansion terms (:func:`feedback_terms` of the top ``docs``
    hits) share ``weight`` of the final query in proportion to their
    relevance-model weights; the original query's words share
    ``1 - weight``. For speed the expansion terms only re-score the top
    ``depth`` hits of ``query`` (re-ranking, as most engines do PRF): each
    term's postings are skipped through for those documents only, instead
    of running a 40-clause OR over the whole index (~0.4 s on 24k
    articles). The result is ``Or([query, bonus])``: the same matching
    documents and operators as ``query``, the top ``depth`` re-ordered.
    Returns ``query`` itself when there is nothing to learn from, and for
    queries of fewer than ``min_words`` words: one- and two-word queries
    ("Yukos", "oil prices") are keyword look-ups whose words should decide
    the order, and feedback would roughly triple their cost (a cost, not a
    quality, decision: TIME has no such queries).
    """
    top = searcher.search(query, filter=filter, limit=max(depth, docs)) if query is not wq.NullQuery else []
    bonus = feedback_bonus(
        searcher, query, [hit.docnum for hit in top], docs=docs, terms=terms, weight=weight, min_words=min_words, fields=fields
    )
    return wq.Or([query, DocumentBonus(bonus)]) if bonus else query


def feedback_bonus(
    searcher,
    query: wq.Query,
    ranked: list[int],
    *,
    docs: int = FEEDBACK_DOCS,
    terms: int = FEEDBACK_TERMS,
    weight: float = FEEDBACK_WEIGHT,
    min_words: int = FEEDBACK_MIN_WORDS,
    fields: Mapping[str, float] = FIELD_BOOSTS,
) -> dict[int, float]:
    """The feedback score to add to each of ``ranked``, the query's top hits in order.

    The half of :func:`expand` that needs no search of its own: a caller that
    already ranked the query's hits adds these bonuses to the first
    ``FEEDBACK_DEPTH`` of them and re-sorts those (one search instead of two).
    Empty when there is nothing to learn from or the query is too short.
    """
    if docs <= 0 or terms <= 0 or not 0 < weight < 1 or query is wq.NullQuery or not ranked:
        return {}
    n_words = len({text for name, text in query.iter_all_terms() if name == "body"}) or 1
    if n_words < min_words:
        return {}
    text_fields = tuple(n for n in ("title", "body") if n in fields and n in searcher.schema)
    expansion = feedback_terms(searcher, ranked[:docs], fieldnames=text_fields, count=terms)
    if not expansion:
        return {}
    # Each original word weighs (1 - weight) / n and the expansion terms
    # weight * w / total: scale both by n / (1 - weight), keeping ``query``.
    total = sum(w for _, w in expansion)
    scale = weight / (1.0 - weight) * n_words / total
    # Each term is scored in one field, the one that holds it most (the body,
    # unless the text sits in the title): half the cost of scoring both.
    reader = searcher.reader()
    scored = []
    for t, w in expansion:
        name = max(text_fields, key=lambda f: reader.doc_frequency(f, t))
        scored.append((name, t, scale * w * fields[name]))
    return _term_scores(searcher, sorted(ranked), scored)


def _term_scores(searcher, docnums: list[int], terms: list[tuple[str, str, float]]) -> dict[int, float]:
    """sum(boost * score of the term) for each of the (sorted, global) ``docnums``."""
    from newsearch.engines.whoosh.accumulate import term_scores_at

    scores: dict[int, float] = {}
    for name, text, boost in terms:
        for docnum, score in term_scores_at(searcher, wq.Term(name, text, boost=boost), docnums).items():
            scores[docnum] = scores.get(docnum, 0.0) + score
    return scores


class DocumentBonus(wq.Query):
    """Fixed extra scores for some documents (by global document number).

    OR-ed with a query it adds the scores to the documents it matches; on its
    own it matches exactly those documents. Valid only for the searcher whose
    document numbers it holds (build it per search, as :func:`expand` does).
    """

    def __init__(self, scores: Mapping[int, float], boost: float = 1.0) -> None:
        self.scores = dict(scores)
        self.boost = boost

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(<{len(self.scores)} documents>)"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.scores == self.scores and other.boost == self.boost

    def __hash__(self) -> int:
        return hash((len(self.scores), self.boost))

    def estimate_size(self, ixreader) -> int:
        return len(self.scores)

    def matcher(self, searcher, context=None):
        parent = searcher.get_parent()
        offset = 0 if parent is searcher else (parent._offset_for_subsearcher(searcher) or 0)
        end = offset + searcher.reader().doc_count_all()
        items = sorted((d - offset, s * self.boost) for d, s in self.scores.items() if offset <= d < end)
        if not items:
            return NullMatcher()
        return _BonusMatcher([d for d, _ in items], weights=[s for _, s in items])


class _BonusMatcher(ListMatcher):
    """A list of (document, score) that tells the collector its best remaining
    score, so Whoosh's top-k pruning keeps working when it is OR-ed with a
    query (a plain ListMatcher without a scorer turns pruning off)."""

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return max(self._weights[self._i :], default=0.0)

    def block_quality(self) -> float:
        return self.max_quality()


__all__ = [
    "FEEDBACK_DEPTH",
    "FEEDBACK_MIN_WORDS",
    "FEEDBACK_DOCS",
    "FEEDBACK_TERMS",
    "FEEDBACK_WEIGHT",
    "K1",
    "B",
    "DocumentBonus",
    "RobertsonBM25F",
    "expand",
    "feedback_bonus",
    "feedback_terms",
    "free_text_query",
    "indexed_title",
    "query_words",
    "weighting",
]
