"""Recognising copies: identical files, and the same story in several versions.

Two measures: an exact fingerprint of the normalised text (identical copies),
and a bottom-k MinHash sketch of word 4-grams (copies that differ in a few
sentences: a syndicated wire story with its own boilerplate, an updated
version). Comparing two sketches estimates the share of 4-grams the texts
have in common.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib

SKETCH_SIZE = 32
SHINGLE = 4
NEAR_DUPLICATE = 0.5  # estimated 4-gram resemblance from which two articles count as copies
MIN_WORDS = 40  # shorter texts (headline-only wires) are too thin to call copies

_WORDS = re.compile(r"\w+")
# ASCII text: each byte that \w does not match (all but letters, digits and "_") becomes a space.
_ASCII_NON_WORD = bytes(c if chr(c).isalnum() or c == ord("_") else ord(" ") for c in range(128)) + b" " * 128


def words_of(text: str) -> list[bytes]:
    """The lowercased ``\\w+`` words of ``text``, UTF-8 encoded (what fingerprint and sketch hash).

    ASCII text (most news in English) is split with a byte translation table
    instead of the regex: the same words, in a third of the time.
    """
    if text.isascii():
        return text.encode("ascii").lower().translate(_ASCII_NON_WORD).split()
    return list(map(str.encode, _WORDS.findall(text.lower())))


def fingerprint(words: list[bytes]) -> str:
    """Identical text, whatever its spacing, case or punctuation, shares a fingerprint."""
    return hashlib.sha1(b" ".join(words)).hexdigest()[:16]


def sketch(words: list[bytes]) -> str:
    """The SKETCH_SIZE smallest 4-gram hashes, as hex; empty for short texts."""
    if len(words) < MIN_WORDS:
        return ""
    # One pass in C over the 4-grams (zip of shifted word lists, no Python-level
    # loop or list slice per 4-gram): the CRC of each 4-gram's words joined by spaces.
    grams = map(b" ".join, zip(*(words[i:] for i in range(SHINGLE))))
    hashes = set(map(zlib.crc32, grams))
    bottom = sorted(hashes)[:SKETCH_SIZE]  # sorted: C, unlike heapq.nsmallest's loop
    return struct.pack(f">{len(bottom)}I", *bottom).hex()  # 8 hex digits a hash, as f"{h:08x}"


def resemblance(first: frozenset[int], second: frozenset[int]) -> float:
    """Estimated Jaccard resemblance of the 4-gram sets behind two sketches (as sets of hashes).

    The SKETCH_SIZE smallest hashes of the union are a random sample of it; the
    share of them found in both sketches estimates the share of 4-grams in common.
    """
    if not first or not second:
        return 0.0
    union_bottom = sorted(first | second)[:SKETCH_SIZE]
    return sum(1 for h in union_bottom if h in first and h in second) / len(union_bottom)


def min_shared() -> int:
    """Hashes two sketches must share before :func:`resemblance` can reach NEAR_DUPLICATE.

    Resemblance counts shared hashes among the SKETCH_SIZE smallest of the
    union, so it needs at least that share of SKETCH_SIZE in common.
    """
    return int(NEAR_DUPLICATE * SKETCH_SIZE)


# --- the signature as stored in an index: fingerprint and sketch, packed --------------
# Fixed-width bytes (zeros where absent), so an engine can keep them in a cheap column.

FINGERPRINT_BYTES = 8  # 16 hex digits
SKETCH_HASHES = 32  # dedup.SKETCH_SIZE
COPIES_BYTES = FINGERPRINT_BYTES + 4 * SKETCH_HASHES
_SKETCH = struct.Struct(f">{SKETCH_HASHES}I")


def pack(fingerprint: str, sketch: str) -> bytes:
    """16 hex digits and up to 32 eight-digit hashes -> COPIES_BYTES bytes (zeros where absent)."""
    hashes = [int(sketch[i : i + 8], 16) for i in range(0, len(sketch), 8)][:SKETCH_HASHES]
    hashes += [0] * (SKETCH_HASHES - len(hashes))
    return bytes.fromhex(fingerprint.ljust(2 * FINGERPRINT_BYTES, "0")[: 2 * FINGERPRINT_BYTES]) + _SKETCH.pack(*hashes)


_ABSENT = frozenset((0,))  # the zeros padding a short sketch


def unpack(raw: bytes) -> tuple[bytes, frozenset[int]]:
    """(fingerprint bytes or b"", sketch hashes) from a column value."""
    if len(raw) != COPIES_BYTES or not any(raw):
        return b"", frozenset()
    fingerprint = raw[:FINGERPRINT_BYTES]
    hashes = frozenset(_SKETCH.unpack(raw[FINGERPRINT_BYTES:])) - _ABSENT
    return fingerprint, hashes


def signature_of(title: str, body: str) -> bytes:
    """The packed copy signature of an article's text: what engines store and grouping compares."""
    words = words_of(f"{title}\n{body}")
    return pack(fingerprint(words), sketch(words))
