"""Searching, engine-neutral: query text -> query tree -> ranked, grouped hits with snippets.

One :class:`~newsearch.deadline.Deadline` covers the whole request: parsing
aside, every engine call (ranking, counting, facets, suggestions) gets what is
left of it, and whatever was cut short is said in the notes.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from datetime import datetime

from newsearch.deadline import Deadline
from newsearch.engines.base import Engine, Ranking
from newsearch.errors import ArticleNotFound
from newsearch.models import Article, Hit, SearchOptions, SearchResult
from newsearch.search import undated
from newsearch.search.cache import engine_for
from newsearch.search.grouping import group_copies
from newsearch.search.snippets import Highlighter, snippet

SUGGEST_BELOW = 3  # offer a corrected query when fewer hits than this
EXACT_UP_TO = 1_000  # matches ranked and grouped whole to count results exactly (see ranked_groups)


def search(index: str | os.PathLike, text: str, options: SearchOptions | None = None, *,
           now: datetime | None = None) -> SearchResult:
    """Search the index ``index`` (a folder, or any ``--index`` value) for ``text``."""
    options = options or SearchOptions()
    started = time.perf_counter()
    engine = engine_for(index)
    deadline = Deadline()
    parsed, tree, left_out = parse_for(text, options, now)
    matches = engine.count(tree, deadline=deadline)
    ranking, groups, total, exact = ranked_groups(engine, tree, options, deadline, matches)
    page = groups[options.offset : options.offset + options.limit]
    hits = make_hits(engine, ranking, page, options.offset)
    facets = engine.facets(tree, options.facets, deadline=deadline) if options.facets else None
    undated_excluded = engine.count(left_out, deadline=deadline) if left_out is not None else 0
    suggestion = None
    words = suggestable(parsed)
    if words:
        fixes = engine.suggest(words, few_hits=total < SUGGEST_BELOW, deadline=deadline)
        suggestion = corrected(text, fixes)
    notes = parsed.notes + ranking.notes + deadline.notes
    if undated_excluded:
        notes.append(undated.excluded_note(undated_excluded))
    if total and options.offset >= total:
        notes.append(f"--offset {options.offset:,} is past the last result ({total:,} in all)")
    return SearchResult(
        query=text,
        total=total,
        took_ms=(time.perf_counter() - started) * 1000,
        hits=hits,
        notes=_unique(notes),
        suggestion=suggestion,
        facets=facets,
        total_articles=matches,
        undated_excluded=undated_excluded,
        total_exact=exact,
    )


def parse_for(text: str, options: SearchOptions, now: datetime | None = None):
    """(the parsed query, the tree to search under ``options.undated``, the tree of the undated
    articles its date filters leave out, or None)."""
    from newsearch.query.parser import parse_query

    parsed = parse_query(text, since=options.since, until=options.until, sources=options.sources, now=now)
    tree, left_out = undated.apply(parsed.tree, options.undated)
    return parsed, tree, left_out


def ranked_groups(engine: Engine, tree, options: SearchOptions, deadline: Deadline,
                  matches: int) -> tuple[Ranking, list[list[int]], int, bool]:
    """The ranking, its hits grouped by copies (positions in ``ranking.hits``), the number of results
    as listed — what header, paging and JSON all count — and whether that number is exact.

    Counting groups needs every match's copy signature, so up to EXACT_UP_TO
    matches (or when the page reaches the end of the list) the whole list is
    ranked and grouped. Past that, ranking everything would cost the engine its
    top-k shortcuts (a common word took five times as long), so only enough is
    ranked to fill the page — grouping folds copies together, so a page of N
    groups may need more than N hits: the ranking is asked again, twice as
    deep, until the page fills — and the matches not ranked count one result
    each: an upper bound, marked as not exact ("about" in the header).
    """
    wanted = options.offset + options.limit
    if not options.group_duplicates:
        ranking = engine.rank(tree, sort=options.sort, depth=wanted, deadline=deadline)
        return ranking, [[i] for i in range(len(ranking.hits))], max(matches, len(ranking.hits)), True
    depth = matches + 1 if matches <= EXACT_UP_TO else wanted * 2 + 10  # one more: the ranking can tell it has all
    while True:
        ranking = engine.rank(tree, sort=options.sort, depth=depth, deadline=deadline)
        groups = group_copies([hit.signature for hit in ranking.hits])
        if len(groups) >= wanted or ranking.complete or deadline.expired():
            break
        depth *= 2
    if ranking.complete:
        return ranking, groups, len(groups), True
    return ranking, groups, len(groups) + max(0, matches - len(ranking.hits)), False


def make_hits(engine: Engine, ranking: Ranking, groups: list[list[int]], offset: int) -> list[Hit]:
    """Hits for the given groups of positions in ``ranking.hits``; snippets only for these."""
    ids = [ranking.hits[position].id for group in groups for position in group]
    articles = dict(zip(ids, engine.articles(ids)))
    highlighter = Highlighter(engine.body_term, ranking.terms)
    hits = []
    for rank, positions in enumerate(groups, start=offset + 1):
        leader = ranking.hits[positions[0]]
        article = articles.get(leader.id)
        if article is None:  # gone between ranking and fetching (a commit in between)
            continue
        text, spans = snippet(highlighter, article.body)
        duplicates = []
        for position in positions[1:]:
            copy = articles.get(ranking.hits[position].id)
            if copy is not None:
                duplicates.append({"id": copy.id, "path": copy.path, "source": copy.source})
        hits.append(
            Hit(
                rank=rank,
                score=round(leader.score, 4),
                id=article.id,
                path=article.path,
                title=article.title,
                date=article.date_text,
                source=article.source,
                author=article.author,
                snippet=text,
                highlights=spans,
                duplicates=duplicates,
                section=article.section,
                url=article.url,
                language=article.language,
                body=article.body,
            )
        )
    return hits


def suggestable(parsed) -> list[str]:
    """The words worth a "did you mean": the parser's free words and the words of phrases."""
    from newsearch.query import tree as t

    words = list(parsed.words)
    for leaf in t.positive_leaves(parsed.tree):
        if isinstance(leaf, t.Phrase) and leaf.field in (None, "title", "body"):
            words.extend(leaf.words)
    return list(dict.fromkeys(words))


def corrected(text: str, fixes: dict[str, str]) -> str | None:
    """The query with each corrected word replaced where it stands, or None when nothing changed."""
    if not fixes:
        return None
    pattern = re.compile(r"(?<![\w'’-])(" + "|".join(map(re.escape, sorted(fixes, key=len, reverse=True))) + r")(?![\w'’-])")
    out = pattern.sub(lambda m: fixes[m.group(1)], text)
    return out if out != text else None


def get_article(index: str | os.PathLike, article_id: str) -> Article:
    """One stored article by id (or by its file's path, for single-article files)."""
    article = engine_for(index).find(article_id)
    if article is None:
        raise ArticleNotFound(f"no article with id {article_id!r} in the index")
    return article


def iter_articles(index: str | os.PathLike) -> Iterator[Article]:
    """Every indexed article, in index order."""
    yield from engine_for(index).iter_articles()


EXPORT_BATCH = 200  # articles fetched at a time: memory stays flat however many match


def export_articles(index: str | os.PathLike, text: str = "", options: SearchOptions | None = None, *,
                    now: datetime | None = None, on_note=None) -> Iterator[Article]:
    """Every article ``text`` and the filters of ``options`` match (no limit, copies not grouped), streamed;
    with neither, every indexed article in index order. Notes (what the query changed, undated
    articles left out) go to ``on_note`` before the first article."""
    options = options or SearchOptions()
    engine = engine_for(index)
    if not text.strip() and not (options.since or options.until or options.sources or options.undated == "only"):
        yield from engine.iter_articles()
        return
    deadline = Deadline(None)  # an export runs to the end
    parsed, tree, left_out = parse_for(text or "*", options, now)
    notes = list(parsed.notes)
    if left_out is not None:
        excluded = engine.count(left_out, deadline=deadline)
        if excluded:
            notes.append(undated.excluded_note(excluded))
    for note in _unique(notes):
        if on_note:
            on_note(note)
    matches = engine.count(tree, deadline=deadline)
    ranking = engine.rank(tree, sort=options.sort, depth=max(matches, 1), deadline=deadline)
    ids = [hit.id for hit in ranking.hits]
    for start in range(0, len(ids), EXPORT_BATCH):
        for article in engine.articles(ids[start : start + EXPORT_BATCH]):
            if article is not None:
                yield article


def _unique(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))
