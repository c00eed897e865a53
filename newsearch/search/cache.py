"""Engines kept open across requests in one process (the web app, a test suite, a notebook).

Opening an index maps its files (about 10 ms on BBC); an engine reopens its
searcher by itself when the index gets a new commit, so keeping it is safe.
"""

from __future__ import annotations

import os
import threading

from newsearch.engines import engine_kind, open_engine
from newsearch.engines.base import Engine

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def engine_for(index: str | os.PathLike) -> Engine:
    """The open engine for ``index`` (opened on first use; IndexMissing when there is none)."""
    text = os.fspath(index)
    key = os.path.abspath(text) if engine_kind(text) == "whoosh" else text
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = open_engine(text)
        return engine


def forget(index: str | os.PathLike) -> None:
    """Close and drop the engine for ``index`` (after the index was removed or rebuilt elsewhere)."""
    text = os.fspath(index)
    key = os.path.abspath(text) if engine_kind(text) == "whoosh" else text
    with _LOCK:
        engine = _ENGINES.pop(key, None)
    if engine is not None:
        engine.close()
