"""Which columns (``--fields``) each command can give, and the record each row is read from.

Standard library only: the CLI checks ``--fields`` before opening the index.
"""

from __future__ import annotations

from newsearch.errors import NewsearchError

ARTICLE_FIELDS = ("id", "path", "title", "date", "source", "author", "section", "url", "language", "body")
HIT_FIELDS = ("rank", "score", "id", "path", "title", "date", "source", "author", "section", "url", "language",
              "snippet", "body", "duplicates")
DEFAULT_HIT_FIELDS = ("rank", "score", "id", "date", "source", "author", "title", "url", "path", "duplicates", "snippet")


class UnknownField(NewsearchError):
    pass


def choose(text: str | None, available: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
    """``--fields id,title,body`` checked against what the command gives (order kept, case ignored)."""
    if not text:
        return default
    chosen = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in available]
    if unknown or not chosen:
        raise UnknownField(f"--fields: no field {', '.join(map(repr, unknown)) or '(none given)'};"
                           f" choose among {','.join(available)}")
    return tuple(dict.fromkeys(chosen))


def hit_record(hit, fields: tuple[str, ...]) -> dict:
    """A hit's chosen fields, JSON-ready (``body`` only when asked: it is long)."""
    data = hit.to_dict()
    data["body"] = hit.body
    return {name: data.get(name) for name in fields}
