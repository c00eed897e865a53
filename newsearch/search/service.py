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
from newsearch.search.cache import engine_for
from newsearch.search.grouping import group_copies
from newsearch.search.snippets import Highlighter, snippet

SUGGEST_BELOW = 3  # offer a corrected query when fewer hits than this


def search(index: str | os.PathLike, text: str, options: SearchOptions | None = None, *,
           now: datetime | None = None) -> SearchResult:
    """Search the index ``index`` (a folder, or any ``--index`` value) for ``text``."""
    from newsearch.query.parser import parse_query

    options = options or SearchOptions()
    started = time.perf_counter()
    engine = engine_for(index)
    deadline = Deadline()
    parsed = parse_query(text, since=options.since, until=options.until, sources=options.sources, now=now)
    ranking, groups = ranked_groups(engine, parsed.tree, options, deadline)
    page = groups[options.offset : options.offset + options.limit]
    hits = make_hits(engine, ranking, page, options.offset)
    total = ranking.total if ranking.total is not None else engine.count(parsed.tree, deadline=deadline)
    total = max(total, len(ranking.hits))  # a count cut short by the deadline still counts what was ranked
    facets = engine.facets(parsed.tree, options.facets, deadline=deadline) if options.facets else None
    suggestion = None
    words = suggestable(parsed)
    if words:
        fixes = engine.suggest(words, few_hits=total < SUGGEST_BELOW, deadline=deadline)
        suggestion = corrected(text, fixes)
    notes = _unique(parsed.notes + ranking.notes + deadline.notes)
    return SearchResult(
        query=text,
        total=total,
        took_ms=(time.perf_counter() - started) * 1000,
        hits=hits,
        notes=notes,
        suggestion=suggestion,
        facets=facets,
    )


def ranked_groups(engine: Engine, tree, options: SearchOptions, deadline: Deadline) -> tuple[Ranking, list[list[int]]]:
    """The ranking and its hits grouped by copies (positions in ``ranking.hits``), enough for the page.

    Grouping folds copies together, so a page of N groups may need more than
    N ranked hits: the ranking is asked again, twice as deep, until the page
    fills or every match is in.
    """
    wanted = options.offset + options.limit
    depth = wanted if not options.group_duplicates else wanted * 2 + 10
    while True:
        ranking = engine.rank(tree, sort=options.sort, depth=depth, deadline=deadline)
        if not options.group_duplicates:
            return ranking, [[i] for i in range(len(ranking.hits))]
        groups = group_copies([hit.signature for hit in ranking.hits])
        if len(groups) >= wanted or ranking.complete or deadline.expired():
            return ranking, groups
        depth *= 2


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


def _unique(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))
