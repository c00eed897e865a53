"""Files -> Articles: the one entry point the indexer calls.

``read_articles(data, path, base_id)`` takes the bytes the indexer already read
(and hashed) and yields an :class:`Article` per article, or a :class:`Skip`
saying in a few words why something was not indexed. It never raises on file
content: a broken file must not stop an indexing run over thousands.

The suffix picks the reader (``.gz`` is unpacked first, then the inner suffix
decides). Importing this package is cheap: trafilatura, dateparser and
charset-normalizer are imported only when a file needs them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from newsearch.models import Article, Skip

_PLAIN = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
SUPPORTED_SUFFIXES: tuple[str, ...] = _PLAIN + tuple(s + ".gz" for s in _PLAIN)


def _suffix(path: str | os.PathLike) -> str:
    name = os.fspath(path).lower()
    for suffix in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return ""


def is_supported(path: str | os.PathLike) -> bool:
    """Whether the indexer should read this file (by name only)."""
    return _suffix(path) != ""


def read_articles(data: bytes, path: str, base_id: str, *, source: str | None = None) -> Iterator[Article | Skip]:
    """Articles (and skips) from one file's bytes. Never raises on content.

    ``source`` is the publisher the user names for the file (``newsearch index
    --source NAME``: a folder scraped from one site). It overrides whatever the
    file states or the extractor finds, records' own source fields included:
    the user knows where the files came from, and a scrape's self-references can
    name a syndicating agency instead. It is kept as typed, without the
    normalisation applied to extracted names.
    """
    named = " ".join(source.split()) if source else None
    try:
        for item in _read(data, path, base_id):
            if named and isinstance(item, Article):
                item.source = named
            yield item
    except Exception as error:  # last resort: report, never crash the indexer
        yield Skip(path, f"could not read ({type(error).__name__})")


def _read(data: bytes, path: str, base_id: str) -> Iterator[Article | Skip]:
    suffix = _suffix(path)
    if not suffix:
        yield Skip(path, "unsupported file type")
        return
    complete = True
    if suffix.endswith(".gz"):
        from newsearch.ingest.compressed import gunzip

        if not data:
            yield Skip(path, "empty file")
            return
        data, complete = gunzip(data)
        suffix = suffix[:-3]
        if not complete and suffix != ".jsonl":
            yield Skip(path, "truncated or corrupt gzip")
            return
    if suffix == ".jsonl":
        yield from _read_checked(data, path, base_id, suffix, whole=complete)
        if not complete:
            yield Skip(path, "truncated or corrupt gzip")
        return
    yield from _read_checked(data, path, base_id, suffix, whole=True)


def _read_checked(data: bytes, path: str, base_id: str, suffix: str, whole: bool) -> Iterator[Article | Skip]:
    from newsearch.ingest.decoding import MAX_DECODE_BYTES, decode, sniff_binary

    if not data.strip():
        if whole:
            yield Skip(path, "empty file")
        return
    if sniff_binary(data):
        yield Skip(path, "binary file")
        return
    if suffix in (".html", ".htm"):
        from newsearch.ingest.html import read_html

        yield from _require_text(read_html(data, path, base_id), path)
        return
    # Record files are read whole; an article's text only as far as it can be used.
    text = decode(data, limit=None if suffix in (".json", ".jsonl") else MAX_DECODE_BYTES)
    if suffix == ".jsonl":
        from newsearch.ingest.records import read_jsonl

        if not whole:  # the last line was cut by the damage: drop it
            text = text[: text.rfind("\n") + 1]
        yield from read_jsonl(text, path, base_id)
    elif suffix == ".json":
        from newsearch.ingest.records import read_json

        yield from read_json(text, path, base_id)
    else:
        from newsearch.ingest.extract import extract_text

        yield from _require_text([extract_text(text, id=base_id, path=path)], path)


def _require_text(articles: Iterator[Article] | list[Article], path: str) -> Iterator[Article | Skip]:
    for article in articles:
        if article.title or article.body:
            yield article
        else:
            yield Skip(path, "no text")
