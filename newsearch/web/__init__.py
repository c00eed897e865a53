"""``newsearch serve``: a local web app and JSON API over an index.

The app reads the index only through the library's read entry points
(:mod:`newsearch.search`), so it answers exactly what the CLI would, on every
engine, and keeps answering from the last commit while ``newsearch index``
runs. Nothing here is imported by the other commands: the web stack
(FastAPI, uvicorn, Jinja2) loads only when ``serve`` starts.

Modules: :mod:`server` (binding, uvicorn), :mod:`app` (the ASGI app, errors,
security headers), :mod:`archive` (the library calls), :mod:`params` (request
parameters), :mod:`api` and :mod:`pages` (routes), :mod:`views` and
:mod:`chart` (what templates show), :mod:`schema` (the OpenAPI models).
"""
