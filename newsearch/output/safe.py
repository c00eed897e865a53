"""Untrusted text made safe to show: control characters visible, paths shown relative.

Article text and file names come from the archive, not from us. ESC starts
colour, cursor, hyperlink and clipboard sequences on a terminal; bidi
overrides reorder what is shown; C1 controls do either. Every output path
(terminal, JSON, CSV, web) passes text through here first.
"""

from __future__ import annotations

import os
import re

# C0 controls except tab and newline, DEL, C1 controls, bidi embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def inert(text: str | None) -> str:
    """``text`` with every control character made visible, e.g. ESC -> ``\\x1b``."""
    if not text:
        return ""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def one_line(text: str | None) -> str:
    return " ".join(inert(text).split())


def display_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
