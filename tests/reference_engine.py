"""A reference engine for the tests: every query answered by brute force over the articles in memory.

It implements ``newsearch.engines.base.Engine`` as literally as the query
tree's docstring reads, with no index structures and no shortcuts, so it is
the oracle for what a query matches: the contract tests run the same
behaviour tests on it and on the real engines, and the query-language tests
compare the Whoosh engine's matches with its matches on random queries.

Text is analysed per field exactly as the index analyses it (the analyzers
the engines share), so the two can only differ in how they evaluate a tree.
Scores are a plain BM25 over the free-text fields: ranking is not what this
engine checks, but results come in a sensible order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from newsearch import buckets
from newsearch.deadline import Deadline
from newsearch.engines.base import DateCounts, Ranked, Ranking
from newsearch.errors import IndexLocked
from newsearch.ingest.signatures import FINGERPRINT_BYTES, signature_of
from newsearch.models import Article, FileState, Stats
from newsearch.query import tree as t

FIELD_WEIGHTS = {"title": 2.5, "body": 1.0, "source": 0.5, "author": 0.5}
_STEMMED = ("title", "body")


@lru_cache(maxsize=1)
def _schema():
    from newsearch.engines.whoosh.schema import build_schema

    return build_schema()


def analyse(fieldname: str, text: str) -> list[tuple[str, ...]]:
    """The terms at each position of ``text`` in a field (positions are list indexes).

    Usually one term a position; a hyphenated word also has its joined form
    at its first part's position ("e-mail": ``("email", "e"), ("mail",)``).
    """
    if not text:
        return []
    at: dict[int, list[str]] = {}
    for tok in _schema()[fieldname].analyzer(text, mode="index", positions=True):
        at.setdefault(tok.pos, []).append(tok.text)
    return [tuple(at.get(pos, ())) for pos in range(max(at) + 1)] if at else []


def _flat(terms: list[tuple[str, ...]]) -> list[str]:
    return [x for at in terms for x in at]


def analyse_query(fieldname: str, word: str) -> list[str]:
    return [tok.text for tok in _schema()[fieldname].analyzer(word, mode="query")]


def fold(pattern: str) -> str:
    """A wildcard pattern lowercased and accent-folded piece by piece, unstemmed (as patterns are compared)."""
    out = []
    for piece in re.split(r"([*?])", pattern):
        if piece in ("*", "?"):
            out.append(piece)
        elif piece:
            tokens = [tok.text for tok in _schema()["body"].analyzer(piece, no_morph=True, mode="query")]
            out.append("".join(tokens) if tokens else piece.lower())
    return "".join(out)


def indexed_title(article: Article) -> str:
    from newsearch.engines.whoosh.ranking import indexed_title as rule

    return rule(article.title or "", article.body or "")


@dataclass
class _Doc:
    article: Article
    fields: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # field -> terms at each position


def _doc(article: Article) -> _Doc:
    values = {
        "title": indexed_title(article),
        "body": article.body or "",
        "source": article.source or "",
        "author": article.author or "",
        "section": article.section or "",
    }
    return _Doc(article, {name: analyse(name, value) for name, value in values.items()})


class ReferenceEngine:
    """Articles in a dict; every question answered by looking at all of them."""

    folder = None

    def __init__(self, name: str = "reference"):
        self.location = f"memory:{name}"
        self.docs: dict[str, _Doc] = {}
        self.manifest_state: dict[str, FileState] = {}
        self.locked = False

    # --- matching ---------------------------------------------------------------

    def matches(self, node: t.Node, doc: _Doc) -> bool:
        return _match(node, doc, self._vocabulary)

    def _vocabulary(self, fieldname: str) -> set[str]:
        return {term for d in self.docs.values() for term in _flat(d.fields.get(fieldname, []))}

    def matching(self, node: t.Node) -> list[_Doc]:
        return [doc for doc in self.docs.values() if self.matches(node, doc)]

    # --- Engine ------------------------------------------------------------------

    def rank(self, query: t.Node, *, sort: str = "relevance", depth: int = 10, count: bool = False,
             deadline: Deadline) -> Ranking:
        found = self.matching(query)
        if sort == "relevance":
            scores = self._bm25(query)
            order = sorted(found, key=lambda d: (-scores.get(d.article.id, 0.0), d.article.id))
        else:
            dated = sorted((d for d in found if d.article.date), key=lambda d: (d.article.date, d.article.id),
                           reverse=sort == "-date")
            order = dated + sorted((d for d in found if not d.article.date), key=lambda d: d.article.id)
            scores = {}
        hits = [Ranked(d.article.id, scores.get(d.article.id, 0.0), d.article.signature) for d in order[:depth]]
        terms = {term for leaf in t.positive_leaves(query) for term in self._leaf_terms(leaf)}
        return Ranking(hits=hits, complete=len(found) <= depth, total=len(found), terms=frozenset(terms))

    def _leaf_terms(self, leaf: t.Node) -> set[str]:
        if isinstance(leaf, t.Term):
            return set(analyse_query("body", leaf.text))
        if isinstance(leaf, t.Phrase):
            return {x for w in leaf.words for x in analyse_query("body", w)}
        if isinstance(leaf, t.Wildcard):
            return {x for x in self._vocabulary("body") if _wildcard(fold(leaf.pattern)).fullmatch(x)}
        return set()

    def _bm25(self, query: t.Node) -> dict[str, float]:
        words = [leaf.text for leaf in t.positive_leaves(query) if isinstance(leaf, t.Term)]
        n = len(self.docs) or 1
        scores: Counter[str] = Counter()
        for fieldname, weight in FIELD_WEIGHTS.items():
            lengths = [len(d.fields[fieldname]) for d in self.docs.values()]
            average = (sum(lengths) / len(lengths)) if lengths else 1.0
            for word in words:
                for term in analyse_query(fieldname, word):
                    holders = [d for d in self.docs.values() if term in _flat(d.fields[fieldname])]
                    idf = math.log(1 + (n - len(holders) + 0.5) / (len(holders) + 0.5))
                    for d in holders:
                        tf = _flat(d.fields[fieldname]).count(term)
                        norm = tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * len(d.fields[fieldname]) / (average or 1)))
                        scores[d.article.id] += weight * idf * norm
        return scores

    def count(self, query: t.Node, *, deadline: Deadline) -> int:
        return len(self.matching(query))

    def articles(self, ids: Sequence[str]) -> list[Article | None]:
        return [self.docs[i].article if i in self.docs else None for i in ids]

    def find(self, id_or_path: str) -> Article | None:
        if id_or_path in self.docs:
            return self.docs[id_or_path].article
        import os

        path = os.path.abspath(id_or_path)
        return next((d.article for d in self.docs.values() if d.article.path == path), None)

    def iter_articles(self) -> Iterator[Article]:
        for doc in self.docs.values():
            yield doc.article

    def facets(self, query: t.Node, names: Sequence[str], *, deadline: Deadline) -> dict[str, dict[str, int]]:
        out = {}
        for name in names:
            counts: Counter[str] = Counter()
            labels: dict[str, str] = {}
            for doc in self.matching(query):
                value = getattr(doc.article, name) or ""
                key = value.casefold()
                labels.setdefault(key, value or "(none)")
                counts[key] += 1
            out[name] = {labels[k]: n for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}
        return out

    def dates(self, query: t.Node, *, interval: str | None, deadline: Deadline) -> DateCounts:
        found = self.matching(query)
        days = [d.article.date for d in found if d.article.date]
        interval = interval or buckets.choose_interval(min(days, default=None), max(days, default=None))
        counts = Counter(buckets.bucket_start(day, interval) for day in days)
        return DateCounts(interval=interval, counts=dict(counts), undated=len(found) - len(days), total=len(found))

    def suggest(self, words: Sequence[str], *, few_hits: bool, deadline: Deadline) -> dict[str, str]:
        return {}

    def similar(self, article_id: str, *, limit: int, deadline: Deadline) -> Ranking:
        if article_id not in self.docs:
            raise LookupError(article_id)
        me = self.docs[article_id]
        mine = Counter(_flat(me.fields["body"]))
        fingerprint = me.article.signature[:FINGERPRINT_BYTES]
        scored = []
        for doc in self.docs.values():
            if doc is me or (any(fingerprint) and doc.article.signature[:FINGERPRINT_BYTES] == fingerprint):
                continue
            shared = sum(min(n, mine[x]) for x, n in Counter(_flat(doc.fields["body"])).items() if x in mine)
            if shared:
                scored.append((shared, doc))
        scored.sort(key=lambda sd: (-sd[0], sd[1].article.id))
        hits = [Ranked(d.article.id, float(s), d.article.signature) for s, d in scored[:limit]]
        return Ranking(hits=hits, complete=len(scored) <= limit, total=len(scored))

    def body_term(self, word: str) -> str | None:
        terms = analyse_query("body", word)
        return terms[0] if len(terms) == 1 else None

    def stats(self) -> Stats:
        dates = [d.article.date for d in self.docs.values() if d.article.date]
        sources = self.facets(t.MatchAll(), ("source",), deadline=Deadline(None))["source"]
        return Stats(
            articles=len(self.docs),
            sources=sources,
            first_date=min(dates).date().isoformat() if dates else None,
            last_date=max(dates).date().isoformat() if dates else None,
            undated=len(self.docs) - len(dates),
            index_bytes=0,
            last_update=None,
            path=self.location,
        )

    def open_writer(self, *, rebuild: bool = False, wait: float = 60.0, on_wait: Callable[[], None] | None = None):
        if self.locked:
            raise IndexLocked("another newsearch run is still indexing into this index")
        if rebuild:
            self.docs.clear()
            self.manifest_state = {}
        return _Writer(self)

    def close(self) -> None:
        pass


class _Sink:
    def __init__(self):
        self.added: dict[str, Article] = {}

    def add(self, article: Article) -> None:
        if not article.signature:
            article.signature = signature_of(article.title or "", article.body or "")
        self.added[article.id] = article

    def check(self) -> None:
        pass

    def finish(self) -> list:
        added, self.added = list(self.added.values()), {}
        return added

    def cancel(self) -> None:
        self.added = {}


class _Writer:
    def __init__(self, engine: ReferenceEngine):
        self.engine = engine
        engine.locked = True
        self.fresh = not engine.docs
        self.deleted: set[str] = set()
        self.notes: list[str] = []

    def manifest(self) -> dict[str, FileState]:
        return dict(self.engine.manifest_state)

    def sink(self) -> _Sink:
        return _Sink()

    def sink_factory(self):
        return None  # the reference engine lives in one process

    def delete_path(self, path: str) -> None:
        self.deleted.add(path)

    def commit(self, parts: list, manifest: dict[str, FileState]) -> None:
        docs = self.engine.docs
        for article_id in [i for i, d in docs.items() if d.article.path in self.deleted]:
            del docs[article_id]
        self.deleted = set()
        for article in parts:
            docs[article.id] = _doc(article)
        # Every field kept (source, skips, root), as an engine stores the manifest it is given.
        self.engine.manifest_state = {path: replace(s, ids=list(s.ids), skips=[list(k) for k in s.skips]) for path, s in manifest.items()}

    def cancel(self) -> None:
        self.deleted = set()

    def close(self) -> None:
        self.engine.locked = False


# --- the meaning of each node, literally --------------------------------------------------

def _match(node: t.Node, doc: _Doc, vocabulary: Callable[[str], set[str]]) -> bool:
    if isinstance(node, t.Bool):
        required = node.must + node.filter
        if not all(_match(c, doc, vocabulary) for c in required):
            return False
        if any(_match(c, doc, vocabulary) for c in node.must_not):
            return False
        if not required and node.should:
            return any(_match(c, doc, vocabulary) for c in node.should)
        return True
    if isinstance(node, t.MatchAll):
        return True
    if isinstance(node, t.Exists):
        return bool(doc.fields.get(node.field)) or bool(getattr(doc.article, node.field, None) and node.field not in doc.fields)
    if isinstance(node, t.SourceIs):
        return _contains(doc.fields["source"], analyse_query("source", node.name), 0)
    if isinstance(node, t.DateRange):
        when = doc.article.date
        return when is not None and (node.start is None or when >= node.start) and (node.end is None or when < node.end)
    if isinstance(node, t.LanguageIs):
        return (doc.article.language or "").lower() == node.code.lower()
    return any(_match_in_field(node, name, doc, vocabulary) for name in _fields_of(node))


def _fields_of(node: t.Node) -> tuple[str, ...]:
    if node.field is not None:  # type: ignore[union-attr]
        return (node.field,)  # type: ignore[union-attr]
    if isinstance(node, (t.Term,)):
        return tuple(FIELD_WEIGHTS)
    if isinstance(node, t.Phrase):
        return tuple(FIELD_WEIGHTS)
    return _STEMMED


def _match_in_field(node: t.Node, name: str, doc: _Doc, vocabulary) -> bool:
    terms = doc.fields.get(name, [])
    if isinstance(node, t.Term):
        wanted = analyse_query(name, node.text)
        return bool(wanted) and _contains(terms, wanted, 0)
    if isinstance(node, t.Phrase):
        wanted = [x for w in node.words for x in analyse_query(name, w)]
        if len(wanted) == 1:
            return wanted[0] in _flat(terms)
        return bool(wanted) and _contains(terms, wanted, node.slop)
    if isinstance(node, t.Wildcard):
        pattern = _wildcard(fold(node.pattern))
        return any(pattern.fullmatch(x) for x in set(_flat(terms)))
    if isinstance(node, t.Fuzzy):
        wanted = analyse_query(name, node.text)
        if len(wanted) != 1:
            return False
        return any(x[:1] == wanted[0][:1] and _edits(x, wanted[0]) <= node.distance for x in set(_flat(terms)))
    if isinstance(node, t.Near):
        return _near(node, name, terms)
    raise TypeError(f"not a word node: {node!r}")


def _contains(terms: list[tuple[str, ...]], wanted: list[str], slop: int) -> bool:
    """``wanted`` in order in ``terms``, at most ``slop`` other positions between neighbours."""
    if not wanted:
        return False
    if len(wanted) == 1:
        return wanted[0] in _flat(terms)
    starts = [i for i, at in enumerate(terms) if wanted[0] in at]
    for start in starts:
        if _chain(terms, wanted[1:], start, slop):
            return True
    return False


def _chain(terms: list[tuple[str, ...]], rest: list[str], at: int, slop: int) -> bool:
    if not rest:
        return True
    for j in range(at + 1, min(len(terms), at + 2 + slop)):
        if rest[0] in terms[j] and _chain(terms, rest[1:], j, slop):
            return True
    return False


def _near(node: t.Near, name: str, terms: list[tuple[str, ...]]) -> bool:
    """The tree's NEAR: clause by clause, each within ``distance`` words of the stretch matched so far."""
    covered: set[tuple[int, int]] | None = None
    for clause in node.clauses:
        words = clause.words if isinstance(clause, t.Phrase) else (clause.text,)
        wanted = [x for w in words for x in analyse_query(name, w)]
        if not wanted:
            continue
        where = {
            (i, i + len(wanted) - 1)
            for i in range(len(terms) - len(wanted) + 1)
            if all(w in terms[i + k] for k, w in enumerate(wanted))
        }
        if covered is None:
            covered = where
            continue
        covered = {
            (min(a[0], b[0]), max(a[1], b[1]))
            for a in covered
            for b in where
            if 0 <= _gap(a, b) <= node.distance
        }
        if not covered:
            return False
    return bool(covered)


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Words strictly between two stretches; -1 when they overlap."""
    if a[1] < b[0]:
        return b[0] - a[1] - 1
    if b[1] < a[0]:
        return a[0] - b[1] - 1
    return -1


def _wildcard(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))


def _edits(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions, replacements (the tree's Fuzzy edits)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
