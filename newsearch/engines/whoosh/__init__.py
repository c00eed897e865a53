"""The embedded engine: Whoosh (whoosh3) in an index folder. The only package that imports Whoosh."""

from __future__ import annotations

from newsearch.engines.whoosh.engine import WhooshEngine

__all__ = ["WhooshEngine"]
