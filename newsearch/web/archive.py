"""The one door from the web app to the library: the read entry points, one call at a time.

Routes run in a thread pool; the library keeps one cached searcher per index,
which is not made for concurrent use, so calls are serialised by a lock. On
two cores little is lost: each call is CPU-bound Python under the GIL anyway.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from newsearch.models import (
    Article,
    SearchOptions,
    SearchResult,
    Stats,
    Timeline,
    TimelineComparison,
)


@dataclass
class Archive:
    index_dir: str
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def at(cls, index_dir: str | os.PathLike) -> Archive:
        from newsearch.engines import engine_kind

        text = os.fspath(index_dir)
        return cls(os.path.abspath(text) if engine_kind(text) == "whoosh" else text)  # a cluster's URL stays one

    def search(self, text: str, options: SearchOptions) -> SearchResult:
        from newsearch.search import search

        with self._lock:
            return search(self.index_dir, text, options)

    def article(self, article_id: str) -> Article:
        from newsearch.search import get_article

        with self._lock:
            return get_article(self.index_dir, article_id)

    def copies(self, article: Article) -> list[dict]:
        from newsearch.search.copies import copies_of

        with self._lock:
            return copies_of(self.index_dir, article)

    def similar(self, article_id: str, limit: int) -> SearchResult:
        from newsearch.search import similar

        with self._lock:
            return similar(self.index_dir, article_id, limit=limit)

    def stats(self) -> Stats:
        from newsearch.search import stats

        with self._lock:
            return stats(self.index_dir)

    def timeline(self, text: str, options: SearchOptions, interval: str | None) -> Timeline:
        from newsearch.search import timeline

        with self._lock:
            return timeline(self.index_dir, text, options, interval=interval)

    def compare(self, queries: list[str], options: SearchOptions, interval: str | None, normalize: bool) -> TimelineComparison:
        from newsearch.search.compare import compare_timelines

        with self._lock:
            return compare_timelines(self.index_dir, queries, options, interval=interval, normalize=normalize)
