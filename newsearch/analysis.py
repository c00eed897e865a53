"""How text becomes index terms. Shared by indexing and querying.

No stop list and no minimum length: news words such as "US", "May", "IT" or
"G7" must stay searchable (a stock stop list turns the query ``US`` into
nothing). Accents are folded so "Zelenskyy"/"Zelenskyy" and "Müller"/"Muller"
meet, and words are stemmed so "visits" finds "visit".
"""

from __future__ import annotations

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
)
from whoosh.support.charset import accent_map

# Words, numbers with inner dots/commas ("3.5", "1,000") and inner apostrophes/hyphens dropped.
TOKEN_PATTERN = r"\w+(?:[.,]\d+)*"


def news_analyzer():
    """Tokenize, lowercase, fold accents, stem (English Porter stemmer)."""
    stem = StemFilter(cachesize=-1)
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map) | stem


def exact_analyzer():
    """Like :func:`news_analyzer` but unstemmed: for names (source, author)."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
