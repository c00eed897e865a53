"""The query tree (``newsearch.query.tree``) compiled into the OpenSearch query DSL.

The same meaning as the Whoosh compiler (``engines/whoosh/compile.py``):
each word is analysed by :mod:`newsearch.terms` for each field it searches
(the index holds terms.py's terms, see ``documents.py``), one term becomes a
``term`` query and several (``U.S.``, ``e-mail``) an exact phrase; free
words search the ``FIELD_BOOSTS`` fields with those weights. Phrases with
slop and NEAR are ordered ``span_near`` queries nested left to right, so each
neighbour (NEAR: each further clause) is held to the distance on its own, as
the tree defines; NEAR takes both orders (``span_or``) rather than Lucene's
unordered spans, which let a word be near itself. Filters become ``filter`` clauses or zero-boost
``constant_score`` queries: they never add to the score. Wildcards and
fuzzy words are expanded by Lucene and score a constant, as in Whoosh.

``None`` stands for a query that can match nothing (a word with nothing
searchable in it), with the Whoosh compiler's rules for where that empties
the whole query and where it is just left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsearch import terms
from newsearch.engines.fields import capitalised_names, fold_pattern
from newsearch.engines.opensearch.documents import TEXT_FIELDS, query_text
from newsearch.query import tree as t

FIELD_BOOSTS = {"title": 2.5, "body": 1.0, "source": 0.5, "author": 0.5}  # as engines/whoosh/schema.py
NAME_BOOST = 1.5
STEMMED = ("title", "body")  # where phrases, wildcards, fuzzy words and NEAR look when no field is named

Query = dict


@dataclass
class Compiled:
    query: Query | None  # None: matches nothing
    notes: list[str] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)  # title and body terms, for snippets
    patterns: list[re.Pattern] = field(default_factory=list)  # wildcards (folded) whose words snippets mark
    fuzzy: list[tuple[str, int]] = field(default_factory=list)  # (analysed word, edits) of fuzzy words


def compile_tree(node: t.Node) -> Compiled:
    compiler = _Compiler()
    query = compiler.node(node)
    names = compiler.name_terms(node)
    if names and query is not None:
        query = {"bool": {"must": [query], "should": names}}
    return Compiled(query=query, notes=compiler.notes, terms=compiler.terms, patterns=compiler.patterns,
                    fuzzy=compiler.fuzzy)


def analyse(fieldname: str, word: str) -> list[str]:
    return terms.analyze(word, TEXT_FIELDS.get(fieldname, "exact"))


def _escape_wildcard(pattern: str) -> str:
    return re.sub(r"([\\])", r"\\\1", pattern)


def _any(parts: list[Query]) -> Query | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"bool": {"should": parts}}


def _unscored(query: Query) -> Query:
    return {"constant_score": {"filter": query, "boost": 0.0}}


class _Compiler:
    def __init__(self) -> None:
        self.notes: list[str] = []
        self.terms: set[str] = set()
        self.patterns: list[re.Pattern] = []
        self.fuzzy: list[tuple[str, int]] = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def node(self, node: t.Node) -> Query | None:
        return getattr(self, "_" + type(node).__name__.lower())(node)

    def _fields(self, name: str | None) -> list[tuple[str, float]]:
        if name is None:
            return list(FIELD_BOOSTS.items())
        return [(name, 1.0)] if name in TEXT_FIELDS else []

    def _seen(self, fieldname: str, words: list[str]) -> None:
        if fieldname in STEMMED:
            self.terms.update(words)

    # --- boolean structure -------------------------------------------------------

    def _bool(self, node: t.Bool) -> Query | None:
        must = [self.node(c) for c in node.must]
        filters = [self.filter(c) for c in node.filter]
        if any(q is None for q in must) or any(q is None for q in filters):
            return None  # a required clause that can match nothing
        should = [q for q in map(self.node, node.should) if q is not None]
        if not must and not filters and node.should and not should:
            return None  # only should-clauses, none of which can match
        excluded = [q for q in map(self.node, node.must_not) if q is not None]
        body: dict = {}
        if must:
            body["must"] = must
        if filters:
            body["filter"] = filters
        if should:
            body["should"] = should
            if not must and not filters:
                body["minimum_should_match"] = 1
        if excluded:
            body["must_not"] = excluded
        if not body:
            return {"match_all": {}}
        if node.boost != 1.0:
            body["boost"] = node.boost
        return {"bool": body}

    def filter(self, node: t.Node) -> Query | None:
        """A clause in filter context (no score)."""
        return self.node(node)

    # --- words -------------------------------------------------------------------

    def _term(self, node: t.Term) -> Query | None:
        parts = []
        for name, boost in self._fields(node.field):
            words = analyse(name, node.text)
            self._seen(name, words)
            if len(words) == 1:
                parts.append({"term": {name: {"value": words[0], "boost": boost * node.boost}}})
            elif words:  # a dotted abbreviation or a hyphenated word: its terms in a row
                parts.append(self._exact(name, words, boost * node.boost))
        if not parts:
            self.note(f"ignored '{node.text}' (nothing searchable in it)")
        return _any(parts)

    def _exact(self, name: str, words: list[str], boost: float) -> Query:
        return {"match_phrase": {name: {"query": query_text(words), "analyzer": "whitespace", "boost": boost}}}

    def _phrase(self, node: t.Phrase) -> Query | None:
        parts = []
        for name, boost in self._fields(node.field):
            words = [x for w in node.words for x in analyse(name, w)]
            self._seen(name, words)
            if len(words) == 1:
                parts.append({"term": {name: {"value": words[0], "boost": boost * node.boost}}})
            elif words and node.slop == 0:
                parts.append(self._exact(name, words, boost * node.boost))
            elif words:
                parts.append(_boosted(_ordered(name, words, node.slop), boost * node.boost))
        return _any(parts)

    def _wildcard(self, node: t.Wildcard) -> Query | None:
        fields = STEMMED if node.field is None else (node.field,)
        pattern = fold_pattern(node.pattern)
        self.patterns.append(re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)))
        parts = []
        for name in fields:
            if name not in TEXT_FIELDS:
                continue
            boost = FIELD_BOOSTS.get(name, 1.0) * node.boost
            if pattern.endswith("*") and "*" not in pattern[:-1] and "?" not in pattern:
                q = {"prefix": {name: {"value": pattern[:-1], "rewrite": "constant_score"}}}
            else:
                q = {"wildcard": {name: {"value": _escape_wildcard(pattern), "rewrite": "constant_score"}}}
            parts.append({"constant_score": {"filter": q, "boost": boost}})
        return _any(parts)

    def _fuzzy(self, node: t.Fuzzy) -> Query | None:
        fields = STEMMED if node.field is None else (node.field,)
        parts = []
        for name in fields:
            if name not in TEXT_FIELDS:
                continue
            words = analyse(name, node.text)
            if len(words) != 1:
                continue
            if name in STEMMED:
                self.fuzzy.append((words[0], node.distance))
            q = {"fuzzy": {name: {"value": words[0], "fuzziness": node.distance, "prefix_length": 1,
                                  "transpositions": False, "rewrite": "constant_score"}}}
            parts.append({"constant_score": {"filter": q, "boost": FIELD_BOOSTS.get(name, 1.0) * node.boost}})
        return _any(parts)

    def _near(self, node: t.Near) -> Query | None:
        fields = STEMMED if node.field is None else (node.field,)
        parts = []
        for name in fields:
            if name not in TEXT_FIELDS:
                continue
            spans = []
            for clause in node.clauses:
                words = clause.words if isinstance(clause, t.Phrase) else (clause.text,)
                found = [x for w in words for x in analyse(name, w)]
                self._seen(name, found)
                if found:
                    spans.append(_ordered(name, found, 0))
            if not spans:
                continue
            near = spans[0]
            for span in spans[1:]:  # either order; two ordered spans, as Lucene's unordered ones may overlap
                near = {"span_or": {"clauses": [_pair(near, span, node.distance), _pair(span, near, node.distance)]}}
            parts.append(_boosted(near, FIELD_BOOSTS.get(name, 1.0) * node.boost))
        return _any(parts)

    # --- filters -----------------------------------------------------------------

    def _matchall(self, node: t.MatchAll) -> Query:
        return {"match_all": {}}

    def _exists(self, node: t.Exists) -> Query | None:
        if node.field not in {*TEXT_FIELDS, "date", "language"}:
            return None
        return _unscored({"exists": {"field": node.field}})

    def _sourceis(self, node: t.SourceIs) -> Query | None:
        words = analyse("source", node.name)
        if not words:
            return None
        if len(words) == 1:
            return _unscored({"term": {"source": words[0]}})
        return _unscored({"match_phrase": {"source": {"query": query_text(words), "analyzer": "whitespace"}}})

    def _languageis(self, node: t.LanguageIs) -> Query:
        return _unscored({"term": {"language": node.code.lower()}})

    def _daterange(self, node: t.DateRange) -> Query:
        bounds = {}
        if node.start is not None:
            bounds["gte"] = node.start.replace(tzinfo=None).isoformat()
        if node.end is not None:
            bounds["lt"] = node.end.replace(tzinfo=None).isoformat()
        if not bounds:
            return _unscored({"exists": {"field": "date"}})
        return _unscored({"range": {"date": bounds}})

    # --- names -------------------------------------------------------------------

    def name_terms(self, node: t.Node) -> list[Query]:
        """``names`` clauses for the capitalised free words of the query."""
        return [{"term": {"names": {"value": name, "boost": NAME_BOOST}}} for name in capitalised_names(node)]


def _ordered(name: str, words: list[str], slop: int) -> Query:
    """Span query: ``words`` in order, at most ``slop`` other positions between each neighbour."""
    span: Query = {"span_term": {name: words[0]}}
    for word in words[1:]:
        span = {"span_near": {"clauses": [span, {"span_term": {name: word}}], "slop": slop, "in_order": True}}
    return span


def _pair(first: Query, second: Query, slop: int) -> Query:
    return {"span_near": {"clauses": [first, second], "slop": slop, "in_order": True}}


def _boosted(span: Query, boost: float) -> Query:
    if boost == 1.0:
        return span
    kind, body = next(iter(span.items()))
    if kind == "span_term":
        (fieldname, value), = body.items()
        return {"span_term": {fieldname: {"value": value, "boost": boost}}}
    return {kind: {**body, "boost": boost}}


def expanded_terms(compiled: Compiled, bodies: list[str]) -> set[str]:
    """The words of ``bodies`` that the query's wildcards and fuzzy words stand for (what snippets mark:
    Lucene expands them inside the cluster and does not say into what)."""
    if not compiled.patterns and not compiled.fuzzy:
        return set()
    found: set[str] = set()
    for body in bodies:
        for term in terms.term_positions(body):
            if any(p.fullmatch(term) for p in compiled.patterns) or any(
                    term[:1] == word[:1] and _within(term, word, edits) for word, edits in compiled.fuzzy):
                found.add(term)
    return found


def _within(a: str, b: str, edits: int) -> bool:
    """Whether ``a`` is at most ``edits`` Levenshtein edits from ``b``."""
    if abs(len(a) - len(b)) > edits:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > edits:
            return False
        previous = current
    return previous[-1] <= edits
