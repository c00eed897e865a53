"""The engine contract: the same behaviour tests on every engine, through ``engines.base`` only.

Each engine is loaded with the same real articles (the seeds, BBC stories,
dated Reuters records) by the same indexing run, then asked the same
questions. The reference engine (``reference_engine.py``) answers by brute
force over the articles, so where a test compares against it, it is the
oracle; where a test states a property (undated last, ids round-trip,
deletions stick), every engine must have it on its own.
"""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from conftest import SEEDS, corpus
from newsearch.deadline import Deadline
from newsearch.engines.base import Engine, EngineWriter
from newsearch.indexing.run import IndexRun
from newsearch.query import tree as t
from reference_engine import ReferenceEngine

ENGINES = ["whoosh", "reference", "opensearch"]
REUTERS_RECORDS = 300
BBC_PER_TOPIC = 30


@pytest.fixture(scope="module")
def articles_dir(tmp_path_factory) -> Path:
    """A folder of real articles: seeds, a slice of each BBC topic, Reuters records with dates."""
    root = tmp_path_factory.mktemp("contract") / "articles"
    shutil.copytree(SEEDS, root / "seeds")
    bbc = corpus("bbc")
    for topic in ("business", "politics", "sport", "tech", "entertainment"):
        target = root / "bbc" / topic
        target.mkdir(parents=True)
        for path in sorted((bbc / topic).glob("*.txt"))[:BBC_PER_TOPIC]:
            shutil.copy(path, target / path.name)
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as lines:
        records = [line for line in itertools.islice(lines, 2000) if json.loads(line).get("body")][:REUTERS_RECORDS]
    (root / "reuters.jsonl").write_text("".join(records), "utf-8")
    return root


def load(engine: Engine, paths: list[Path]) -> None:
    writer = engine.open_writer()
    try:
        IndexRun(writer, paths, exclude=engine.folder).run(jobs=1)
    finally:
        writer.close()


@pytest.fixture(scope="module")
def reference(articles_dir) -> ReferenceEngine:
    engine = ReferenceEngine()
    load(engine, [articles_dir])
    return engine


@pytest.fixture(scope="module")
def whoosh(articles_dir, tmp_path_factory):
    from newsearch.engines import open_engine

    folder = tmp_path_factory.mktemp("whoosh") / "index"
    engine = open_engine(folder, create=True)
    load(engine, [articles_dir])
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def opensearch(articles_dir, opensearch_node):
    import uuid

    from newsearch.engines import open_engine

    engine = open_engine(f"{opensearch_node.url}/contract-{uuid.uuid4().hex[:8]}", create=True)
    load(engine, [articles_dir])
    yield engine
    engine.close()


@pytest.fixture(params=ENGINES)
def engine(request) -> Engine:
    return request.getfixturevalue(request.param)


def ids(engine: Engine, node: t.Node) -> set[str]:
    ranking = engine.rank(node, depth=10_000, count=True, deadline=Deadline())
    assert ranking.complete
    return {hit.id for hit in ranking.hits}


QUERIES = [
    t.Bool(should=(t.Term("oil"),)),
    t.Bool(should=(t.Term("Blair"), t.Term("Howard"))),
    t.Bool(must=(t.Term("Blair"), t.Term("Howard"))),
    t.Bool(should=(t.Term("oil"),), must_not=(t.Term("prices"),)),
    t.Bool(must_not=(t.Term("the"),)),
    t.Bool(should=(t.Phrase(("Gordon", "Brown")),)),
    t.Bool(should=(t.Phrase(("oil", "prices"), slop=2),)),
    t.Bool(should=(t.Term("budget", field="title"),)),
    t.Bool(should=(t.Wildcard("elect*"),)),
    t.Bool(should=(t.Wildcard("ky?v"),)),
    t.Bool(should=(t.Fuzzy("Blunket", distance=2),)),
    t.Bool(should=(t.Near((t.Term("oil"), t.Term("price")), distance=5),)),
    t.Bool(should=(t.Term("oil"),), filter=(t.SourceIs("reuters"),)),
    t.Bool(should=(t.Term("Kyiv"),), filter=(t.DateRange(datetime(2024, 11, 1), datetime(2024, 12, 1)),)),
    t.Bool(filter=(t.DateRange(None, datetime(1987, 3, 1)),)),
    t.Bool(should=(t.Term("Ukraine"), t.SourceIs("al jazeera"))),
    t.Bool(filter=(t.Exists("author"),)),
    t.Bool(filter=(t.Exists("date"),)),
    t.Bool(must_not=(t.Exists("source"),)),
    t.Bool(should=(t.Term("Kyiv"),), filter=(t.MatchAll(),)),
    t.Bool(should=(t.Term("U.S."),)),
    t.MatchAll(),
]


@pytest.mark.parametrize("node", QUERIES, ids=[t.describe(q)[:60] for q in QUERIES])
@pytest.mark.parametrize("name", ["whoosh", "opensearch"])
def test_engine_matches_what_the_reference_matches(request, name, reference, node):
    assert ids(request.getfixturevalue(name), node) == ids(reference, node)


def test_everything_is_indexed_once(engine):
    everything = ids(engine, t.MatchAll())
    assert len(everything) == 2 + 5 * BBC_PER_TOPIC + REUTERS_RECORDS
    assert engine.count(t.MatchAll(), deadline=Deadline()) == len(everything)
    assert sum(1 for _ in engine.iter_articles()) == len(everything)


def test_the_seeds_are_found_by_their_words(engine):
    hits = engine.rank(t.Bool(should=(t.Term("Blinken"), t.Term("Kyiv"))), depth=10, deadline=Deadline()).hits
    titles = {a.title for a in engine.articles([h.id for h in hits])}
    assert "US reiterates support for Ukraine amid uncertainty over Trump stance" in titles
    assert len(hits) == 2


def test_ranking_is_ordered_and_deep_as_asked(engine):
    ranking = engine.rank(t.Bool(should=(t.Term("oil"), t.Term("prices"))), depth=5, count=True, deadline=Deadline())
    assert len(ranking.hits) == 5
    assert not ranking.complete and ranking.total > 5
    scores = [hit.score for hit in ranking.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(len(hit.signature) == len(ranking.hits[0].signature) > 0 for hit in ranking.hits)


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_date_order_puts_undated_last(engine, sort):
    node = t.Bool(should=(t.Term("said"),))
    hits = engine.rank(node, sort=sort, depth=10_000, deadline=Deadline()).hits
    dates = [a.date for a in engine.articles([h.id for h in hits])]
    dated = [d for d in dates if d is not None]
    assert dated and None in dates
    assert dates[: len(dated)] == dated  # every dated one before every undated one
    assert dated == sorted(dated, reverse=sort == "-date")


def test_articles_round_trip(engine, articles_dir):
    seed = next(a for a in engine.iter_articles() if a.path.endswith("004_a8516f1524eb2589.txt"))
    again = engine.articles([seed.id, "no-such-id"])
    assert again[1] is None
    assert (again[0].title, again[0].source, again[0].date_text) == (
        "US reiterates support for Ukraine amid uncertainty over Trump stance", "Al Jazeera", "2024-11-13")
    assert engine.find(seed.id).body == seed.body
    assert engine.find(str(articles_dir / "seeds" / "004_a8516f1524eb2589.txt")).id == seed.id
    assert engine.find("no-such-id") is None


def test_facets_count_every_match(engine, reference):
    node = t.Bool(should=(t.Term("said"),))
    counts = engine.facets(node, ("source",), deadline=Deadline())["source"]
    assert counts == reference.facets(node, ("source",), deadline=Deadline())["source"]
    assert counts["Reuters"] > 100 and list(counts.values()) == sorted(counts.values(), reverse=True)


def test_date_counts(engine, reference):
    node = t.MatchAll()
    got = engine.dates(node, interval=None, deadline=Deadline())
    assert got == reference.dates(node, interval=None, deadline=Deadline())
    assert got.undated == sum(1 for a in engine.iter_articles() if a.date is None) > 5 * BBC_PER_TOPIC - 1
    assert got.interval == "year"
    by_month = engine.dates(t.Bool(filter=(t.SourceIs("reuters"),)), interval="month", deadline=Deadline())
    assert set(by_month.counts) <= {"1987-02", "1987-03"} and by_month.undated == 0


def test_similar_leaves_out_the_article_and_its_identical_copies(engine):
    first = next(a for a in engine.iter_articles() if "/bbc/politics/" in a.path)
    ranking = engine.similar(first.id, limit=5, deadline=Deadline())
    assert 0 < len(ranking.hits) <= 5
    assert first.id not in {h.id for h in ranking.hits}
    with pytest.raises(LookupError):
        engine.similar("no-such-id", limit=5, deadline=Deadline())


def test_body_term_is_how_the_body_was_analysed(engine):
    assert engine.body_term("visits") == engine.body_term("visit")
    assert engine.body_term("...") is None


def test_stats(engine):
    stats = engine.stats()
    assert stats.articles == 2 + 5 * BBC_PER_TOPIC + REUTERS_RECORDS
    assert stats.sources["Reuters"] == REUTERS_RECORDS
    assert stats.first_date.startswith("1987") and stats.last_date.startswith("2024")
    assert stats.undated == sum(1 for a in engine.iter_articles() if a.date is None)


def test_an_expired_deadline_answers_with_a_note_not_an_error(engine):
    deadline = Deadline(0.0)
    ranking = engine.rank(t.Bool(should=(t.Wildcard("s*"),)), depth=10, deadline=deadline)
    assert isinstance(ranking.hits, list)
    assert engine.count(t.Bool(should=(t.Term("said"),)), deadline=deadline) >= 0
    engine.facets(t.MatchAll(), ("source",), deadline=deadline)
    engine.dates(t.MatchAll(), interval=None, deadline=deadline)


@pytest.fixture(params=ENGINES)
def fresh_engine(request, tmp_path):
    if request.param == "reference":
        yield ReferenceEngine()
        return
    from newsearch.engines import open_engine

    where = request.getfixturevalue("opensearch_url") if request.param == "opensearch" else tmp_path / "index"
    engine = open_engine(where, create=True)
    yield engine
    engine.close()


def test_writer_commits_deletes_and_keeps_the_manifest(fresh_engine, articles_dir, tmp_path):
    folder = tmp_path / "news"
    shutil.copytree(articles_dir / "seeds", folder)
    load(fresh_engine, [folder])
    assert len(ids(fresh_engine, t.MatchAll())) == 2
    writer: EngineWriter = fresh_engine.open_writer()
    try:
        manifest = writer.manifest()
        files = [p for p, state in manifest.items() if not state.root]
        assert sorted(Path(p).name for p in files) == sorted(p.name for p in folder.iterdir())
        assert [p for p, state in manifest.items() if state.root] == [str(folder.resolve())]  # what `index` alone refreshes
        gone = files[0]
        writer.delete_path(gone)
        del manifest[gone]
        writer.commit([], manifest)
    finally:
        writer.close()
    assert len(ids(fresh_engine, t.MatchAll())) == 1
    writer = fresh_engine.open_writer()
    try:
        assert gone not in writer.manifest()
    finally:
        writer.close()


def test_cancel_forgets_what_was_not_committed(fresh_engine, articles_dir, tmp_path):
    folder = tmp_path / "news"
    shutil.copytree(articles_dir / "seeds", folder)
    load(fresh_engine, [folder])
    writer = fresh_engine.open_writer()
    try:
        sink = writer.sink()
        article = next(fresh_engine.iter_articles())
        article.id = "new-one"
        sink.add(article)
        sink.finish()
        writer.delete_path(article.path)
        writer.cancel()
    finally:
        writer.close()
    assert len(ids(fresh_engine, t.MatchAll())) == 2


def test_one_writer_at_a_time(fresh_engine):
    from newsearch.errors import IndexLocked

    writer = fresh_engine.open_writer()
    try:
        with pytest.raises(IndexLocked):
            fresh_engine.open_writer(wait=0.1)
    finally:
        writer.close()
    fresh_engine.open_writer(wait=0.1).close()
