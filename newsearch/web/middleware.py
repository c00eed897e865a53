"""Two small ASGI layers: security headers on every answer, and no traceback ever reaching a client."""

from __future__ import annotations

import logging
import os

# No inline script or style anywhere: article text that slipped through escaping still could not run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
log = logging.getLogger("newsearch.web")


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CatchAll:
    """Turns an unexpected exception (a bug) into a 500 answer from ``render_error``, logged in one line.

    Sits inside Starlette's own error middleware, which would otherwise answer
    in plain text and re-raise. NEWSEARCH_DEBUG=1 logs the traceback too.
    """

    def __init__(self, app, render_error):
        self.app = app
        self.render_error = render_error

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # a bug: the client gets a clean 500, the console one line
            log.error("internal error on %s: %s: %s", scope.get("path"), type(exc).__name__, exc, exc_info=bool(os.environ.get("NEWSEARCH_DEBUG")))
            if not started:
                await self._answer_500(scope, receive, send)

    async def _answer_500(self, scope, receive, send):
        from starlette.responses import PlainTextResponse

        message = "internal error (a bug in newsearch: please report it)"
        try:
            response = self.render_error(scope, 500, message)
        except Exception:
            response = PlainTextResponse(message, status_code=500)
        await response(scope, receive, send)
