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
