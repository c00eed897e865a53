"""How text becomes index terms, for every engine (standard library and PyStemmer only).

One definition of tokens, folding, possessives and stemming, so that the
Whoosh engine (``engines/whoosh/analysis.py`` wraps this module), the
reference engine of the tests and an OpenSearch mapping (which mirrors it
with built-in filters) find the same words, and the query side, which passes
words as typed through the same functions, agrees with the index side.

API
- :func:`analyze` ``(text, kind="text", language=None) -> list[str]``: the
  terms of ``text`` in the order a phrase must find them, at consecutive
  positions: a hyphenated word gives its parts (``"e-mail"`` -> ``["e",
  "mail"]``: one word, so search it as a phrase, which also finds "e mail"),
  whether alone or inside a longer text, so the words of a phrase can be
  analysed one by one or together alike.
- :func:`term_positions` ``(text, kind="text", language=None) -> {term: [positions]}``:
  the index side. Every part of a hyphenated word takes a position, and the
  joined form is indexed too, at the first part's position.
- :func:`tokens`: the same terms with character offsets and the original
  text (highlighting, Whoosh's token stream).
- :func:`analyzer` ``(kind, language)``: the cached :class:`Analyzer` behind
  all of these; its :meth:`Analyzer.term_positions_bytes` is the indexing fast
  path (UTF-8 terms, a per-word cache of the whole pipeline).
- :func:`name_counts` / :func:`name_tokens` / :func:`query_names`: the
  capitalised words of a text not at a sentence start (case kept) for the
  ``names`` field, counted or one by one, and those of a query.
- :func:`stemmer_name` ``(language) -> str``: which Snowball stemmer serves
  an ISO 639-1 code (English for unknown codes and codes Snowball lacks).

Kinds: ``"text"`` (title, body: stemmed) and ``"exact"`` (source, author,
section: not stemmed). Both tokenise, fold and strip possessives alike.

Tokens: runs of word characters, kept whole across the joiners inside words
people mean as one: an apostrophe (O'Neill, O’Neill -> ``o'neill``; the
curly one is read as the straight one), an ampersand (AT&T -> ``at&t``), the
dots of a dotted abbreviation (U.S. -> ``us``, so it meets "US"), decimal
points and thousands commas in numbers (``3.5``, ``1,000``) and a percent sign
after a number (3.5% -> ``3.5%``, indexed with ``3.5`` at the same position).
A hyphen (-, U+2010, U+2011) joins too, but a hyphenated word is indexed
both whole and in parts: "Anglo-Irish" -> ``angloirish`` + ``anglo``,
``irish``; so "Irish" finds it, "email" finds "e-mail" too, and "Anglo-Irish"
and "Anglo Irish agreement" (phrases of the parts) find "Anglo-Irish
agreement". (The joined form sits at the first part's position, so a phrase
"send email" finds "send e-mail"; "e-mail" searched as typed, a phrase of its
parts, does not find "email".) A final
possessive 's is dropped ("Blair's" -> ``blair``, "O'Neill's" ->
``o'neill``). In French, Italian and Catalan text (and when stemming for
those languages) an elided article is dropped ("l'Europe" -> ``europe``); in
English "O'Neill" keeps its "O'".

Folding: Latin letters lose their diacritics (é -> e, İ -> i) and the
letters without a decomposition are spelt out (ß -> ss, æ -> ae, ø -> o,
ł -> l, þ -> th); compatibility forms are unfolded (ﬁ -> fi, fullwidth ->
ASCII). Greek and Cyrillic letters keep their marks (й is not и), as
Lucene's ASCII folding does. Then lower case.

Stemming: the Snowball stemmers of PyStemmer (C, fast): English "porter2"
(running -> run, planned -> plan, operating/operation -> oper, news stays
news) and, for an article whose ``language`` has a Snowball stemmer, that
language's. No stop list and no minimum length: "US", "May", "IT" and "G7"
stay searchable; what to ignore in a query is the query side's choice.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import NamedTuple

import Stemmer  # PyStemmer ships no type hints (mypy: ignore_missing_imports)

# --------------------------------------------------------------------- tokens

_HYPHENS = "\\-\u2010\u2011"  # for character classes
_APOSTROPHES = "'\u2019"
# A dotted abbreviation: single letters each followed by a dot ("U.S.", "U.S", "e.g.").
_ACRONYM = r"(?:[^\W\d_]\.)+[^\W\d_]\b\.?"
# A word: word characters joined by number punctuation, apostrophes, ampersands or hyphens;
# then a percent sign after a digit, or, after a single letter, the rest of a dotted
# abbreviation. One branch rather than "acronym|word", and the lookbehinds after the
# literal "%" or ".": as fast as the plain "\w+(?:[.,]\d+)*" (an alternation cost 40% more).
_WORD_TAIL = (
    r"(?:[.,]\d+|[" + _APOSTROPHES + "&" + _HYPHENS + r"]\w+)*"
    r"(?:%(?<=\d%)|\.(?<=\b[^\W\d_]\.)[^\W\d_]\b(?:\.[^\W\d_]\b)*\.?)?"
)
TOKEN_PATTERN = r"\w+" + _WORD_TAIL
TOKEN = re.compile(TOKEN_PATTERN)

_ACRONYM_FULL = re.compile(_ACRONYM + r"\Z")
_HYPHEN_SPLIT = re.compile("[" + _HYPHENS + "]")
# A token that is not plain word characters (and digits with dots) needs the slow path.
_SPECIAL = re.compile("[" + _APOSTROPHES + "&%" + _HYPHENS + r"]|[^\W\d_]\.")
# Elided articles and pronouns (as Lucene's French/Italian/Catalan elision filters list them).
_ELISION = {
    "french": re.compile(r"(?:l|m|t|qu|n|s|j|d|c|jusqu|quoiqu|lorsqu|puisqu)'(?=\w)", re.IGNORECASE),
    "italian": re.compile(
        r"(?:c|l|all|dall|dell|nell|sull|coll|pell|gl|agl|dagl|degl|negl|sugl|un|m|t|s|v|d)'(?=\w)", re.IGNORECASE
    ),
    "catalan": re.compile(r"(?:d|l|m|n|s|t)'(?=\w)", re.IGNORECASE),
}

# Distinct words an Analyzer remembers before its cache starts over.
CACHE_WORDS = 300_000

KINDS = ("text", "exact")

# ------------------------------------------------------------------- folding

# Latin letters that have no decomposition into a base letter and marks.
_SPELT_OUT = str.maketrans(
    {"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
     "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H", "ŀ": "l", "Ŀ": "L"}
)


def fold(word: str) -> str:
    """``word`` with Latin diacritics removed and compatibility forms unfolded (case kept)."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_SPELT_OUT))
    out = []
    base_is_latin = False
    for char in decomposed:
        if unicodedata.combining(char):
            if base_is_latin:
                continue  # a mark on a Latin letter: dropped
        else:
            base_is_latin = char.isascii()
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


# ------------------------------------------------------------------ stemmers

# ISO 639-1 -> Snowball algorithm name (those PyStemmer has are used).
_SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian",
    "nn": "norwegian", "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}
DEFAULT_STEMMER = "english"


@cache
def stemmer_name(language: str | None) -> str:
    """The Snowball stemmer for an ISO 639-1 code; English when unknown or when Snowball has none."""
    name = _SNOWBALL.get((language or "").lower()[:2])
    return name if name in _available() else DEFAULT_STEMMER


@lru_cache(maxsize=1)
def _available() -> frozenset[str]:
    return frozenset(Stemmer.algorithms())


def stemmed_languages() -> dict[str, str]:
    """ISO 639-1 code -> Snowball stemmer, for every code with a stemmer of its own."""
    return {code: name for code, name in _SNOWBALL.items() if name in _available()}


# ------------------------------------------------------------------ analyzer


# A word as the fast path caches it: its term, or (positions it takes, ((term, offset), ...)).
_Encoded = bytes | tuple[int, tuple[tuple[bytes, int], ...]]


class Token(NamedTuple):
    term: str
    pos: int
    start: int  # character offsets of the word (of the whole compound, for its parts too)
    end: int
    original: str


class Analyzer:
    """Text -> terms for one kind and one stemming language, with a per-word cache.

    Build through :func:`analyzer` (one per kind and language, shared).
    """

    def __init__(self, kind: str = "text", language: str | None = None):
        if kind not in KINDS:
            raise ValueError(f"unknown analysis kind {kind!r} (kinds: {', '.join(KINDS)})")
        self.kind = kind
        self.stemmer = stemmer_name(language) if kind == "text" else None
        self._elision = _ELISION.get(stemmer_name(language)) if language else None
        self._stem = Stemmer.Stemmer(self.stemmer).stemWord if self.stemmer else None
        self._words: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        self._bytes: dict[str, _Encoded] = {}

    # -- one word

    def word(self, word: str) -> tuple[str | None, tuple[str, ...]]:
        """(joined form or None, parts): the terms of one token as :data:`TOKEN` finds it.

        The parts take consecutive positions; the joined form (hyphenated
        words, numbers with %) is indexed at the first part's position.
        """
        found = self._words.get(word)
        if found is None:
            if len(self._words) > CACHE_WORDS:
                self._words.clear()
            found = self._words[word] = self._analyse_word(word)
        return found

    def _norm(self, text: str) -> str:
        text = fold(text).lower()
        return self._stem(text) if self._stem is not None else text

    def _analyse_word(self, word: str) -> tuple[str | None, tuple[str, ...]]:
        if not _SPECIAL.search(word):
            return None, (self._norm(word),)
        if _ACRONYM_FULL.match(word):
            return None, (self._norm(word.replace(".", "")),)
        word = word.replace("\u2019", "'")
        percent = word.endswith("%")
        if percent:
            word = word[:-1]
        if word[-2:] in ("'s", "'S"):
            word = word[:-2]
        if self._elision is not None:
            elided = self._elision.match(word)
            if elided:
                word = word[elided.end():]
        pieces = [p.replace(".", "") if _ACRONYM_FULL.match(p) else p for p in _HYPHEN_SPLIT.split(word)]
        parts = tuple(self._norm(p) for p in pieces)
        if percent:
            return self._norm("".join(pieces)) + "%", parts
        if len(pieces) > 1:
            return self._norm("".join(pieces)), parts
        return None, parts

    # -- texts

    def analyze(self, text: str) -> list[str]:
        """The terms in phrase order (see :func:`analyze`)."""
        return [token.term for token in self.query_tokens(text)]

    def query_tokens(self, text: str) -> Iterator[Token]:
        """The terms of :meth:`analyze` with their positions in that sequence and character offsets."""
        matches = list(TOKEN.finditer(text))
        pos = 0
        for match in matches:
            word = match.group()
            whole, parts = self.word(word)
            start, end = match.span()
            # The joined form stands at the first part's position: it can stand in for
            # the parts only when there is a single part ("3.5%").
            if whole is not None and len(parts) == 1:
                parts = (whole,)
            for part in parts:
                yield Token(part, pos, start, end, word)
                pos += 1

    def tokens(self, text: str) -> Iterator[Token]:
        """Every indexed term with its position, offsets and original word (index order)."""
        pos = 0
        for match in TOKEN.finditer(text):
            word = match.group()
            whole, parts = self.word(word)
            start, end = match.span()
            if whole is not None:
                yield Token(whole, pos, start, end, word)
            for part in parts:
                yield Token(part, pos, start, end, word)
                pos += 1

    def term_positions(self, text: str) -> dict[str, list[int]]:
        """{term: [positions]}, the terms as str (see :meth:`term_positions_bytes`)."""
        return {term.decode("utf-8"): poses for term, poses in self.term_positions_bytes(text).items()}

    def term_positions_bytes(self, text: str) -> dict[bytes, list[int]]:
        """{UTF-8 term: [positions]}: the indexing fast path.

        The same terms and positions as :meth:`tokens`. The cache holds each
        word's encoded term (or, for a compound, its (term, offset) pairs), so
        a word is folded, stemmed and encoded once per run, not per occurrence.
        """
        cache = self._bytes
        if len(cache) > CACHE_WORDS:
            cache.clear()
        poses: dict[bytes, list[int]] = {}
        pos = 0
        for word in TOKEN.findall(text):
            entry = cache.get(word)
            if entry is None:
                entry = cache[word] = self._encoded(word)
            if isinstance(entry, bytes):
                plist = poses.get(entry)
                if plist is None:
                    poses[entry] = [pos]
                else:
                    plist.append(pos)
                pos += 1
                continue
            width, pairs = entry
            for term, offset in pairs:
                plist = poses.get(term)
                if plist is None:
                    poses[term] = [pos + offset]
                else:
                    plist.append(pos + offset)
            pos += width
        return poses

    def _encoded(self, word: str) -> _Encoded:
        whole, parts = self._analyse_word(word)
        if whole is None and len(parts) == 1:
            return parts[0].encode("utf-8")
        pairs = [(whole.encode("utf-8"), 0)] if whole is not None else []
        pairs.extend((part.encode("utf-8"), n) for n, part in enumerate(parts))
        return len(parts), tuple(pairs)


@cache
def analyzer(kind: str = "text", language: str | None = None) -> Analyzer:
    """The shared :class:`Analyzer` for ``kind`` and the stemmer serving ``language``."""
    if kind == "text":
        name = stemmer_name(language)
        canonical = next((code for code, n in _SNOWBALL.items() if n == name), None)
        if canonical != language:  # "en-GB", None, "xx" -> one analyzer per stemmer
            return analyzer(kind, canonical)
    elif language is not None and stemmer_name(language) not in _ELISION:
        return analyzer(kind, None)
    return Analyzer(kind, language)


def analyze(text: str, kind: str = "text", language: str | None = None) -> list[str]:
    """The terms of ``text`` in the order a phrase must find them (query side).

    ``analyze("Blair's running")`` -> ``["blair", "run"]``;
    ``analyze("U.S.")`` -> ``["us"]``; ``analyze("e-mail")`` -> ``["e", "mail"]``;
    ``analyze("3.5%")`` -> ``["3.5%"]``; ``analyze("Anglo-Irish deal")`` -> ``["anglo", "irish", "deal"]``.
    """
    return analyzer(kind, language).analyze(text)


def term_positions(text: str, kind: str = "text", language: str | None = None) -> dict[str, list[int]]:
    """{term: [positions]} as an index stores ``text`` (index side)."""
    return analyzer(kind, language).term_positions(text)


def tokens(text: str, kind: str = "text", language: str | None = None) -> Iterator[Token]:
    """Every indexed term of ``text`` with position and character offsets."""
    return analyzer(kind, language).tokens(text)


# --------------------------------------------------------------------- names

# A capital letter after a lowercase word or a comma: "Theresa May said", "in the US,".
# Sentence starts (after . ! ? or a line break) are left out: there, every word is capitalised.
# The capital comes before the lookbehind (which then spans it) so the scan rejects most
# positions on one character test. The rest of the word follows TOKEN.
_NAME_TAIL = r"\w*" + _WORD_TAIL
_NAME = re.compile(r"[A-Z](?<=[\w,;] [A-Z])" + _NAME_TAIL)
_QUERY_NAME = re.compile(r"(?<![\w:\"'])[A-Z]" + _NAME_TAIL)
QUERY_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})  # words the query language reads as syntax


def _name_terms(name: str) -> list[str]:
    """The names-field terms of one capitalised token, case kept: as ``exact`` terms, not lowercased."""
    if not _SPECIAL.search(name):
        return [name]
    if _ACRONYM_FULL.match(name):
        return [name.replace(".", "")]
    name = name.replace("\u2019", "'").rstrip("%")
    if name[-2:] in ("'s", "'S"):
        name = name[:-2]
    pieces = [p.replace(".", "") if _ACRONYM_FULL.match(p) else p for p in _HYPHEN_SPLIT.split(name)]
    return ["".join(pieces), *pieces] if len(pieces) > 1 else pieces


def name_counts(text: str) -> dict[str, int]:
    """{name: count}: capitalised words of ``text`` not at a sentence start, case kept.

    Stemmed, lowercased text cannot tell "Theresa May" from "may" or "the
    US" from "us"; these terms can. All-capitals text (wires, old archives)
    has no such signal and gives nothing.
    """
    if mostly_upper(text):
        return {}
    counts = Counter(_NAME.findall(text))
    special = [name for name in counts if not name.isalnum()]
    for name in special:
        n = counts.pop(name)
        for term in _name_terms(name):
            counts[term] += n
    return counts


def name_tokens(text: str) -> Iterator[Token]:
    """The names of :func:`name_counts` one by one, in order, with offsets (positions count names)."""
    if mostly_upper(text):
        return
    pos = 0
    for match in _NAME.finditer(text):
        for term in _name_terms(match.group()):
            yield Token(term, pos, match.start(), match.end(), match.group())
            pos += 1


def query_names(words: str) -> list[str]:
    """Capitalised words the user typed (as :func:`name_counts` indexes them), unless the query is in capitals."""
    found = [t for w in _QUERY_NAME.findall(words) if w not in QUERY_OPERATORS for t in _name_terms(w)]
    if len(found) > 1 and mostly_upper(words):
        return []
    return list(dict.fromkeys(found))


def mostly_upper(text: str) -> bool:
    """Whether more than 60% of the letters of the first 2,000 characters are capitals."""
    sample = text[:2000]
    # Counted as str.isalpha/str.isupper per character would, without a Python call per
    # character: ASCII letters by deleting them from the bytes, the rest one by one.
    others = _NON_ASCII.findall(sample)
    plain = (_NON_ASCII.sub("", sample) if others else sample).encode("ascii")
    upper = len(plain) - len(plain.translate(None, _ASCII_UPPER))
    letters = upper + len(plain) - len(plain.translate(None, _ASCII_LOWER))
    if others:
        letters += sum(map(str.isalpha, others))
        upper += sum(map(str.isupper, others))
    return letters > 0 and upper > 0.6 * letters


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LOWER = b"abcdefghijklmnopqrstuvwxyz"
