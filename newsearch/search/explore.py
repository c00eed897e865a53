"""Exploring an archive beyond one ranked list: similar articles, stats, timelines."""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from newsearch.engines.whoosh import store
from newsearch.errors import ArticleNotFound
from newsearch.models import Stats, Timeline

NO_DATE = 2**64 - 1  # what Whoosh's date column holds for an article without a date


def _raw_dates(searcher):
    """Raw date values by document number (NO_DATE where unknown)."""
    from newsearch.engines.whoosh.columns import column

    return column(searcher, "date", default=NO_DATE)


def _as_datetime(raw: int) -> datetime | None:
    from whoosh.util.times import long_to_datetime

    return None if raw == NO_DATE else long_to_datetime(raw)


def date_order(newest_first: bool):
    """A sort key putting undated articles last in either direction.

    Whoosh's own date sort puts them first when reversed: its missing value is
    the largest possible number.
    """
    from whoosh import sorting

    def key(searcher, docid):
        raw = _raw_dates(searcher)[docid]  # (the column is built once per searcher)
        if raw == NO_DATE:
            return NO_DATE
        return -raw if newest_first else raw

    return sorting.FunctionFacet(key)


def similar(index_dir, article_id: str, limit: int = 10):
    """Articles most like one article: a query from its key terms (Bo1 model)."""
    from whoosh import query as wq

    from newsearch.models import SearchResult
    from newsearch.search.service import hits_from_results, weighting

    started = time.perf_counter()
    ix = store.open_for_reading(index_dir)
    with ix.searcher(weighting=weighting()) as searcher:
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFound(f"no article with id {article_id!r} in the index")
        stored = searcher.stored_fields(docnum)
        text = f"{stored.get('title', '')}\n{stored.get('body', '')}"
        terms = searcher.key_terms_from_text("body", text, numterms=20)
        same = _identical_copies(searcher, docnum)
        q = wq.Or([wq.Term("body", word, boost=weight) for word, weight in terms])
        results = searcher.search(q, mask=same, limit=limit)
        ranked = list(results.items())
        hits = hits_from_results(searcher, ranked, [[i] for i in range(len(ranked))], 0, q)
        total = len(results)
    return SearchResult(
        query=f"similar to {article_id}", total=total, took_ms=(time.perf_counter() - started) * 1000, hits=hits
    )


def _identical_copies(searcher, docnum: int) -> set[int]:
    """``docnum`` and the articles with its exact fingerprint (read from the copies column)."""
    from newsearch.engines.whoosh.columns import column
    from newsearch.ingest.signatures import FINGERPRINT_BYTES

    signatures = column(searcher, "copies", default=b"")
    fingerprint = signatures[docnum][:FINGERPRINT_BYTES]
    same = {docnum}
    if any(fingerprint):
        same.update(d for d, raw in signatures.items() if raw[:FINGERPRINT_BYTES] == fingerprint)
    return same



def stats(index_dir) -> Stats:
    from newsearch.search.service import facet_counts

    from whoosh import query as wq

    ix = store.open_for_reading(index_dir)
    with ix.searcher() as searcher:
        sources = facet_counts(searcher, wq.Every(), None, ("source",))["source"]
        dates = _raw_dates(searcher)
        present = [dates[d] for d in searcher.reader().all_doc_ids()]
        known = [raw for raw in present if raw != NO_DATE]
        first = _as_datetime(min(known)) if known else None
        last = _as_datetime(max(known)) if known else None
        count = searcher.doc_count()
    folder = Path(index_dir)
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    updated = store.read_meta(folder).get("updated")
    return Stats(
        articles=count,
        sources=sources,
        first_date=first.date().isoformat() if first else None,
        last_date=last.date().isoformat() if last else None,
        undated=len(present) - len(known),
        index_bytes=size,
        last_update=datetime.fromtimestamp(updated).isoformat(timespec="seconds") if updated else None,
        path=os.path.abspath(index_dir),
    )



def timeline(index_dir, text: str, options=None, interval: str | None = None) -> Timeline:
    """How many matching articles per day, week, month or year (chosen from the span)."""
    from newsearch.engines.whoosh.querying import bound_query, parse_query
    from newsearch.models import SearchOptions
    from newsearch.search.service import filter_docs

    options = options or SearchOptions()
    ix = store.open_for_reading(index_dir)
    parsed = parse_query(ix.schema, text, since=options.since, until=options.until, sources=options.sources)
    with ix.searcher() as searcher:
        parsed.query = bound_query(parsed.query, searcher.reader(), parsed.notes)
        results = searcher.search(parsed.query, filter=filter_docs(searcher, parsed), limit=None, scored=False)
        dates = _raw_dates(searcher)
        raws = [dates[docnum] for docnum in results.docs()]
    days = [_as_datetime(raw) for raw in raws if raw != NO_DATE]
    interval = interval or choose_interval(days)
    counts = Counter(bucket_start(d, interval) for d in days)
    filled = fill_gaps(counts, interval)
    return Timeline(query=text, interval=interval, counts=filled, undated=len(raws) - len(days), total=len(raws))


def choose_interval(days: list[datetime]) -> str:
    if not days:
        return "day"
    span = (max(days) - min(days)).days
    if span <= 62:
        return "day"
    if span <= 2 * 365:
        return "week" if span <= 366 else "month"
    return "month" if span <= 12 * 365 else "year"


def bucket_start(day: datetime, interval: str) -> str:
    if interval == "day":
        return day.date().isoformat()
    if interval == "week":
        return (day.date() - timedelta(days=day.weekday())).isoformat()
    if interval == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}"


def _next_bucket(key: str, interval: str) -> str:
    if interval == "day":
        return (datetime.fromisoformat(key) + timedelta(days=1)).date().isoformat()
    if interval == "week":
        return (datetime.fromisoformat(key) + timedelta(days=7)).date().isoformat()
    if interval == "month":
        year, month = map(int, key.split("-"))
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    return f"{int(key) + 1:04d}"


def fill_gaps(counts: Counter, interval: str) -> dict[str, int]:
    """Every bucket from the first to the last, empty ones at 0, in order."""
    if not counts:
        return {}
    keys = sorted(counts)
    out, key = {}, keys[0]
    while key <= keys[-1] and len(out) < 10_000:
        out[key] = counts.get(key, 0)
        key = _next_bucket(key, interval)
    return out
