"""The Whoosh schema: which article fields are indexed, and how."""

from __future__ import annotations

from whoosh.columns import FixedBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema

from newsearch.engines.whoosh.analysis import exact_analyzer, news_analyzer
from newsearch.engines.whoosh.names import name_analyzer
from newsearch.ingest.signatures import COPIES_BYTES

# Bump when the schema or analysis changes in a way an old index cannot serve.
SCHEMA_VERSION = 4  # 4: newsearch.terms (Snowball stemmers, whole words such as O'Neill, AT&T, U.S.)

# Fields searched by free text, with their BM25F weights. Each field is scored by its own BM25 and the
# scores added, so a title word already counts twice (title and body); the title's weight is chosen with
# the other ranking parameters by benchmarks/ranking.py (2.5 before: x0.98-1.02 of FTS5 on CISI and
# Cranfield, whose titles summarise the text; 0.5 there x1.12-1.15).
FIELD_BOOSTS = {"title": 0.5, "body": 1.0, "source": 0.5, "author": 0.5}


def _column_only(field):
    """Keep ``field`` as a column and stored value, but index no terms for it.

    Date filters and sorting read the date column (``search.filter_docs``), so
    nothing searches date terms, and Whoosh writes eight of them per article:
    a quarter of all the terms an indexing run writes.
    """
    field.indexed = False
    return field


def build_schema() -> Schema:
    text = news_analyzer()
    names = exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        title=TEXT(analyzer=text, stored=True, phrase=True, multitoken_query="phrase"),
        body=TEXT(analyzer=text, stored=True, phrase=True, multitoken_query="phrase"),
        source=TEXT(analyzer=names, stored=True, phrase=True),
        # Lowercased source for exact filters and facets (--source, --facet source).
        source_key=ID(stored=False, sortable=True),
        # Capitalised words not starting a sentence, case kept: "May" the name, not "may".
        names=TEXT(analyzer=name_analyzer(), phrase=False),
        author=TEXT(analyzer=names, stored=True, phrase=True),
        section=TEXT(analyzer=names, stored=True),
        url=STORED(),
        language=ID(stored=True),
        date=_column_only(DATETIME(stored=True, sortable=True)),
        date_text=STORED(),
        # Identical copies share a fingerprint; near-copies have similar sketches (ingest/signatures.py).
        # Stored for display and export; searches read it from the copies column.
        fingerprint=STORED(),
        # Fingerprint and sketch again, packed in fixed-width binary (ingest/signatures.py): grouping reads
        # them for every candidate, and a fixed-width column needs no offset table to open.
        copies=COLUMN(FixedBytesColumn(COPIES_BYTES)),
    )
