"""Article text and queries come from strangers: nothing in them may style, move or
link the terminal, and no query string may end in a traceback."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, invoke

HOSTILE_TITLE = "Markets \x1b[31mcrash\x1b[0m [bold red]now[/bold red] :rocket: \x1b]52;c;ZXZpbA==\x07"
HOSTILE_BODY = (
    "Investors fled as \x1b[2J\x1b[H the screen cleared. [link=https://evil.example]click[/link] "
    "Clipboard \x1b]52;c;cm0gLXJmIC8=\x07 written. Bidi \u202eevil\u202c text. Bell \x07 and \x9b31m C1."
)


@pytest.fixture
def hostile_index(tmp_path, runner):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "hostile.txt").write_text(f"{HOSTILE_TITLE}\n\n{HOSTILE_BODY}\n", "utf-8")
    index = tmp_path / "index"
    assert invoke(runner, "index", folder, "--index", index, "--quiet").exit_code == 0
    return index


def _escape_sequences_not_from_rich(output: str) -> list[str]:
    """ESC sequences other than the SGR colour codes Rich itself emits for our styling."""
    import re

    return [m for m in re.findall(r"\x1b[^m]{0,12}", output) if not re.fullmatch(r"\x1b\[[0-9;]*", m)]


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}])
def test_terminal_output_is_inert(hostile_index, runner, env):
    for args in (("query", "investors"), ("show", "--", "ignored")):
        if args[0] == "show":
            hit = json.loads(invoke(runner, "query", "investors", "--index", hostile_index, "--json").stdout)["hits"][0]
            args = ("show", hit["id"])
        result = invoke(runner, *args, "--index", hostile_index, env=env)
        out = result.stdout
        assert result.exit_code == 0
        assert _escape_sequences_not_from_rich(out) == []
        assert "\x07" not in out and "\x9b" not in out and "\u202e" not in out
        assert "[bold red]now[/bold red]" in out  # markup printed as text
        assert ":rocket:" in out  # not an emoji
        if env:
            assert "\x1b[31mcrash" not in out


def test_renderer_makes_raw_escapes_visible_whatever_the_extractor_did():
    """Defence in depth: hits reach the renderer from any reader, so it cleans them itself."""
    import io

    from rich.console import Console

    from newsearch.output import terminal as render
    from newsearch.models import Hit
    from newsearch.models import SearchResult

    hit = Hit(rank=1, score=1.0, id="x", path="/tmp/x.txt", title=HOSTILE_TITLE, date=None,
              source="[link=https://evil.example]Evil[/link]", author=None,
              snippet=HOSTILE_BODY, highlights=[(0, 9)])
    buffer = io.StringIO()
    out = Console(file=buffer, force_terminal=True, markup=False, emoji=False, highlight=False, width=200)
    render.print_results(SearchResult(query="\x1b[2Jq", total=1, took_ms=1.0, hits=[hit]), out)
    text = buffer.getvalue()
    assert _escape_sequences_not_from_rich(text) == []
    assert "\\x1b[31mcrash" in text and "\\x1b]52;c;" in text and "\\u202e" in text and "\\x9b" in text
    assert "[link=https://evil.example]Evil[/link]" in text and ":rocket:" in text
    assert "\x1b]8;" not in text  # no hyperlink was made


def test_json_output_escapes_control_characters(hostile_index, runner):
    result = invoke(runner, "query", "investors", "--index", hostile_index, "--json")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout
    assert "\u202e" not in result.stdout
    hit = json.loads(result.stdout)["hits"][0]
    assert "[bold red]" in hit["title"]  # data stays data for programs


def test_stats_and_timeline_are_inert_too(hostile_index, runner):
    for args in (("stats",), ("timeline", "investors")):
        out = invoke(runner, *args, "--index", hostile_index, env={"FORCE_COLOR": "1"}).stdout
        assert _escape_sequences_not_from_rich(out) == []


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory):
    from click.testing import CliRunner

    index = tmp_path_factory.mktemp("seeds") / "index"
    assert invoke(CliRunner(), "index", SEEDS, "--index", index, "--quiet").exit_code == 0
    return index


QUERY_ALPHABET = st.sampled_from(list('abcKyiv "():*?~^-+[]{}<>!&|\\/\'=,.;@#$%\x00\x1b') + ["AND", "OR", "NOT", "TO", "title:", "date:", "source:", "author:", "2024", "[2024-11-01 TO 2024-11-30]", ">", "yesterday"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=60), st.lists(QUERY_ALPHABET, max_size=12).map(" ".join), st.lists(QUERY_ALPHABET, max_size=12).map("".join)))
def test_any_query_string_searches_or_fails_cleanly(seeds_index, text):
    from newsearch.errors import NewsearchError
    from newsearch.search.service import search

    try:
        result = search(seeds_index, text)
    except NewsearchError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert result.total >= 0


def test_huge_query_answers(seeds_index, runner):
    words = ("Blinken Kyiv missiles winter power Ukraine NATO " * 1500).split()
    result = invoke(runner, "query", " ".join(words[:10_000]), "--index", seeds_index, "--json")
    assert result.exit_code == 0
    assert any("cut to its first" in note for note in json.loads(result.stdout)["notes"])
