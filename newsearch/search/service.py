"""The read side: run a query against the index and shape the hits."""

from __future__ import annotations

import os
import time
from pathlib import Path

from newsearch.engines.whoosh import store
from newsearch.errors import ArticleNotFound
from newsearch.models import Article, Hit, SearchOptions, SearchResult

SEARCH_SECONDS = 5.0  # a query never runs longer than this; it answers with what it found
SUGGEST_BELOW = 3  # offer a corrected query when fewer hits than this
NO_DOCUMENT = -1  # a document number no index has
FACETS = {"source": "source_key"}  # user facet name -> indexed column




def search(index_dir: str | os.PathLike, text: str, options: SearchOptions | None = None) -> SearchResult:
    """Search the index at ``index_dir`` for ``text``."""
    from newsearch.engines.whoosh.querying import bound_query, parse_query
    from newsearch.engines.whoosh.suggest import suggest

    options = options or SearchOptions()
    started = time.perf_counter()
    searcher = open_searcher(index_dir)
    parsed = parse_query(searcher.schema, text, since=options.since, until=options.until, sources=options.sources)
    parsed.query = bound_query(parsed.query, searcher.reader(), parsed.notes)
    allowed = filter_docs(searcher, parsed)
    ranked, groups, complete, results = _ranked_groups(searcher, parsed, allowed, options)
    page = groups[options.offset : options.offset + options.limit]
    hits = hits_from_results(searcher, ranked, page, options.offset, parsed.query)
    total = len(ranked) if complete else count_matches(searcher, parsed.query, allowed, results)
    facets = facet_counts(searcher, parsed.query, allowed, options.facets) if options.facets else None
    suggestion = suggest(searcher, parsed.words, few_hits=total < SUGGEST_BELOW) if parsed.words else None
    took_ms = (time.perf_counter() - started) * 1000
    return SearchResult(
        query=text,
        total=total,
        took_ms=took_ms,
        hits=hits,
        notes=parsed.notes,
        suggestion=suggestion,
        facets=facets,
    )


_SEARCHERS: dict[str, tuple[object, object]] = {}  # folder -> (index creation time, searcher)


def open_searcher(index_dir: str | os.PathLike):
    """A searcher on the latest commit, reused across queries in one process.

    Opening the index maps its files (about 10 ms on BBC); a long-lived caller
    (a test suite, a notebook, a server) pays it once per commit.
    """
    key = os.path.abspath(index_dir)
    created = store.read_meta(Path(key)).get("created")
    cached_created, searcher = _SEARCHERS.pop(key, (None, None))
    if searcher is not None:
        try:
            if created == cached_created and searcher.up_to_date():
                _SEARCHERS[key] = (created, searcher)
                return searcher
        except Exception:  # the index was replaced or removed: open it afresh
            pass
        searcher.close()
    searcher = store.open_for_reading(index_dir).searcher(weighting=weighting())
    _SEARCHERS[key] = (created, searcher)
    return searcher


def weighting():
    from newsearch.engines.whoosh.ranking import weighting as ranking_weighting

    return ranking_weighting()


def filter_docs(searcher, parsed) -> set[int] | None:
    """The documents the query's date and source filters allow, or None for all.

    Dates are read from the date column (the date field has no index terms:
    ``schema._column_only``); the scan takes a few milliseconds and its result
    is kept with the searcher.
    """
    allowed: set[int] | None = None
    if parsed.date_span is not None:
        allowed = _dates_between(searcher, *parsed.date_span)
    if parsed.sources is not None:
        from_sources = set(searcher.docs_for_query(parsed.sources))
        allowed = from_sources if allowed is None else allowed & from_sources
    if allowed is not None and not allowed:
        return {NO_DOCUMENT}  # Whoosh takes an empty filter set for no filter at all
    return allowed


def _dates_between(searcher, start, end) -> set[int]:
    from whoosh.util.times import datetime_to_long

    from newsearch.engines.whoosh.columns import column
    from newsearch.search.explore import NO_DATE

    cache = searcher.__dict__.setdefault("_newsearch_date_sets", {})
    key = (start, end)
    if key not in cache:
        low = datetime_to_long(start) if start else 0
        high = datetime_to_long(end) if end else NO_DATE
        reader = searcher.reader()
        cache[key] = {
            docnum
            for docnum, raw in column(searcher, "date", default=NO_DATE).items()
            if low <= raw < high and raw != NO_DATE and not reader.is_deleted(docnum)
        }
    return cache[key]


def _ranked_groups(searcher, parsed, allowed, options: SearchOptions):
    """The ranked (docnum, score) list, the page's hits grouped by copies, and more.

    Returns ``(ranked, groups, complete, results)``: each group is a list of
    positions in ``ranked``, the first being the copy that is shown;
    ``complete`` says every match was collected (so their number is known);
    ``results`` is Whoosh's, for counting the rest.
    """
    sortedby = None
    if options.sort in ("date", "-date"):
        from newsearch.search.explore import date_order

        sortedby = date_order(newest_first=options.sort == "-date")
    wanted = options.offset + options.limit
    fetch = wanted if not options.group_duplicates else wanted * 2 + 10
    if sortedby is None:
        from newsearch.engines.whoosh.ranking import FEEDBACK_DEPTH

        fetch = max(fetch, FEEDBACK_DEPTH)  # feedback may lift any of the top FEEDBACK_DEPTH
    while True:
        results = _timed_search(searcher, parsed, allowed, limit=fetch, sortedby=sortedby)
        ranked = list(results.items())
        complete = len(ranked) < fetch
        if sortedby is None:
            ranked = _with_feedback(searcher, parsed.query, ranked)
        if not options.group_duplicates:
            return ranked, [[i] for i in range(len(ranked))], complete, results
        groups = group_copies(searcher, [docnum for docnum, _score in ranked])
        if len(groups) >= wanted or complete:
            return ranked, groups, complete, results
        fetch *= 2


def _with_feedback(searcher, query, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Re-rank the top hits with pseudo-relevance feedback (ranking.feedback_bonus).

    The same order as searching ``ranking.expand(query)``, without a second
    search: the bonus goes only to the top FEEDBACK_DEPTH hits, which already
    outscore the rest, so only they need re-sorting.
    """
    from newsearch.engines.whoosh.ranking import FEEDBACK_DEPTH, feedback_bonus

    bonus = feedback_bonus(searcher, query, [docnum for docnum, _ in ranked[:FEEDBACK_DEPTH]])
    if not bonus:
        return ranked
    top = [(docnum, score + bonus.get(docnum, 0.0)) for docnum, score in ranked[:FEEDBACK_DEPTH]]
    top.sort(key=lambda item: (-item[1], item[0]))
    return top + ranked[FEEDBACK_DEPTH:]


def group_copies(searcher, docnums: list[int]) -> list[list[int]]:
    """Group result positions whose articles are copies of each other, keeping rank order.

    An article joins the first earlier group whose leader has its fingerprint
    or a resemblant sketch. Leaders are found through the sketch hashes they
    share with the article, so a long result list costs one pass, not a
    comparison of every pair.
    """
    from newsearch.engines.whoosh.columns import column
    from newsearch.ingest.signatures import unpack
    from newsearch.ingest.signatures import NEAR_DUPLICATE, min_shared, resemblance

    signatures = column(searcher, "copies", default=b"")
    groups: list[list[int]] = []
    leaders: list[frozenset[int]] = []  # the sketch of each group's first article
    by_fingerprint: dict[bytes, int] = {}
    by_hash: dict[int, list[int]] = {}  # sketch hash -> groups whose leader has it
    for position, docnum in enumerate(docnums):
        fingerprint, sketch = unpack(signatures[docnum])
        group = by_fingerprint.get(fingerprint) if fingerprint else None
        if group is None and sketch:
            shared: dict[int, int] = {}
            for h in sketch:
                for candidate in by_hash.get(h, ()):
                    shared[candidate] = shared.get(candidate, 0) + 1
            group = next(
                (g for g in sorted(shared) if shared[g] >= min_shared() and resemblance(sketch, leaders[g]) >= NEAR_DUPLICATE),
                None,
            )
        if group is not None:
            groups[group].append(position)
            continue
        group = len(groups)
        groups.append([position])
        leaders.append(sketch)
        if fingerprint:
            by_fingerprint[fingerprint] = group
        for h in sketch:
            by_hash.setdefault(h, []).append(group)
    return groups


def count_matches(searcher, query, allowed: set[int] | None, results) -> int:
    """How many articles match: exact, and cheap for the common query shape.

    Whoosh's top-k search skips documents that cannot reach the top, so
    ``len(results)`` runs the whole query a second time (64 ms for "oil
    prices" on 24k articles). For a plain OR of words the count is the size of
    the union of their postings, which is several times faster to take.
    """
    terms = _or_of_terms(query)
    if terms is None:
        return len(results)
    reader = searcher.reader()
    matched: set[int] = set()
    for field, text in terms:
        if (field, text) in reader:
            matched.update(reader.postings(field, text).all_ids())
    if reader.has_deletions():
        matched = {docnum for docnum in matched if not reader.is_deleted(docnum)}
    if allowed is not None:
        matched &= allowed
    return len(matched)


def _or_of_terms(query):
    """The (field, text) pairs of a query that matches exactly the union of its terms, else None.

    Optional parts (the names preference, feedback bonus) do not change what
    matches, so they are looked through.
    """
    from whoosh import query as wq

    from newsearch.engines.whoosh.ranking import DocumentBonus

    if isinstance(query, wq.AndMaybe):
        return _or_of_terms(query.a)
    if isinstance(query, wq.Term):
        return [(query.fieldname, query.text)]
    if isinstance(query, wq.Or):
        pairs = []
        for sub in query.subqueries:
            if isinstance(sub, DocumentBonus):
                continue
            inner = _or_of_terms(sub)
            if inner is None:
                return None
            pairs.extend(inner)
        return pairs
    return None


def _timed_search(searcher, parsed, allowed, **kwargs):
    """searcher.search, stopped after SEARCH_SECONDS with the hits found so far."""
    from whoosh.collectors import TimeLimit, TimeLimitCollector

    inner = searcher.collector(filter=allowed, **kwargs)
    collector = TimeLimitCollector(inner, timelimit=SEARCH_SECONDS)
    try:
        searcher.search_with_collector(parsed.query, collector)
    except TimeLimit:
        note = f"search stopped after {SEARCH_SECONDS:g} s: results are partial — try more specific words"
        if note not in parsed.notes:
            parsed.notes.append(note)
    return collector.results()


def hits_from_results(searcher, ranked: list[tuple[int, float]], groups: list[list[int]], offset: int, query) -> list[Hit]:
    """Hits for the given groups of positions in ``ranked``; snippets only for these."""
    from newsearch.engines.whoosh.snippets import make_highlighter, snippet

    highlighter = make_highlighter(searcher, query)
    hits = []
    for rank, positions in enumerate(groups, start=offset + 1):
        docnum, score = ranked[positions[0]]
        stored = searcher.stored_fields(docnum)
        text, spans = snippet(highlighter, stored.get("body", ""))
        duplicates = []
        for position in positions[1:]:
            copy = searcher.stored_fields(ranked[position][0])
            duplicates.append({"id": copy["id"], "path": copy.get("path", ""), "source": copy.get("source")})
        hits.append(
            Hit(
                rank=rank,
                score=round(float(score or 0.0), 4),
                id=stored["id"],
                path=stored.get("path", ""),
                title=stored.get("title", ""),
                date=stored.get("date_text"),
                source=stored.get("source"),
                author=stored.get("author"),
                snippet=text,
                highlights=spans,
                duplicates=duplicates,
            )
        )
    return hits


def facet_counts(searcher, query, filter, names: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Hit counts per value of each facet, over every match (not just the page)."""
    from whoosh import sorting

    facets = {}
    for name in names:
        column = FACETS[name]
        results = searcher.search(
            query,
            filter=filter,
            limit=1,
            groupedby={"n": sorting.FieldFacet(column, maptype=sorting.Count), "best": sorting.FieldFacet(column, maptype=sorting.Best)},
        )
        counts, best = results.groups("n"), results.groups("best")
        labelled = {}
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            if key is None or key == "":
                label = "(none)"
            else:
                label = searcher.stored_fields(best[key]).get(name) or str(key)
            labelled[label] = labelled.get(label, 0) + count
        facets[name] = labelled
    return facets


def get_article(index_dir: str | os.PathLike, article_id: str) -> Article:
    """One stored article by id (or by its file's path, for single-article files)."""
    ix = store.open_for_reading(index_dir)
    with ix.searcher() as searcher:
        stored = searcher.document(id=article_id)
        if stored is None:
            stored = searcher.document(path=os.path.abspath(article_id))
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
