"""How text becomes index terms. Shared by indexing and querying.

No stop list and no minimum length: news words such as "US", "May", "IT" or
"G7" must stay searchable (a stock stop list turns the query ``US`` into
nothing). Accents are folded so "Zelenskyy"/"Zelenskyy" and "Müller"/"Muller"
meet, and words are stemmed so "visits" finds "visit".

The analyzers are ordinary Whoosh chains (queries and highlighting use them
as such) with one addition for indexing speed: :meth:`NewsAnalyzer.term_positions`
gives the same terms and positions as running the chain, without making a
Token per word and with a per-word cache of the whole lowercase/fold/stem
pipeline (``tests/test_analysis.py`` checks the two agree on real articles).
"""

from __future__ import annotations

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
)
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.support.charset import accent_map

# Words, numbers with inner dots/commas ("3.5", "1,000") and inner apostrophes/hyphens dropped.
TOKEN_PATTERN = r"\w+(?:[.,]\d+)*"
# Distinct words remembered by term_positions before its cache starts over.
CACHE_WORDS = 300_000


class NewsAnalyzer(CompositeAnalyzer):
    """A Whoosh analyzer chain with a token-free fast path for indexing."""

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_cache", "_word_fn")}

    def _word_function(self):
        """word -> term as the filters would make it, or None if a filter has no known equivalent."""
        steps = []
        for item in self.items[1:]:
            if type(item) is LowercaseFilter:
                steps.append(str.lower)
            elif type(item) is CharsetFilter:
                charmap = item.charmap
                steps.append(lambda text, _map=charmap: text.translate(_map))
            elif type(item) is StemFilter and not item.ignore and not item.lang:
                steps.append(item.stemfn)
            else:
                return None

        def word_fn(word):
            for step in steps:
                word = step(word)
            return word

        return word_fn

    def term_positions(self, value: str) -> dict[str, list[int]] | None:
        """{term: [positions]} for ``value``, as the chain yields them; None if not supported."""
        tokenizer = self.items[0]
        if type(tokenizer) is not RegexTokenizer or tokenizer.gaps or tokenizer.expression.groups:
            return None
        try:
            word_fn, cache = self._word_fn, self._cache
        except AttributeError:
            word_fn = self._word_fn = self._word_function()
            cache = self._cache = {}
        if word_fn is None:
            return None
        if len(cache) > CACHE_WORDS:
            cache.clear()
        poses: dict[str, list[int]] = {}
        for pos, word in enumerate(tokenizer.expression.findall(value)):
            term = cache.get(word)
            if term is None:
                term = cache[word] = word_fn(word)
            plist = poses.get(term)
            if plist is None:
                poses[term] = [pos]
            else:
                plist.append(pos)
        return poses


def news_analyzer():
    """Tokenize, lowercase, fold accents, stem (English Porter stemmer)."""
    stem = StemFilter(cachesize=-1)
    return NewsAnalyzer(RegexTokenizer(TOKEN_PATTERN), LowercaseFilter(), CharsetFilter(accent_map), stem)


def exact_analyzer():
    """Like :func:`news_analyzer` but unstemmed: for names (source, author)."""
    return NewsAnalyzer(RegexTokenizer(TOKEN_PATTERN), LowercaseFilter(), CharsetFilter(accent_map))
