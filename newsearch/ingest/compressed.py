"""Gzip members -> bytes, keeping what decoded before any damage.

A truncated download still holds whole records before the cut; a JSON Lines
reader can use them. The caller learns whether the stream was complete and
reports the damage as a skip. Output is capped so a gzip bomb cannot exhaust
memory.
"""

from __future__ import annotations

import zlib

# Reuters-21578 (the largest test corpus) is 27 MB unpacked; allow for bigger dumps.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024


def gunzip(data: bytes, limit: int = MAX_UNPACKED_BYTES) -> tuple[bytes, bool]:
    """(unpacked bytes, complete?) for gzip data, concatenated members included.

    Input is fed in slices so the output decoded before a corrupt byte is kept.
    """
    out = bytearray()
    pos = 0
    engine = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        while True:
            if engine.eof:
                rest = engine.unused_data + data[pos:]
                rest = rest.lstrip(b"\x00")
                if not rest:
                    return bytes(out), True
                data, pos = rest, 0
                engine = zlib.decompressobj(16 + zlib.MAX_WBITS)
            if pos >= len(data):
                return bytes(out), False  # stream ended inside a member: truncated
            piece = data[pos:pos + _SLICE]
            pos += len(piece)
            out += engine.decompress(piece, limit - len(out) + 1)
            if len(out) > limit or engine.unconsumed_tail:
                return bytes(out[:limit]), False
    except zlib.error:
        return bytes(out), False


_SLICE = 1 << 16
