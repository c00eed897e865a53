"""What the templates show: URLs for every page state, highlighted snippets, paging, safe links.

Templates are Jinja2 with autoescaping on for everything, so article text is
always text; the helpers here only ever build URLs from our own paths and
percent-encoded values, and pass an article's own URL on only when it is
``http`` or ``https``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from starlette.responses import HTMLResponse

from newsearch.web.params import MAX_OFFSET, SearchRequest, TimelineRequest

TEMPLATES = Path(__file__).with_name("templates")
_environment = None


def environment():
    """The Jinja2 environment, made once: autoescape on, undefined names an error."""
    global _environment
    if _environment is None:
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.globals.update(
            article_url=article_url, search_url=search_url, timeline_url=timeline_url, marked=marked,
            paragraphs=paragraphs, safe_href=safe_href, shown_date=shown_date, file_name=file_name,
            size=human_size, copy_label=copy_label, toggled=toggled, timeline_of=timeline_of, source_url=source_url,
        )
        _environment = env
    return _environment


def render(name: str, status: int = 200, **context) -> HTMLResponse:
    context = {"page": "", "status": status, **context}
    return HTMLResponse(environment().get_template(name).render(**context), status_code=status)


def article_url(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def search_pairs(request: SearchRequest) -> list[tuple[str, str]]:
    """The query-string pairs of a search state; defaults left out so URLs stay short."""
    pairs = [("q", request.q)] if request.q else []
    pairs += [(name, value) for name, value in (("since", request.since), ("until", request.until)) if value]
    pairs += [("source", source) for source in request.sources]
    if request.sort != "relevance":
        pairs.append(("sort", request.sort))
    if request.limit != 10:
        pairs.append(("limit", str(request.limit)))
    if request.offset:
        pairs.append(("offset", str(request.offset)))
    if request.show_all:
        pairs.append(("all", "true"))
    return pairs


def search_url(request: SearchRequest, api: bool = False, **changes) -> str:
    pairs = search_pairs(request.but(**changes))
    if api:
        return "/api/search?" + urlencode([*pairs, ("facet", "source")])
    return "/?" + urlencode(pairs) if pairs else "/"


def timeline_url(request: TimelineRequest, api: bool = False) -> str:
    pairs = [("q", text) for text in request.queries]
    pairs += [(name, value) for name, value in (("since", request.since), ("until", request.until)) if value]
    pairs += [("source", source) for source in request.sources]
    if request.interval:
        pairs.append(("interval", request.interval))
    if request.normalize:
        pairs.append(("normalize", "true"))
    return ("/api/timeline/compare?" if api else "/timeline?") + urlencode(pairs)


def source_url(name: str) -> str:
    """The search page listing one source's articles."""
    return search_url(SearchRequest(q="", sources=(name,)))


def timeline_of(request: SearchRequest) -> str:
    """The timeline page for a search's query and filters."""
    return timeline_url(TimelineRequest(queries=(request.q,), since=request.since, until=request.until, sources=request.sources))


def toggled(sources: tuple[str, ...], name: str) -> tuple[str, ...]:
    """``sources`` with ``name`` added, or removed when it is there (case-insensitively)."""
    kept = tuple(s for s in sources if s.casefold() != name.casefold())
    return kept if len(kept) < len(sources) else (*sources, name)


def marked(text: str, spans) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_match) by the highlight offsets; bad or overlapping spans are trimmed."""
    pieces, position = [], 0
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        start, end = max(start, position), min(end, len(text))
        if end <= start:
            continue
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def paragraphs(body: str) -> list[str]:
    """Paragraphs split at blank lines; the line breaks inside them are kept (CSS ``pre-line``).

    Wire copy is hard-wrapped and page text has a break per paragraph: keeping
    the breaks as they are shows both as their authors laid them out.
    """
    return [part.strip() for part in re.split(r"\n\s*\n", body) if part.strip()]


def safe_href(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link; None otherwise (``javascript:``, ``data:``, relative)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def shown_date(date_text: str | None) -> str:
    """``2024-11-13``, or ``2024-11-13 14:05 UTC`` for a timestamp."""
    if not date_text:
        return ""
    if "T" not in date_text:
        return date_text
    day, _, time = date_text.partition("T")
    return f"{day} {time[:5]} UTC"


def file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def copy_label(copy: dict) -> str:
    """What to call one copy in "also in …": its source, else its file name."""
    return copy.get("source") or file_name(copy.get("path") or "") or copy.get("id", "")


def human_size(count: int) -> str:
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{count} bytes"


@dataclass
class PageLink:
    label: str
    url: str | None  # None: the current page


def pager(request: SearchRequest, total: int) -> dict:
    """Previous/next and a window of page numbers (1-based) for ``total`` matches."""
    size = request.limit
    pages = max(1, min(math.ceil(total / size), MAX_OFFSET // size + 1))
    current = request.offset // size + 1
    numbers = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    links = [PageLink(str(n), None if n == current else search_url(request, offset=(n - 1) * size)) for n in numbers]
    previous = search_url(request, offset=max(0, request.offset - size)) if request.offset else None
    following = search_url(request, offset=request.offset + size) if current < pages else None
    return {"links": links, "previous": previous, "next": following, "current": current, "pages": pages}
