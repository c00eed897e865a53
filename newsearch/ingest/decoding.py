"""Bytes -> text: sniff binary content and decode the encodings news files really use.

UTF-8 (with or without BOM) is tried first and strictly; UTF-16 only with a
BOM; anything else is read as Windows-1252, the superset of Latin-1 that old
archives (``bbc/sport/199.txt``) and Windows editors write, with the five bytes
1252 leaves undefined mapped as in Latin-1 so nothing becomes U+FFFD. A
Windows-1252 reading full of C1 controls or letter salad means the bytes are
something else (Cyrillic, Shift-JIS...): then charset-normalizer, imported only
for those rare files, has the last word.

Only a bounded prefix is decoded: past :data:`MAX_DECODE_BYTES` an article is
cut anyway (see ``newsearch.ingest.extract.MAX_BODY_CHARS``).
"""

from __future__ import annotations

import codecs
import re

# Four bytes per character at most in UTF-8: enough for MAX_BODY_CHARS plus a header.
MAX_DECODE_BYTES = 4_200_000
SNIFF_BYTES = 8192

# Signatures of formats that are never text. Short ones that a line of text could
# start with ("MZ", "BM", "ID3") are left to the NUL/control-byte test.
_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b\x08",
    b"\x7fELF", b"\xca\xfe\xba\xbe", b"SQLite format 3\x00", b"7z\xbc\xaf", b"Rar!\x1a",
    b"\x00\x00\x01\x00", b"II*\x00", b"MM\x00*", b"\xd0\xcf\x11\xe0",
)
# Control bytes other than tab, newline, carriage return, form feed and ESC.
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Characters a Windows-1252 reading produces from bytes that were not Windows-1252.
_SUSPECT = re.compile(r"[\x80-\x9f]")


def sniff_binary(data: bytes) -> bool:
    """True for images, archives, executables: a known signature, NUL bytes or many control bytes up front."""
    head = data[:SNIFF_BYTES]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if head.startswith(_MAGIC) or b"\x00" in head:
        return True
    return len(_CONTROL_BYTES.findall(head)) > max(8, len(head) // 20)


def _cp1252(data: bytes) -> str:
    # The five undefined bytes decode as their Latin-1 (C1) characters rather than failing.
    return data.decode("cp1252", errors="latin1fallback")


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return bytes(bad).decode("latin-1"), error.end


codecs.register_error("latin1fallback", _latin1_fallback)


# UTF-8 read as Windows-1252 once already ("sanciÃ³n", "Â£15m"): a lead byte's
# character followed by a continuation byte's character.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def fix_mojibake(text: str) -> str:
    """Repair lines that were UTF-8 decoded as Windows-1252, where that round trip is exact."""
    if not _MOJIBAKE.search(text):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _MOJIBAKE.search(line):
            try:
                lines[i] = line.encode("cp1252").decode("utf-8")
            except UnicodeError:
                pass
    return "\n".join(lines)


def decode(data: bytes, limit: int | None = MAX_DECODE_BYTES) -> str:
    """The text of a file's bytes (a prefix of at most ``limit`` bytes). Never raises."""
    limit = len(data) + 1 if limit is None else limit
    data = data[:limit]
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            return decoder.decode(data, final=False)
    try:
        # final=False: a prefix cut inside a multi-byte character is not an error.
        utf8 = codecs.getincrementaldecoder("utf-8")(errors="strict")
        return fix_mojibake(utf8.decode(data, final=len(data) < limit))
    except UnicodeDecodeError:
        pass
    text = _cp1252(data)
    if len(_SUSPECT.findall(text[:20000])) > 2:
        better = _charset_normalizer(data)
        if better is not None:
            return better
    return text


def _charset_normalizer(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - optional
        return None
    try:
        best = from_bytes(data[:200_000]).best()
        if best is None:
            return None
        return data.decode(best.encoding, errors="replace")
    except Exception:  # never let a detector failure lose the file
        return None
