"""A faster Whoosh segment writer: same segment files, fewer Python calls per posting.

Whoosh's ``SegmentWriter`` sends every posting through a ``PostingPool`` (a
tuple per posting, a size estimate, sorting of all postings, pickled runs on
disk when the pool is full) and then looks up the document's field length once
per posting while writing. Here:

- postings are kept column-wise per term (docnums, weights, values), so the
  flush sorts the terms, not the postings, and nothing is pickled to disk;
- text fields whose analyzer offers ``term_positions`` (``newsearch.engines.whoosh.analysis``)
  are analysed without Token objects, giving the same terms and positions;
- field lengths are read once per document and field, not once per posting;
- each term's postings are written at once (``newsearch.engines.whoosh.postings``), in
  Whoosh's file format.

Memory is bounded by the caller: when ``pool.currentsize`` passes its budget,
the owner finalises the segment and starts a new one (see ``SegmentMaker``).
The segment files are Whoosh's (posting blocks pickled with protocol 3 rather
than 2, which Whoosh reads alike): readers are plain Whoosh.
"""

from __future__ import annotations

from array import array

from whoosh.analysis import IDTokenizer
from whoosh.formats import Existence, Frequency, Positions
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from newsearch.engines.whoosh import postings

# Rough bytes of memory per posting and per distinct term held in the pool.
_POSTING_BYTES = 56
_TERM_BYTES = 320


class ColumnarPool:
    """Postings by field and term, in docnum order (the order they are added)."""

    def __init__(self):
        self.fields: dict[str, dict[bytes, tuple]] = {}
        self.currentsize = 0

    def terms(self, fieldname: str) -> dict[bytes, tuple]:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        return terms

    def add(self, item) -> None:
        """One (fieldname, btext, docnum, weight, vbytes) posting: Whoosh's path (merges)."""
        fieldname, btext, docnum, weight, vbytes = item
        _pool_items(self, self.terms(fieldname), ((btext, 0, weight, vbytes or b""),), docnum, 1.0, False)

    def iter_postings(self):
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                docnums, weights, values = terms[btext]
                for docnum, weight, vbytes in zip(docnums, weights, values):
                    yield fieldname, btext, docnum, weight, vbytes

    def cleanup(self) -> None:
        self.fields = {}
        self.currentsize = 0


class _Lengths:
    """Field lengths of a segment, decoded once per document and field."""

    def __init__(self, pdr, doc_count: int):
        self._pdr = pdr
        self._count = doc_count

    def field_lengths(self, fieldname) -> list[int]:
        get = self._pdr.doc_field_length_reader(fieldname)
        return [get(docnum) for docnum in range(self._count)]

    def doc_field_length_reader(self, fieldname):
        return self.field_lengths(fieldname).__getitem__

    def doc_field_length(self, docnum, fieldname, default=0):
        return self._pdr.doc_field_length(docnum, fieldname, default)


# Positions.encode([pos]) for the first positions: most terms occur once in an article.
_SINGLE_VALUES = [Positions().encode([pos]) for pos in range(4096)]
_SINGLE_VALUE_BYTES = 14  # about len(_SINGLE_VALUES[pos]), for the pool's size estimate


def _positions_of(field, value, language: str | None = None) -> dict[bytes, list[int]] | None:
    """{btext: positions} for a Positions field whose analyzer has ``term_positions``, else None.

    ``language`` is the article's (ISO 639-1): text is stemmed by it (``newsearch.terms``).
    """
    if type(value) is not str or type(field.format) is not Positions:
        return None
    term_positions = getattr(field.analyzer, "term_positions", None)
    return term_positions(value, language) if term_positions is not None else None


def _encode_positions(fmt, plist: list[int]) -> bytes:
    return _SINGLE_VALUES[plist[0]] if len(plist) == 1 and plist[0] < len(_SINGLE_VALUES) else fmt.encode(plist)


def _fast_values(field, value, language: str | None = None):
    """(btext, freq, weight, vbytes) as ``field.index(value)`` gives them, from a fast path; else None.

    Positions fields whose analyzer has ``term_positions``, Frequency fields
    whose analyzer has ``term_counts(text) -> {term: count}`` (every token
    unstopped, boost 1.0), and ID fields. ``add_document`` pools Positions
    fields without this list (``_pool_positions``); tests compare both with
    Whoosh's values.
    """
    if type(value) is str:
        if type(field.format) is Frequency:
            return _fast_counts(field, value)
        if type(field.format) is Existence and type(field.analyzer) is IDTokenizer:  # ID fields: the value is the term
            return [(value.encode("utf-8"), 1, field.format.field_boost, b"")]
    poses = _positions_of(field, value, language)
    if poses is None:
        return None
    fmt = field.format
    fb = fmt.field_boost
    return [(term, len(plist), len(plist) * fb, _encode_positions(fmt, plist)) for term, plist in poses.items()]


def _pool_positions(pool, terms, poses, docnum: int, fmt, fieldboost: float) -> int:
    """Add one document's postings of a Positions field to the pool; returns the field length.

    The same postings ``_fast_values`` gives, without a tuple per posting: one
    loop from the analyzer's positions straight into the term's arrays.
    """
    fb = fmt.field_boost
    single_weight = fb * fieldboost
    encode = fmt.encode
    single = _SINGLE_VALUES
    nsingle = len(single)
    size = len(poses) * (_POSTING_BYTES + _SINGLE_VALUE_BYTES)
    for btext, plist in poses.items():
        entry = terms.get(btext)
        if entry is None:
            entry = terms[btext] = (array("i"), array("d"), [])
            size += _TERM_BYTES + len(btext)
        entry[0].append(docnum)
        if len(plist) == 1 and plist[0] < nsingle:
            entry[1].append(single_weight)
            entry[2].append(single[plist[0]])
        else:
            vbytes = encode(plist)
            entry[1].append(len(plist) * fb * fieldboost)
            entry[2].append(vbytes)
            size += len(vbytes)
    pool.currentsize += size
    return sum(map(len, poses.values()))


def _pool_items(pool, terms, items, docnum: int, fieldboost: float, scorable: bool) -> int:
    """Add (btext, freq, weight, vbytes) postings to the pool; returns the field length."""
    length = 0
    size = 0
    for btext, freq, weight, vbytes in items:
        if scorable:
            length += freq
        entry = terms.get(btext)
        if entry is None:
            entry = terms[btext] = (array("i"), array("d"), [])
            size += _TERM_BYTES + len(btext)
        entry[0].append(docnum)
        entry[1].append(weight * fieldboost)
        entry[2].append(vbytes)
        size += _POSTING_BYTES + len(vbytes)
    pool.currentsize += size
    return length


def _fast_counts(field, value):
    term_counts = getattr(field.analyzer, "term_counts", None)
    counts = term_counts(value) if term_counts is not None else None
    if counts is None:
        return None
    fb = field.format.field_boost
    return [(term.encode("utf-8"), n, float(n) * fb, pack_uint(n)) for term, n in counts.items()]


# zlib level 1 rather than Whoosh's 3 for posting blocks: cheaper, and the read side honours either.
COMPRESSION = 1


def fast_codec():
    from whoosh.codec.whoosh3 import W3Codec

    return W3Codec(compression=COMPRESSION)


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with a columnar posting pool and a token-free analysis path."""

    bulk_postings = True  # write each term's postings at once (newsearch.engines.whoosh.postings); False: Whoosh's generic path
    block_protocol = postings.BLOCK_PROTOCOL  # 2: the bytes Whoosh's own path writes

    def __init__(self, ix, **kwargs):
        if kwargs.get("codec") is None:
            kwargs["codec"] = fast_codec()
        super().__init__(ix, **kwargs)
        self.pool = ColumnarPool()

    def add_document(self, **fields):
        # Whoosh's SegmentWriter.add_document (whoosh3 3.54), with postings appended
        # straight into the columnar pool and the fast analysis path.
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool

        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        language = fields.get("language")  # text is stemmed by the article's language
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]

                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    terms = pool.terms(fieldname)
                    poses = _positions_of(field, value, language)
                    if poses is not None:
                        tokens = _pool_positions(pool, terms, poses, docnum, field.format, fieldboost)
                        length = tokens if field.scorable else 0
                    else:
                        items = _fast_values(field, value, language)
                        if items is None:
                            items = field.index(value, language=language)
                        length = _pool_items(pool, terms, items, docnum, fieldboost, field.scorable)

                if field.separate_spelling():
                    raise TypeError(f"field {fieldname!r} keeps separate spelling words, which FastSegmentWriter does not write")

                vformat = field.vector
                if vformat:
                    vitems = vformat.word_values(value, field.analyzer, mode="index")
                    vitems = sorted((text, weight, vbytes) for text, _, weight, vbytes in vitems)
                    perdocwriter.add_vector_items(fieldname, field, vitems)

                customval = fields.get(f"_stored_{fieldname}", value)
                sv = customval if field.stored else None
                perdocwriter.add_field(fieldname, field, sv, length)

                column = field.column_type
                if column and customval is not None:
                    cv = field.to_column_value(customval)
                    perdocwriter.add_column_value(fieldname, column, cv)
        except ValueError:
            perdocwriter.cancel_doc()
            raise

        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(pdr, self.docnum) if pdr else None
        if self.bulk_postings and postings.can_write(self.fieldwriter):
            for fieldname in sorted(self.pool.fields):
                field_lengths = lengths.field_lengths(fieldname) if lengths else None
                postings.write_field(
                    self.fieldwriter, fieldname, self.schema[fieldname], self.pool.fields[fieldname], field_lengths, self.block_protocol
                )
        else:
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr:
            pdr.close()


class SegmentMaker:
    """Adds documents to unlocked writers, cutting a new segment whenever the pool passes ``limit_mb``.

    The caller holds the index lock and commits the segments this returns from
    :meth:`finish` (see ``newsearch.indexing.run``). Used in worker processes and, for
    serial runs, in the indexing process itself.
    """

    def __init__(self, ix, limit_mb: float):
        self.ix = ix
        self.limit = int(limit_mb * 1024 * 1024)
        self.writer: FastSegmentWriter | None = None
        self.segments: list = []

    def add_document(self, **fields) -> None:
        if self.writer is None:
            self.writer = FastSegmentWriter(self.ix, _lk=False)
        self.writer.add_document(**fields)

    def check(self) -> None:
        """Between documents: close the segment if it has grown past the budget."""
        if self.writer is not None and self.writer.pool.currentsize > self.limit:
            self._close_writer()

    def _close_writer(self) -> None:
        writer, self.writer = self.writer, None
        assert writer is not None, "only called with a segment open"
        if writer._added:
            self.segments.append(writer._finalize_segment())
        else:
            writer._close_segment()

    def finish(self) -> list:
        """The segments written since the last call (all closed)."""
        if self.writer is not None:
            self._close_writer()
        segments, self.segments = self.segments, []
        return segments

    def cancel(self) -> None:
        if self.writer is not None:
            try:
                self.writer._close_segment()
            finally:
                self.writer = None
        self.segments = []
