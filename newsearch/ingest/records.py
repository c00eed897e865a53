"""JSON and JSON Lines -> one Article per record.

Crawler dumps are large and often damaged: a bad line is skipped on its own
(and reported with its line number) while its neighbours are still indexed.
Ids are ``base_id#n`` with n the 1-based line (JSON Lines) or list position
(JSON), so an id names both the file and the record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from newsearch.ingest.extract import article_from_record
from newsearch.models import Article, Skip


def _named(item: Article | Skip, source: str | None) -> Article | Skip:
    """The user's name for the file's source over the record's own (see ``read_articles``)."""
    if source and isinstance(item, Article):
        item.source = " ".join(source.split())
    return item


def _record(value: object, base_id: str, path: str, n: int, where: str) -> Article | Skip:
    if not isinstance(value, Mapping):
        return Skip(where, f"record {n} is not a JSON object")
    try:
        article = article_from_record(value, id=f"{base_id}#{n}", path=path)
    except Exception as error:  # a record must never stop the rest of the file
        return Skip(where, f"unreadable record {n} ({type(error).__name__})")
    return article if article is not None else Skip(where, f"no text in record {n}")


def read_jsonl(text: str, path: str, base_id: str, *, source: str | None = None) -> Iterator[Article | Skip]:
    """Each non-blank line one JSON object; ``source`` as in :func:`newsearch.ingest.read_articles`."""
    seen = False
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        seen = True
        where = f"{path}:{lineno}"
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            yield Skip(where, f"malformed JSON on line {lineno}")
            continue
        yield _named(_record(value, base_id, path, lineno, where), source)
    if not seen:
        yield Skip(path, "empty file")


def read_json(text: str, path: str, base_id: str) -> Iterator[Article | Skip]:
    """A list of objects or one object; an object holding a list of articles is unwrapped."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        yield Skip(path, f"malformed JSON on line {line}" if line else "malformed JSON")
        return
    if isinstance(value, Mapping):
        for key in ("articles", "items", "data", "results", "records", "docs"):
            if isinstance(value.get(key), list):
                value = value[key]
                break
    records = value if isinstance(value, list) else [value]
    if not records:
        yield Skip(path, "no records")
    for n, item in enumerate(records, start=1):
        yield _record(item, base_id, path, n, f"{path}#{n}")
