"""The package's shape: which folder may import what, and no import cycles.

The folders are the data flow (files -> articles -> engine; query text ->
query tree -> ranked hits -> output); these rules keep them that way, so a
second engine or another front end touches one folder. Imports are read
from the source (module level and inside functions alike).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "newsearch"

# Third-party packages only one place may import.
OWNERS = {
    "whoosh": "newsearch/engines/whoosh/",
    "opensearchpy": "newsearch/engines/opensearch/",
    "rich": "newsearch/output/",
    "click": "newsearch/cli.py",
}
# Engine-neutral folders: they reach engines only through engines/base.py and open_engine.
NEUTRAL = ("newsearch/ingest/", "newsearch/query/", "newsearch/indexing/", "newsearch/search/", "newsearch/models.py",
           "newsearch/deadline.py", "newsearch/buckets.py", "newsearch/errors.py")
ENGINE_ENTRY = {"newsearch.engines.open_engine", "newsearch.engines.engine_kind"}  # engines/__init__.py
STANDARD_LIBRARY_ONLY = ("newsearch/models.py", "newsearch/errors.py", "newsearch/deadline.py", "newsearch/query/",
                         "newsearch/engines/base.py", "newsearch/buckets.py")


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports_of(path: Path, name: str) -> set[str]:
    """Absolute names of every module ``path`` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def relpath(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_only_one_place_imports_each_heavy_library(library):
    owner = OWNERS[library]
    offenders = [
        relpath(path)
        for name, path in modules().items()
        if any(m == library or m.startswith(library + ".") for m in imports_of(path, name))
        and not relpath(path).startswith(owner)
    ]
    assert offenders == [], f"{library} imported outside {owner}"


def test_neutral_code_does_not_reach_into_an_engine():
    offenders = []
    for name, path in modules().items():
        if not relpath(path).startswith(NEUTRAL):
            continue
        for module in imports_of(path, name):
            if module.startswith("newsearch.engines.") and module not in ENGINE_ENTRY and not module.startswith("newsearch.engines.base"):
                offenders.append(f"{relpath(path)} imports {module}")
    assert offenders == []


def test_the_records_and_the_query_tree_need_only_the_standard_library():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    offenders = []
    for name, path in modules().items():
        if not relpath(path).startswith(STANDARD_LIBRARY_ONLY):
            continue
        for module in imports_of(path, name):
            top = module.split(".")[0]
            if top not in stdlib and top != "newsearch":
                offenders.append(f"{relpath(path)} imports {module}")
    assert offenders == []


def test_no_import_cycles():
    """No module imports (directly or through others) a module that imports it."""
    known = modules()

    def target(module: str) -> str | None:
        while module and module not in known:
            module = module.rpartition(".")[0]
        return module or None

    graph = {name: {t for m in imports_of(path, name) if (t := target(m)) and t != name and t.startswith("newsearch")}
             for name, path in known.items()}
    # A package's __init__ re-exporting its modules is not a cycle of the data flow.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [node, nxt]) if nxt in trail else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert cycles == []


# Functions still over the limit, each being split by work in progress; the test fails when one
# of them is split (take it off) as much as when a new one grows long.
KNOWN_LONG: set[str] = set()


def test_no_function_is_longer_than_80_lines():
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    long.append(f"{relpath(path)} {node.name}")
    assert sorted(long) == sorted(KNOWN_LONG)


def test_importing_the_cli_loads_no_engine_renderer_or_parser_library():
    code = (
        "import sys, newsearch.cli, newsearch.search, newsearch.engines;"
        "print(sorted(m for m in ('whoosh', 'rich', 'dateutil', 'trafilatura', 'dateparser') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
