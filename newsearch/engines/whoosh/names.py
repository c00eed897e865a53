"""Proper nouns: telling "Theresa May" from "may", and "the US" from "us".

Stemmed, lowercased text cannot tell them apart, and a stop list would delete
them. So capitalised words that do not start a sentence are also indexed,
case and all, in a ``names`` field; a capitalised query word then prefers
articles that use it as a name.
"""

from __future__ import annotations

import re
import string
from collections import Counter

from whoosh.analysis import Token, Tokenizer

# A capital letter after a lowercase word or a comma: "Theresa May said", "in the US,".
# Sentence starts (after . ! ? or a line break) are left out: there, every word is capitalised.
# The capital comes before the lookbehind (which then spans it) so the scan rejects most
# positions on one character test: the same matches, half the CPU of "(?<=[\w,;] )[A-Z]\w*".
_NAME = re.compile(r"[A-Z](?<=[\w,;] [A-Z])\w*")
_QUERY_NAME = re.compile(r"(?<![\w:\"'])[A-Z][\w]*")
QUERY_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})  # words the query language reads as syntax


class NameTokenizer(Tokenizer):
    """Yields the capitalised words of a text that are not at a sentence start."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        if _mostly_upper(value):  # all-caps text (wires, old archives) has no such signal
            return
        for pos, match in enumerate(_NAME.finditer(value)):
            token.text = match.group()
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
            yield token

    def term_counts(self, value: str) -> dict[str, int]:
        """{name: count} as ``__call__`` yields them, without a Token per name.

        The fast path ``writer._fast_values`` takes for Frequency fields
        (``tests/test_names.py`` checks the two agree on real articles).
        """
        if _mostly_upper(value):
            return {}
        return Counter(_NAME.findall(value))


def name_analyzer():
    return NameTokenizer()


def query_names(words: str) -> list[str]:
    """Capitalised words the user typed, unless the whole query is in capitals."""
    found = [w for w in _QUERY_NAME.findall(words) if w not in QUERY_OPERATORS]
    if len(found) > 1 and _mostly_upper(words):
        return []
    return list(dict.fromkeys(found))


def _mostly_upper(text: str) -> bool:
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
_ASCII_UPPER = string.ascii_uppercase.encode("ascii")
_ASCII_LOWER = string.ascii_lowercase.encode("ascii")
