"""postings.write_field writes the bytes Whoosh's own per-posting path writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsearch.engines.whoosh import store, writer
from newsearch.indexing.run import index_paths
from test_incremental import bbc_slice, reuters_slice


def open_index(folder: Path):
    """The Whoosh index of a newsearch index folder, or of a folder Whoosh wrote itself."""
    from whoosh import index as whoosh_index

    if (folder / store.META_NAME).exists():
        return store.open_for_reading(folder)[0]
    return whoosh_index.open_dir(str(folder), indexname="articles")


def segment_files(index: Path) -> list[tuple[str, bytes]]:
    """(extension, bytes) of every file inside every segment, in segment order."""

    ix = open_index(index)
    files = []
    for segment in ix._segments():
        storage = segment.open_compound_file(ix.storage)
        for name in sorted(storage.list()):
            handle = storage.open_file(name)
            files.append((name.rsplit(".", 1)[-1], handle.read()))
            handle.close()
    return files


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    bbc_slice(folder / "bbc", per_topic=40)
    # Enough Reuters records that common terms span several 128-posting blocks.
    reuters_slice(folder / "reuters.jsonl.gz", 1500)
    return folder


def all_postings(index: Path) -> dict:
    """Every term's statistics and postings (docnum, weight, value), as Whoosh reads them."""

    ix = open_index(index)
    found = {}
    with ix.reader() as reader:
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            matcher = reader.postings(fieldname, btext)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            found[fieldname, btext] = (stats, postings)
    return found


def postings_by_id(index: Path) -> dict:
    """all_postings with article ids for docnums: the same whatever order articles were added in."""

    ix = open_index(index)
    with ix.reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
    return {
        key: (stats, sorted((ids[docnum], weight, value) for docnum, weight, value in found))
        for key, (stats, found) in all_postings(index).items()
    }


def test_bulk_postings_are_byte_identical_to_whooshs(corpus_dir, tmp_path, monkeypatch):
    """With Whoosh's pickle protocol (2), the files are Whoosh's byte for byte."""
    monkeypatch.setattr(writer.FastSegmentWriter, "block_protocol", 2)
    built = {}
    for bulk in (False, True):
        monkeypatch.setattr(writer.FastSegmentWriter, "bulk_postings", bulk)
        index = tmp_path / f"bulk-{bulk}"
        report = index_paths([corpus_dir], index, jobs=1)
        assert report.added == 1700
        built[bulk] = segment_files(index)
    kinds = [kind for kind, _ in built[True]]
    assert "pst" in kinds and "trm" in kinds
    assert [kind for kind, _ in built[False]] == kinds
    for (kind, slow), (_, fast) in zip(built[False], built[True]):
        assert fast == slow, f"{kind} file differs"


def test_newer_pickle_protocol_reads_back_the_same_postings(corpus_dir, tmp_path, monkeypatch):
    assert writer.FastSegmentWriter.block_protocol > 2
    fast = tmp_path / "fast"
    index_paths([corpus_dir], fast, jobs=1)
    monkeypatch.setattr(writer.FastSegmentWriter, "bulk_postings", False)
    whoosh = tmp_path / "whoosh"
    index_paths([corpus_dir], whoosh, jobs=1)
    expected = all_postings(whoosh)
    assert len(expected) > 10_000
    assert all_postings(fast) == expected
    assert sum(path.stat().st_size for path in fast.rglob("*")) < sum(path.stat().st_size for path in whoosh.rglob("*"))


def test_long_posting_lists_read_back_whole(corpus_dir, tmp_path):
    """A term in every Reuters record spans many blocks; every posting reads back."""

    index = tmp_path / "index"
    index_paths([corpus_dir], index, jobs=1)
    ix = store.open_for_reading(index)[0]
    with ix.searcher() as searcher:
        reader = searcher.reader()
        docs = list(reader.postings("body", "the").all_ids())
        assert len(docs) > 3 * 128
        assert docs == sorted(set(docs))
        assert reader.doc_frequency("body", "the") == len(docs)
        stored_with_the = [n for n, fields in enumerate(reader.all_stored_fields()) if " the " in fields["body"].lower()]
        assert set(stored_with_the) <= set(docs)


def test_fast_writer_indexes_what_whooshs_writer_indexes(corpus_dir, tmp_path):
    """The same articles through Whoosh's own SegmentWriter and through a newsearch run."""
    from whoosh import index as whoosh_index

    from newsearch.indexing.files import file_id
    from newsearch.engines.whoosh.documents import article_document
    from newsearch.ingest import read_articles
    from newsearch.engines.whoosh.schema import build_schema

    plain = tmp_path / "plain"
    plain.mkdir()
    ix = whoosh_index.create_in(str(plain), build_schema(), indexname="articles")
    with ix.writer() as whoosh_writer:
        for path in sorted(corpus_dir.rglob("*.*")):
            for article in read_articles(path.read_bytes(), str(path), file_id(str(path))):
                whoosh_writer.add_document(**article_document(article))
    fast = tmp_path / "fast"
    index_paths([corpus_dir], fast, jobs=1)
    expected = postings_by_id(plain)
    assert len(expected) > 10_000
    assert postings_by_id(fast) == expected
