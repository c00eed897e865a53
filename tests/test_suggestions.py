"""'Did you mean …?' on real articles: with query operators around the word, and for names misspelt."""

from __future__ import annotations

import gzip
import json

import pytest

from conftest import corpus
from newsearch.indexing.run import index_paths
from newsearch.models import SearchOptions
from newsearch.search import search

NAMES = ("Gaddafi", "Mitterrand", "Mitterand")


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """BBC politics (Blunkett) and the Reuters records naming Gaddafi or Mitterrand, with 300 others."""
    root = tmp_path_factory.mktemp("suggest")
    records, others = [], []
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as lines:
        for line in lines:
            (records if any(name in line for name in NAMES) else others).append(line)
    assert len(records) >= 5
    (root / "reuters.jsonl").write_text("".join(records + others[:300]), "utf-8")
    index = root / "index"
    index_paths([corpus("bbc", "politics"), root / "reuters.jsonl"], index)
    return index


def suggestion(index, text):
    return search(index, text, SearchOptions(limit=3)).suggestion


@pytest.mark.parametrize(
    "typed, suggested",
    [
        ("Blunket", "Blunkett"),
        ("Blunket~", "Blunkett~"),
        ("Blunket -Howard", "Blunkett -Howard"),
        ("title:Blunket", "title:Blunkett"),
        ('"David Blunket"', '"David Blunkett"'),
        ("(Blunket OR Straw) AND resign", "(Blunkett OR Straw) AND resign"),
        ("Gadaffi", "Gaddafi"),  # a swap of two letters
        ("Gadafi", "Gaddafi"),
        ("Mitterand", "Mitterrand"),  # in one article, but a much more common spelling is a letter away
    ],
)
def test_suggestions_keep_the_query_around_the_corrected_word(index, typed, suggested):
    assert suggestion(index, typed) == suggested


@pytest.mark.parametrize("typed", ["Blunkett", "Mitterrand", "Gaddafi", "Blunkett resigned"])
def test_words_the_index_knows_well_are_left_alone(index, typed):
    assert suggestion(index, typed) is None


def test_suggestion_in_json(index, runner):
    from conftest import invoke

    result = invoke(runner, "query", "Gadaffi", "--index", index, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["suggestion"] == "Gaddafi"


def test_a_long_question_keeps_its_one_slip_corrected(index):
    question = "what did Blunket say to the home office about identity cards and the police in the election campaign"
    assert suggestion(index, question) == question.replace("Blunket", "Blunkett")


def test_a_question_about_what_the_archive_does_not_hold_is_not_corrected_word_by_word(index):
    # Three words no article has: a question on another subject, not three slips (each would be
    # "corrected" to some near word of the archive, and each costs a scan of its vocabulary).
    assert suggestion(index, "polarography of cerebrospinal fluid in vertebrates and the Blunket report") is None
