"""The other copies of one article (syndicated versions, re-posts, identical files).

Search results group copies together (``Hit.duplicates``); an article page
needs the same group starting from the article. Searching for the article's
own opening words ranks it and its copies, which share those words, at the
top, where the search's copy grouping gathers them: so the copies shown
beside an article are the ones its search results would list, on every engine.
"""

from __future__ import annotations

import os
import re

from newsearch.models import Article, SearchOptions

PROBE_WORDS = 40  # words from the title and the opening of the body
PROBE_HITS = 10  # groups to look through for the article
_WORD = re.compile(r"\w+")


def copies_of(index_dir: str | os.PathLike, article: Article) -> list[dict]:
    """The copies grouped with ``article`` (``id``, ``path``, ``source`` each, as ``Hit.duplicates``)."""
    from newsearch.search import search

    text = probe_query(article)
    if not text:
        return []
    result = search(index_dir, text, SearchOptions(limit=PROBE_HITS))
    for hit in result.hits:
        group = [{"id": hit.id, "path": hit.path, "source": hit.source}, *hit.duplicates]
        if any(copy["id"] == article.id for copy in group):
            return [copy for copy in group if copy["id"] != article.id]
    return []


def probe_query(article: Article) -> str:
    """The article's first words as plain lower-case words: no query syntax can come from its text."""
    words = _WORD.findall(f"{article.title} {article.body[:2000]}")
    return " ".join(word.lower() for word in words[:PROBE_WORDS])
