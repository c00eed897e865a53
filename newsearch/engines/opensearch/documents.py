"""Articles to OpenSearch documents and back, and the index's settings and mapping.

The analysis is :mod:`newsearch.terms`, run here in Python, not re-created
from OpenSearch's built-in filters: its tokens (O'Neill, AT&T, U.S., 3.5%),
folding, possessives, hyphenated words indexed both whole and in parts, and
its Snowball stemmers (by each article's language) would be approximated by
a pattern tokenizer and a chain of filters, and every difference would be a
query that finds other articles on one engine than on the other. So a text
field holds the article's *terms*, one position per space-separated item;
where terms.py puts two terms at one position (a hyphenated word's joined
form beside its first part, "3.5%" beside "3.5") the item is ``joined|part``
and the mapping's ``ns_terms`` analyzer (whitespace tokenizer, then a
``pattern_capture`` filter) indexes both at that position. Lucene then does
everything else itself: postings, positions, BM25 (k1 1.5, b 0.75, as the
Whoosh engine), phrases, spans, fuzzy and wildcard term expansion,
aggregations, suggesters and more_like_this.

The articles as extracted (title, body, dates, ...) are kept in an unindexed
``stored`` object for display and export; the term fields are left out of
``_source``.
"""

from __future__ import annotations

from datetime import datetime

from newsearch import terms
from newsearch.engines.fields import indexed_title, path_term
from newsearch.ingest.signatures import FINGERPRINT_BYTES, signature_of
from newsearch.models import Article

# Bump when the mapping or the analysis changes in a way an old index cannot serve.
SCHEMA_VERSION = 1
TEXT_FIELDS = {"title": "text", "body": "text", "source": "exact", "author": "exact", "section": "exact"}
JOINED = "|"
MAX_TERM_CHARS = 8000  # longer "words" (pasted data) are cut by the tokenizer rather than refused by Lucene
BM25_K1, BM25_B = 1.5, 0.75  # as the Whoosh engine (engines/whoosh/ranking.py)


def index_body(shards: int | None = None, replicas: int | None = None) -> dict:
    """Settings and mapping for a new concrete index (replicas: one where the cluster has a second node)."""
    term_field = {"type": "text", "analyzer": "ns_terms"}
    copies = {"auto_expand_replicas": "0-1"} if replicas is None else {"number_of_replicas": replicas}
    return {
        "settings": {
            "index": {
                "number_of_shards": shards or 1,
                **copies,
                "refresh_interval": "-1",  # loading; set back when the first commit is done
                "similarity": {"default": {"type": "BM25", "k1": BM25_K1, "b": BM25_B}},
            },
            "analysis": {
                "tokenizer": {"ns_space": {"type": "whitespace", "max_token_length": MAX_TERM_CHARS}},
                "filter": {"ns_joined": {"type": "pattern_capture", "preserve_original": False,
                                         "patterns": ["^([^|]+)\\|", "\\|([^|]+)$"]}},
                "analyzer": {
                    "ns_terms": {"type": "custom", "tokenizer": "ns_space", "filter": ["ns_joined"]},
                    "ns_names": {"type": "custom", "tokenizer": "ns_space"},
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"newsearch": {"schema_version": SCHEMA_VERSION}},
            "_source": {"excludes": [*TEXT_FIELDS, "names"]},
            "properties": {
                "id": {"type": "keyword"},
                "path": {"type": "keyword"},
                **{name: dict(term_field) for name in TEXT_FIELDS},
                "names": {"type": "text", "analyzer": "ns_names", "index_options": "freqs"},
                "source_key": {"type": "keyword"},
                "source_label": {"type": "keyword"},
                "language": {"type": "keyword"},
                "date": {"type": "date", "format": "strict_date_optional_time"},
                "fingerprint": {"type": "keyword"},
                "batch": {"type": "keyword"},  # the writer that wrote it (what a cancelled run takes back)
                "stored": {"type": "object", "enabled": False},
            },
        },
    }


def term_text(text: str, kind: str, language: str | None = None) -> str:
    """``text``'s terms as the ``ns_terms`` analyzer reads them back, positions kept."""
    if not text:
        return ""
    at: list[list[str]] = []
    for term, poses in terms.analyzer(kind, language if kind == "text" else None).term_positions(text).items():
        for pos in poses:
            while len(at) <= pos:
                at.append([])
            at[pos].append(term)
    return " ".join(JOINED.join(sorted(found, key=len, reverse=True)) for found in at if found)


def query_text(words: list[str]) -> str:
    """Query terms for a phrase over a term field (one position each)."""
    return " ".join(words)


def article_document(article: Article) -> dict:
    """The document for an article (fields without a value left out)."""
    title, body = article.title or "", article.body or ""
    signature = article.signature or signature_of(title, body)
    language = article.language
    doc: dict = {
        "id": article.id,
        "path": path_term(article.path),
        "fingerprint": signature[:FINGERPRINT_BYTES].hex(),
        "stored": {
            "path": article.path,
            "title": title,
            "body": body,
            "date_text": article.date_text,
            "source": article.source,
            "author": article.author,
            "section": article.section,
            "url": article.url,
            "language": article.language,
            "signature": signature.hex(),
        },
    }
    values = {"title": indexed_title(title, body), "body": body, "source": article.source,
              "author": article.author, "section": article.section}
    for name, kind in TEXT_FIELDS.items():
        text = term_text(values[name] or "", kind, language)
        if text:
            doc[name] = text
    names = terms.name_counts(f"{title}\n{body}")
    if names:
        doc["names"] = " ".join(" ".join([name] * n) for name, n in names.items())
    if article.source:
        doc["source_key"] = article.source.casefold()
        doc["source_label"] = article.source
    if article.language:
        doc["language"] = article.language
    if article.date is not None:
        doc["date"] = article.date.replace(tzinfo=None).isoformat()
    return doc


def stored_article(source: dict) -> Article:
    """The Article from a document's ``_source``."""
    stored = source.get("stored", {})
    date = source.get("date")
    return Article(
        id=source["id"],
        path=stored.get("path", ""),
        title=stored.get("title") or "",
        body=stored.get("body") or "",
        date=datetime.fromisoformat(date) if date else None,
        date_text=stored.get("date_text"),
        source=stored.get("source"),
        author=stored.get("author"),
        section=stored.get("section"),
        url=stored.get("url"),
        language=stored.get("language"),
        signature=bytes.fromhex(stored.get("signature") or ""),
    )
