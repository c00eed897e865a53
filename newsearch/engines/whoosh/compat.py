"""Which whoosh3 the engine's shortcuts were written against, and what to do on another one.

The fast segment writer (``writer.py``, ``postings.py``), the commit of
worker segments (``writing.commit_segments``) and the no-copy file reader
(``fixes.py``) use private parts of whoosh3 that may change in any release.
``pyproject.toml`` pins the minor version they were written and tested
against; if another one is installed anyway, the engine indexes through
Whoosh's public writer in one process (slower, same index) and says so.
``NEWSEARCH_WHOOSH_PLAIN=1`` forces that path (tests compare the two).
"""

from __future__ import annotations

import os
from functools import lru_cache

WRITTEN_FOR = (3, 54)  # major, minor of whoosh3


@lru_cache(maxsize=1)
def installed() -> str:
    """The version of the ``whoosh`` actually imported, from the module itself.

    Not ``importlib.metadata``: importing it (with email, zipfile, csv) cost a
    cold query ~100M instructions, and the module on ``sys.path`` is the one
    whose internals the shortcuts touch, whatever the metadata says.
    """
    import whoosh

    return ".".join(map(str, whoosh.__version__[:3]))


def fast_path() -> bool:
    """Whether the shortcuts that rely on whoosh3's internals may be used."""
    if os.environ.get("NEWSEARCH_WHOOSH_PLAIN"):
        return False
    parts = installed().split(".")
    try:
        return (int(parts[0]), int(parts[1])) == WRITTEN_FOR
    except (IndexError, ValueError):
        return False


def plain_note() -> str:
    wanted = ".".join(map(str, WRITTEN_FOR))
    return (
        f"whoosh3 {installed()} is installed, not the {wanted} newsearch's fast indexing was written for:"
        " indexing with Whoosh's own writer in one process (slower; the index is the same)"
    )
