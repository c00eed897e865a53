"""``newsearch check``: find damage in an index, and repair it from the files it was built from.

A repair first tries what needs no re-reading (the engine's ``restore``: a
lost pointer to intact data), then rebuilds: every file the index lists (its
manifest, or the paths stored with its articles when the manifest itself is
lost) is indexed again into a new index beside the damaged one, which
replaces it when complete. Engine-neutral: engines that can check their files
implement ``engines.base.Checkable``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from newsearch.engines.base import Checkable
from newsearch.errors import IndexDamaged, NewsearchError
from newsearch.models import IndexReport


@dataclass
class CheckReport:
    """What ``newsearch check`` found and, with ``--repair``, did."""

    index: str
    problems: list[str]  # found by the check
    articles: int | None = None
    files: int | None = None
    repaired: bool = False
    actions: list[str] = field(default_factory=list)  # what the repair did
    remaining: list[str] = field(default_factory=list)  # problems left after the repair
    missing: list[str] = field(default_factory=list)  # listed files that no longer exist (not re-read)
    rebuild: IndexReport | None = None

    @property
    def healthy(self) -> bool:
        return not (self.remaining if self.repaired else self.problems)

    def to_dict(self) -> dict:
        return {
            "index": self.index, "healthy": self.healthy, "problems": self.problems, "articles": self.articles,
            "files": self.files, "repaired": self.repaired, "actions": self.actions, "remaining": self.remaining,
            "missing": self.missing, "rebuild": self.rebuild.to_dict() if self.rebuild else None,
        }


def check_index(index: str | os.PathLike, *, repair: bool = False, progress=None) -> CheckReport:
    """Check the index ``index``; with ``repair``, mend or rebuild it when damaged."""
    from newsearch.engines import open_engine

    shown = os.fspath(index)
    engine = open_engine(index, create=True)
    try:
        if not isinstance(engine, Checkable):
            raise NewsearchError(f"{shown}: this kind of index keeps its own checks; newsearch has nothing to verify")
        health = engine.verify()
        report = CheckReport(shown, health.problems, health.articles, health.files)
        if not repair or not health.problems:
            return report
        report.repaired = True
        done = engine.restore()
        if done:
            report.actions.append(done)
            after = engine.verify()
            if not after.problems:
                report.articles, report.files = after.articles, after.files
                return report
    finally:
        engine.close()
    _rebuild(index, health.sources, report, progress)
    return report


def _rebuild(index, sources: list[str], report: CheckReport, progress) -> None:
    from newsearch.engines import open_engine
    from newsearch.indexing.run import index_paths

    present = [path for path in sources if os.path.isfile(path) or os.path.isdir(path)]  # folders: the recorded roots
    kept = set(present)
    report.missing = [path for path in sources if path not in kept]
    if not present:
        raise IndexDamaged(
            f"the index at {report.index} is damaged and names no files that still exist to rebuild it from"
            f" — rebuild it from the article folders: `newsearch index --rebuild --index {report.index} FOLDER...`"
            " (the folders of article files, not the index)"
        )
    report.rebuild = index_paths(present, index, rebuild=True, progress=progress)
    report.actions.append(f"rebuilt from {len(present):,} files")
    engine = open_engine(index, create=True)
    try:
        after = engine.verify()  # type: ignore[attr-defined]
    finally:
        engine.close()
    report.remaining = after.problems
    report.articles, report.files = after.articles, after.files
