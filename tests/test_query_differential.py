"""Random queries: the Whoosh and OpenSearch engines match exactly what the brute-force reference engine matches.

Queries come from ``query_strategies.cases``: strings built from the words,
names, phrases, sources and months of ~300 real BBC and Reuters articles,
with operators, brackets, fields, phrases with slop, wildcards, fuzzy words,
NEAR and filters, each with the tree it must parse to. Each case checks the
grammar (the text parses to that tree) and the engine (Whoosh's matching
set equals the reference's, which reads the tree literally; ranking aside).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from newsearch.deadline import Deadline
from newsearch.query.parser import parse_query
from query_strategies import NOW, cases, sample_articles, vocabulary
from reference_engine import ReferenceEngine

EXAMPLES = int(os.environ.get("NEWSEARCH_DIFFERENTIAL_EXAMPLES", "250"))


def load(engine, articles) -> None:
    """The articles through the engine's writer and a sink, as an indexing run hands them over."""
    writer = engine.open_writer()
    try:
        sink = writer.sink()
        for article in articles:
            sink.add(article)
        writer.commit(sink.finish(), {})
    finally:
        writer.close()


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    from newsearch.engines import open_engine

    articles = sample_articles()
    reference = ReferenceEngine()
    load(reference, articles)
    whoosh = open_engine(tmp_path_factory.mktemp("differential") / "index", create=True)
    load(whoosh, [type(a)(**a.__dict__) for a in articles])
    yield whoosh, reference, articles
    whoosh.close()


@pytest.fixture(scope="module")
def opensearch(engines, opensearch_node):
    """The same articles in an OpenSearch index (one real node)."""
    import uuid

    from newsearch.engines import open_engine

    _, _, articles = engines
    engine = open_engine(f"{opensearch_node.url}/differential-{uuid.uuid4().hex[:8]}", create=True)
    load(engine, [type(a)(**a.__dict__) for a in articles])
    yield engine
    engine.close()


def matching(engine, tree) -> set[str]:
    ranking = engine.rank(tree, depth=100_000, deadline=Deadline(None))
    assert ranking.complete
    return {hit.id for hit in ranking.hits}


_VOCABULARY: dict = {}


def vocab(punctuated: bool):
    if punctuated not in _VOCABULARY:
        _VOCABULARY[punctuated] = vocabulary(sample_articles(), punctuated=punctuated)
    return _VOCABULARY[punctuated]


@pytest.fixture(scope="module")
def others(request) -> list:
    """The engines besides Whoosh that are checked on the same cases: OpenSearch, where Java is installed."""
    import os_cluster

    return [] if os_cluster.missing_tools() else [("opensearch", request.getfixturevalue("opensearch"))]


def same_matches(engines, others, tree, text) -> None:
    """Every engine matches what the reference matches (the reference evaluated once: it is the slow part)."""
    whoosh, reference, _ = engines
    expected = matching(reference, tree)
    assert matching(whoosh, tree) == expected, f"whoosh: {text}"
    for name, engine in others:
        assert matching(engine, tree) == expected, f"{name}: {text}"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=cases(vocab(False)))
def test_engines_match_exactly_what_the_reference_matches(engines, others, case):
    parsed = parse_query(case.text, now=NOW)
    assert parsed.tree == case.tree, case.text
    same_matches(engines, others, parsed.tree, case.text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=cases(vocab(True)))
def test_words_with_inner_punctuation_match_alike(engines, others, case):
    same_matches(engines, others, parse_query(case.text, now=NOW).tree, case.text)


def test_the_cases_are_not_trivial(engines):
    """Most generated queries match some articles but not all (else agreeing would prove little)."""
    whoosh, _, articles = engines
    sizes: list[int] = []

    @settings(max_examples=80, deadline=None)
    @given(case=cases(vocab(False)))
    def measure(case):
        sizes.append(len(matching(whoosh, parse_query(case.text, now=NOW).tree)))

    measure()
    middling = sum(1 for n in sizes if 0 < n < len(articles))
    assert middling >= 0.5 * len(sizes), sizes
