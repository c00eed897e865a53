"""Display text from scraped text: one clean form for lines and blocks, and a cap on size.

Scrapes carry no-break and other odd spaces, zero-width characters, bidi marks,
soft hyphens and control characters; they split words and break matching. Every
field an Article shows goes through :func:`clean_line` or :func:`clean_block`.
"""

from __future__ import annotations

import re
import unicodedata

# Bodies longer than this are cut: a news article is a few thousand characters,
# and a 50 MB "article" is a log file or a dump that would bloat the index.
MAX_BODY_CHARS = 1_000_000

# Spaces that are not U+0020: no-break, en/em/thin/hair, narrow no-break, ideographic...
_ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Zero-width characters, BOMs, bidi marks and soft hyphens: invisible, and they split words.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]")


# Runs of spaces, tabs, odd spaces and C0/C1 controls (ESC and line breaks included), and DEL:
# each run becomes one space, which does what replacing each kind and then collapsing spaces
# would. A lone " " is left out of the match (" " followed by more, or any other of the
# characters): most spaces need no replacement, and the scan runs 2.5x faster for it.
def _space_runs(controls: str) -> re.Pattern:
    others = f"{controls}\\x7f-\\x9f{_ODD_SPACES}"
    return re.compile(f" [ {others}]+|[{others}][ {others}]*")


_SPACE_RUN = _space_runs("\\x00-\\x1f")
_SPACE_RUN_IN_LINE = _space_runs("\\x00-\\x09\\x0b-\\x1f")  # newlines kept (clean_block)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def clean_line(text: str) -> str:
    """One line of display text: NFC, odd spaces -> space, no controls, collapsed, stripped."""
    if not text:
        return ""
    if not text.isascii():  # ASCII is NFC already, and has no odd spaces or invisibles
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return _SPACE_RUN.sub(" ", text).strip()


def clean_block(text: str) -> str:
    """Multi-line text: each line cleaned as by :func:`clean_line`, paragraphs kept."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    lines = _SPACE_RUN_IN_LINE.sub(" ", text).split("\n")
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(map(str.strip, lines))).strip()


def cap_body(text: str) -> str:
    """Cut at :data:`MAX_BODY_CHARS`, at a paragraph or word boundary when one is near."""
    if len(text) <= MAX_BODY_CHARS:
        return text
    cut = text.rfind("\n", MAX_BODY_CHARS - 2000, MAX_BODY_CHARS)
    if cut < 0:
        cut = text.rfind(" ", MAX_BODY_CHARS - 200, MAX_BODY_CHARS)
    return text[: cut if cut > 0 else MAX_BODY_CHARS].rstrip()


