"""The end-to-end behaviour of each command, through Click's CliRunner."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO, SEEDS, invoke

TITLE_UKRAINE = "US reiterates support for Ukraine amid uncertainty over Trump stance"
TITLE_TRO = "High-Stakes Diplomacy: Lammy and Blinken Set to Visit Ukraine This Week!"

HIT_KEYS = {"rank", "score", "id", "path", "title", "date", "source", "author", "snippet", "duplicates"}


def test_index_reports_counts_and_reruns_skip_unchanged(tmp_path, runner):
    index = tmp_path / "ix"
    first = invoke(runner, "index", SEEDS, "--index", index)
    assert first.exit_code == 0
    assert "2 added" in first.stdout
    again = invoke(runner, "index", SEEDS, "--index", index)
    assert again.exit_code == 0
    assert "0 added" in again.stdout and "2 unchanged" in again.stdout


def test_index_json_summary(tmp_path, runner):
    result = invoke(runner, "index", SEEDS, "--index", tmp_path / "ix", "--json")
    summary = json.loads(result.stdout)
    assert summary["added"] == 2 and summary["skipped"] == [] and summary["files"] == 2


def test_query_lists_both_seed_articles_with_highlights(seed_index, runner):
    result = invoke(runner, "query", "Blinken Kyiv", "--index", seed_index, env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0
    plain = _strip_ansi(result.stdout)
    assert "2 hits" in plain
    assert TITLE_UKRAINE in plain and TITLE_TRO in plain
    # The matched words are styled (bold yellow) in the snippets.
    assert "\x1b[1;33mBlinken\x1b[0m" in result.stdout
    assert "\x1b[1;33mKyiv\x1b[0m" in result.stdout


def test_query_plain_output_when_piped_has_no_escape_codes(seed_index, runner):
    result = invoke(runner, "query", "Blinken", "--index", seed_index)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "2024-11-13 · Al Jazeera" in result.stdout


def test_query_json_schema(seed_index, runner):
    result = invoke(runner, "query", "Blinken Kyiv", "--index", seed_index, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"query", "total", "took_ms", "hits", "notes", "suggestion"} <= data.keys()
    assert data["query"] == "Blinken Kyiv" and data["total"] == 2
    assert isinstance(data["took_ms"], (int, float))
    titles = {hit["title"] for hit in data["hits"]}
    assert titles == {TITLE_UKRAINE, TITLE_TRO}
    for rank, hit in enumerate(data["hits"], start=1):
        assert HIT_KEYS <= hit.keys()
        assert hit["rank"] == rank
        assert isinstance(hit["score"], float) and hit["score"] > 0
        assert "Blinken" in hit["snippet"] or "Kyiv" in hit["snippet"]
        assert "[" not in hit["snippet"] and "\x1b" not in hit["snippet"]
    scores = [hit["score"] for hit in data["hits"]]
    assert scores == sorted(scores, reverse=True)
    by_title = {hit["title"]: hit for hit in data["hits"]}
    assert by_title[TITLE_UKRAINE]["date"] == "2024-11-13"
    assert by_title[TITLE_UKRAINE]["source"] == "Al Jazeera"
    assert by_title[TITLE_TRO]["date"] is None
    assert by_title[TITLE_TRO]["author"] == "TRO Staff"


def test_query_jsonl_prints_one_hit_per_line_and_nothing_else(seed_index, runner):
    result = invoke(runner, "query", "Blinken", "--index", seed_index, "--jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["rank"] for line in lines] == [1, 2]


def test_query_limit_and_offset(seed_index, runner):
    first = json.loads(invoke(runner, "query", "Blinken", "--index", seed_index, "--json", "--limit", "1").stdout)
    second = json.loads(
        invoke(runner, "query", "Blinken", "--index", seed_index, "--json", "--limit", "1", "--offset", "1").stdout
    )
    assert first["total"] == second["total"] == 2
    assert len(first["hits"]) == len(second["hits"]) == 1
    assert first["hits"][0]["id"] != second["hits"][0]["id"]
    assert second["hits"][0]["rank"] == 2


def test_query_without_hits_exits_1(seed_index, runner):
    result = invoke(runner, "query", "zanzibar", "--index", seed_index, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["hits"] == []


def test_missing_index_exits_2_with_one_line(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, "query", "Blinken")
    assert result.exit_code == 2
    assert result.stderr.strip() == "newsearch: no index at ./index — run `newsearch index DIR` first"
    assert result.stdout == ""


def test_index_env_variable_is_used(seed_index, runner):
    result = invoke(runner, "query", "Blinken", "--json", env={"NEWSEARCH_INDEX": str(seed_index)})
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == 2


def test_malformed_query_exits_2(seed_index, runner):
    """Only what a query-language user writes wrong is an error; stray marks in text are notes."""
    for bad in ("title:", ")))", "date:[2024 TO", "AND OR"):
        result = invoke(runner, "query", bad, "--index", seed_index)
        assert result.exit_code == 2, bad
        assert result.stderr.startswith("newsearch: ") and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    for stray in ('"Kyiv', "(Kyiv", "Kyiv)"):
        result = invoke(runner, "query", stray, "--index", seed_index, "--json")
        assert result.exit_code == 0, stray
        assert json.loads(result.stdout)["total"] == 2
        assert any("ignored" in note for note in json.loads(result.stdout)["notes"])


def test_usage_error_exits_2(runner):
    assert invoke(runner, "query").exit_code == 2
    assert invoke(runner, "query", "x", "--limit", "0").exit_code == 2


def test_stemming_finds_other_word_forms(seed_index, runner):
    # The seed says "Set to Visit" and "visit"; the query says "visits".
    result = json.loads(invoke(runner, "query", "visits", "--index", seed_index, "--json").stdout)
    assert TITLE_TRO in {hit["title"] for hit in result["hits"]}


def test_long_question_still_returns_ranked_results(seed_index, runner):
    question = "what did Blinken say about missiles hitting Kyiv and the winter power shortages zanzibar"
    result = invoke(runner, "query", question, "--index", seed_index, "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["total"] == 2  # no article has "zanzibar": still ranked


def test_show_prints_the_article_and_json(seed_index, runner):
    hits = json.loads(invoke(runner, "query", "Rutte", "--index", seed_index, "--json").stdout)["hits"]
    article_id = hits[0]["id"]
    shown = invoke(runner, "show", article_id, "--index", seed_index)
    assert shown.exit_code == 0
    assert TITLE_UKRAINE in shown.stdout and "Al Jazeera" in shown.stdout
    assert "Kyiv and allies fear" in shown.stdout  # the end of the body: shown in full
    data = json.loads(invoke(runner, "show", article_id, "--index", seed_index, "--json").stdout)
    assert data["id"] == article_id and data["title"] == TITLE_UKRAINE
    assert data["body"].startswith("United States Secretary of State Antony Blinken")


def test_show_unknown_id_exits_2(seed_index, runner):
    result = invoke(runner, "show", "nosuchid", "--index", seed_index)
    assert result.exit_code == 2 and "no article" in result.stderr


def test_export_gives_every_article_with_all_fields(seed_index, runner):
    result = invoke(runner, "export", "--index", seed_index)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert {"id", "path", "title", "date", "source", "author", "section", "url", "body"} <= row.keys()
    by_title = {row["title"]: row for row in rows}
    assert by_title[TITLE_UKRAINE]["section"] == "World News"
    assert "Promote your business" not in by_title[TITLE_UKRAINE]["body"]


def test_cli_import_does_not_load_heavy_modules():
    code = "import sys, newsearch.cli; print(sorted(m for m in ('whoosh', 'rich', 'dateutil', 'trafilatura') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_json_query_loads_only_what_it_uses(seed_index):
    """A cold ``query --json`` is start-up bound: no renderer, no date parsers of the ingester, no
    package metadata (importlib.metadata pulls in email, zipfile and csv). benchmarks/startup.py counts
    the instructions; this keeps the modules that cost them out."""
    code = (
        "import sys\nfrom newsearch.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('rich', 'dateutil', 'dateparser', 'trafilatura', 'importlib.metadata', 'email', 'zipfile',"
        " 'newsearch.ingest.dates', 'newsearch.output.terminal')\n"
        "sys.stderr.write('LOADED ' + repr(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    argv = ["query", "Blinken Kyiv", "--json", "--index", str(seed_index)]
    out = subprocess.run([sys.executable, "-c", code, *argv], cwd=REPO, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["total"] == 2
    assert out.stderr.rsplit("LOADED ", 1)[1] == "[]"


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_words_that_cannot_be_searched_are_noted(seed_index, runner):
    result = invoke(runner, "query", "Blinken & Kyiv", "--index", seed_index, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["notes"] == ["ignored '&' (nothing searchable in it)"]
    assert "note: ignored '&'" in result.stderr
