"""The per-article copy signature as stored in the index: fingerprint and sketch, packed.

dedup.py computes them (hex text); this packs them into fixed-width bytes
for a Whoosh column and back, so grouping reads one cheap column.
"""

from __future__ import annotations

import struct

FINGERPRINT_BYTES = 8  # 16 hex digits
SKETCH_HASHES = 32  # dedup.SKETCH_SIZE
COPIES_BYTES = FINGERPRINT_BYTES + 4 * SKETCH_HASHES
_SKETCH = struct.Struct(f">{SKETCH_HASHES}I")


def pack(fingerprint: str, sketch: str) -> bytes:
    """16 hex digits and up to 32 eight-digit hashes -> COPIES_BYTES bytes (zeros where absent)."""
    hashes = [int(sketch[i : i + 8], 16) for i in range(0, len(sketch), 8)][:SKETCH_HASHES]
    hashes += [0] * (SKETCH_HASHES - len(hashes))
    return bytes.fromhex(fingerprint.ljust(2 * FINGERPRINT_BYTES, "0")[: 2 * FINGERPRINT_BYTES]) + _SKETCH.pack(*hashes)


def unpack(raw: bytes) -> tuple[bytes, frozenset[int]]:
    """(fingerprint bytes or b"", sketch hashes) from a column value."""
    if len(raw) != COPIES_BYTES or not any(raw):
        return b"", frozenset()
    fingerprint = raw[:FINGERPRINT_BYTES]
    hashes = frozenset(h for h in _SKETCH.unpack(raw[FINGERPRINT_BYTES:]) if h)
    return fingerprint, hashes
