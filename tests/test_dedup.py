"""dedup: the fast sketch gives exactly the hashes of the straightforward one, on real articles."""

from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import re
import zlib
from itertools import islice

import pytest

from newsearch.ingest import signatures as dedup
from conftest import corpus


def reference_words(text: str) -> list[str]:
    """The first implementation of words_of."""
    return re.findall(r"\w+", text.lower())


def reference_sketch(text: str) -> str:
    """The first implementation: one joined, encoded string per 4-gram."""
    words = reference_words(text)
    if len(words) < dedup.MIN_WORDS:
        return ""
    hashes = {
        zlib.crc32(" ".join(words[i : i + dedup.SHINGLE]).encode("utf-8"))
        for i in range(len(words) - dedup.SHINGLE + 1)
    }
    return "".join(f"{h:08x}" for h in heapq.nsmallest(dedup.SKETCH_SIZE, hashes))


TRICKY = [
    "",
    "word " * 39,
    "word " * 40,
    "one two three four " * 10,  # few distinct 4-grams: fewer than SKETCH_SIZE hashes
    "Zelenskyy's visit to Müller & Søren in İstanbul: ΣΊΣΥΦΟΣ straße ﬁnance 中文 日本語 العربية " * 5,
    " ".join(f"w{i}" for i in range(500)),
]


@pytest.mark.parametrize("text", TRICKY)
def test_sketch_matches_reference_on_tricky_text(text):
    words = dedup.words_of(text)
    assert words == [w.encode("utf-8") for w in reference_words(text)]
    assert dedup.sketch(words) == reference_sketch(text)


def test_sketch_matches_reference_on_bbc():
    paths = sorted(corpus("bbc").rglob("*.txt"))
    assert paths
    for path in paths:
        # latin-1 keeps the "£" and accented letters as non-ASCII words
        text = path.read_text("latin-1")
        words = dedup.words_of(text)
        assert words == [w.encode("utf-8") for w in reference_words(text)], path
        assert dedup.sketch(words) == reference_sketch(text), path


def test_sketch_matches_reference_on_reuters():
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line in islice(handle, 3000):
            record = json.loads(line)
            text = f"{record.get('title') or ''}\n{record.get('body') or ''}"
            words = dedup.words_of(text)
            assert words == [w.encode("utf-8") for w in reference_words(text)]
            assert dedup.sketch(words) == reference_sketch(text)


def test_fingerprint_and_words_unchanged():
    words = dedup.words_of("Hello,  WORLD! Müller's 3.5%")
    assert words == [w.encode("utf-8") for w in ["hello", "world", "müller", "s", "3", "5"]]
    reference = hashlib.sha1(" ".join(reference_words("Hello,  WORLD! Müller's 3.5%")).encode("utf-8")).hexdigest()[:16]
    assert dedup.fingerprint(words) == reference
    assert dedup.fingerprint(dedup.words_of("Hello, World: 3.5 TIMES")) == dedup.fingerprint(dedup.words_of("hello world 3 5 times"))
    assert dedup.fingerprint(words) == dedup.fingerprint(dedup.words_of("hello world MÜLLER S 3 5"))
