"""Ranking behaviour on real articles: a BBC business slice and the TIME collection."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newsearch.engines.whoosh import ranking
from newsearch.engines.whoosh.schema import build_schema

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"


def _corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path


@pytest.fixture(scope="module")
def bbc_index(tmp_path_factory):
    """The first 120 BBC business articles: headline as title, the rest as body."""
    from whoosh import index

    folder = _corpus("bbc", "business")
    ix = index.create_in(str(tmp_path_factory.mktemp("bbc")), build_schema())
    writer = ix.writer()
    for path in sorted(folder.glob("*.txt"))[:120]:
        title, _, body = path.read_bytes().decode("utf-8", "replace").partition("\n")
        writer.add_document(id=path.stem, path=str(path), title=title.strip(), body=body.strip())
    writer.commit()
    return ix


def _search(ix, text: str, *, expand: bool = False, limit: int = 10):
    with ix.searcher(weighting=ranking.weighting()) as searcher:
        q = ranking.free_text_query(ix.schema, text)
        if expand:
            q = ranking.expand(searcher, q)
        return [(hit["id"], hit["title"], hit.score) for hit in searcher.search(q, limit=limit)]


# ------------------------------------------------------------------ query words


def test_function_words_are_dropped_from_long_queries():
    assert ranking.query_words("the impact of the oil price on the airlines") == ["impact", "oil", "price", "airlines"]


def test_news_words_that_look_like_function_words_are_kept():
    assert ranking.query_words("sanctions by the US in May") == ["sanctions", "US", "May"]
    assert ranking.query_words("WHO warning on bird flu") == ["WHO", "warning", "bird", "flu"]
    # In an all-capitals query case tells nothing: keep the ambiguous words.
    assert ranking.query_words("US TROOPS IN MAY") == ["US", "TROOPS", "MAY"]
    # Lower case in a mixed-case query: the pronoun and the modal verb.
    assert ranking.query_words("Let us see what may happen to Yukos") == ["Let", "see", "happen", "Yukos"]


def test_a_query_of_only_function_words_keeps_them_all():
    assert ranking.query_words("US") == ["US"]
    assert ranking.query_words("the who") == ["the", "who"]
    assert ranking.query_words("to be or not to be") == ["to", "be", "or", "not", "to", "be"]


def test_words_with_inner_punctuation_are_one_query_word():
    assert ranking.query_words("U.S. aid to the U.N.") == ["U.S.", "aid", "U.N."]
    assert ranking.query_words("O'Neill and AT&T on e-mail") == ["O'Neill", "AT&T", "e-mail"]
    q = str(ranking.free_text_query(build_schema(), "U.S. aid O'Neill AT&T"))
    assert "body:us" in q and "body:o'neil" in q and "body:at&t" in q


def test_nothing_left_is_a_null_query():
    from whoosh import query as wq

    assert ranking.free_text_query(build_schema(), "  ... ") is wq.NullQuery


# ------------------------------------------------------------- on real articles


def test_us_alone_finds_articles_about_the_us(bbc_index):
    hits = _search(bbc_index, "US")
    assert len(hits) == 10


def test_may_in_a_sentence_is_searched(bbc_index):
    with_may = _search(bbc_index, "profits in May", limit=5)
    without = _search(bbc_index, "profits", limit=5)
    assert with_may and [h[0] for h in with_may] != [h[0] for h in without]


def test_natural_language_query_without_a_doc_holding_every_word_is_ranked(bbc_index):
    text = "what did the central bank say about rising interest rates and the weak dollar in asia"
    words = ranking.query_words(text)
    with bbc_index.searcher() as searcher:
        from whoosh import query as wq

        all_words = wq.And([ranking.free_text_query(bbc_index.schema, w) for w in words])
        assert len(searcher.search(all_words, limit=None)) == 0
    hits = _search(bbc_index, text)
    assert len(hits) == 10
    scores = [score for _, _, score in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_title_matches_outrank_body_only_matches(bbc_index):
    hits = _search(bbc_index, "Yukos")
    assert hits and "yukos" in hits[0][1].lower()


def test_feedback_terms_come_from_the_top_documents(bbc_index):
    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        q = ranking.free_text_query(bbc_index.schema, "Yukos")
        top = searcher.search(q, limit=ranking.FEEDBACK_DOCS)
        analyzer = bbc_index.schema["body"].analyzer
        top_terms = {t.text for hit in top for t in analyzer(hit["title"] + " " + hit["body"])}
        terms = ranking.feedback_terms(searcher, [hit.docnum for hit in top])
        assert len(terms) == ranking.FEEDBACK_TERMS
        assert {t for t, _ in terms} <= top_terms
        assert not {t for t, _ in terms} & ranking.STOP_WORDS
        assert "yuko" in {t for t, _ in terms[:5]}  # the topic word itself ranks high
        weights = [w for _, w in terms]
        assert weights == sorted(weights, reverse=True) and weights[-1] > 0


def test_expansion_reranks_the_same_matches(bbc_index):
    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        q = ranking.free_text_query(bbc_index.schema, "oil prices")
        expanded = ranking.expand(searcher, q, min_words=1)
        assert expanded is not q
        before = searcher.search(q, limit=None)
        after = searcher.search(expanded, limit=None)
        assert {hit["id"] for hit in before} == {hit["id"] for hit in after}
        # The bonus goes to documents that use the feedback vocabulary: scores rise, order changes.
        depth = [hit["id"] for hit in before][: ranking.FEEDBACK_DEPTH]
        assert [hit["id"] for hit in after][: len(depth)] != depth
        assert max(hit.score for hit in after) > max(hit.score for hit in before)


def test_expansion_keeps_the_operators_of_a_parsed_query(bbc_index):
    from whoosh import query as wq

    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        q = wq.AndNot(ranking.free_text_query(bbc_index.schema, "oil"), wq.Term("body", "opec"))
        expanded = ranking.expand(searcher, q, min_words=1)
        hits = searcher.search(expanded, limit=None)
        assert len(hits) == len(searcher.search(q, limit=None)) > 0
        assert not any("opec" in hit["body"].lower() for hit in hits)


def test_document_bonus_lands_on_the_right_documents_across_segments(tmp_path):
    from whoosh import index
    from whoosh import query as wq

    ix = index.create_in(str(tmp_path), build_schema())
    for batch in (("a", "b"), ("c", "d"), ("e",)):  # three segments
        writer = ix.writer()
        for name in batch:
            writer.add_document(id=name, body=f"news {name}")
        writer.commit(merge=False)
    with ix.searcher(weighting=ranking.weighting()) as searcher:
        assert len(searcher.subsearchers or []) == 3
        docnum = {searcher.stored_fields(n)["id"]: n for n in range(searcher.doc_count_all())}
        bonus = ranking.DocumentBonus({docnum["b"]: 1.0, docnum["d"]: 3.0, docnum["e"]: 2.0})
        hits = searcher.search(bonus)
        assert [(hit["id"], hit.score) for hit in hits] == [("d", 3.0), ("e", 2.0), ("b", 1.0)]
        combined = searcher.search(wq.Or([wq.Term("body", "news"), bonus]), limit=2)
        assert [hit["id"] for hit in combined] == ["d", "e"]


def test_one_and_two_word_queries_are_not_expanded(bbc_index):
    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        for text in ("Yukos", "oil prices", "the price of oil"):
            q = ranking.free_text_query(bbc_index.schema, text)
            assert ranking.expand(searcher, q) is q
        q = ranking.free_text_query(bbc_index.schema, "oil prices hit airline profits")
        assert ranking.expand(searcher, q) is not q


def test_expansion_leaves_a_query_with_no_hits_alone(bbc_index):
    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        q = ranking.free_text_query(bbc_index.schema, "xylophonist")
        assert ranking.expand(searcher, q, min_words=1) is q


def test_expansion_respects_the_filter(bbc_index):
    from whoosh import query as wq

    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        q = ranking.free_text_query(bbc_index.schema, "Yukos")
        nothing = wq.Term("id", "no-such-id")
        assert ranking.expand(searcher, q, filter=nothing, min_words=1) is q


# ------------------------------------------------------------------ benchmark


def test_metrics_on_a_hand_computed_ranking():
    sys.path.insert(0, str(REPO / "benchmarks"))
    from metrics import average_precision, evaluate, ndcg_at, precision_at

    relevant = {"a": 1, "c": 1, "x": 1}
    ranking_ = ["a", "b", "c", "d"]
    assert average_precision(ranking_, relevant) == pytest.approx((1 + 2 / 3) / 3)
    assert precision_at(ranking_, relevant) == pytest.approx(0.2)
    idcg = 1 + 1 / 1.5849625007211563 + 0.5
    assert ndcg_at(ranking_, relevant) == pytest.approx((1 + 0.5) / idcg)
    assert evaluate({"q": ranking_}, {"q": relevant, "empty": {"z": 0}})["MAP"] == pytest.approx((1 + 2 / 3) / 3)


# ------------------------------------------------------------------ index side


def test_a_title_made_of_the_opening_words_is_not_indexed():
    body = (
        "THE ALLIES AFTER NASSAU IN DECEMBER 1960, THE U.S . FIRST PROPOSED TO HELP NATO DEVELOP ITS OWN "
        "NUCLEAR STRIKE FORCE . BUT EUROPE MADE NO ATTEMPT TO DEVISE A PLAN ."
    )
    stand_in = "THE ALLIES AFTER NASSAU IN DECEMBER 1960, THE U.S . FIRST PROPOSED TO HELP NATO DEVELOP ITS OWN…"
    assert ranking.indexed_title(stand_in, body) == ""
    # Whitespace may differ between the title line and the body.
    assert ranking.indexed_title(stand_in, body.replace(" ", "\n", 3)) == ""


def test_real_headlines_stay_indexed():
    folder = _corpus("bbc", "business")
    for path in sorted(folder.glob("*.txt"))[:50]:
        title, _, body = path.read_bytes().decode("utf-8", "replace").partition("\n")
        assert ranking.indexed_title(title.strip(), body.strip()) == title.strip()
    # A short headline that the body repeats is still a headline.
    headline = "Yukos unit buyer faces loan claim"
    assert ranking.indexed_title(headline, headline + ". The owners of the unit said") == headline
    assert ranking.indexed_title("", "anything") == ""


# ------------------------------------------------------------------ term-at-a-time scoring


def _exact_top(searcher, q, limit: int, allowed=None) -> list[tuple[int, float]]:
    """The best ``limit`` documents by Whoosh's own score of each matching document, one at a time."""
    matching = [d for d in q.docs(searcher) if allowed is None or d in allowed]
    scores = [(d, searcher.search(q, filter={d}, limit=1)[0].score) for d in matching]
    return sorted(scores, key=lambda item: (-item[1], item[0]))[:limit]


def _compiled(searcher, text: str):
    from newsearch.engines.whoosh.compile import compile_tree
    from newsearch.query.parser import parse_query

    return compile_tree(searcher, parse_query(text).tree)


@pytest.mark.parametrize(
    "text",
    [
        "what did the central bank say about rising interest rates and the weak dollar in asia",
        "Yukos",
        "U.S. economy growth",  # a phrase clause (u s) beside terms
        "Deutsche Bank profits in Germany",  # capitalised words: the names preference (AndMaybe)
        "oil pric* opec",  # a pattern's words
        "(oil OR gas)^2 prices",
        "+oil prices dollar",  # a required word with optional ones: AndMaybe(required, optional)
        "title:oil prices",
    ],
)
def test_term_at_a_time_scores_equal_whooshs_document_by_document(bbc_index, text):
    from newsearch.deadline import Deadline
    from newsearch.engines.whoosh import accumulate

    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        compiled = _compiled(searcher, text)
        fast, finished, matched = accumulate.top_documents(
            searcher, compiled.query, allowed=None, limit=15, deadline=Deadline()
        )
        expected = _exact_top(searcher, compiled.query, 15)
        assert finished and fast and matched == len(set(compiled.query.docs(searcher)))
        assert [d for d, _ in fast] == [d for d, _ in expected]
        assert [s for _, s in fast] == pytest.approx([s for _, s in expected], rel=1e-12)


def test_term_at_a_time_honours_the_allowed_set_and_segments_and_deletions(tmp_path):
    from whoosh import index

    from newsearch.deadline import Deadline
    from newsearch.engines.whoosh import accumulate

    folder = _corpus("bbc", "business")
    ix = index.create_in(str(tmp_path), build_schema())
    paths = sorted(folder.glob("*.txt"))[:60]
    for batch in (paths[:20], paths[20:45], paths[45:]):  # three segments
        writer = ix.writer()
        for path in batch:
            title, _, body = path.read_bytes().decode("utf-8", "replace").partition("\n")
            writer.add_document(id=path.stem, title=title.strip(), body=body.strip())
        writer.commit(merge=False)
    with ix.searcher(weighting=ranking.weighting()) as searcher:
        q = _compiled(searcher, "oil prices and the dollar").query
        top = [d for d, _ in _exact_top(searcher, q, 10)]
        gone = searcher.stored_fields(top[1])["id"]
    writer = ix.writer()
    writer.delete_by_term("id", gone)
    writer.commit(merge=False)
    with ix.searcher(weighting=ranking.weighting()) as searcher:
        assert len(searcher.subsearchers) == 3 and searcher.reader().has_deletions()
        q = _compiled(searcher, "oil prices and the dollar").query
        allowed = set(range(0, searcher.doc_count_all(), 2))
        for subset in (None, allowed):
            fast, _, _ = accumulate.top_documents(searcher, q, allowed=subset, limit=10, deadline=Deadline())
            expected = _exact_top(searcher, q, 10, subset)
            assert [d for d, _ in fast] == [d for d, _ in expected]
            assert [s for _, s in fast] == pytest.approx([s for _, s in expected], rel=1e-12)
            assert gone not in {searcher.stored_fields(d)["id"] for d, _ in fast}


def test_queries_with_required_clauses_are_left_to_whoosh(bbc_index):
    from newsearch.deadline import Deadline
    from newsearch.engines.whoosh import accumulate

    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        for text in ("oil AND prices", "oil AND prices dollar", "oil -opec", "title:oil title:prices"):
            q = _compiled(searcher, text).query
            assert accumulate.top_documents(searcher, q, allowed=None, limit=10, deadline=Deadline()) is None


def test_term_at_a_time_stops_at_the_deadline_with_a_note(bbc_index):
    from newsearch.deadline import Deadline
    from newsearch.engines.whoosh import accumulate

    with bbc_index.searcher(weighting=ranking.weighting()) as searcher:
        q = _compiled(searcher, "oil prices and the dollar").query
        deadline = Deadline(0.0)
        top, finished, _matched = accumulate.top_documents(searcher, q, allowed=None, limit=10, deadline=deadline)
        assert not finished and isinstance(top, list)
        assert any("stopped after" in note for note in deadline.notes)
