"""The HTML pages: search, article, timeline, stats. Each page's whole state is in its URL.

A malformed query shows the page again with the message beside the form
(status 400), so the user can fix what they typed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import HTMLResponse

from newsearch.errors import BadQuery
from newsearch.web import views
from newsearch.web.params import (
    SearchRequest,
    TimelineRequest,
    compare_request,
    search_request,
)

SIMILAR_SHOWN = 5

router = APIRouter(include_in_schema=False)


def _archive(request: Request):
    return request.app.state.archive


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, params: Annotated[SearchRequest, Depends(search_request)]):
    archive = _archive(request)
    if not params.q.strip() and not params.filtered:
        return views.render("home.html", page="search", params=params, stats=archive.stats())
    try:
        result = archive.search(params.q, params.but(facets=("source",)).options())
    except BadQuery as exc:
        return views.render("search.html", status=400, page="search", params=params, error=str(exc), result=None)
    return views.render(
        "search.html", page="search", params=params, error=None, result=result,
        pager=views.pager(params, result.total), selected={s.casefold() for s in params.sources},
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: Annotated[str, Path()]):
    archive = _archive(request)
    article = archive.article(article_id)
    similar = archive.similar(article.id, SIMILAR_SHOWN)
    return views.render(
        "article.html", page="article", params=SearchRequest(q=""), article=article,
        copies=archive.copies(article), similar=similar,
    )


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, params: Annotated[TimelineRequest, Depends(compare_request)]):
    from newsearch.search.compare import MAX_QUERIES
    from newsearch.web.chart import chart

    fields = min(MAX_QUERIES, len(params.queries) + 1)  # one empty box to add a query
    context: dict[str, Any] = {"page": "timeline", "params": params, "fields": fields, "error": None, "comparison": None, "chart": None}
    if not params.queries:
        return views.render("timeline.html", **context)
    try:
        comparison = _archive(request).compare(list(params.queries), params.options(), params.interval, params.normalize)
    except BadQuery as exc:
        context["error"] = str(exc)
        return views.render("timeline.html", status=400, **context)
    context.update(comparison=comparison, chart=chart(comparison, params.sources))
    return views.render("timeline.html", **context)


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request):
    return views.render("stats.html", page="stats", params=SearchRequest(q=""), stats=_archive(request).stats())
