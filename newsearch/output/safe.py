"""Untrusted text made safe to show: control characters visible, paths shown relative.

Article text and file names come from the archive, not from us. ESC starts
colour, cursor, hyperlink and clipboard sequences on a terminal; bidi
overrides reorder what is shown; C1 controls do either. Every output path
(terminal, JSON, CSV, web) passes text through here first.
"""

from __future__ import annotations

import os
import re

# C0 controls except tab and newline, DEL, C1 controls, bidi embedding/override/isolate marks, and
# lone surrogates (the bytes of a file name that is not UTF-8, as Python's surrogateescape keeps them).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same and tab and newline: a file name is one line, whatever it holds.
_UNSAFE_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 name: shown as that byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str | None) -> str:
    """``text`` with every control character made visible, e.g. ESC -> ``\\x1b``."""
    if not text:
        return ""
    return _UNSAFE.sub(_visible, text)


def one_line(text: str | None) -> str:
    return " ".join(inert(text).split())


def display_path(path: str) -> str:
    """A file's path for people: relative when under the current folder, on one line, controls visible
    (a newline in a file name must not forge an output line)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = path
    shown = path if rel.startswith("..") else rel
    return _UNSAFE_IN_NAMES.sub(_visible, shown)
