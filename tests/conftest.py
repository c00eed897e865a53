"""Shared fixtures: isolate every test from the machine's environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


def corpus(*parts: str) -> Path:
    """A path in ../shared/corpora, or skip the test when the corpora are not beside the repo."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("FORCE_COLOR", "NO_COLOR", "COLUMNS", "LINES", "NEWSEARCH_INDEX", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, *args, env=None):
    """Run the CLI in-process; stdout and stderr kept apart."""
    from newsearch.cli import cli

    return runner.invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture
def seed_index(tmp_path, runner):
    index = tmp_path / "index"
    result = invoke(runner, "index", SEEDS, "--index", index)
    assert result.exit_code == 0, result.stderr
    return index


# --- a real OpenSearch node (tests/os_cluster.py), started once per test session when first asked for ---

@pytest.fixture(scope="session")
def opensearch_node(tmp_path_factory):
    """One OpenSearch 2.19 node on 127.0.0.1 (skipped only where Java or Maven is missing)."""
    import os_cluster

    why = os_cluster.missing_tools()
    if why and os.environ.get("CI"):
        pytest.fail(f"CI must run the OpenSearch tests: {why}")
    if why:
        pytest.skip(why)
    nodes = os_cluster.start_nodes(tmp_path_factory.mktemp("opensearch"), 1)
    yield nodes[0]
    for node in nodes:
        node.stop()


@pytest.fixture
def opensearch_url(opensearch_node):
    """An ``--index`` URL naming an index no other test uses."""
    import uuid

    return f"{opensearch_node.url}/t-{uuid.uuid4().hex[:12]}"
