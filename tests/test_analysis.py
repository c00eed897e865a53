"""How text becomes terms (newsearch.terms) and the Whoosh analyzers over it.

Two kinds of check: what words become (stemming, words kept whole, matching
both ways: the query side passes words as typed through the same analysis),
and that the indexing fast path gives exactly the terms and positions of the
token stream that queries and highlighting use, on real articles.
"""

from __future__ import annotations

import gzip
import json
import pickle
from collections import defaultdict
from itertools import islice

import pytest
from conftest import corpus

from newsearch import terms
from newsearch.engines.whoosh.analysis import exact_analyzer, news_analyzer


def stream_positions(analyzer, text: str, language=None) -> dict[bytes, list[int]]:
    poses: dict[bytes, list[int]] = defaultdict(list)
    for token in analyzer(text, positions=True, mode="index", language=language):
        poses[token.text.encode("utf-8")].append(token.pos)
    return dict(poses)


def finds(query: str, text: str, kind: str = "text", language=None) -> bool:
    """Whether ``text`` holds the query's terms at consecutive positions (a phrase match, or a term for one word)."""
    wanted = terms.analyze(query, kind, language)
    poses = terms.term_positions(text, kind, language)
    if not wanted or any(t not in poses for t in wanted):
        return False
    return any(all(p + i in poses[t] for i, t in enumerate(wanted)) for p in poses[wanted[0]])


# ----------------------------------------------------------------- what words become


def test_snowball_english_stems():
    assert terms.analyze("running planned operating operation") == ["run", "plan", "oper", "oper"]
    assert terms.analyze("news") != terms.analyze("new")
    assert terms.analyze("visits visited Visiting") == ["visit"] * 3


def test_exact_kind_is_not_stemmed_but_folded():
    assert terms.analyze("Running Müller Søren straße", "exact") == ["running", "muller", "soren", "strasse"]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("O'Neill", "Paul O'Neill said"),
        ("O'Neill", "Paul O\u2019Neill said"),
        ("O\u2019Neill", "Paul O'Neill's team"),
        ("AT&T", "shares of AT&T rose"),
        ("U.S.", "the US economy"),
        ("US", "the U.S. economy"),
        ("U.S.", "THE U.S . FIRST PROPOSED"),  # TIME's spacing
        ("e-mail", "send an e-mail"),
        ("e-mail", "send an e mail"),
        ("email", "send an e-mail"),
        ("3.5%", "rates rose 3.5% in May"),
        ("3.5", "rates rose 3.5% in May"),
        ("Blair", "Mr Blair's speech"),
        ("Blair's", "Tony Blair spoke"),
        ("Irish", "the Anglo-Irish agreement"),
        ("Anglo-Irish", "the Anglo-Irish agreement"),
        ("Anglo Irish agreement", "the Anglo-Irish agreement"),
        ("Anglo-Irish agreement", "the Anglo-Irish agreement"),
        ("send an email", "send an e-mail today"),
        ("operating", "the operation"),
        ("Zelenskyy", "Zelenskyy's visit"),
        ("Muller", "Müller"),
        ("İstanbul", "istanbul"),
    ],
)
def test_words_meet_both_ways(query, text):
    assert finds(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("O'Neill", "O'Driscoll and O'Connor"),  # not "O" OR "Neill"
        ("O'Neill", "Neill said"),
        ("AT&T", "T-Mobile and AT Kearney"),
        ("Anglo-Irish", "Anglo and Irish"),  # the whole word, not its parts apart
        ("news", "New York"),
        ("3.5%", "3.5 points"),
        ("u.s", "u s"),
    ],
)
def test_words_kept_whole_do_not_match_their_pieces(query, text):
    assert not finds(query, text)


def test_a_hyphenated_word_is_indexed_whole_and_in_parts():
    assert terms.term_positions("an Anglo-Irish deal") == {"an": [0], "angloirish": [1], "anglo": [1], "irish": [2], "deal": [3]}
    assert terms.analyze("Anglo-Irish") == ["anglo", "irish"]  # a phrase of the parts, alone or not
    assert terms.analyze("Anglo-Irish deal") == ["anglo", "irish", "deal"]
    assert terms.analyze("3.5%") == ["3.5%"]  # a single part: the whole stands in its place


def test_stemming_follows_the_language():
    assert terms.analyze("nouvelles", language="fr") == ["nouvel"]
    assert terms.analyze("Häuser", language="de") == terms.analyze("Haus", language="de")
    assert terms.analyze("l'Europe", language="fr") == terms.analyze("Europe", language="fr")
    assert terms.analyze("l'Europe", "exact", "fr") == ["europe"]
    assert terms.analyze("O'Neill") == ["o'neil"]  # no elision in English
    assert terms.stemmer_name("en-GB") == terms.stemmer_name(None) == terms.stemmer_name("zz") == "english"
    assert terms.stemmer_name("pt") == "portuguese"


def test_greek_and_cyrillic_keep_their_marks():
    assert terms.analyze("йод", "exact") == ["йод"]
    assert terms.analyze("ΣΊΣΥΦΟΣ", "exact") == ["σίσυφος"]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown analysis kind"):
        terms.analyze("x", "stemmed")


# --------------------------------------------------------- fast path == token stream

TRICKY = [
    "US sanctions May: G7 leaders meet in Kyiv, Zelenskyy's visit to Müller & Søren.",
    "Shares rose 3.5% to 1,000.25 yen; the U.S. dollar fell 0,5 points (ÉCU, naïve café).",
    "İstanbul ΣΊΣΥΦΟΣ straße ǅ ﬁnance ½ ² Ⅻ 中文 日本語 العربية",
    "O'Neill O\u2019Neill's AT&T e-mail Anglo-Irish co-operative re-enter U.S.-led J.K. plan B.The x--y 'quoted'",
    "", "   ", "a", "don't", "x" * 50,
]


@pytest.mark.parametrize("make", [news_analyzer, exact_analyzer])
@pytest.mark.parametrize("text", TRICKY)
def test_same_terms_on_tricky_text(make, text):
    analyzer = make()
    assert analyzer.term_positions(text) == stream_positions(analyzer, text)


def test_the_stream_keeps_every_word():
    """Every token of the text shows up in the stream with its offsets (nothing dropped or shifted)."""
    for text in TRICKY:
        originals = [(t.original, t.start, t.end) for t in terms.tokens(text)]
        expected = [(m.group(), m.start(), m.end()) for m in terms.TOKEN.finditer(text)]
        assert list(dict.fromkeys(originals)) == expected


@pytest.mark.parametrize("make", [news_analyzer, exact_analyzer])
def test_same_terms_on_real_articles(make):
    """Every 20th BBC article, plus a Latin-1 file, through one analyzer (shared cache)."""
    bbc = corpus("bbc")
    files = sorted(bbc.rglob("*.txt"))[::20] + [bbc / "sport" / "199.txt"]
    analyzer = make()
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace") if path.name != "199.txt" else path.read_bytes().decode("latin-1")
        assert analyzer.term_positions(text) == stream_positions(analyzer, text), path


def test_same_terms_on_reuters_records():
    analyzer = news_analyzer()
    with gzip.open(corpus("reuters21578.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if n % 50:
                continue
            record = json.loads(line)
            text = (record.get("title") or "") + "\n" + (record.get("body") or "")
            assert analyzer.term_positions(text) == stream_positions(analyzer, text)


def test_same_terms_on_pages_in_their_languages():
    """The real pages in 15 languages, each stemmed by its own language."""
    pages = corpus("pages")
    analyzer = news_analyzer()
    languages = set()
    for truth in sorted(pages.glob("*.truth.json")):
        language = json.loads(truth.read_text("utf-8")).get("language_hint")
        text = truth.with_name(truth.name.replace(".truth.json", ".txt")).read_text("utf-8", errors="replace")
        assert analyzer.term_positions(text, language) == stream_positions(analyzer, text, language), truth
        languages.add(terms.stemmer_name(language))
    assert len(languages) >= 8


def test_query_mode_gives_the_phrase_terms():
    analyzer = news_analyzer()
    assert [t.text for t in analyzer("e-mail", mode="query")] == ["e", "mail"]
    assert [t.text for t in analyzer("Anglo-Irish deal", mode="query")] == ["anglo", "irish", "deal"]
    assert [t.text for t in analyzer("Häuser", mode="query", language="de")] == terms.analyze("Haus", language="de")


def test_analyzer_pickles_as_its_kind():
    """The schema (analyzers included) is pickled into the index's table of contents."""
    analyzer = news_analyzer()
    analyzer.term_positions("warming up the cache")
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy.__dict__ == {"kind": "text"} and copy == analyzer
    assert copy.term_positions("Visits visited") == {b"visit": [0, 1]}
    assert [t.text for t in copy("Visits visited")] == ["visit", "visit"]


def test_writer_stems_by_the_article_language(tmp_path):
    """The writer passes each document's language to the analyzer: the index holds that language's stems."""
    from whoosh import index

    from newsearch.engines.whoosh.schema import build_schema
    from newsearch.engines.whoosh.writer import FastSegmentWriter

    ix = index.create_in(str(tmp_path), build_schema())
    writer = FastSegmentWriter(ix)
    writer.add_document(id="fr", body="Les nouvelles de l'Europe", language="fr")
    writer.add_document(id="en", body="The news from Europe")
    writer.commit()
    with ix.searcher() as searcher:
        body = {t.decode() for t in searcher.reader().lexicon("body")}
    assert {"nouvel", "europ", "news"} <= body
    assert not {"l'europ", "l'europe", "nouvell"} & body  # English stems or no elision would give these


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


def test_positions_fast_path_gives_whooshs_values():
    """writer._fast_values on title/body equals Whoosh's own field.index over the token stream."""
    from newsearch.engines.whoosh.schema import build_schema
    from newsearch.engines.whoosh.writer import _fast_values

    schema = build_schema()
    for path in islice(sorted(corpus("bbc").rglob("*.txt")), 0, None, 200):
        text = path.read_text("latin-1")
        for name in ("body", "source"):
            assert sorted(_fast_values(schema[name], text)) == sorted(schema[name].index(text)), (name, path)


def test_id_fast_path_gives_the_same_values():
    """writer._fast_values on ID fields (id, path, source_key, language) equals field.index."""
    from newsearch.engines.whoosh.schema import build_schema
    from newsearch.engines.whoosh.writer import _fast_values

    schema = build_schema()
    values = ["bbc/politics/001.txt#3", "/tmp/Ünïcode path/x y.txt", "reuters", "0f3a9c", "en", " padded ", ""]
    for name in ("id", "path", "source_key", "language"):
        for value in values:
            assert _fast_values(schema[name], value) == sorted(schema[name].index(value)), (name, value)
