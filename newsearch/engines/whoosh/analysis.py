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
from whoosh.analysis.acore import Token
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.support.charset import accent_map

# Words, numbers with inner dots/commas ("3.5", "1,000") and inner apostrophes/hyphens dropped.
TOKEN_PATTERN = r"\w+(?:[.,]\d+)*"
# Distinct words remembered by term_positions before its cache starts over.
CACHE_WORDS = 300_000


class NewsAnalyzer(CompositeAnalyzer):
    """A Whoosh analyzer chain with a token-free fast path for indexing."""

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def _word_function(self, items=None):
        """word -> term as the filters would make it, or None if a filter has no known equivalent."""
        steps = []
        for item in self.items[1:] if items is None else items:
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

    def __call__(self, value, no_morph=False, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        """The chain's tokens from one loop instead of four nested generators (queries, highlighting)."""
        fused = self._fused(no_morph) if tokenize and type(value) is str else None
        if fused is None:
            yield from super().__call__(value, no_morph=no_morph, positions=positions, chars=chars,
                                        keeporiginal=keeporiginal, removestops=removestops, start_pos=start_pos,
                                        start_char=start_char, tokenize=tokenize, mode=mode, **kwargs)
            return
        word_fn, cache = fused
        if len(cache) > CACHE_WORDS:
            cache.clear()
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, match in enumerate(self.items[0].expression.finditer(value)):
            word = match.group(0)
            text = cache.get(word)
            if text is None:
                text = cache[word] = word_fn(word)
            t.text = text
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t

    def _fused(self, no_morph: bool):
        """(word function, its cache) for the chain, without morphology if asked; None if not fusable."""
        key = "_fused_plain" if no_morph else "_fused_full"
        try:
            return self.__dict__[key]
        except KeyError:
            pass
        fused = None
        tokenizer = self.items[0]
        if type(tokenizer) is RegexTokenizer and not tokenizer.gaps:
            items = [i for i in self.items[1:] if not (no_morph and getattr(i, "is_morph", False))]
            word_fn = self._word_function(items)
            if word_fn is not None:
                fused = (word_fn, {})
        self.__dict__[key] = fused
        return fused

    def term_positions(self, value: str) -> dict[bytes, list[int]] | None:
        """{term: [positions]} for ``value``, as the chain yields them; None if not supported.

        Terms come UTF-8 encoded, as the index stores them: the per-word cache
        holds the encoded term, so a word is lowercased, folded, stemmed and
        encoded once per run rather than once per occurrence.
        """
        tokenizer = self.items[0]
        if type(tokenizer) is not RegexTokenizer or tokenizer.gaps or tokenizer.expression.groups:
            return None
        try:
            word_fn, cache = self._word_fn, self._cache
        except AttributeError:
            plain = self._word_function()
            self._word_fn = None if plain is None else (lambda word: plain(word).encode("utf-8"))
            self._cache = {}
            word_fn, cache = self._word_fn, self._cache
        if word_fn is None:
            return None
        if len(cache) > CACHE_WORDS:
            cache.clear()
        poses: dict[bytes, list[int]] = {}
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
