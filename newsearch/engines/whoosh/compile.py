"""The query tree (``newsearch.query.tree``) compiled into Whoosh queries.

A word is analysed by each field it searches, as that field analysed the
articles: one term becomes a ``Term``, several (``U.S.`` -> u, s) a
``Phrase``. Free words (no field) search the ``FIELD_BOOSTS`` fields with
those weights (BM25F-style): the should-words of one ``Bool`` become a single
flat ``Or`` of weighted terms, the shape Whoosh's top-k pruning handles best.

The filters of the root (``Bool.filter``) are not compiled into the query:
they become the set of document numbers the collector may return, which is
how Whoosh filters fastest. Filters anywhere else compile into unscored
queries (a date range into a fixed set of documents read off the date
column, since the date field has no terms).

Capitalised free words also prefer articles that use them as names
(the ``names`` field, case kept): ``US`` ranks the United States above "us".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from newsearch.deadline import Deadline
from newsearch.engines.fields import capitalised_names
from newsearch.engines.whoosh.columns import column
from newsearch.engines.whoosh.schema import FIELD_BOOSTS
from newsearch.query import tree as t

NAME_BOOST = 1.5
MAX_EXPANSION = 256  # words one wildcard or fuzzy word may stand for
NO_DATE = 2**64 - 1  # what Whoosh's date column holds for an article without a date
NO_DOCUMENT = -1  # a document number no index has
_TEXT_FIELDS = ("title", "body")  # the stemmed fields: where phrases, wildcards and NEAR look when no field is named


@dataclass
class Compiled:
    """A tree ready to search: the scored query, the documents the root's filters allow, notes."""

    query: wq.Query
    allowed: set[int] | None = None  # None: no filter
    notes: list[str] = field(default_factory=list)
    expanded: set[str] = field(default_factory=set)  # words wildcards and fuzzy words stood for (for snippets)

    @property
    def matches_nothing(self) -> bool:
        return self.query is wq.NullQuery or self.allowed == {NO_DOCUMENT}


def compile_tree(
    searcher, node: t.Node, deadline: Deadline | None = None, *, fields: Mapping[str, float] = FIELD_BOOSTS
) -> Compiled:
    """Compile ``node`` for ``searcher`` (wildcards are expanded against its terms).

    ``fields``: the free-text fields and their weights (``ranking.Settings.fields``).
    """
    compiler = _Compiler(searcher, deadline or Deadline(None), fields)
    if isinstance(node, t.Bool) and node.filter:
        allowed: set[int] | None = compiler.docs_of_all(node.filter)
        query = compiler._bool_parts(node, [], filtered=True)
    else:
        allowed = None
        query = compiler.node(node)
    names = compiler.name_terms(node)
    if names and query is not wq.NullQuery:
        query = wq.AndMaybe(query, names[0] if len(names) == 1 else wq.Or(names))
    if allowed is not None and not allowed:
        allowed = {NO_DOCUMENT}  # Whoosh takes an empty filter set for no filter at all
    return Compiled(query=query, allowed=allowed, notes=compiler.notes, expanded=compiler.expanded)


class _Compiler:
    def __init__(self, searcher, deadline: Deadline, fields: Mapping[str, float]):
        self.searcher = searcher
        self.boosts = fields
        self.schema = searcher.schema
        self.reader = searcher.reader()
        self.deadline = deadline
        self.notes: list[str] = []
        self.expanded: set[str] = set()

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def bound_note(self, typed: str, words: int) -> None:
        """One note per pattern, with the most words it matched in any field."""
        prefix = f"'{typed}' matches "
        for i, existing in enumerate(self.notes):
            if existing.startswith(prefix):
                before = int(existing[len(prefix):].split(" ", 1)[0].replace(",", ""))
                if words <= before:
                    return
                del self.notes[i]
                break
        self.note(f"{prefix}{words:,} words; searched the {MAX_EXPANSION} most common in each field")

    # --- scored queries -------------------------------------------------------------

    def node(self, node: t.Node) -> wq.Query:
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def _bool(self, node: t.Bool) -> wq.Query:
        return self._bool_parts(node, [self._unscored(f) for f in node.filter], bool(node.filter))

    def _bool_parts(self, node: t.Bool, filters: list[wq.Query], filtered: bool) -> wq.Query:
        """``node`` with its filter clauses given as queries (or taken out: the root's go to the collector).

        As the tree defines it: should-clauses are required only when there is
        no must- and no filter-clause; beside them they only add to the score.
        """
        must = [q for q in map(self.node, node.must) if q is not wq.NullQuery]
        if len(must) < len(node.must) or any(f is wq.NullQuery for f in filters):
            return wq.NullQuery  # a required clause that can match nothing
        should = self._flat_or(node.should)
        if must:
            core = must[0] if len(must) == 1 else wq.And(must)
            if should is not wq.NullQuery:
                core = wq.AndMaybe(core, should)
        elif filtered or not node.should:
            core = wq.Every() if should is wq.NullQuery else wq.AndMaybe(wq.Every(), should)
        elif should is not wq.NullQuery:
            core = should
        else:
            return wq.NullQuery  # only should-clauses, none of which can match
        for f in filters:
            core = f if isinstance(core, wq.Every) else wq.Require(core, f)
        if node.must_not:
            excluded = [q for q in map(self.node, node.must_not) if q is not wq.NullQuery]
            if excluded:
                core = wq.AndNot(core, excluded[0] if len(excluded) == 1 else wq.Or(excluded))
        if node.boost != 1.0:
            core = core.with_boost(core.boost * node.boost)
        return core

    def _flat_or(self, clauses: tuple[t.Node, ...]) -> wq.Query:
        """One Or of every should-clause, word clauses spliced in flat."""
        parts: list[wq.Query] = []
        for clause in clauses:
            q = self.node(clause)
            if q is wq.NullQuery:
                continue
            if isinstance(q, wq.Or) and isinstance(clause, t.WORD_NODES) and q.boost == 1.0:
                parts.extend(q.subqueries)
            else:
                parts.append(q)
        if not parts:
            return wq.NullQuery
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _fields(self, name: str | None) -> list[tuple[str, float]]:
        if name is None:
            return [(f, boost) for f, boost in self.boosts.items() if f in self.schema]
        return [(name, 1.0)] if name in self.schema else []

    def _analyse(self, fieldname: str, word: str) -> list[str]:
        return [tok.text for tok in self.schema[fieldname].analyzer(word, mode="query")]

    def _per_field(self, parts: list[wq.Query]) -> wq.Query:
        if not parts:
            return wq.NullQuery
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _term(self, node: t.Term) -> wq.Query:
        parts: list[wq.Query] = []
        for name, boost in self._fields(node.field):
            terms = self._analyse(name, node.text)
            if len(terms) == 1:
                parts.append(wq.Term(name, terms[0], boost=boost * node.boost))
            elif terms:  # a dotted abbreviation: "U.S." -> "u" next to "s"
                parts.append(wq.Phrase(name, terms, boost=boost * node.boost))
        if not parts:
            self.note(f"ignored '{node.text}' (nothing searchable in it)")
        return self._per_field(parts)

    def _phrase(self, node: t.Phrase) -> wq.Query:
        parts: list[wq.Query] = []
        for name, boost in self._fields(node.field):
            terms = [term for word in node.words for term in self._analyse(name, word)]
            if len(terms) == 1:
                parts.append(wq.Term(name, terms[0], boost=boost * node.boost))
            elif terms:
                parts.append(wq.Phrase(name, terms, slop=node.slop + 1, boost=boost * node.boost))
        return self._per_field(parts)

    def _wildcard(self, node: t.Wildcard) -> wq.Query:
        fields = _TEXT_FIELDS if node.field is None else (node.field,)
        pattern = _fold(self.schema, node.pattern)
        parts: list[wq.Query] = []
        for name in fields:
            if name not in self.schema:
                continue
            if pattern.endswith("*") and "*" not in pattern[:-1] and "?" not in pattern:
                q: wq.MultiTerm = wq.Prefix(name, pattern[:-1])
            else:
                q = wq.Wildcard(name, pattern)
            parts.append(self._bounded(q, node.pattern, self.boosts.get(name, 1.0) * node.boost))
        return self._per_field([p for p in parts if p is not wq.NullQuery])

    def _fuzzy(self, node: t.Fuzzy) -> wq.Query:
        fields = _TEXT_FIELDS if node.field is None else (node.field,)
        parts: list[wq.Query] = []
        for name in fields:
            if name not in self.schema:
                continue
            terms = self._analyse(name, node.text)
            if len(terms) != 1:
                continue
            q = wq.FuzzyTerm(name, terms[0], maxdist=node.distance, prefixlength=1)
            parts.append(self._bounded(q, node.text + "~", self.boosts.get(name, 1.0) * node.boost))
        return self._per_field([p for p in parts if p is not wq.NullQuery])

    def _bounded(self, q: wq.MultiTerm, typed: str, boost: float) -> wq.Query:
        """The words a pattern stands for (at most MAX_EXPANSION, the most common), matched as one set.

        All words of a pattern score alike (a constant ``boost``, as Whoosh
        scores patterns): ranking a 256-word OR term by term took seconds on
        24k articles, the union of their postings takes milliseconds.
        """
        words = []
        for i, word in enumerate(q._btexts(self.reader)):
            words.append(word)
            if i % 256 == 255 and self.deadline.expired():
                self.deadline.cut_short("the search")  # the words found so far stand for the pattern
                break
        if len(words) > MAX_EXPANSION:
            self.bound_note(typed, len(words))
            if self.deadline.expired():  # no time to find the most common: the first ones
                words = words[:MAX_EXPANSION]
            else:
                frequency = self._frequencies(q.fieldname, words)
                words = sorted(words, key=lambda w: (-frequency.get(w, 0), w))[:MAX_EXPANSION]
        field_obj = self.schema[q.fieldname]
        texts = [w if isinstance(w, str) else field_obj.from_bytes(w) for w in words]
        self.expanded.update(texts)
        if not texts:
            return wq.NullQuery
        return TermUnion(q.fieldname, texts, boost=boost)

    def _frequencies(self, fieldname: str, words: list) -> dict:
        """Document frequencies of many words of one field, read segment by segment in one pass
        over their common prefix (thousands of look-ups by hash cost seconds)."""
        wanted = {w if isinstance(w, bytes) else w.encode("utf-8") for w in words}
        prefix = _common_prefix(sorted(wanted))
        frequency: dict = {}
        for leaf, _offset in self.reader.leaf_readers():
            for i, (text, info) in enumerate(leaf.iter_prefix(fieldname, prefix)):
                if text in wanted:
                    frequency[text] = frequency.get(text, 0) + info.doc_frequency()
                if i % 256 == 255 and self.deadline.expired():
                    self.deadline.cut_short("the search")  # the most common of the words counted so far
                    return {w: frequency.get(w if isinstance(w, bytes) else w.encode("utf-8"), 0) for w in words}
        return {w: frequency.get(w if isinstance(w, bytes) else w.encode("utf-8"), 0) for w in words}

    def _near(self, node: t.Near) -> wq.Query:
        from whoosh.query.spans import SpanNear2

        fields = _TEXT_FIELDS if node.field is None else (node.field,)
        parts: list[wq.Query] = []
        for name in fields:
            if name not in self.schema:
                continue
            spans = []
            for clause in node.clauses:
                words = clause.words if isinstance(clause, t.Phrase) else (clause.text,)
                terms = [term for word in words for term in self._analyse(name, word)]
                if not terms:
                    continue
                if len(terms) == 1:
                    spans.append(wq.Term(name, terms[0]))
                else:
                    spans.append(SpanNear2([wq.Term(name, x) for x in terms], slop=1, ordered=True))
            if len(spans) >= 2:
                # Whoosh's slop is the distance between positions: 1 for neighbours, so distance + 1.
                near = SpanNear2(spans, slop=node.distance + 1, ordered=False)
                near.boost = self.boosts.get(name, 1.0) * node.boost
                parts.append(near)
            elif spans:
                parts.append(spans[0])
        return self._per_field(parts)

    # --- filters ---------------------------------------------------------------------

    def _unscored(self, node: t.Node) -> wq.Query:
        """A filter clause inside a scored query: matches, adds nothing to the score."""
        if isinstance(node, t.DateRange):
            return DocSet(self._dates(node))
        q = self.node(node)
        if q is wq.NullQuery or isinstance(q, wq.Every):
            return q
        return wq.ConstantScoreQuery(q, score=0.0)

    def _matchall(self, node: t.MatchAll) -> wq.Query:
        return wq.Every()

    def _exists(self, node: t.Exists) -> wq.Query:
        if node.field == "date":  # no terms: the dated documents are read off the column
            return DocSet(self._dates(t.DateRange()))
        if node.field not in self.schema:
            return wq.NullQuery
        return wq.ConstantScoreQuery(wq.Every(node.field), score=0.0)

    def _sourceis(self, node: t.SourceIs) -> wq.Query:
        tokens = self._analyse("source", node.name)
        if not tokens:
            return wq.NullQuery
        q = wq.Term("source", tokens[0]) if len(tokens) == 1 else wq.Phrase("source", tokens)
        return wq.ConstantScoreQuery(q, score=0.0)

    def _languageis(self, node: t.LanguageIs) -> wq.Query:
        return wq.ConstantScoreQuery(wq.Term("language", node.code.lower()), score=0.0)

    def _daterange(self, node: t.DateRange) -> wq.Query:
        return DocSet(self._dates(node))

    def docs_of_all(self, nodes: tuple[t.Node, ...]) -> set[int]:
        """The documents every one of ``nodes`` matches."""
        allowed: set[int] | None = None
        for node in nodes:
            docs = self.docs(node)
            allowed = docs if allowed is None else allowed & docs
            if not allowed:
                break
        return allowed if allowed is not None else set()

    def docs(self, node: t.Node) -> set[int]:
        """The (live) documents ``node`` matches, ignoring scores."""
        if isinstance(node, t.DateRange):
            return self._dates(node)
        if isinstance(node, t.Bool) and t.is_filter_only(node):
            return self._bool_docs(node)
        q = self.node(node)
        if q is wq.NullQuery:
            return set()
        return set(self.searcher.docs_for_query(q))

    def _bool_docs(self, node: t.Bool) -> set[int]:
        required = list(node.must + node.filter)
        if required:
            docs = self.docs_of_all(tuple(required))
        elif node.should:
            docs = set().union(*(self.docs(s) for s in node.should))
        else:
            docs = set(self.searcher.docs_for_query(wq.Every()))
        for excluded in node.must_not:
            docs -= self.docs(excluded)
        return docs

    def _dates(self, node: t.DateRange) -> set[int]:
        """Documents dated in [start, end), read from the date column (cached with the searcher)."""
        from whoosh.util.times import datetime_to_long

        cache = self.searcher.__dict__.setdefault("_newsearch_date_sets", {})
        key = (node.start, node.end)
        if key not in cache:
            low = datetime_to_long(node.start) if node.start else 0
            high = datetime_to_long(node.end) if node.end else NO_DATE
            reader = self.reader
            cache[key] = {
                docnum
                for docnum, raw in column(self.searcher, "date", default=NO_DATE).items()
                if low <= raw < high and not reader.is_deleted(docnum)
            }
        return cache[key]

    # --- names ---------------------------------------------------------------------

    def name_terms(self, node: t.Node) -> list[wq.Query]:
        """``names`` clauses for the capitalised free words of the query."""
        if "names" not in self.schema:
            return []
        return [wq.Term("names", name, boost=NAME_BOOST) for name in capitalised_names(node)]


def _common_prefix(sorted_words: list[bytes]) -> bytes:
    if not sorted_words:
        return b""
    first, last = sorted_words[0], sorted_words[-1]
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _fold(schema, pattern: str) -> str:
    """A wildcard pattern lowercased and accent-folded as the text fields were (no stemming)."""
    out = []
    for piece in re.split(r"([*?])", pattern):
        if piece in ("*", "?"):
            out.append(piece)
        elif piece:
            tokens = [tok.text for tok in schema["body"].analyzer(piece, no_morph=True, mode="query")]
            out.append("".join(tokens) if tokens else piece.lower())
    return "".join(out)


class DocSet(wq.Query):
    """A fixed set of documents (global numbers), unscored: a date range, which has no terms to search."""

    def __init__(self, docnums: set[int]):
        self.docnums = frozenset(docnums)
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"DocSet(<{len(self.docnums)} documents>)"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.docnums == self.docnums

    def __hash__(self) -> int:
        return hash(len(self.docnums))

    def estimate_size(self, ixreader) -> int:
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        parent = searcher.get_parent()
        offset = 0 if parent is searcher else (parent._offset_for_subsearcher(searcher) or 0)
        end = offset + searcher.reader().doc_count_all()
        ids = sorted(d - offset for d in self.docnums if offset <= d < end)
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, all_weights=0.0)


class TermUnion(wq.Query):
    """Documents holding any of ``texts`` in a field, all scored ``boost`` (a wildcard's words)."""

    def __init__(self, fieldname: str, texts: list[str], boost: float = 1.0):
        self.fieldname = fieldname
        self.texts = list(texts)
        self.boost = boost

    def __repr__(self) -> str:
        return f"TermUnion({self.fieldname!r}, <{len(self.texts)} words>)"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and (other.fieldname, other.texts, other.boost) == (self.fieldname, self.texts, self.boost)

    def __hash__(self) -> int:
        return hash((self.fieldname, len(self.texts), self.boost))

    def terms(self, phrases: bool = False):
        for text in self.texts:
            yield self.fieldname, text

    def estimate_size(self, ixreader) -> int:
        return sum(ixreader.doc_frequency(self.fieldname, text) for text in self.texts)

    def matcher(self, searcher, context=None):
        ids = self.ids(searcher.reader())
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, all_weights=self.boost)

    def ids(self, reader) -> list[int]:
        """The sorted union of the words' postings in one segment, kept with the reader for the
        other steps of the request (ranking, counting, facets each need it)."""
        cache = reader.__dict__.setdefault("_newsearch_unions", {})
        key = (self.fieldname, tuple(self.texts))
        if key not in cache:
            if len(cache) > 32:
                cache.clear()
            ids: set[int] = set()
            everyone = reader.doc_count_all()
            for text in self.texts:
                if (self.fieldname, text) in reader:
                    ids.update(reader.postings(self.fieldname, text).all_ids())
                    if len(ids) >= everyone:  # every document already: the other words add none
                        break
            cache[key] = sorted(ids)
        return cache[key]
