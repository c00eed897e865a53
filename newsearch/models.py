"""The records that flow between the layers. Standard library only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class Article:
    """One news article, as extracted from a file (or one record of a file).

    ``date`` is naive UTC (Whoosh drops tzinfo without converting); ``date_text``
    is the ISO 8601 form shown to users: a bare day ("2024-11-13") when the
    article gave no time of day, a full timestamp otherwise.
    """

    id: str
    path: str
    title: str = ""
    body: str = ""
    date: datetime | None = None
    date_text: str | None = None
    source: str | None = None
    author: str | None = None
    section: str | None = None
    url: str | None = None
    language: str | None = None

    def to_dict(self) -> dict:
        """The export form: every extracted field, JSON-ready."""
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "date": self.date_text,
            "source": self.source,
            "author": self.author,
            "section": self.section,
            "url": self.url,
            "language": self.language,
            "body": self.body,
        }


@dataclass
class Skip:
    """A file (or record) that was not indexed, and why."""

    path: str
    reason: str


@dataclass
class Hit:
    """One search result, JSON-ready through :meth:`to_dict`.

    ``snippet`` is plain text; ``highlights`` holds ``(start, end)`` offsets of
    matched words inside it, for renderers that style them.
    """

    rank: int
    score: float
    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    author: str | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("highlights")
        return data
