"""Publisher names in an index: ``index --source NAME``, and one name per publisher.

Real pages from ../shared/corpora/pages: AP News states its name as "AP NEWS" on one
page and "AP News" on another; a folder scraped from one site is named by the user.
"""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import corpus, invoke
from newsearch.indexing.run import index_paths


def _hits(runner, index, *args):
    result = invoke(runner, "query", *args, "--index", index, "--json", "-n", "100")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["hits"]


def _sources(runner, index):
    result = invoke(runner, "stats", "--index", index, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["sources"]


@pytest.fixture
def scrapes(tmp_path):
    """Two text scrapes of the Daily Star and one of another site."""
    pages = corpus("pages")
    folder = tmp_path / "scrapes"
    folder.mkdir()
    for name in ("uk_DailyStar_2026_04_20.txt", "us_APNews_2024_09_03.txt"):
        shutil.copy(pages / name, folder / name)
    return folder


def test_source_names_every_article_of_the_run_and_is_remembered(runner, tmp_path, scrapes):
    index = tmp_path / "index"
    result = invoke(runner, "index", scrapes, "--index", index, "--source", "  The  Scraped Site ")
    assert result.exit_code == 0, result.stderr
    assert _sources(runner, index) == {"The Scraped Site": 2}
    # A re-run without --source reads nothing and keeps the name; a changed file keeps it too.
    result = invoke(runner, "index", scrapes, "--index", index, "--json")
    assert json.loads(result.stdout)["unchanged"] == 2
    changed = scrapes / "us_APNews_2024_09_03.txt"
    changed.write_text(changed.read_text("utf-8") + "\nA line added later.\n", "utf-8")
    result = invoke(runner, "index", scrapes, "--index", index, "--json")
    assert json.loads(result.stdout)["updated"] == 1
    assert _sources(runner, index) == {"The Scraped Site": 2}
    # Another name re-files the unchanged files under it.
    result = invoke(runner, "index", scrapes, "--index", index, "--source", "Elsewhere", "--json")
    assert json.loads(result.stdout)["updated"] == 2
    assert {hit["source"] for hit in _hits(runner, index, "*", "--source", "elsewhere")} == {"Elsewhere"}


def test_source_overrides_a_records_own_source(runner, tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "wire.jsonl").write_text(
        json.dumps({"title": "Oil output falls", "body": "Output fell in March.", "source": "Wire"}) + "\n", "utf-8")
    index = tmp_path / "index"
    assert invoke(runner, "index", folder, "--index", index, "--source", "Mine").exit_code == 0
    assert _sources(runner, index) == {"Mine": 1}


def test_an_empty_source_is_refused(runner, tmp_path, scrapes):
    result = invoke(runner, "index", scrapes, "--index", tmp_path / "index", "--source", "  ")
    assert result.exit_code == 2 and "--source" in result.stderr
    assert not (tmp_path / "index").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_name_per_publisher_across_runs_and_workers(runner, tmp_path, jobs):
    """Pages of one web domain are one publisher, under the first spelling the index saw.

    CNN's pages call it "CNN"; its money section's pages "CNNMoney" (and AP's
    "AP NEWS" and "AP News"). A later run, in worker processes or not, files new
    pages under the names the index holds.
    """
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    shutil.copy(corpus("pages2", "mercury_82.html.gz"), first)  # "CNN"
    shutil.copy(corpus("pages", "us_APNews_2023_04_28.html.gz"), first)  # "AP NEWS"
    shutil.copy(corpus("pages2", "rdb_11.html.gz"), second)  # "CNNMoney", money.cnn.com
    shutil.copy(corpus("pages", "us_APNews_2024_09_03.html.gz"), second)  # "AP News"
    shutil.copy(corpus("pages", "de_NDR_2023_04_28.html.gz"), second)
    index = tmp_path / "index"
    index_paths([first], index, jobs=1)
    assert _sources(runner, index) == {"CNN": 1, "AP NEWS": 1}
    index_paths([first, second], index, jobs=jobs)
    assert _sources(runner, index) == {"CNN": 2, "AP NEWS": 2, "NDR": 1}
    assert {hit["source"] for hit in _hits(runner, index, "*", "--source", "ap news")} == {"AP NEWS"}
    assert len(_hits(runner, index, "*", "--source", "cnn")) == 2
