"""Writing a segment's posting lists a term at a time, in Whoosh's W3 format.

Whoosh's ``FieldWriter.add_postings`` takes one posting per call and passes it
through ``W3PostingsWriter.add_posting`` (type asserts, per-posting statistics),
then writes each block and term-table row with a dozen small file writes. The
columnar pool (``newsearch.engines.whoosh.writer``) already holds each term's postings as
arrays, so here a whole term is turned into bytes at once: the blocks, their
info tuples and the term-table row, with one file write per batch of terms.
With pickle protocol 2 for the blocks these are the bytes Whoosh writes
(``tests/test_postings.py`` compares the segment files); by default the blocks
use protocol 3 (see BLOCK_PROTOCOL).

Only Whoosh's own ``W3FieldWriter`` (whoosh3 3.x) is handled; anything else
falls back to the generic path in ``writer``.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from itertools import chain
from operator import sub
from pickle import dumps

from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

_TERMINFO = W3TermInfo._struct
_ROW_LENGTHS = struct.Struct("!ii")  # filetables._lengths: key and value sizes of a hash-table row
_FLUSH_BYTES = 1 << 20
# Pickle protocol of each block's (ids, weights, values) tuple. Whoosh writes protocol 2, which
# pickles every bytes value (a posting's positions) as a call to codecs.encode on a str; from
# protocol 3 on, bytes are bytes: blocks 1/3 smaller, pickled 3x and read back 2x faster.
# Whoosh reads blocks with pickle.loads, which takes any protocol.
BLOCK_PROTOCOL = 3


def can_write(fieldwriter) -> bool:
    """True if ``fieldwriter`` is one whose file layout :func:`write_field` reproduces."""
    return type(fieldwriter) is W3FieldWriter and type(fieldwriter._codec) is W3Codec and fieldwriter._codec._inlinelimit <= 1


def write_field(fieldwriter, fieldname: str, fieldobj, terms: dict, lengths: list | None, protocol: int = BLOCK_PROTOCOL) -> None:
    """Write every term of one field: ``terms`` maps btext to (docnums, weights, values).

    ``lengths`` gives the field length of each docnum (None: all 0). Fields must
    come in name order and each only once, as ``add_postings`` requires.
    With ``protocol`` 2 the files are byte for byte those Whoosh writes.
    """
    fieldwriter.start_field(fieldname, fieldobj)
    codec = fieldwriter._codec
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    keyprefix = pack_ushort(fieldwriter._fieldid)
    ordered = sorted(terms)
    if ordered and keyprefix + ordered[0] <= tindex.lastkey:
        raise ValueError(f"field {fieldname!r} written out of order")
    term_bytes = _TermEncoder(fieldobj.format.fixed_value_size(), codec._blocklimit, codec._compression, lengths, protocol)

    hashfn, buckets, index = tindex.hashfn, tindex.buckets, tindex.index
    tfile = tindex.dbfile
    post_at, row_at = postfile.tell(), tfile.tell()
    posts: list[bytes] = []
    rows: list[bytes] = []
    pending = 0
    for btext in ordered:
        data, info = term_bytes(*terms[btext])
        posts.append(data)
        value = info + pack_long(post_at) + pack_int(len(data))
        post_at += len(data)
        key = keyprefix + btext
        index.append(row_at)
        h = hashfn(key)
        buckets[h & 255].append((h, row_at))
        row = _ROW_LENGTHS.pack(len(key), len(value)) + key + value
        rows.append(row)
        row_at += len(row)
        pending += len(data)
        if pending > _FLUSH_BYTES:
            postfile.write(b"".join(posts))
            tfile.write(b"".join(rows))
            posts, rows, pending = [], [], 0
    postfile.write(b"".join(posts))
    tfile.write(b"".join(rows))
    if ordered:
        tindex.lastkey = keyprefix + ordered[-1]
    fieldwriter.finish_field()


def _float32(value: float, _cache: dict = {}) -> float:  # noqa: B006 - the cache is meant to persist
    """``value`` rounded to single precision, as the array('f') of Whoosh's block holds it."""
    rounded = _cache.get(value)
    if rounded is None:
        if len(_cache) > 1024:  # weights are a few values (boost x frequency): this is never reached
            _cache.clear()
        rounded = _cache[value] = array("f", (value,))[0]
    return rounded


class _TermEncoder:
    """(posting bytes, packed term info) of one term, as ``W3PostingsWriter`` and ``W3TermInfo`` make them."""

    def __init__(self, fixedsize, blocklimit: int, compression: int, lengths: list | None, protocol: int):
        self.protocol = protocol
        self.fixedsize = fixedsize
        self.blocklimit = blocklimit
        self.compression = compression
        self.length_of = lengths.__getitem__ if lengths is not None else None

    def __call__(self, docnums, weights, values):
        n = len(docnums)
        if n == 1:
            return self._one(docnums[0], weights[0], values[0])
        limit = self.blocklimit
        parts = [WHOOSH3_HEADER_MAGIC]
        total = 0.0
        maxweight = 0
        minlength = None
        maxlength = 0
        for start in range(0, n, limit):
            ids = docnums[start : start + limit]
            raw = weights[start : start + limit]
            data, info, weights32, block_max, block_min_len, block_max_len = self._block(ids, raw, values[start : start + limit])
            size = len(info) + len(data)
            parts.append(pack_int(-size if start + limit >= n else size))  # the last block's size is negative
            parts.append(info)
            parts.append(data)
            total += sum(weights32)
            if block_min_len is not None and (minlength is None or block_min_len < minlength):
                minlength = block_min_len
            if block_max_len > maxlength:
                maxlength = block_max_len
            if block_max > maxweight:
                maxweight = block_max
        info = _TERMINFO.pack(
            False,
            total,
            n,
            0 if minlength is None else length_to_byte(minlength),
            length_to_byte(maxlength),
            maxweight,
            docnums[0],
            docnums[-1],
        )
        return b"".join(parts), info

    def _one(self, docnum: int, weight: float, value: bytes):
        """A term in one document (most terms): ``__call__`` without the per-block work."""
        weight32 = _float32(weight)
        fixedsize = self.fixedsize
        if fixedsize == 0:
            mini_values: tuple | bytes | None = None
        elif fixedsize is None or fixedsize < 0:
            mini_values = (value,) if value else ()
        else:
            mini_values = value or b""
        length = self.length_of(docnum) if self.length_of is not None else 0
        data, comp = self._pack(((docnum,), None if weight32 == 1.0 else weight32, mini_values))
        top = weight if weight > 0 else 0
        length_byte = length_to_byte(length) if length else 0
        info = dumps((1, docnum, top, comp, length_byte, length_byte), 2)
        block = WHOOSH3_HEADER_MAGIC + pack_int(-(len(info) + len(data))) + info + data
        return block, _TERMINFO.pack(False, weight32, 1, length_byte, length_byte, top, docnum, docnum)

    def _pack(self, payload: tuple) -> tuple[bytes, int]:
        """A block's (ids, weights, values) pickled, and zlib-compressed unless too small to gain."""
        data = dumps(payload, self.protocol)
        comp = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        return (zlib.compress(data, comp) if comp else data), comp

    def _block(self, ids, raw, values):
        weights32 = array("f", raw)
        count = len(weights32)
        if weights32.count(1.0) == count:
            mini_weights = None
        elif weights32.count(weights32[0]) == count:
            mini_weights = weights32[0]
        else:
            mini_weights = tuple(weights32)
        top = max(raw)
        block_max = top if top > 0 else 0

        fixedsize = self.fixedsize
        if fixedsize == 0:
            mini_values = None
        else:
            kept = [v for v in values if v]
            mini_values = tuple(kept) if fixedsize is None or fixedsize < 0 else b"".join(kept)

        min_len, max_len = None, 0
        if self.length_of is not None:
            present = [n for n in map(self.length_of, ids) if n]
            if present:
                min_len, max_len = min(present), max(present)

        data, comp = self._pack((tuple(map(sub, ids, chain((0,), ids))), mini_weights, mini_values))
        info = dumps((count, ids[-1], block_max, comp, length_to_byte(min_len), length_to_byte(max_len)), 2)
        return data, info, weights32, block_max, min_len, max_len
