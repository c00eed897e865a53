"""Proper nouns: telling "Theresa May" from "may", and "the US" from "us".

Stemmed, lowercased text cannot tell them apart, and a stop list would delete
them. So capitalised words that do not start a sentence are also indexed,
case and all, in a ``names`` field; a capitalised query word then prefers
articles that use it as a name. Which words those are is
:func:`newsearch.terms.name_counts`; this is its Whoosh tokenizer.
"""

from __future__ import annotations

from whoosh.analysis import Tokenizer

from newsearch import terms
from newsearch.engines.whoosh.analysis import whoosh_tokens
from newsearch.terms import QUERY_OPERATORS, query_names

_mostly_upper = terms.mostly_upper


class NameTokenizer(Tokenizer):
    """Yields the names of a text (:func:`newsearch.terms.name_counts`), each as often as it occurs."""

    def __call__(self, value, **options):
        return whoosh_tokens(terms.name_tokens, value, **options)

    def term_counts(self, value: str) -> dict[str, int]:
        """{name: count} as ``__call__`` yields them, without a Token per name.

        The fast path ``writer._fast_values`` takes for Frequency fields
        (``tests/test_names.py`` checks the two agree on real articles).
        """
        return terms.name_counts(value)


def name_analyzer():
    return NameTokenizer()


__all__ = ["QUERY_OPERATORS", "NameTokenizer", "name_analyzer", "query_names"]
