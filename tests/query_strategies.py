"""Hypothesis strategies: random query strings over real news words, with the tree each must parse to.

For the differential test (every engine against the reference engine) and the
parser's own tests. How to use it::

    from query_strategies import NOW, cases, sample_articles, vocabulary

    ARTICLES = sample_articles()      # ~300 real BBC + Reuters articles (pytest.skip without the corpora)
    VOCABULARY = vocabulary(ARTICLES)

    @given(cases(VOCABULARY))
    def test_engines_agree(case):
        parsed = parse_query(case.text, now=NOW)
        assert parsed.tree == case.tree, case.text           # the grammar
        assert whoosh_ids(parsed.tree) == reference_ids(parsed.tree)  # the engines

The vocabulary is drawn from the articles themselves, so most queries match
something: words found in 2 articles up to a fifth of them, capitalised names,
phrases that occur in an article (two or three words in a row), the sources and
months the articles have. ``vocabulary(..., punctuated=True)`` adds words with
inner punctuation (``O'Neill``, ``AT&T``, ``U.S.``), for when the engines'
tokenisers agree on them.

The expected tree is built bottom-up with the same combination rules the
parser uses (:mod:`newsearch.query.build`, documented in the README), so what
a case checks is the grammar: that the text, with its operators, brackets,
fields and suffixes, reads as the structure it was generated from. Queries
never rely on function-word dropping (the vocabulary has no function words)
or on the capitals rule (names are written Title-case, so no query is mostly
capitals).
"""

from __future__ import annotations

import functools
import gzip
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import strategies as st

from newsearch.models import Article
from newsearch.query.build import (
    Clause,
    combine_and,
    combine_or,
    combine_side_by_side,
    narrow,
)
from newsearch.query.dates import comparison_span, parse_user_date
from newsearch.query.lexer import Notes
from newsearch.query.tree import (
    DateRange,
    Fuzzy,
    Near,
    Node,
    Phrase,
    SourceIs,
    Term,
    Wildcard,
)
from newsearch.query.values import auto_edits
from newsearch.query.words import AMBIGUOUS_STOP_WORDS, STOP_WORDS

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
NOW = datetime(2024, 11, 20, 12, 0)
_OPERATOR_WORDS = {"and", "or", "not", "near", "to"}
_UNWANTED = STOP_WORDS | AMBIGUOUS_STOP_WORDS | _OPERATOR_WORDS


def sample_articles(bbc_per_topic: int = 30, reuters: int = 150) -> list[Article]:
    """Real articles through the real readers: every n-th file of each BBC topic, every n-th Reuters record."""
    from newsearch.ingest import read_articles

    if not CORPORA.exists():
        pytest.skip(f"corpora not available: {CORPORA}")
    articles: list[Article] = []
    for topic in sorted((CORPORA / "bbc").iterdir()):
        if not topic.is_dir():
            continue
        files = sorted(topic.glob("*.txt"))
        for path in files[:: max(1, len(files) // bbc_per_topic)][:bbc_per_topic]:
            ref = f"bbc/{topic.name}/{path.name}"
            articles.extend(a for a in read_articles(path.read_bytes(), ref, ref) if isinstance(a, Article))
    lines = gzip.decompress((CORPORA / "reuters21578.jsonl.gz").read_bytes()).split(b"\n")
    step = max(1, len(lines) // reuters)
    chosen = b"\n".join(line for line in lines[::step][:reuters] if line.strip())
    articles.extend(a for a in read_articles(chosen, "reuters.jsonl", "reuters") if isinstance(a, Article))
    return articles


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]  # lower-case words, not function words
    names: tuple[str, ...]  # Title-case names ("Blair")
    phrases: tuple[tuple[str, ...], ...]  # two or three words that stand together in an article
    title_words: tuple[str, ...]
    sources: tuple[str, ...]
    months: tuple[str, ...]  # "1987-03"


_WORD = re.compile(r"[A-Za-z]+")
_NAME = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{3,}\b")
_PUNCTUATED = re.compile(r"\b[A-Za-z]+(?:['&.-][A-Za-z]+)+\b\.?")


def vocabulary(articles: list[Article], *, punctuated: bool = False, size: int = 300) -> Vocabulary:
    """Words, names, phrases, sources and months to build queries from (deterministic for the articles)."""
    df: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for article in articles:
        df.update({w.lower() for w in _WORD.findall(article.title + " " + article.body)})
        names.update(set(_NAME.findall(article.body)))
    ceiling = max(3, len(articles) // 5)
    words = sorted(w for w, n in df.items() if 2 <= n <= ceiling and len(w) >= 3 and w not in _UNWANTED)
    if punctuated:
        words += sorted({m for a in articles for m in _PUNCTUATED.findall(a.body)})[:50]
    title_words = sorted({w.lower() for a in articles for w in _WORD.findall(a.title)} & set(words))
    return Vocabulary(
        words=tuple(_spread(words, size)),
        names=tuple(_spread(sorted(n for n, c in names.items() if c >= 2 and n.lower() not in _UNWANTED), 60)),
        phrases=tuple(_spread(_phrases(articles), 100)),
        title_words=tuple(_spread(title_words, 80)),
        sources=tuple(sorted({a.source for a in articles if a.source})),
        months=tuple(sorted({a.date.strftime("%Y-%m") for a in articles if a.date})),
    )


def _spread(items: list, size: int) -> list:
    """``size`` items taken evenly from ``items`` (sorted, so the pick does not depend on the run)."""
    step = max(1, len(items) // size)
    return items[::step][:size]


def _phrases(articles: list[Article]) -> list[tuple[str, ...]]:
    """Two or three plain words that stand side by side, with nothing but a space between them."""
    found = set()
    for article in articles:
        tokens = article.body[:800].split()
        for i in range(len(tokens) - 2):
            words = tuple(tokens[i : i + 2 + (i % 2)])
            plain = all(_WORD.fullmatch(w) and len(w) > 1 for w in words)
            if plain and words[0].lower() not in _UNWANTED and words[-1].lower() not in _UNWANTED:
                found.add(words)
    return sorted(found)


@dataclass(frozen=True)
class Case:
    """A query string, the tree ``parse_query(text, now=NOW)`` must give for it, and its notes
    (the only one these queries can earn: date limits that do not overlap)."""

    text: str
    tree: Node
    notes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Piece:
    text: str
    clause: Clause
    notes: frozenset[str] = frozenset()


def _pick(items: tuple) -> st.SearchStrategy:
    """One of ``items``; drawn by index so that failure reports do not print the whole vocabulary."""
    return st.integers(0, len(items) - 1).map(items.__getitem__)


def _notes(pieces: list[_Piece], notes: Notes) -> frozenset[str]:
    return frozenset().union(*(p.notes for p in pieces), notes)


@functools.lru_cache(maxsize=8)
def cases(vocab: Vocabulary, *, max_depth: int = 3) -> st.SearchStrategy[Case]:
    """Queries of one to four clauses side by side, each a leaf or an AND/OR/NOT/bracket structure.

    Cached: building the strategy costs about a second, drawing from it a few milliseconds.
    """
    return st.lists(_expression(vocab, max_depth, negative=False), min_size=1, max_size=4).map(_top)


def _top(pieces: list[_Piece]) -> Case:
    notes = Notes()
    root = combine_side_by_side(_splice([p.clause for p in pieces]), notes)
    assert root is not None
    tree = narrow(root, [], notes)
    return Case(" ".join(p.text for p in pieces), tree, _notes(pieces, notes))


def _splice(clauses: list[Clause]) -> list[Clause]:
    out: list[Clause] = []
    for clause in clauses:
        out.extend(clause.parts if clause.parts and not clause.sign else [clause])
    return out


def _expression(vocab: Vocabulary, depth: int, *, negative: bool) -> st.SearchStrategy[_Piece]:
    leaf = _leaf(vocab, negative=negative)
    if depth <= 0:
        return leaf
    return st.deferred(
        lambda: st.one_of(
            leaf,
            leaf,
            _joined(vocab, depth, negative, "AND"),
            _joined(vocab, depth, negative, "OR"),
            _group(vocab, depth, negative),
            _negated(vocab, depth),
        )
    )


def _joined(vocab: Vocabulary, depth: int, negative: bool, operator: str) -> st.SearchStrategy[_Piece]:
    def build(pieces: list[_Piece]) -> _Piece:
        notes = Notes()
        clauses = [p.clause for p in pieces]
        node = combine_and(clauses, notes) if operator == "AND" else combine_or(clauses, notes)
        assert node is not None
        text = "(" + f" {operator} ".join(p.text for p in pieces) + ")"
        return _Piece(text, Clause(node), _notes(pieces, notes))

    return st.lists(_expression(vocab, depth - 1, negative=negative), min_size=2, max_size=3).map(build)


def _group(vocab: Vocabulary, depth: int, negative: bool) -> st.SearchStrategy[_Piece]:
    """Clauses side by side in brackets: a group of plain words is spliced into the words around it."""

    def build(pieces: list[_Piece]) -> _Piece:
        inner = _splice([p.clause for p in pieces])
        text = "(" + " ".join(p.text for p in pieces) + ")"
        notes = Notes()
        node = combine_side_by_side(inner, notes)
        assert node is not None
        clause = Clause(node, parts=tuple(inner) if all(c.plain for c in inner) else ())
        return _Piece(text, inner[0] if len(inner) == 1 else clause, _notes(pieces, notes))

    return st.lists(_expression(vocab, depth - 1, negative=negative), min_size=2, max_size=3).map(build)


def _negated(vocab: Vocabulary, depth: int) -> st.SearchStrategy[_Piece]:
    def build(args: tuple[str, _Piece]) -> _Piece:
        prefix, piece = args
        return _Piece(prefix + piece.text, piece.clause.negated(), piece.notes)

    inner = st.one_of(_leaf(vocab, negative=True), _group(vocab, depth, True) if depth > 1 else _leaf(vocab, negative=True))
    return st.tuples(st.sampled_from(["-", "NOT "]), inner).map(build)


def _leaf(vocab: Vocabulary, *, negative: bool) -> st.SearchStrategy[_Piece]:
    word = _pick(vocab.words)
    options = [
        word.map(lambda w: _Piece(w, Clause(Term(w), free=True))),
        _pick(vocab.names).map(lambda n: _Piece(n, Clause(Term(n, capitalised=not negative), free=True))),
        st.tuples(_pick(vocab.phrases), st.sampled_from([0, 0, 1, 3])).map(_phrase),
        word.filter(lambda w: len(w) >= 4).map(lambda w: _Piece(w[:3] + "*", Clause(Wildcard(w[:3] + "*")))),
        st.tuples(word.filter(lambda w: len(w) >= 4), st.sampled_from(["", "1", "2"])).map(_fuzzy),
        st.tuples(word, word, st.sampled_from([None, 2, 5])).map(_near),
        st.tuples(word, st.sampled_from([2, 3])).map(
            lambda a: _Piece(f"{a[0]}^{a[1]}", Clause(Term(a[0], boost=float(a[1]))))
        ),
    ]
    if vocab.title_words:
        title = _pick(vocab.title_words)
        options.append(title.map(lambda w: _Piece(f"title:{w}", Clause(Term(w, field="title")))))
    if vocab.sources:
        options.append(_pick(vocab.sources).map(_source))
    if vocab.months:
        options.append(st.tuples(_pick(vocab.months), st.sampled_from(["", ">=", "<"])).map(_month))
    return st.one_of(options)


def _phrase(args: tuple[tuple[str, ...], int]) -> _Piece:
    words, slop = args
    text = '"' + " ".join(words) + '"' + (f"~{slop}" if slop else "")
    return _Piece(text, Clause(Phrase(words, slop=slop)))


def _fuzzy(args: tuple[str, str]) -> _Piece:
    word, edits = args
    distance = int(edits) if edits else auto_edits(word)
    return _Piece(f"{word}~{edits}", Clause(Fuzzy(word, distance=distance)))


def _near(args: tuple[str, str, int | None]) -> _Piece:
    a, b, distance = args
    operator = "NEAR" if distance is None else f"NEAR/{distance}"
    node = Near((Term(a), Term(b)), distance=10 if distance is None else distance)
    return _Piece(f"({a} {operator} {b})", Clause(node))


def _source(name: str) -> _Piece:
    typed = name.lower()
    text = f'source:"{typed}"' if " " in typed else f"source:{typed}"
    return _Piece(text, Clause(SourceIs(typed)))


def _month(args: tuple[str, str]) -> _Piece:
    month, op = args
    start, end = comparison_span(op + month, NOW)
    assert parse_user_date(month, NOW)
    return _Piece(f"date:{op}{month}", Clause(DateRange(start, end)))
