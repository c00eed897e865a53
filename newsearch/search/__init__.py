"""The read side, engine-neutral: query text -> query tree -> ranked hits, and the other read commands.

The library entry points (stable names; the web app and the CLI use only these)::

    from newsearch.search import search, get_article, iter_articles, similar, stats, timeline
"""

from __future__ import annotations

from newsearch.search.explore import similar, stats, timeline
from newsearch.search.service import get_article, iter_articles, search

__all__ = ["get_article", "iter_articles", "search", "similar", "stats", "timeline"]
