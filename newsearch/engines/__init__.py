"""Engines behind one interface (:mod:`newsearch.engines.base`); :func:`open_engine` picks one.

``--index`` names the index: a folder means the embedded Whoosh engine;
``http(s)://host:port/NAME`` an OpenSearch index; ``memory:NAME`` the
in-process reference engine (tests, the query-language oracle). Each engine
module is imported only when chosen.
"""

from __future__ import annotations

import os

from newsearch.engines.base import Engine


def engine_kind(spec: str | os.PathLike) -> str:
    """Which engine a ``--index`` value names: "whoosh", "opensearch" or "memory"."""
    text = os.fspath(spec)
    if text.startswith(("http://", "https://")):
        return "opensearch"
    if text.startswith("memory:"):
        return "memory"
    return "whoosh"


def open_engine(spec: str | os.PathLike, *, create: bool = False) -> Engine:
    """The engine for an index.

    ``create``: make the index if it does not exist (for indexing); otherwise
    a missing index raises IndexMissing.
    """
    kind = engine_kind(spec)
    if kind == "memory":
        from newsearch.engines.memory import open_memory_engine

        return open_memory_engine(os.fspath(spec), create=create)
    if kind == "opensearch":
        from newsearch.engines.opensearch import OpenSearchEngine

        return OpenSearchEngine.open(os.fspath(spec), create=create)
    from newsearch.engines.whoosh import WhooshEngine

    return WhooshEngine.open(spec, create=create)
