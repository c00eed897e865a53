"""whoosh_fixes: segment files read in place behave as Whoosh's BytesIO copies did, and are not copied."""

from __future__ import annotations

import io
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEEDS, invoke
from newsearch.engines.whoosh import fixes as whoosh_fixes
from newsearch.engines.whoosh.fixes import _BufferStream

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("seek"), st.integers(-5, 300), st.sampled_from([0, 1, 2])),
        st.tuples(st.just("read"), st.one_of(st.none(), st.integers(-1, 300))),
        st.tuples(st.just("readline"), st.integers(-1, 50)),
        st.tuples(st.just("peek"), st.integers(0, 50)),
        st.tuples(st.just("tell"),),
        st.tuples(st.just("pickle"),),
    ),
    max_size=30,
)


def apply(stream, operation):
    name, *args = operation
    try:
        if name == "pickle":
            return ("pickle", pickle.load(stream))
        if name == "peek":  # may give fewer bytes than asked, but always the bytes ahead
            ahead = stream.peek(*args)
            return ("peek", ahead[:1])
        return (name, getattr(stream, name)(*args))
    except Exception as exc:  # the same operations must fail the same way
        return (name, type(exc).__name__)


class PeekingBytesIO(io.BytesIO):
    def peek(self, size=1):
        return self.getvalue()[self.tell() :][: max(size, 1)]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), OPERATIONS)
def test_stream_reads_as_bytesio_does(data, operations):
    data += pickle.dumps({"block": (3, 17, 1.5)}, 2) + b"line one\nline two\n" + b"x" * 1200 + b"\nafter a line longer than a peek\n"
    ours, theirs = _BufferStream(memoryview(data)), PeekingBytesIO(data)
    for operation in operations:
        assert apply(ours, operation) == apply(theirs, operation), operation


def test_a_query_reads_the_index_without_copying_it(tmp_path, runner, monkeypatch):
    index = tmp_path / "index"
    assert invoke(runner, "index", SEEDS, "--index", index).exit_code == 0
    from whoosh.filedb import structfile

    copies = []

    def counting_bytesio(buf=b""):
        if len(buf):
            copies.append(len(buf))
        return io.BytesIO(buf)

    monkeypatch.setattr(whoosh_fixes, "BytesIO", counting_bytesio)
    monkeypatch.setattr(structfile, "BytesIO", counting_bytesio)
    result = invoke(runner, "query", "Blinken Kyiv", "--index", index, "--json")
    assert result.exit_code == 0, result.stderr
    assert '"Blinken' in result.stdout or "Blinken" in result.stdout
    assert copies == []


def test_and_not_skipped_past_its_last_document_is_done_not_an_error():
    """``(a -b) c``: the AND skips the AND-NOT past its last document (IndexError before the fix)."""
    from whoosh.matching import ListMatcher
    from whoosh.matching.binary import AndNotMatcher, IntersectionMatcher

    whoosh_fixes.apply()
    excluded = AndNotMatcher(ListMatcher([1, 5]), ListMatcher([5, 9]))
    excluded.skip_to(7)
    assert not excluded.is_active()
    both = IntersectionMatcher(AndNotMatcher(ListMatcher([1, 5]), ListMatcher([5, 9])), ListMatcher([3, 8]))
    assert list(both.all_ids()) == []
    assert list(IntersectionMatcher(AndNotMatcher(ListMatcher([1, 4]), ListMatcher([5])), ListMatcher([4, 8])).all_ids()) == [4]
