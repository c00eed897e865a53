"""Fixes for Whoosh bugs that change search results. Imported before searching.

AndNotMatcher (whoosh3 3.54, and Whoosh 2.7 before it) checks its first
document against the excluded matcher only when both start on the same
document. When the excluded matcher starts earlier, the first candidate is
never compared, so ``howard -blair`` returned an article naming both
whenever it was the first "howard" article. Found on BBC politics; the test
``test_boolean_operators`` covers it.
"""

from __future__ import annotations

from whoosh.matching.binary import AndNotMatcher


def _find_first(self) -> None:
    if self.a.is_active() and self.b.is_active():
        self._find_next()


AndNotMatcher._find_first = _find_first
