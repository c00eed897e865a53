"""Fixes for Whoosh bugs and slow paths that matter to searching, applied when an engine opens.

AndNotMatcher (whoosh3 3.54, and Whoosh 2.7 before it) checks its first
document against the excluded matcher only when both start on the same
document. When the excluded matcher starts earlier, the first candidate is
never compared, so ``howard -blair`` returned an article naming both
whenever it was the first "howard" article. Found on BBC politics; the test
``test_boolean_operators`` covers it. Its ``skip_to`` also asks the matcher
it has just run past its last document for that document (IndexError),
inside an AND: ``tests/test_whoosh_fixes.py`` covers it.

Opening a segment copies each of its sub-files out of the memory-mapped
compound file: ``BufferFile`` wraps its memoryview in a ``BytesIO``, which
copies the bytes. Reading postings, terms and columns goes through
``BufferFile.get`` (slices of the memoryview) and never touches that copy,
so a cold query paid ~45 ms on a 76 MB index, growing with the index, for
nothing. Here the ``BytesIO`` is made only when something reads the file as
a stream (``test_search`` covers searching through the patched files).
"""

from __future__ import annotations

from io import BytesIO

from whoosh.filedb.structfile import BufferFile
from whoosh.matching.binary import AndNotMatcher


def _find_first(self) -> None:
    if self.a.is_active() and self.b.is_active():
        self._find_next()


_whoosh_find_next = AndNotMatcher._find_next


def _find_next(self):
    """Whoosh's step, but not when ``skip_to`` has run the matcher past its last document
    (it asked the exhausted matcher for its id: IndexError inside an AND of a NOT)."""
    if not self.a.is_active():
        return False
    return _whoosh_find_next(self)


class _BufferStream:
    """``BufferFile.file`` without copying the buffer: a read-only stream over the buffer itself.

    Offers what Whoosh's readers use (seek, tell, read, and peek/readline for
    the block headers it unpickles from the stream). Anything else switches
    to a ``BytesIO`` copy at the same position, as Whoosh had it.
    """

    __slots__ = ("_buf", "_pos", "_copy")
    PEEK_BYTES = 512  # a posting block's info tuple is ~30 bytes

    def __init__(self, buf):
        self._buf = buf
        self._pos = 0
        self._copy = None

    def seek(self, offset: int, whence: int = 0) -> int:
        if self._copy is not None:
            return self._copy.seek(offset, whence)
        if whence == 0:
            if offset < 0:
                raise ValueError(f"negative seek value {offset}")
            self._pos = offset
        else:  # relative to here or to the end: BytesIO stops at 0
            self._pos = max(0, (self._pos if whence == 1 else len(self._buf)) + offset)
        return self._pos

    def tell(self) -> int:
        return self._copy.tell() if self._copy is not None else self._pos

    def read(self, size: int | None = -1) -> bytes:
        if self._copy is not None:
            return self._copy.read(size)
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), start + size)
        if end <= start:
            return b""
        self._pos = end
        return bytes(self._buf[start:end])

    def peek(self, size: int = 1) -> bytes:
        """Bytes ahead without moving (as a buffered reader's peek: possibly fewer than asked)."""
        if self._copy is not None:
            here = self._copy.tell()
            ahead = self._copy.read(max(size, 1))
            self._copy.seek(here)
            return ahead
        return bytes(self._buf[self._pos : self._pos + min(max(size, 1), self.PEEK_BYTES)])

    def readline(self, size: int | None = -1) -> bytes:
        if self._copy is not None:
            return self._copy.readline(size)
        limit = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        start = self._pos
        while start < limit:  # look for the newline a chunk at a time, not in a copy of the rest
            end = min(limit, start + self.PEEK_BYTES)
            newline = bytes(self._buf[start:end]).find(b"\n")
            if newline >= 0:
                return self.read(start + newline + 1 - self._pos)
            start = end
        return self.read(limit - self._pos)

    def close(self) -> None:
        if self._copy is not None:
            self._copy.close()
        self._buf = None

    def __getattr__(self, name):
        if name == "readinto":  # optional for pickle.load; asking for it must not make the copy
            raise AttributeError(name)
        if self._copy is None:
            self._copy = BytesIO(self._buf)
            self._copy.seek(self._pos)
        return getattr(self._copy, name)


_buffer_file_init = BufferFile.__init__


def _init_without_copy(self, buf, *args, **kwargs) -> None:
    _buffer_file_init(self, b"", *args, **kwargs)  # an empty BytesIO costs nothing
    self._buf = buf
    self.file = _BufferStream(buf)


def apply() -> None:
    """Patch Whoosh (idempotent). Called by ``WhooshEngine.open``, not as a side effect of importing.

    The AndNot fix is a correctness fix on a public behaviour and always applies;
    the no-copy reader replaces a private constructor, only on the whoosh3 it
    was written for (``compat``).
    """
    from newsearch.engines.whoosh import compat

    AndNotMatcher._find_first = _find_first
    AndNotMatcher._find_next = _find_next
    if compat.fast_path():
        BufferFile.__init__ = _init_without_copy
