"""Whoosh analyzers over :mod:`newsearch.terms` (which says how text becomes terms).

The Whoosh schema, the writer's fast path, the query side and the
highlighter take analyzers; these are thin wrappers:

- ``analyzer(value, mode="index")`` (Whoosh's indexing path, highlighting,
  suggestions): every term :func:`newsearch.terms.tokens` gives, joined forms
  of hyphenated words included, with positions and character offsets;
- ``analyzer(value, mode="query")`` (query parsing): the terms in phrase order,
  as :func:`newsearch.terms.analyze` gives them;
- :meth:`NewsAnalyzer.term_positions` (the writer's fast path): the index
  terms UTF-8 encoded, from the cached word pipeline.

Each takes the article's ``language`` (ISO 639-1) for stemming; the writer
passes it. ``tests/test_analysis.py`` checks the token stream and the fast
path agree on real articles.
"""

from __future__ import annotations

from whoosh.analysis.acore import Token
from whoosh.analysis.analyzers import Analyzer

from newsearch import terms

# Kept for code that builds patterns from it (query words): the token of newsearch.terms.
TOKEN_PATTERN = terms.TOKEN_PATTERN


class NewsAnalyzer(Analyzer):
    """The Whoosh face of a :mod:`newsearch.terms` kind ("text" or "exact").

    Pickled into the index's table of contents as just its kind. (An index
    of an older schema unpickles its old analyzers into this class without
    error; the schema-version check then asks for ``--rebuild``.)
    """

    def __init__(self, kind: str = "text") -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.kind!r})"

    def __getstate__(self) -> dict:
        return {"kind": self.kind}

    def has_morph(self) -> bool:
        return self.kind == "text"

    def __call__(self, value, no_morph=False, mode="", language=None, **options):
        analyzer = terms.analyzer("exact" if no_morph else self.kind, language)
        stream = analyzer.query_tokens if mode == "query" else analyzer.tokens
        return whoosh_tokens(stream, value, mode=mode, **options)

    def term_positions(self, value: str, language: str | None = None) -> dict[bytes, list[int]]:
        """{UTF-8 term: [positions]} for ``value``: the same terms and positions as ``__call__`` in index mode."""
        return terms.analyzer(self.kind, language).term_positions_bytes(value)


def whoosh_tokens(stream, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                  start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
    """Whoosh's Token stream from ``stream(value)`` (:class:`newsearch.terms.Token` tuples).

    With ``tokenize=False`` the whole value is one token, as Whoosh's tokenizers do.
    One Token object is reused, as in Whoosh's own chains.
    """
    t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
    t.boost, t.stopped = 1.0, False
    if not tokenize:
        t.original = t.text = value
        if positions:
            t.pos = start_pos
        if chars:
            t.startchar, t.endchar = start_char, start_char + len(value)
        yield t
        return
    for token in stream(value):
        t.text = token.term
        if keeporiginal:
            t.original = token.original
        if positions:
            t.pos = start_pos + token.pos
        if chars:
            t.startchar, t.endchar = start_char + token.start, start_char + token.end
        yield t


def news_analyzer() -> NewsAnalyzer:
    """Title and body: tokenised, folded, possessives dropped, stemmed (Snowball, by the article's language)."""
    return NewsAnalyzer("text")


def exact_analyzer() -> NewsAnalyzer:
    """Like :func:`news_analyzer` but unstemmed: for names (source, author, section)."""
    return NewsAnalyzer("exact")
