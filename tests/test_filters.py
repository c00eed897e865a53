"""Date and source filters, sorting, facets and timelines on real dated news:
every 12th Reuters-21578 article (about 1,800, February to October 1987) plus the two seed articles."""

from __future__ import annotations

import gzip
import json
from datetime import date

import pytest

from conftest import SEEDS, corpus, invoke

EVERY = 12


@pytest.fixture(scope="session")
def news_index(tmp_path_factory):
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("news")
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as source:
        lines = [line for number, line in enumerate(source) if number % EVERY == 0]
    (folder / "reuters.jsonl").write_text("".join(lines), "utf-8")
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    index = folder / "index"
    result = invoke(CliRunner(), "index", folder, "--index", index, "--quiet")
    assert result.exit_code == 0, result.stderr
    return index


def hits(runner, index, *args) -> list[dict]:
    result = invoke(runner, "query", *args, "--index", index, "--json", "--all", "--limit", "5000")
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    assert len(data["hits"]) == data["total"]
    return data["hits"]


def day(hit) -> date | None:
    return date.fromisoformat(hit["date"][:10]) if hit["date"] else None


def test_reuters_records_have_dates_and_source(news_index, runner):
    found = hits(runner, news_index, "oil")
    assert len(found) > 50
    assert all(hit["source"] == "Reuters" and day(hit) is not None for hit in found)
    assert all("#" in hit["id"] for hit in found)  # the id names file and record


@pytest.mark.parametrize(
    "args, low, high",
    [
        (("--since", "1987-03-01", "--until", "1987-03-31"), date(1987, 3, 1), date(1987, 3, 31)),
        (("date:[1987-03-01 TO 1987-03-31]",), date(1987, 3, 1), date(1987, 3, 31)),
        (("--since", "1987-04"), date(1987, 4, 1), None),
        (("date:>=1987-04-07",), date(1987, 4, 7), None),
        (("date:>1987-04-07",), date(1987, 4, 8), None),
        (("date:<1987-03-02",), None, date(1987, 3, 1)),
        (("--until", "1987-03"), None, date(1987, 3, 31)),
        (("date:1987-06",), date(1987, 6, 1), date(1987, 6, 30)),
    ],
)
def test_date_filters_give_exactly_the_unfiltered_hits_in_range(news_index, runner, args, low, high):
    everything = hits(runner, news_index, "oil")
    expected = {h["id"] for h in everything if day(h) and (low is None or day(h) >= low) and (high is None or day(h) <= high)}
    query_words = ["oil"] + [a for a in args if a.startswith("date:")]
    flags = [a for a in args if not a.startswith("date:")]
    filtered = hits(runner, news_index, " ".join(query_words), *flags)
    assert expected and {h["id"] for h in filtered} == expected


def test_a_date_clause_narrows_rather_than_widens(news_index, runner):
    narrowed = hits(runner, news_index, "oil date:1987-03")
    assert narrowed and all("oil" in (h["title"] + h["snippet"]).lower() for h in narrowed)
    assert len(narrowed) < len(hits(runner, news_index, "oil"))


def test_source_filter_is_case_insensitive_and_repeatable(news_index, runner):
    aljazeera = hits(runner, news_index, "Ukraine", "--source", "al jazeera")
    assert [h["source"] for h in aljazeera] == ["Al Jazeera"]
    both = hits(runner, news_index, "Blinken", "--source", "AL JAZEERA", "--source", "tro")
    assert sorted(h["source"] for h in both) == ["Al Jazeera", "TRO"]
    clause = hits(runner, news_index, "Blinken source:tro")
    assert [h["source"] for h in clause] == ["TRO"]
    assert hits(runner, news_index, "oil", "--source", "Al Jazeera") == []


def test_sort_by_date_both_ways_with_undated_last(news_index, runner):
    oldest_first = [day(h) for h in hits(runner, news_index, "Blinken OR oil", "--sort", "date")]
    newest_first = [day(h) for h in hits(runner, news_index, "Blinken OR oil", "--sort", "-date")]
    for days, reverse in ((oldest_first, False), (newest_first, True)):
        dated = [d for d in days if d]
        assert dated == sorted(dated, reverse=reverse)
        assert days[-1] is None  # the undated seed comes last either way
    assert newest_first[0] == date(2024, 11, 13)


def test_source_facet_counts_every_hit(news_index, runner):
    result = invoke(runner, "query", "Blinken OR oil", "--index", news_index, "--json", "--facet", "source")
    data = json.loads(result.stdout)
    facets = data["facets"]["source"]
    assert facets["Al Jazeera"] == 1 and facets["TRO"] == 1 and facets["Reuters"] > 50
    assert sum(facets.values()) == data["total"]
    text = invoke(runner, "query", "Blinken OR oil", "--index", news_index, "--facet", "source").stdout
    assert "By source:" in text and "Reuters" in text


def test_timeline_counts_match_the_query(news_index, runner):
    result = invoke(runner, "timeline", "oil", "--index", news_index, "--json")
    data = json.loads(result.stdout)
    assert data["interval"] == "week"  # the slice spans eight months
    assert sum(data["counts"].values()) == data["total"] - data["undated"] == len(hits(runner, news_index, "oil"))
    keys = list(data["counts"])
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    chart = invoke(runner, "query", "oil", "--timeline", "--index", news_index)
    assert chart.exit_code == 0 and "█" in chart.stdout and "by week" in chart.stdout
    monthly = json.loads(invoke(runner, "timeline", "oil", "--interval", "month", "--index", news_index, "--json").stdout)
    assert list(monthly["counts"])[:2] == ["1987-02", "1987-03"] and sum(monthly["counts"].values()) == sum(data["counts"].values())


def test_bad_dates_are_usage_errors(news_index, runner):
    for args in (("oil", "--since", "someday"), ("oil date:[1987 TO whenever]",), ("oil date:",)):
        result = invoke(runner, "query", *args, "--index", news_index)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("newsearch: ") and len(result.stderr.splitlines()) == 1


def test_undated_folder_then_dated_files_in_separate_runs(tmp_path, runner):
    """Two segments, one without any dates: Whoosh's multi-segment column reader fails on that."""
    index = tmp_path / "index"
    undated = corpus("bbc", "tech")
    assert invoke(runner, "index", undated, "--index", index, "--quiet").exit_code == 0
    assert invoke(runner, "index", SEEDS, "--index", index, "--quiet").exit_code == 0
    stats = json.loads(invoke(runner, "stats", "--index", index, "--json").stdout)
    assert stats["first_date"] == stats["last_date"] == "2024-11-13"
    assert stats["undated"] == stats["articles"] - 1
    newest = hits(runner, index, "Blinken OR computer", "--sort", "-date")
    assert newest[0]["date"] == "2024-11-13" and all(h["date"] is None for h in newest[1:])
    timeline = json.loads(invoke(runner, "timeline", "Blinken OR computer", "--index", index, "--json").stdout)
    assert timeline["counts"] == {"2024-11-13": 1}


def test_author_and_section_clauses(news_index, runner):
    by_author = hits(runner, news_index, 'Ukraine author:"TRO Staff"')
    assert [h["author"] for h in by_author] == ["TRO Staff"]
    by_section = hits(runner, news_index, "Ukraine section:world")
    assert [h["source"] for h in by_section] == ["Al Jazeera"]
    assert hits(runner, news_index, "oil author:nobody") == []


def test_relative_dates_on_the_command_line(news_index, runner):
    # The sample is from 1987 and 2024: nothing in the last three days, all of it before yesterday.
    assert hits(runner, news_index, "oil", "--since", "3 days ago") == []
    assert hits(runner, news_index, "oil", "--since", "last week") == []
    before = hits(runner, news_index, "oil", "--until", "yesterday")
    assert len(before) == len([h for h in hits(runner, news_index, "oil") if h["date"]])
    assert hits(runner, news_index, "Blinken", "--since", "2024", "--until", "2024-11")[0]["source"] == "Al Jazeera"
