"""The JSON API: each route is one library call returning its ``to_dict()``, the CLI's ``--json``.

``/api/search?q=oil&source=reuters`` prints what ``newsearch query oil
--source reuters --json`` prints; errors are ``{"error": ..., "status": ...}``
with 400 (bad parameters, malformed query), 404 (unknown article) or 503
(no usable index).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from newsearch.web import schema
from newsearch.web.params import (
    MAX_LIMIT,
    SearchRequest,
    TimelineRequest,
    compare_request,
    search_request,
    timeline_request,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schema.Error, "description": "Bad parameters or a malformed query"},
    503: {"model": schema.Error, "description": "The index is missing or incompatible"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": schema.Error, "description": "No article with that id"}}
ArticleId = Annotated[str, Path(description="An article id, as in search results (URL-encoded: `#` is `%23`).")]

router = APIRouter(prefix="/api", tags=["api"])


def _archive(request: Request):
    return request.app.state.archive


@router.get("/search", response_model=None, responses={200: {"model": schema.SearchResult}, **ERRORS})
def api_search(request: Request, params: Annotated[SearchRequest, Depends(search_request)]) -> JSONResponse:
    """Ranked results with snippets: `newsearch query … --json`."""
    return JSONResponse(_archive(request).search(params.q, params.options()).to_dict())


@router.get("/articles/{article_id:path}", response_model=None, responses={200: {"model": schema.Article}, **NOT_FOUND, **ERRORS})
def api_article(request: Request, article_id: ArticleId) -> JSONResponse:
    """One article in full: `newsearch show ID --json`."""
    return JSONResponse(_archive(request).article(article_id).to_dict())


@router.get("/similar/{article_id:path}", response_model=None, responses={200: {"model": schema.SearchResult}, **NOT_FOUND, **ERRORS})
def api_similar(
    request: Request, article_id: ArticleId, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10
) -> JSONResponse:
    """Articles most like one article: `newsearch similar ID --json`."""
    return JSONResponse(_archive(request).similar(article_id, limit).to_dict())


@router.get("/timeline", response_model=None, responses={200: {"model": schema.Timeline}, **ERRORS})
def api_timeline(request: Request, params: Annotated[TimelineRequest, Depends(timeline_request)]) -> JSONResponse:
    """Matching articles per interval for one query: `newsearch timeline … --json`."""
    timeline = _archive(request).timeline(params.queries[0] if params.queries else "", params.options(), params.interval)
    return JSONResponse(timeline.to_dict())


@router.get("/timeline/compare", response_model=None, responses={200: {"model": schema.TimelineComparison}, **ERRORS})
def api_compare(request: Request, params: Annotated[TimelineRequest, Depends(compare_request)]) -> JSONResponse:
    """Several queries on one time axis, as counts or (normalize) as shares of all articles per bucket."""
    comparison = _archive(request).compare(list(params.queries), params.options(), params.interval, params.normalize)
    return JSONResponse(comparison.to_dict())


@router.get("/stats", response_model=None, responses={200: {"model": schema.Stats}, **ERRORS})
def api_stats(request: Request) -> JSONResponse:
    """What the index holds: `newsearch stats --json`."""
    return JSONResponse(_archive(request).stats().to_dict())
