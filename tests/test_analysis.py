"""The fast indexing path of the analyzers gives exactly the terms and positions of the Whoosh chain."""

from __future__ import annotations

import pickle
from collections import defaultdict

import pytest

from newsearch.engines.whoosh.analysis import exact_analyzer, news_analyzer
from conftest import corpus


def chain_positions(analyzer, text: str) -> dict[bytes, list[int]]:
    poses: dict[bytes, list[int]] = defaultdict(list)
    for token in analyzer(text, positions=True, mode="index"):
        poses[token.text.encode("utf-8")].append(token.pos)
    return dict(poses)


TRICKY = [
    "US sanctions May: G7 leaders meet in Kyiv, Zelenskyy's visit to Müller & Søren.",
    "Shares rose 3.5% to 1,000.25 yen; the U.S. dollar fell 0,5 points (ÉCU, naïve café).",
    "İstanbul ΣΊΣΥΦΟΣ straße ǅ ﬁnance ½ ² Ⅻ 中文 日本語 العربية",
    "", "   ", "a", "don't re-enter co-operative", "x" * 50,
]


@pytest.mark.parametrize("make", [news_analyzer, exact_analyzer])
@pytest.mark.parametrize("text", TRICKY)
def test_same_terms_on_tricky_text(make, text):
    analyzer = make()
    assert analyzer.term_positions(text) == chain_positions(analyzer, text)


@pytest.mark.parametrize("make", [news_analyzer, exact_analyzer])
def test_same_terms_on_real_articles(make):
    """Every 20th BBC article (title and body), plus a Latin-1 file, through one analyzer (shared cache)."""
    bbc = corpus("bbc")
    files = sorted(bbc.rglob("*.txt"))[::20] + [bbc / "sport" / "199.txt"]
    analyzer = make()
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace") if path.name != "199.txt" else path.read_bytes().decode("latin-1")
        assert analyzer.term_positions(text) == chain_positions(analyzer, text), path


def test_same_terms_on_reuters_records():
    import gzip
    import json

    analyzer = news_analyzer()
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if n % 50:
                continue
            record = json.loads(line)
            text = (record.get("title") or "") + "\n" + (record.get("body") or "")
            assert analyzer.term_positions(text) == chain_positions(analyzer, text)


def test_analyzer_pickles_without_its_cache():
    """The schema (analyzers included) is pickled into the index's table of contents."""
    analyzer = news_analyzer()
    analyzer.term_positions("warming up the cache")
    copy = pickle.loads(pickle.dumps(analyzer))
    assert "_cache" not in copy.__dict__
    assert copy.term_positions("Visits visited") == {b"visit": [0, 1]}
    assert [t.text for t in copy("Visits visited")] == ["visit", "visit"]


def token_tuples(tokens) -> list[tuple]:
    return [
        (t.text, getattr(t, "pos", None), getattr(t, "startchar", None), getattr(t, "endchar", None),
         getattr(t, "original", None), t.boost, t.stopped)
        for t in tokens
    ]


@pytest.mark.parametrize("make", [news_analyzer, exact_analyzer])
@pytest.mark.parametrize("options", [
    {}, {"positions": True, "chars": True}, {"chars": True, "start_char": 7, "start_pos": 3, "positions": True},
    {"keeporiginal": True, "mode": "query"}, {"no_morph": True, "positions": True}, {"tokenize": False, "chars": True},
])
def test_fused_tokens_equal_the_chain(make, options):
    """Queries and highlighting call the analyzer itself: its single loop must give the chain's tokens."""
    from whoosh.analysis.analyzers import CompositeAnalyzer

    analyzer = make()
    bbc = corpus("bbc")
    texts = TRICKY[:-4] + [p.read_text("latin-1") for p in sorted((bbc / "business").glob("*.txt"))[:5]]
    for text in texts:
        assert token_tuples(analyzer(text, **options)) == token_tuples(CompositeAnalyzer.__call__(analyzer, text, **options))


def test_frequency_fast_path_gives_the_same_values():
    """writer._fast_values: an analyzer's term_counts stands in for Frequency.word_values exactly."""
    from collections import Counter

    from whoosh.analysis import RegexTokenizer
    from whoosh.fields import TEXT

    from newsearch.engines.whoosh.writer import _fast_values

    class Counting(RegexTokenizer):
        def term_counts(self, text):
            return Counter(self.expression.findall(text))

    field = TEXT(analyzer=Counting(r"[A-Z]\w*"), phrase=False)
    text = corpus("bbc").joinpath("politics", "001.txt").read_text("latin-1")
    slow = sorted(field.index(text))
    assert slow and sorted(_fast_values(field, text)) == slow


def test_id_fast_path_gives_the_same_values():
    """writer._fast_values on ID fields (id, path, source_key, language) equals field.index."""
    from newsearch.engines.whoosh.schema import build_schema
    from newsearch.engines.whoosh.writer import _fast_values

    schema = build_schema()
    values = ["bbc/politics/001.txt#3", "/tmp/Ünïcode path/x y.txt", "reuters", "0f3a9c", "en", " padded ", ""]
    for name in ("id", "path", "source_key", "language"):
        for value in values:
            assert _fast_values(schema[name], value) == sorted(schema[name].index(value)), (name, value)
