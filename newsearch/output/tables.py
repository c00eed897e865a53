"""CSV and TSV for spreadsheets: Python's ``csv`` module, a header row, RFC 4180 quoting.

Article text is untrusted, and a spreadsheet runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) as a
formula: ``=HYPERLINK(...)`` in a headline would become a live link, ``=cmd|...``
worse. Such cells get a leading apostrophe, which spreadsheets show as text
(OWASP's advice). Numbers we computed (rank, score, counts) are written as
they are. Controls are made visible as everywhere else (:mod:`newsearch.output.safe`).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from newsearch.output.safe import inert

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "tsv")


def cell(value) -> str | int | float:
    """One value as a spreadsheet cell: text inert and never a formula; lists joined by spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        value = " ".join(str(item.get("id", "")) if isinstance(item, dict) else str(item) for item in value)
    text = inert(str(value).replace("\r\n", "\n"))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def writer(stream: TextIO, fmt: str):
    if fmt == "tsv":
        return csv.writer(stream, delimiter="\t", lineterminator="\n")
    return csv.writer(stream, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled, minimal quoting


def write_table(header: Sequence[str], rows: Iterable[Sequence], fmt: str = "csv", stream: TextIO | None = None) -> int:
    """A header row and ``rows`` (streamed: each is written as it comes); returns the number of rows."""
    out = writer(stream or sys.stdout, fmt)
    out.writerow([cell(name) for name in header])
    count = 0
    for row in rows:
        out.writerow([cell(value) for value in row])
        count += 1
    return count


def write_records(fields: Sequence[str], records: Iterable[dict], fmt: str = "csv", stream: TextIO | None = None) -> int:
    """Dicts as rows of the chosen ``fields`` (a missing key is an empty cell)."""
    return write_table(fields, ([record.get(name) for name in fields] for record in records), fmt, stream)


def comparison_rows(comparison) -> tuple[list[str], list[list]]:
    """A TimelineComparison as one row per bucket: each query's count (and share, when normalised),
    then every article of the bucket when normalised."""
    header = ["bucket"]
    for t in comparison.timelines:
        header.append(t.query)
        if comparison.normalized:
            header.append(f"{t.query} (share)")
    if comparison.normalized:
        header.append("all articles")
    rows = []
    for bucket in comparison.buckets:
        row: list = [bucket]
        for i, t in enumerate(comparison.timelines):
            row.append(t.counts.get(bucket, 0))
            if comparison.normalized:
                row.append(round(comparison.shares[i].get(bucket, 0.0), 6))
        if comparison.normalized and comparison.baseline is not None:
            row.append(comparison.baseline.counts.get(bucket, 0))
        rows.append(row)
    return header, rows
