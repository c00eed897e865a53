"""The library functions the web app added: timelines compared and normalised, an article's copies."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO
from web_support import web_index  # noqa: F401  (fixture)


def test_compared_timelines_share_buckets_and_match_single_timelines(web_index):  # noqa: F811
    from newsearch.search import stats, timeline
    from newsearch.search.compare import compare_timelines

    comparison = compare_timelines(web_index, ["oil", "wheat", "government"], normalize=True)
    assert comparison.interval in ("day", "week", "month", "year")
    buckets = comparison.buckets
    assert buckets == sorted(buckets) and len(buckets) > 3
    for compared in comparison.timelines:
        assert list(compared.counts) == buckets
        alone = timeline(web_index, compared.query, interval=comparison.interval)
        assert {k: v for k, v in compared.counts.items() if v} == {k: v for k, v in alone.counts.items() if v}
        assert compared.total == alone.total
    facts = stats(web_index)
    baseline = comparison.baseline
    assert baseline is not None and set(baseline.counts) == set(buckets)
    assert sum(baseline.counts.values()) <= facts.articles - facts.undated
    for compared, shares in zip(comparison.timelines, comparison.shares):
        for key in buckets:
            expected = compared.counts[key] / baseline.counts[key] if baseline.counts[key] else 0.0
            assert shares[key] == pytest.approx(expected) and 0.0 <= shares[key] <= 1.0
    data = comparison.to_dict()
    assert data["buckets"] == buckets and len(data["timelines"]) == 3 and data["normalized"] is True


def test_each_query_keeps_an_interval_no_finer_than_its_own(web_index):  # noqa: F811
    from newsearch.search import timeline
    from newsearch.search.compare import INTERVALS, compare_timelines

    own = [timeline(web_index, q).interval for q in ("oil", "government")]
    together = compare_timelines(web_index, ["oil", "government"]).interval
    assert INTERVALS.index(together) >= max(INTERVALS.index(i) for i in own)


def test_compare_refuses_no_query_and_too_many(web_index):  # noqa: F811
    from newsearch.errors import BadQuery
    from newsearch.search.compare import MAX_QUERIES, compare_timelines

    with pytest.raises(BadQuery):
        compare_timelines(web_index, [])
    with pytest.raises(BadQuery):
        compare_timelines(web_index, ["oil"] * (MAX_QUERIES + 1))


def test_copies_of_an_identical_pair_find_each_other(web_index):  # noqa: F811
    """BBC tech/004.txt and tech/063.txt are byte-identical."""
    from newsearch.models import SearchOptions
    from newsearch.search import get_article, search
    from newsearch.search.copies import copies_of

    found = search(web_index, "guru floats", SearchOptions(limit=20, group_duplicates=False)).hits
    pair = [hit for hit in found if hit.path.endswith(("tech/004.txt", "tech/063.txt"))]
    assert len(pair) == 2
    first, second = (get_article(web_index, hit.id) for hit in pair)
    assert [c["id"] for c in copies_of(web_index, first)] == [second.id]
    assert [c["id"] for c in copies_of(web_index, second)] == [first.id]
    lonely = get_article(web_index, search(web_index, "broadband").hits[0].id)
    assert lonely.id not in {c["id"] for c in copies_of(web_index, lonely)}


def test_other_commands_do_not_load_the_web_stack():
    code = "import sys, newsearch.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'jinja2', 'starlette') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert loaded.strip() == "[]"
