"""Issue 14: indexing that remembers skips, counts what it does not read, --exclude and
.newsearchignore, `newsearch index` with no paths, hints that name the right folder; help texts."""

from __future__ import annotations

import json
import shutil

import click
import pytest

from tests.conftest import corpus, invoke


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "articles"
    for topic in ("politics", "tech"):
        (root / topic).mkdir(parents=True)
        for path in sorted(corpus("bbc", topic).glob("*.txt"))[:6]:
            shutil.copyfile(path, root / topic / path.name)
    (root / "politics" / "empty.txt").write_bytes(b"")
    (root / "tech" / "noise.txt").write_bytes(bytes(range(256)) * 40)
    (root / "wire.jsonl").write_text('{"title": "Oil rises", "body": "Oil prices rose on Monday in busy trading."}\n{bad\n', "utf-8")
    (root / "figures.csv").write_text("a,b\n1,2\n", "utf-8")
    (root / "report.pdf").write_bytes(b"%PDF-1.4\n")
    return root


def index(runner, index_dir, *args):
    result = invoke(runner, "index", *args, "--index", index_dir, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def skipped(report) -> dict[str, str]:
    return {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in report["skipped"]}


def test_skipped_files_stay_listed_until_they_index(runner, tmp_path, folder):
    ix = tmp_path / "index"
    first = index(runner, ix, folder)
    assert set(skipped(first)) == {"empty.txt", "noise.txt", "wire.jsonl:2"}
    again = index(runner, ix, folder)
    assert skipped(again) == skipped(first)  # not "unchanged" and forgotten
    assert again["added"] == 0 and again["unchanged"] == first["added"]
    shown = invoke(runner, "index", folder, "--index", ix)
    assert "skipped" in shown.stderr and "empty.txt: empty file" in shown.stderr
    # Changed, it is retried: now it indexes and is no longer listed.
    (folder / "politics" / "empty.txt").write_text("Blair speaks\n\nThe prime minister spoke on the budget today.\n", "utf-8")
    fixed = index(runner, ix, folder)
    assert fixed["added"] == 1 and "empty.txt" not in skipped(fixed)
    assert "empty.txt" not in skipped(index(runner, ix, folder))


def test_files_of_other_types_are_counted_and_listed_with_verbose(runner, tmp_path, folder):
    ix = tmp_path / "index"
    report = index(runner, ix, folder)
    assert sorted(p.rsplit("/", 1)[-1] for p in report["unsupported"]) == ["figures.csv", "report.pdf"]
    plain = invoke(runner, "index", folder, "--index", ix)
    assert "2 unsupported" in plain.stdout and "2 files of other types were not read (--verbose lists them)" in plain.stderr
    verbose = invoke(runner, "index", folder, "--index", ix, "--verbose")
    assert "figures.csv: unsupported file type" in verbose.stderr and "report.pdf: unsupported file type" in verbose.stderr


def test_exclude_and_newsearchignore_leave_files_out_and_remove_them(runner, tmp_path, folder):
    ix = tmp_path / "index"
    everything = index(runner, ix, folder)
    tech = len(list((folder / "tech").glob("*.txt"))) - 1  # less the binary one
    narrowed = index(runner, ix, folder, "--exclude", "tech", "--exclude", "*.jsonl")
    assert narrowed["removed"] == tech + 1
    assert {p.rsplit("/", 1)[-1] for p in narrowed["excluded"]} == {"tech", "wire.jsonl"}
    assert "noise.txt" not in skipped(narrowed)
    stats = json.loads(invoke(runner, "stats", "--index", ix, "--json").stdout)
    assert stats["articles"] == everything["added"] - tech - 1
    # The same through a .newsearchignore in the folder (patterns relative to it).
    (folder / ".newsearchignore").write_text("# drafts\npolitics/00[1-3].txt\n", "utf-8")
    ignored = index(runner, ix, folder)
    assert ignored["removed"] == 3 and ignored["added"] == tech + 1
    assert sorted(p.rsplit("/", 1)[-1] for p in ignored["excluded"]) == ["001.txt", "002.txt", "003.txt"]
    query = json.loads(invoke(runner, "query", "*", "--index", ix, "--json", "--all", "-n", "100").stdout)
    assert query["hits"] and not any(hit["path"].endswith(("/politics/001.txt", "/politics/003.txt")) for hit in query["hits"])


def test_index_without_paths_refreshes_the_recorded_folders(runner, tmp_path, folder):
    ix = tmp_path / "index"
    first = index(runner, ix, folder / "politics", folder / "wire.jsonl")
    shutil.copyfile(sorted(corpus("bbc", "politics").glob("*.txt"))[50], folder / "politics" / "new.txt")
    refreshed = index(runner, ix)
    assert refreshed["added"] == 1 and refreshed["unchanged"] == first["added"]
    assert sorted(refreshed["paths"]) == sorted([str(folder / "politics"), str(folder / "wire.jsonl")])
    assert not any("/tech/" in p for p in refreshed["unsupported"] + [s["path"] for s in refreshed["skipped"]])
    empty = invoke(runner, "index", "--index", tmp_path / "fresh")
    assert empty.exit_code == 2 and empty.stderr.count("\n") == 1 and "records no folders" in empty.stderr


def test_rebuild_hints_name_the_article_folders_not_the_index(tmp_path):
    from newsearch.engines.whoosh.store import incompatible

    message = str(incompatible("my-index", {"schema_version": -1}))
    assert "newsearch index --rebuild --index my-index FOLDER..." in message
    assert "not the index" in message


def test_every_option_has_help_and_query_help_shows_the_syntax(runner):
    from newsearch.cli import cli

    for name, command in cli.commands.items():
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (name, param.opts)
    shown = invoke(runner, "query", "--help").stdout
    assert '"arrived in Kyiv"' in shown and "title:budget" in shown and "date:[2024-11-01 TO 2024-11-30]" in shown
    for command in ("similar", "stats", "timeline", "export"):
        assert "Show this message" in invoke(runner, command, "--help").stdout
