"""The ASGI app: API and page routes, static files, error answers, security headers.

Every error a request can cause has one answer, chosen by where it was asked:
JSON ``{"error", "status"}`` under ``/api/``, a page with the message and a
search box elsewhere. Library errors map by kind (``BadQuery`` 400,
``ArticleNotFound`` 404, a missing or incompatible index 503), invalid
parameters give 400, and a bug gives 500 without a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response

from newsearch.errors import (
    ArticleNotFound,
    IndexIncompatible,
    IndexMissing,
    NewsearchError,
)
from newsearch.web import api, pages, views
from newsearch.web.archive import Archive
from newsearch.web.middleware import CatchAll, SecurityHeaders

STATIC = Path(__file__).with_name("static")
JSON_PREFIXES = ("/api/", "/openapi.json")


def create_app(index_dir: str | os.PathLike, *, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The app over the index at ``index_dir``; ``allowed_hosts`` guards a loopback server against DNS rebinding."""
    app = FastAPI(
        title="newsearch",
        version=_version(),
        description="Search a news archive. Every endpoint returns the JSON of the matching `newsearch` command.",
        docs_url=None,  # the interactive docs load scripts from the internet
        redoc_url=None,
    )
    app.state.archive = Archive.at(index_dir)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(NewsearchError, _library_error)
    app.add_exception_handler(RequestValidationError, _invalid_parameters)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_middleware(CatchAll, render_error=lambda scope, status, message: error_response(scope["path"], status, message))
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(SecurityHeaders)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def error_response(path: str, status: int, message: str) -> Response:
    if path.startswith(JSON_PREFIXES):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    return views.render("error.html", status=status, message=message)


def status_of(exc: NewsearchError) -> int:
    if isinstance(exc, ArticleNotFound):
        return 404
    if isinstance(exc, (IndexMissing, IndexIncompatible)):
        return 503
    return 400


async def _library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NewsearchError)
    return error_response(request.url.path, status_of(exc), str(exc))


async def _invalid_parameters(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(request.url.path, 400, describe_invalid(exc.errors()))


def describe_invalid(errors) -> str:
    """One line from pydantic's errors: ``limit: Input should be less than or equal to 100``."""
    parts = []
    for error in list(errors)[:3]:
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid parameters"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "no such page", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
    return error_response(request.url.path, exc.status_code, message)


def _openapi(app: FastAPI) -> dict:
    """FastAPI's description, less its 422 answers: invalid parameters get 400 here."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            operation.get("responses", {}).pop("422", None)
    schemas = spec.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    app.openapi_schema = spec
    return spec


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsearch")
    except PackageNotFoundError:
        return "0"
