"""Properties: no content makes extraction raise, and what comes out is always well formed."""

from __future__ import annotations

import gzip
import json
import unicodedata
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsearch.ingest.dates import find_date
from newsearch.query.dates import parse_user_date
from newsearch.ingest.extract import MAX_BODY_CHARS, article_from_record, extract_text
from newsearch.models import Article, Skip
from newsearch.ingest import SUPPORTED_SUFFIXES, read_articles

NOW = datetime(2026, 11, 21, 12, 0)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like scraped news: words, dates, bylines, odd spaces and controls.
NEWSY = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.sampled_from(["By Jane Doe", "13 November 2024", "Advertisement", "© 2024 The Times", "\xa0",
                         "Published 3 hours ago", "(Reuters) -", "TRO Staff", "# Heading", "\x1b[31m", "\r\n",
                         "This content originally appeared on X.", "Share this story : Y", "05.06.2025"]),
    ),
    max_size=30,
).map("\n".join)


def well_formed(item: Article | Skip, path: str) -> None:
    if isinstance(item, Skip):
        assert item.reason and item.path.startswith(path)
        return
    assert isinstance(item, Article) and item.path == path
    assert item.title == item.title.strip() and "\n" not in item.title and "\xa0" not in item.title
    assert not any(unicodedata.category(c) == "Cc" for c in item.title)
    assert unicodedata.is_normalized("NFC", item.title)
    assert len(item.body) <= MAX_BODY_CHARS
    assert item.title or item.body
    if item.date is not None:
        assert item.date.tzinfo is None and 1900 <= item.date.year and item.date_text
    else:
        assert item.date_text is None


@FAST
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUPPORTED_SUFFIXES))
def test_read_articles_never_raises_on_bytes(data, suffix):
    path = "f" + suffix
    for item in read_articles(data, path, "f"):
        well_formed(item, path)


@FAST
@given(text=NEWSY, suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl", ".json"]),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]), packed=st.booleans())
def test_read_articles_never_raises_on_text(text, suffix, encoding, packed):
    data = text.encode(encoding, errors="replace")
    if packed:
        data, suffix = gzip.compress(data), suffix + ".gz"
    path = "f" + suffix
    for item in read_articles(data, path, "f"):
        well_formed(item, path)


@FAST
@given(text=st.one_of(NEWSY, st.text(max_size=3000)))
def test_extract_never_raises(text):
    article = extract_text(text, id="t", path="t.txt")
    assert article.id == "t"
    if article.title or article.body:
        well_formed(article, "t.txt")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(["title", "headline", "date", "published", "source", "publisher", "author", "authors",
                        "body", "text", "url", "language", "section"])


@FAST
@given(record=st.dictionaries(KEYS, JSON_VALUES, max_size=8))
def test_records_never_raise(record):
    article = article_from_record(record, id="r#1", path="r.jsonl")
    if article is not None:
        well_formed(article, "r.jsonl")
    for item in read_articles(json.dumps(record).encode(), "r.jsonl", "r"):
        well_formed(item, "r.jsonl")


@FAST
@given(text=st.text(max_size=60))
def test_dates_never_raise_and_stay_plausible(text):
    found = find_date(text, now=NOW, foreign=False)
    if found is not None:
        assert datetime(1900, 1, 1) <= found.when <= datetime(2026, 11, 22, 12, 0)
    try:
        start, end = parse_user_date(text, NOW)
    except ValueError as error:
        assert "cannot understand date" in str(error)
    else:
        assert start < end
