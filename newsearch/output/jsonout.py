"""JSON and JSON Lines for programs: plain ``json.dumps`` straight to the stream, never through Rich.

Rich would wrap long lines at 80 columns when piped and read ``[...]`` as
markup. Controls that JSON leaves raw but terminals or JavaScript treat
specially (C1, line/paragraph separators, bidi marks) are escaped.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Iterable, TextIO

# Characters json.dumps(ensure_ascii=False) leaves raw but that terminals or JS treat specially.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def to_json(data) -> str:
    """Compact, readable JSON with controls escaped (json escapes C0 itself)."""
    out = json.dumps(data, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def write_json(data, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(to_json(data) + "\n")


def write_jsonl(rows: Iterable[dict], stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    for row in rows:
        stream.write(to_json(row) + "\n")
