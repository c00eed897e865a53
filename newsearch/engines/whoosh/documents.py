"""Articles to Whoosh documents and back.

The document holds each field the schema indexes plus what is only stored.
The title is indexed through :func:`ranking.indexed_title` (a stand-in title
made of the body's first words is stored for display but not indexed as a
title); the copy signature goes both into a fixed-width column (grouping
reads it for every candidate) and, as hex, into a stored field (export).
"""

from __future__ import annotations

from newsearch.engines.fields import indexed_title, path_term
from newsearch.ingest.signatures import FINGERPRINT_BYTES, signature_of
from newsearch.models import Article

_OPTIONAL = ("author", "section", "url", "language", "date_text")


def article_document(article: Article) -> dict:
    """The Whoosh document for an article (fields without a value left out)."""
    title, body = article.title or "", article.body or ""
    signature = article.signature or signature_of(title, body)
    doc: dict[str, object] = {
        "id": article.id,
        "path": path_term(article.path),
        "_stored_path": article.path,
        "title": indexed_title(title, body),
        "_stored_title": title,
        "body": body,
        "names": f"{title}\n{body}",
        "fingerprint": signature[:FINGERPRINT_BYTES].hex(),
        "copies": signature,
    }
    if article.source:
        doc["source"] = article.source
        doc["source_key"] = article.source.casefold()
    for name in _OPTIONAL:
        value = getattr(article, name)
        if value:
            doc[name] = value
    if article.date is not None:
        doc["date"] = article.date
    return doc


def stored_article(stored: dict) -> Article:
    """The Article from a document's stored fields."""
    return Article(
        id=stored["id"],
        path=stored.get("path", ""),
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        date=stored.get("date"),
        date_text=stored.get("date_text"),
        source=stored.get("source"),
        author=stored.get("author"),
        section=stored.get("section"),
        url=stored.get("url"),
        language=stored.get("language"),
    )
