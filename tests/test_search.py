"""Query language, ranking behaviour and exploration on a real slice: BBC politics (417 articles)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import corpus, invoke


@pytest.fixture(scope="session")
def politics_index(tmp_path_factory):
    from click.testing import CliRunner

    folder = corpus("bbc", "politics")
    index = tmp_path_factory.mktemp("politics") / "index"
    result = invoke(CliRunner(), "index", folder, "--index", index, "--quiet")
    assert result.exit_code == 0, result.stderr
    return index


def query(runner, index, *args) -> dict:
    result = invoke(runner, "query", *args, "--index", index, "--json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def text_of(hit) -> str:
    return Path(hit["path"]).read_text("latin-1")


def test_news_words_us_and_may_are_searchable_and_mean_names(politics_index, runner):
    us = query(runner, politics_index, "US", "--limit", "10")
    assert us["total"] > 50
    # "US" the country, not "us" the pronoun, in every one of the top ten.
    assert all(re.search(r"\bUS\b", text_of(hit)) for hit in us["hits"])
    may = query(runner, politics_index, "May", "--limit", "10")
    tops = [text_of(hit) for hit in may["hits"]]
    assert all(re.search(r"\bMay\b", text) for text in tops)
    assert any("Theresa May" in text for text in tops)


def test_phrase_matches_adjacent_words_only(politics_index, runner):
    phrase = query(runner, politics_index, '"Gordon Brown"', "--limit", "50", "--all")
    loose = query(runner, politics_index, "Gordon Brown", "--all")
    assert 0 < phrase["total"] < loose["total"]
    assert all(re.search(r"Gordon\s+Brown", text_of(hit)) for hit in phrase["hits"])


def test_boolean_operators(politics_index, runner):
    both = query(runner, politics_index, "Blair AND Howard", "--limit", "100", "--all")
    assert both["total"] > 0
    assert all("blair" in text_of(h).lower() and "howard" in text_of(h).lower() for h in both["hits"])
    without = query(runner, politics_index, "Blair -Howard", "--limit", "100", "--all")
    assert without["total"] > 0 and all("howard" not in text_of(h).lower() for h in without["hits"])
    assert query(runner, politics_index, "Blair NOT Howard", "--all")["total"] == without["total"]
    either = query(runner, politics_index, "Blair OR Howard", "--all")
    blair = query(runner, politics_index, "Blair", "--all")
    assert either["total"] >= blair["total"]
    assert either["total"] == blair["total"] + without["total"] * 0 + (
        query(runner, politics_index, "Howard -Blair", "--all")["total"]
    )


def test_title_clause_is_required(politics_index, runner):
    result = query(runner, politics_index, "title:election tax", "--limit", "100", "--all")
    assert result["total"] > 0
    assert all("election" in hit["title"].lower() for hit in result["hits"])


def test_typo_gets_a_suggestion_from_the_vocabulary(politics_index, runner):
    # "Blaire" stems to a known word and stays as typed; "elektion" is unknown.
    result = query(runner, politics_index, "Blaire elektion")
    assert result["suggestion"] == "Blaire election"
    plain = invoke(runner, "query", "Blunkettt", "--index", politics_index)
    assert "Did you mean: Blunkett?" in plain.stdout  # as the articles write the name


def test_no_suggestion_when_the_query_finds_plenty(politics_index, runner):
    assert query(runner, politics_index, "election")["suggestion"] is None


def test_identical_files_are_grouped_unless_all(politics_index, runner):
    folder = corpus("bbc", "politics")
    by_hash: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*.txt")):
        by_hash.setdefault(hashlib.md5(path.read_bytes()).hexdigest(), []).append(path)
    first, second = next(paths for paths in by_hash.values() if len(paths) == 2)
    title = first.read_text("latin-1").splitlines()[0]
    grouped = query(runner, politics_index, f"title:({title})", "--limit", "5")
    top = grouped["hits"][0]
    members = {top["path"]} | {d["path"] for d in top["duplicates"]}
    assert {str(first), str(second)} <= members
    every = query(runner, politics_index, f"title:({title})", "--limit", "5", "--all")
    paths = [hit["path"] for hit in every["hits"]]
    assert str(first) in paths and str(second) in paths
    assert all(hit["duplicates"] == [] for hit in every["hits"])


def test_paging_follows_the_ranking(politics_index, runner):
    whole = query(runner, politics_index, "tax", "--limit", "20")
    page = query(runner, politics_index, "tax", "--limit", "10", "--offset", "10")
    assert [h["id"] for h in page["hits"]] == [h["id"] for h in whole["hits"][10:20]]
    assert [h["rank"] for h in page["hits"]] == list(range(11, 21))


def test_unknown_field_is_a_note_not_an_error(politics_index, runner):
    result = invoke(runner, "query", "colour:red", "--index", politics_index, "--json")
    assert result.exit_code in (0, 1)
    assert any("no field 'colour:'" in note for note in json.loads(result.stdout)["notes"])
    assert "note: no field 'colour:'" in result.stderr


def test_wildcards_are_bounded(politics_index, runner):
    star = query(runner, politics_index, "*", "--limit", "1", "--all")
    assert star["total"] == 417
    prefix = query(runner, politics_index, "a*", "--limit", "3")
    assert prefix["total"] > 0
    assert any("most common" in note for note in prefix["notes"])


def test_similar_finds_articles_on_the_same_subject(politics_index, runner):
    budget = query(runner, politics_index, "Budget Brown chancellor", "--limit", "1")["hits"][0]
    result = invoke(runner, "similar", budget["id"], "--index", politics_index, "--json")
    assert result.exit_code == 0
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 10 and budget["id"] not in {h["id"] for h in hits}
    about_budget = [h for h in hits if "budget" in text_of(h).lower()]
    assert len(about_budget) >= 7


def test_similar_unknown_id_exits_2(politics_index, runner):
    result = invoke(runner, "similar", "nosuchid", "--index", politics_index)
    assert result.exit_code == 2 and result.stderr.startswith("newsearch: no article")


def test_stats_counts_articles(politics_index, runner):
    result = invoke(runner, "stats", "--index", politics_index, "--json")
    data = json.loads(result.stdout)
    assert data["articles"] == 417 and data["undated"] == 417 and data["first_date"] is None
    assert data["index_bytes"] > 100_000
    text = invoke(runner, "stats", "--index", politics_index).stdout
    assert text.startswith("417 articles")


def test_hyphenated_words_are_words_not_exclusions(politics_index, runner):
    result = query(runner, politics_index, "pre-election", "--limit", "20", "--all")
    assert result["total"] > 0
    assert all(re.search(r"pre-election", text_of(hit), re.IGNORECASE) for hit in result["hits"])


def test_long_question_ranks_articles_matching_more_of_it_higher(politics_index, runner):
    question = "what did the chancellor say about tax cuts and spending in the budget before the election zanzibar"
    result = query(runner, politics_index, question, "--limit", "60", "--all")
    assert result["total"] > 60  # no article has "zanzibar", yet the question is answered
    content = ["chancellor", "tax", "cut", "spending", "budget", "election"]

    def coverage(hit):
        text = text_of(hit).lower()
        return sum(word in text for word in content)

    top, tail = result["hits"][:10], result["hits"][-10:]
    assert sum(map(coverage, top)) / 10 > sum(map(coverage, tail)) / 10 + 1
    assert all(coverage(hit) >= 4 for hit in top)


def test_similar_leaves_out_identical_copies(tmp_path, runner):
    folder = tmp_path / "news"
    folder.mkdir()
    sources = sorted(corpus("bbc", "politics").glob("*.txt"))[:40]
    for path in sources:
        shutil.copyfile(path, folder / path.name)
    shutil.copyfile(sources[0], folder / "copy-of-first.txt")
    index = tmp_path / "index"
    assert invoke(runner, "index", folder, "--index", index).exit_code == 0
    exported = [json.loads(line) for line in invoke(runner, "export", "--index", index).stdout.splitlines()]
    first = next(a["id"] for a in exported if a["path"].endswith(sources[0].name))
    copy = next(a["id"] for a in exported if a["path"].endswith("copy-of-first.txt"))
    result = invoke(runner, "similar", first, "--index", index, "--json")
    assert result.exit_code == 0, result.stderr
    ids = {h["id"] for h in json.loads(result.stdout)["hits"]}
    assert len(ids) == 10 and first not in ids and copy not in ids
