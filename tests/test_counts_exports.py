"""Issue 14: one count everywhere, undated articles said, CSV/TSV, --fields, export with a query, timelines.

On real articles: all of BBC politics (undated, with byte-identical pairs), the
first Reuters records (dated 1987) and the seeds (dated 2024).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil

import pytest

from tests.conftest import SEEDS, corpus, invoke

REUTERS_RECORDS = 1500


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(corpus("bbc", "politics"), root / "articles" / "bbc" / "politics")
    shutil.copytree(SEEDS, root / "articles" / "seeds")
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as src:
        lines = [next(src) for _ in range(REUTERS_RECORDS)]
    (root / "articles" / "reuters.jsonl").write_text("".join(lines), "utf-8")
    index = root / "index"
    result = invoke(CliRunner(), "index", root / "articles", "--index", index, "--quiet")
    assert result.exit_code == 0, result.stderr
    return index


def run(runner, archive, *args):
    return invoke(runner, *args, "--index", archive)


def as_json(result):
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def rows(text: str, fmt: str = "csv") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if fmt == "tsv" else ","))


# --- one count ----------------------------------------------------------------------------------

def test_total_counts_results_as_listed_and_total_articles_before_grouping(runner, archive):
    data = as_json(run(runner, archive, "query", "Blair", "-n", "10000", "--json"))
    assert data["total"] == len(data["hits"]) and data["total_exact"]
    copies = sum(len(hit["duplicates"]) for hit in data["hits"])
    assert copies > 0  # BBC politics holds byte-identical pairs
    assert data["total_articles"] == data["total"] + copies
    every = as_json(run(runner, archive, "query", "Blair", "-n", "10000", "--json", "--all"))
    assert every["total"] == every["total_articles"] == data["total_articles"] == len(every["hits"])


def test_a_long_list_is_counted_about_until_the_page_reaches_its_end(runner, archive):
    from newsearch.search.service import EXACT_UP_TO

    top = as_json(run(runner, archive, "query", "said", "--json"))
    assert top["total_articles"] > EXACT_UP_TO
    assert not top["total_exact"] and top["total"] <= top["total_articles"]
    assert run(runner, archive, "query", "said").stdout.startswith(f"about {top['total']:,} hits for said")
    whole = as_json(run(runner, archive, "query", "said", "-n", "10000", "--json"))
    assert whole["total_exact"] and whole["total"] == len(whole["hits"]) <= top["total"]
    assert whole["total_articles"] == top["total_articles"] == len(whole["hits"]) + sum(len(h["duplicates"]) for h in whole["hits"])


def test_header_paging_and_offset_agree(runner, archive):
    total = as_json(run(runner, archive, "query", "Blair", "--json"))["total"]
    shown = run(runner, archive, "query", "Blair", "-n", "5", "--offset", "5")
    assert shown.exit_code == 0
    assert shown.stdout.startswith(f"{total:,} hits for Blair")
    assert f"Showing 6–10 of {total:,}" in shown.stdout
    last = run(runner, archive, "query", "Blair", "-n", "10", "--offset", str(total - 1), "--json")
    assert [hit["rank"] for hit in json.loads(last.stdout)["hits"]] == [total]
    past = run(runner, archive, "query", "Blair", "--offset", str(total))
    assert past.exit_code == 1  # nothing listed
    assert f"--offset {total:,} is past the last result ({total:,} in all)" in past.stderr


def test_date_filter_says_how_many_undated_articles_it_left_out(runner, archive):
    dated = run(runner, archive, "query", "Blair", "--since", "1987", "--json")
    data = as_json(dated)
    undated = as_json(run(runner, archive, "query", "Blair", "--since", "1987", "--undated", "only", "--json", "--all"))
    assert undated["total_articles"] > 100  # BBC politics has no dates
    assert data["undated_excluded"] == undated["total_articles"]
    assert f"left out {undated['total_articles']:,} undated articles" in dated.stderr
    assert any("undated" in note for note in data["notes"])
    both = as_json(run(runner, archive, "query", "Blair", "--since", "1987", "--undated", "include", "--json"))
    assert both["total_articles"] == data["total_articles"] + data["undated_excluded"]
    assert both["undated_excluded"] == 0
    # Without a date filter nothing is left out, and the note is not given.
    plain = run(runner, archive, "query", "Blair", "--json")
    assert as_json(plain)["undated_excluded"] == 0 and "undated" not in plain.stderr


def test_undated_only_gives_only_articles_without_a_date(runner, archive):
    data = as_json(run(runner, archive, "query", "minister", "--undated", "only", "-n", "50", "--json", "--all"))
    assert data["hits"] and all(hit["date"] is None for hit in data["hits"])
    assert all("/bbc/" in hit["path"] for hit in data["hits"])


# --- tables -------------------------------------------------------------------------------------

def test_query_csv_has_a_header_row_and_one_row_per_hit(runner, archive):
    result = run(runner, archive, "query", "Blair", "-n", "7", "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.count(b"\r\n") == 8  # RFC 4180 line ends: the header and 7 rows
    table = rows(result.stdout)
    header, body = table[0], table[1:]
    assert header[:3] == ["rank", "score", "id"] and "title" in header and "url" in header
    assert [row[0] for row in body] == [str(n) for n in range(1, 8)]
    hits = as_json(run(runner, archive, "query", "Blair", "-n", "7", "--json"))["hits"]
    assert [row[header.index("title")] for row in body] == [hit["title"] for hit in hits]


def test_fields_choose_columns_including_body_and_duplicates(runner, archive):
    result = run(runner, archive, "query", "Blair", "-n", "200", "--tsv", "--fields", "id,duplicates,body")
    table = rows(result.stdout, "tsv")
    assert table[0] == ["id", "duplicates", "body"]
    hits = as_json(run(runner, archive, "query", "Blair", "-n", "200", "--json"))["hits"]
    by_id = {hit["id"]: hit for hit in hits}
    with_copies = [row for row in table[1:] if row[1]]
    assert with_copies
    for row in with_copies:
        assert row[1].split() == [d["id"] for d in by_id[row[0]]["duplicates"]]
    assert all(len(row[2]) > 200 for row in table[1:])  # whole bodies, newlines kept inside quotes
    jsonl = run(runner, archive, "query", "Blair", "-n", "2", "--jsonl", "--fields", "title,url,section,language")
    assert [sorted(json.loads(line)) for line in jsonl.stdout.splitlines()] == [["language", "section", "title", "url"]] * 2


def test_unknown_field_is_a_one_line_error(runner, archive):
    result = run(runner, archive, "query", "Blair", "--csv", "--fields", "id,colour")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "'colour'" in result.stderr and "body" in result.stderr


def test_spreadsheet_formulas_in_article_text_are_escaped(runner, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    records = [
        {"title": '=HYPERLINK("http://evil.example","click")', "source": "@mention wire", "author": "+Someone",
         "body": "-2+3 is how the quarter began, said the minister, in a statement on Tuesday about the budget."},
        {"title": 'Budget, "quoted" and, commas', "source": "Daily", "body": "A plain budget story with\nlines."},
    ]
    (folder / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    index = tmp_path / "index"
    assert invoke(runner, "index", folder, "--index", index, "-q").exit_code == 0
    result = invoke(runner, "export", "--index", index, "--csv", "--fields", "title,source,author,body")
    table = {row[0]: row for row in rows(result.stdout)[1:]}
    evil = table["'=HYPERLINK(\"http://evil.example\",\"click\")"]
    assert evil[1] == "'@mention wire" and evil[2] == "'+Someone" and evil[3].startswith("'-2+3")
    plain = table['Budget, "quoted" and, commas']  # RFC 4180 quoting round-trips
    assert plain[3] == "A plain budget story with\nlines."
    for fmt in ("--csv", "--tsv"):
        out = invoke(runner, "query", "budget", "--index", index, fmt, "--fields", "title").stdout
        assert not any(line.startswith(("=", "+", "-", "@")) for line in out.splitlines())


def test_stats_csv_lists_sources_with_counts(runner, archive):
    table = rows(run(runner, archive, "stats", "--csv").stdout)
    stats = as_json(run(runner, archive, "stats", "--json"))
    assert table[0] == ["source", "articles"]
    assert {name: int(n) for name, n in table[1:]} == stats["sources"]


# --- export -------------------------------------------------------------------------------------

def test_export_takes_the_query_and_filters_of_query(runner, archive):
    result = run(runner, archive, "export", "oil", "--since", "1987-03-01", "--until", "1987-03-31")
    assert result.exit_code == 0, result.stderr
    articles = [json.loads(line) for line in result.stdout.splitlines()]
    counted = as_json(run(runner, archive, "query", "oil", "--since", "1987-03-01", "--until", "1987-03-31", "--all", "--json"))
    assert len(articles) == counted["total_articles"] > 20
    assert all("1987-03-01" <= a["date"][:10] <= "1987-03-31" for a in articles)
    assert set(articles[0]) >= {"id", "path", "title", "date", "source", "author", "section", "url", "language", "body"}
    assert all("oil" in (a["title"] + a["body"]).lower() for a in articles)


def test_export_without_words_filters_too_and_says_what_it_left_out(runner, archive):
    result = run(runner, archive, "export", "--since", "2000", "--tsv", "--fields", "id,date")
    table = rows(result.stdout, "tsv")
    dated = as_json(run(runner, archive, "query", "*", "--since", "2000", "--all", "--json"))["total_articles"]
    assert table[0] == ["id", "date"] and len(table) - 1 == dated >= 1
    assert all(row[1] >= "2000" for row in table[1:])
    assert "undated articles" in result.stderr
    everything = run(runner, archive, "export")
    total = as_json(run(runner, archive, "stats", "--json"))["articles"]
    assert len(everything.stdout.splitlines()) == total


# --- timelines ----------------------------------------------------------------------------------

def test_timeline_never_cuts_silently(runner, archive):
    # 1987 to 2024 is more than 10,000 days: coarser buckets, with a note, not a cut.
    result = run(runner, archive, "timeline", "*", "--interval", "day", "--json")
    data = as_json(result)
    assert data["interval"] == "week" and len(data["counts"]) <= 10_000
    assert sum(data["counts"].values()) + data["undated"] == data["total"]
    assert any("counted by week" in note for note in data["notes"]) and "counted by week" in result.stderr
    assert max(data["counts"]) >= "2024" and min(data["counts"]) < "1988"


def test_timeline_collapses_empty_stretches_in_the_terminal(runner, archive):
    result = run(runner, archive, "timeline", "the", "--interval", "year")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any("years with none" in line for line in lines)
    assert len(lines) < 20  # not a row for each of the ~37 years


def test_timeline_normalize_gives_the_share_of_all_articles(runner, archive):
    data = as_json(run(runner, archive, "timeline", "oil", "--normalize", "--interval", "month", "--json"))
    assert data["normalized"]
    counts, every = data["timelines"][0]["counts"], data["baseline"]["counts"]
    assert data["shares"][0]["1987-03"] == pytest.approx(counts["1987-03"] / every["1987-03"])
    assert 0 < data["shares"][0]["1987-03"] < 1
    table = rows(run(runner, archive, "timeline", "oil", "--normalize", "--interval", "month", "--csv").stdout)
    assert table[0] == ["bucket", "oil", "oil (share)", "all articles"]


def test_timeline_compare_puts_queries_side_by_side(runner, archive):
    data = as_json(run(runner, archive, "timeline", "oil", "gas", "--compare", "--json"))
    assert [t["query"] for t in data["timelines"]] == ["oil", "gas"]
    assert list(data["timelines"][0]["counts"]) == list(data["timelines"][1]["counts"]) == data["buckets"]
    singles = [as_json(run(runner, archive, "timeline", q, "--interval", data["interval"], "--json")) for q in ("oil", "gas")]
    assert [t["total"] for t in data["timelines"]] == [s["total"] for s in singles]
    table = rows(run(runner, archive, "timeline", "oil", "gas", "--compare", "--csv").stdout)
    assert table[0] == ["bucket", "oil", "gas"] and len(table) - 1 == len(data["buckets"])
    shown = run(runner, archive, "timeline", "oil", "gas", "--compare", "--normalize")
    assert shown.exit_code == 0 and "■ oil" in shown.stdout and "■ gas" in shown.stdout and "%" in shown.stdout
