"""The library's exceptions and the exit codes the CLI maps them to."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NO_HITS = 1  # like grep: the search ran and found nothing
    USAGE = 2  # bad arguments, malformed query, missing or incompatible index
    LOCKED = 3  # another indexing run held the index for longer than --wait
    DAMAGED = 4  # the index files are damaged (``newsearch check`` says which; ``--repair`` rebuilds)
    UNAVAILABLE = 69  # an OpenSearch cluster cannot be reached, or lost too many nodes to answer (EX_UNAVAILABLE)
    NO_PERMISSION = 77  # an OpenSearch cluster refused the credentials (EX_NOPERM)
    SYSTEM = 74  # the system refused: disk full, no permission, read-only file system (EX_IOERR)
    INTERNAL = 70  # a bug in newsearch (EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl-C


class NewsearchError(Exception):
    """Base class: a problem the user can cause and fix; printed as one line."""

    exit_code = ExitCode.USAGE


class IndexMissing(NewsearchError):
    pass


class IndexIncompatible(NewsearchError):
    pass


class IndexLocked(NewsearchError):
    exit_code = ExitCode.LOCKED


class IndexDamaged(NewsearchError):
    """Index files that are missing, cut short or changed since newsearch wrote them."""

    exit_code = ExitCode.DAMAGED
    what = ""  # the damage alone, without the advice


class ClusterUnavailable(NewsearchError):
    """An OpenSearch cluster that cannot be reached or cannot answer (a re-run resumes where this one stopped)."""

    exit_code = ExitCode.UNAVAILABLE


class AuthRefused(NewsearchError):
    exit_code = ExitCode.NO_PERMISSION


class NotAnIndex(NewsearchError):
    """A folder given as the index that holds other things: newsearch never writes into it."""


class BadQuery(NewsearchError):
    pass


class ArticleNotFound(NewsearchError):
    pass
