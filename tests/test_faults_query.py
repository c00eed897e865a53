"""Bounded per query, for real: one limit for the ranking, counting, facets and suggestions of a search.

On a BBC-sized index (2,225 articles, built once per session) the costliest
queries a user can type (``a*``, five wildcards, a 2,000-character word) are
run as fresh ``newsearch query`` processes with a limit they exceed
(``NEWSEARCH_SEARCH_SECONDS``): each must answer, with what it found and a
note saying what was cut. The only clock here is the guard against a hang;
latencies are measured by ``benchmarks/query_deadline.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, corpus
from test_faults_index import clean_env

from newsearch.deadline import SEARCH_SECONDS, Deadline, search_seconds


@pytest.fixture(scope="session")
def bbc_index(tmp_path_factory):
    index = tmp_path_factory.mktemp("bbc") / "index"
    from newsearch.indexing.run import index_paths

    report = index_paths([corpus("bbc")], index)
    assert report.added > 2000
    return index


def query(index, text: str, *extra: str, limit: str) -> tuple[subprocess.CompletedProcess, dict]:
    # The guard: a search that ignored its limit would still be counting here (minutes on big indexes).
    result = subprocess.run(
        [sys.executable, "-m", "newsearch", "query", text, "--index", str(index), "--json", *extra],
        capture_output=True, text=True, timeout=float(limit) + 30, env=clean_env({"NEWSEARCH_SEARCH_SECONDS": limit}),
        cwd=REPO,
    )
    assert result.returncode in (0, 1), result.stderr
    return result, json.loads(result.stdout)


LONG_WORD = "qzx" * 700


@pytest.mark.parametrize("text", ["a*", "a* b* c* d* e*", "s* t* r* i* k*"])
def test_costly_wildcards_answer_at_the_limit_with_what_they_found_and_a_note(bbc_index, text):
    result, data = query(bbc_index, text, "--facet", "source", limit="0.05")
    assert result.returncode == 0
    cut = [note for note in data["notes"] if "stopped after 0.05 s" in note]
    assert cut and all("results are partial" in note for note in cut)
    assert data["total"] > 0 and data["total"] >= len(data["hits"])  # what it found (hits if ranking got that far)
    assert cut[0] in result.stderr  # said on the terminal too


def test_a_2000_character_word_answers_and_suggestions_are_not_tried_on_it(bbc_index):
    result, data = query(bbc_index, LONG_WORD, limit=str(SEARCH_SECONDS))
    assert result.returncode == 1 and data["total"] == 0 and data["suggestion"] is None
    assert not [note for note in data["notes"] if "stopped after" in note]  # it never needed the limit


def test_suggestions_cut_short_by_the_limit_say_so(bbc_index):
    words = "Blinkin Kyivv Gadaffi Londn Parliment Goverment Minster Ecomony Tehran Presidnt"
    result, data = query(bbc_index, words, limit="0.01")
    assert any(note.startswith("the suggestions stopped after 0.01 s") for note in data["notes"]), data["notes"]


@pytest.mark.parametrize("value, seconds", [("2.5", 2.5), ("0", SEARCH_SECONDS), ("-1", SEARCH_SECONDS),
                                            ("nan", SEARCH_SECONDS), ("soon", SEARCH_SECONDS), ("", SEARCH_SECONDS)])
def test_the_limit_comes_from_the_environment_when_it_is_a_positive_number(monkeypatch, value, seconds):
    monkeypatch.setenv("NEWSEARCH_SEARCH_SECONDS", value)
    assert search_seconds() == seconds
    assert Deadline().seconds == seconds
    assert Deadline(None).seconds is None
