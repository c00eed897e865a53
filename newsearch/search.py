"""The read side: run a query against the index and shape the hits."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsearch import store
from newsearch.errors import ArticleNotFound
from newsearch.models import Article, Hit


@dataclass
class SearchResult:
    query: str
    total: int
    took_ms: float
    hits: list[Hit]
    notes: list[str] = field(default_factory=list)
    suggestion: str | None = None
    facets: dict[str, dict[str, int]] | None = None

    def to_dict(self) -> dict:
        data = {
            "query": self.query,
            "total": self.total,
            "took_ms": round(self.took_ms, 2),
            "hits": [hit.to_dict() for hit in self.hits],
            "notes": self.notes,
            "suggestion": self.suggestion,
        }
        if self.facets is not None:
            data["facets"] = self.facets
        return data


@dataclass
class SearchOptions:
    limit: int = 10
    offset: int = 0
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    sources: tuple[str, ...] = ()
    sort: str = "relevance"  # relevance | date | -date
    facets: tuple[str, ...] = ()


def search(index_dir: str | os.PathLike, text: str, options: SearchOptions | None = None) -> SearchResult:
    """Search the index at ``index_dir`` for ``text``."""
    from newsearch.querying import parse_query
    from newsearch.snippets import make_highlighter, snippet_for_hit

    options = options or SearchOptions()
    started = time.perf_counter()
    ix = store.open_for_reading(index_dir)
    parsed = parse_query(ix.schema, text, since=options.since, until=options.until, sources=options.sources)
    with ix.searcher(weighting=_weighting()) as searcher:
        sortedby, reverse = _sort_spec(options.sort)
        results = searcher.search(
            parsed.query,
            filter=parsed.filter,
            limit=options.offset + options.limit,
            sortedby=sortedby,
            reverse=reverse,
            terms=True,
        )
        highlighter = make_highlighter()
        hits = []
        for rank, hit in enumerate(results[options.offset :], start=options.offset + 1):
            stored = hit.fields()
            snippet, spans = snippet_for_hit(highlighter, hit, stored.get("body", ""))
            hits.append(
                Hit(
                    rank=rank,
                    score=round(float(hit.score or 0.0), 4),
                    id=stored["id"],
                    path=stored.get("path", ""),
                    title=stored.get("title", ""),
                    date=stored.get("date_text"),
                    source=stored.get("source"),
                    author=stored.get("author"),
                    snippet=snippet,
                    highlights=spans,
                )
            )
        total = len(results)
    took_ms = (time.perf_counter() - started) * 1000
    return SearchResult(query=text, total=total, took_ms=took_ms, hits=hits, notes=parsed.notes)


def _weighting():
    from whoosh import scoring

    return scoring.BM25F()


def _sort_spec(sort: str):
    if sort == "date":
        return "date", False
    if sort == "-date":
        return "date", True
    return None, False


def get_article(index_dir: str | os.PathLike, article_id: str) -> Article:
    """One stored article by id (or by its file's path, for single-article files)."""
    ix = store.open_for_reading(index_dir)
    with ix.searcher() as searcher:
        stored = searcher.document(id=article_id)
        if stored is None:
            resolved = str(Path(article_id).resolve())
            stored = searcher.document(path=resolved)
    if stored is None:
        raise ArticleNotFound(f"no article with id {article_id!r} in the index")
    return stored_article(stored)


def iter_articles(index_dir: str | os.PathLike):
    """Every indexed article, in index order."""
    ix = store.open_for_reading(index_dir)
    with ix.searcher() as searcher:
        for stored in searcher.all_stored_fields():
            yield stored_article(stored)


def stored_article(stored: dict) -> Article:
    return Article(
        id=stored["id"],
        path=stored.get("path", ""),
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        date=stored.get("date"),
        date_text=stored.get("date_text"),
        source=stored.get("source"),
        author=stored.get("author"),
        section=stored.get("section"),
        url=stored.get("url"),
        language=stored.get("language"),
    )
