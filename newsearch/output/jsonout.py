"""JSON and JSON Lines for programs: plain ``json.dumps`` straight to the stream, never through Rich.

Rich would wrap long lines at 80 columns when piped and read ``[...]`` as
markup. Controls that JSON leaves raw but terminals or JavaScript treat
specially (C1, line/paragraph separators, bidi marks) are escaped.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from typing import TextIO

# Characters json.dumps(ensure_ascii=False) leaves raw but that terminals or JS treat specially, and lone
# surrogates (bytes of a file name that is not UTF-8): escaped as ensure_ascii would, so json.loads gets them back.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def to_json(data, ascii_only: bool = False) -> str:
    """Compact, readable JSON with controls escaped (json escapes C0 itself); ``ascii_only`` for a stream
    that cannot carry the rest (PYTHONIOENCODING=ascii)."""
    out = json.dumps(data, ensure_ascii=ascii_only)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def _ascii_only(stream: TextIO) -> bool:
    try:
        "\u00e9\u2026\U0001f600".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def write_json(data, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(to_json(data, _ascii_only(stream)) + "\n")


def write_jsonl(rows: Iterable[dict], stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    ascii_only = _ascii_only(stream)
    for row in rows:
        stream.write(to_json(row, ascii_only) + "\n")
