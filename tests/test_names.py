"""names: the token-free term_counts gives exactly the names and counts of the tokenizer."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from itertools import islice

import pytest
from conftest import corpus

from newsearch.engines.whoosh import names
from newsearch.engines.whoosh.names import name_analyzer, query_names


def chain_counts(analyzer, text: str) -> dict[str, int]:
    return dict(Counter(token.text for token in analyzer(text, mode="index")))


def reference_mostly_upper(text: str) -> bool:
    sample = text[:2000]
    letters = sum(c.isalpha() for c in sample)
    return letters > 0 and sum(c.isupper() for c in sample) > 0.6 * letters


TRICKY = [
    "", "   ", "a", "Theresa May said the US, the UK and Zelenskyy's Kyiv; met Müller & Søren.",
    "PRESIDENT SAYS THE US WILL ACT", "ÉCU Über İstanbul ΣΊΣΥΦΟΣ, Straße said Ærø",
    "first line\nSecond line starts. Then A B C, D E",
]


@pytest.mark.parametrize("text", TRICKY)
def test_term_counts_match_tokens_on_tricky_text(text):
    analyzer = name_analyzer()
    assert analyzer.term_counts(text) == chain_counts(analyzer, text)
    assert names._mostly_upper(text) == reference_mostly_upper(text)


def articles():
    for path in sorted(corpus("bbc").rglob("*.txt")):
        yield path.read_text("latin-1")
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line in islice(handle, 3000):
            record = json.loads(line)
            yield f"{record.get('title') or ''}\n{record.get('body') or ''}"


def test_term_counts_match_tokens_on_real_articles():
    analyzer = name_analyzer()
    found = 0
    for text in articles():
        counts = analyzer.term_counts(text)
        assert counts == chain_counts(analyzer, text), text[:80]
        assert names._mostly_upper(text) == reference_mostly_upper(text)
        found += bool(counts)
    assert found > 1000


def test_writer_fast_path_gives_the_indexed_values():
    """writer._fast_values with term_counts stands in for Frequency.word_values on the names field."""
    from newsearch.engines.whoosh.schema import build_schema
    from newsearch.engines.whoosh.writer import _fast_values

    field = build_schema()["names"]
    for text in islice(articles(), 50):
        slow = sorted(field.index(text))
        assert sorted(_fast_values(field, text)) == slow


def test_query_names_unchanged():
    assert query_names("Theresa May AND brexit") == ["Theresa", "May"]
    assert query_names("OIL PRICES OPEC") == []


def test_names_are_the_words_people_mean():
    text = "He met Theresa May, O\u2019Neill's aide and AT&T in the U.S. after the Anglo-Irish talks."
    counts = name_analyzer().term_counts(text)
    assert {"Theresa", "May", "O'Neill", "AT&T", "US", "Anglo", "Irish", "AngloIrish"} <= set(counts)
    assert not {"O", "Neill", "AT", "T", "U", "S"} & set(counts)
    # The query side reads names the same way, so a typed name meets the indexed one.
    assert query_names("O’Neill U.S. AT&T Blair's") == ["O'Neill", "US", "AT&T", "Blair"]
