"""The embedded engine: an index in a folder, searched with Whoosh (an ``engines.base.Engine``).

One searcher serves every request until the index gets a new commit (or is
rebuilt), so a long-lived caller (the web app, a test suite, a notebook)
opens the segment files once per commit. Document numbers stay inside: what
leaves is article ids, copy signatures and Articles.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from newsearch import buckets
from newsearch.deadline import Deadline, DeadlineExceeded
from newsearch.engines.base import DateCounts, Health, Ranked, Ranking
from newsearch.engines.whoosh import reading, store
from newsearch.engines.whoosh.columns import column
from newsearch.engines.whoosh.compile import NO_DATE, Compiled, compile_tree
from newsearch.engines.whoosh.documents import path_term, stored_article
from newsearch.engines.whoosh.ranking import SETTINGS, Settings
from newsearch.errors import NewsearchError
from newsearch.models import Article, Stats
from newsearch.query import tree as t

FACET_COLUMNS = {"source": "source_key"}  # facet name -> indexed column
_TEXT_FIELDS = ("title", "body")


def _reading(method):
    """Index files that cannot be read are named as damage (when a check confirms it), never a traceback."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (NewsearchError, DeadlineExceeded, UnknownArticle):
            raise
        except Exception as exc:
            damage = self._damage(exc)
            if damage is exc:
                raise
            raise damage from exc

    return guarded


class UnknownArticle(LookupError):
    """``similar`` of an id the index does not hold."""


class WhooshEngine:
    """An index folder."""

    def __init__(self, folder: Path, shown: str):
        self.folder = folder.resolve()
        self.location = shown
        self._searcher = None
        self._key: tuple | None = None  # which data folder the searcher reads (changes with a rebuild)
        self._checked_for: Deadline | None = None  # the request the searcher was last checked fresh for
        self._compiled: tuple | None = None  # (deadline, searcher, tree, Compiled) of the last compile
        self.settings: Settings = SETTINGS

    @classmethod
    def open(cls, spec: str | os.PathLike, *, create: bool = False) -> WhooshEngine:
        from newsearch.engines.whoosh import fixes

        fixes.apply()
        folder = Path(spec)
        engine = cls(folder, os.fspath(spec))
        if not create:  # IndexMissing / IndexIncompatible / IndexDamaged now, not at the first query
            store.open_for_reading(folder, shown=engine.location)
        return engine

    # --- searcher ------------------------------------------------------------------

    def searcher(self, deadline: Deadline | None = None):
        """A searcher on the latest commit (reused while the index has no newer one).

        Checked once per request (``deadline``): the steps of one search see one commit.
        """
        if deadline is not None and deadline is self._checked_for and self._searcher is not None:
            return self._searcher
        self._checked_for = deadline
        searcher = self._searcher
        if searcher is not None:
            try:
                if store.current(self.folder, self.location).key == self._key and searcher.up_to_date():
                    return searcher
            except NewsearchError:
                raise
            except Exception:  # the index was replaced or removed: open it afresh
                pass
            searcher.close()
            self._searcher = None
        ix, state = store.open_for_reading(self.folder, shown=self.location)
        try:
            self._searcher = ix.searcher(weighting=self.settings.weighting())
        except (PermissionError, MemoryError):
            raise
        except Exception as exc:  # a segment file cut short, missing or garbled
            raise self._damage(exc) from exc
        self._key = state.key
        return self._searcher

    def _damage(self, exc: BaseException) -> BaseException:
        """The IndexDamaged naming what a check finds, or ``exc`` itself when the files check out (a bug)."""
        from newsearch.engines.whoosh.verify import verify

        problems = verify(self.folder, self.location).problems
        return store.damaged(self.location, problems[0]) if problems else exc

    def use_settings(self, settings: Settings) -> None:
        """Rank with other parameters from now on (benchmarks/ranking.py tries them without re-indexing).

        The open searcher is kept with a new weighting, so what its readers cache (length norms,
        feedback documents' terms) serves the next setting too.
        """
        self.settings = settings
        self._compiled = None
        searcher = self._searcher
        if searcher is not None:
            weighting = settings.weighting()
            searcher.weighting = weighting
            for sub, _offset in searcher.leaf_searchers():
                sub.weighting = weighting

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    # --- ranking -------------------------------------------------------------------

    @_reading
    def rank(self, query: t.Node, *, sort: str = "relevance", depth: int = 10, count: bool = False,
             deadline: Deadline) -> Ranking:
        searcher = self.searcher(deadline)
        compiled = self._compile(searcher, query, deadline)
        if compiled is None:
            return Ranking(hits=[], complete=False, total=0 if count else None)
        if compiled.matches_nothing:
            return Ranking(hits=[], complete=True, total=0, notes=compiled.notes)
        sortedby = None if sort == "relevance" else reading.date_order(newest_first=sort == "-date")
        fetch = depth
        if sortedby is None:
            fetch = max(depth, self.settings.feedback_depth)  # feedback may lift any of the top feedback_depth
        ranked, finished, matched = reading.top_documents(
            searcher, compiled, limit=fetch, sortedby=sortedby, deadline=deadline
        )
        if sortedby is None:
            ranked = reading.with_feedback(searcher, compiled.query, ranked, self.settings)
        # Every match is in only when fewer came back than were asked for (exactly `fetch` may mean more wait).
        complete = finished and len(ranked) < fetch and len(ranked) <= depth
        total = len(ranked) if finished and len(ranked) < fetch else (matched if finished else None)
        if total is None and count:
            total, _exact = reading.count_matches(searcher, compiled, deadline)
            total = max(total, len(ranked))
        return Ranking(
            hits=self._ranked(searcher, ranked[:depth]),
            complete=complete,
            total=total,
            terms=frozenset(_highlight_terms(compiled)),
            notes=compiled.notes,
        )

    def _ranked(self, searcher, ranked: list[tuple[int, float]]) -> list[Ranked]:
        signatures = column(searcher, "copies", default=b"")
        ids = _id_cache(searcher)
        out = []
        for docnum, score in ranked:
            article_id = ids.get(docnum)
            if article_id is None:
                article_id = ids[docnum] = searcher.stored_fields(docnum)["id"]
            out.append(Ranked(article_id, float(score or 0.0), bytes(signatures[docnum])))
        return out

    @_reading
    def count(self, query: t.Node, *, deadline: Deadline) -> int:
        searcher = self.searcher(deadline)
        compiled = self._compile(searcher, query, deadline)
        if compiled is None or compiled.matches_nothing:
            return 0
        total, _exact = reading.count_matches(searcher, compiled, deadline)
        return total

    def _compile(self, searcher, query: t.Node, deadline: Deadline) -> Compiled | None:
        """The compiled tree, made once per request (ranking, counting and facets share it)."""
        cached = self._compiled
        if cached is not None and cached[0] is deadline and cached[1] is searcher and cached[2] == query:
            return cached[3]
        try:
            compiled = compile_tree(searcher, query, deadline, fields=self.settings.fields)
        except DeadlineExceeded:
            deadline.cut_short("the search")
            return None
        self._compiled = (deadline, searcher, query, compiled)
        return compiled

    # --- articles ------------------------------------------------------------------

    @_reading
    def articles(self, ids: Sequence[str]) -> list[Article | None]:
        searcher = self._searcher or self.searcher()  # (the ids come from a ranking on this searcher)
        known = {v: k for k, v in _id_cache(searcher).items()}
        out: list[Article | None] = []
        for article_id in ids:
            docnum = known.get(article_id)
            if docnum is None:
                docnum = searcher.document_number(id=article_id)
            out.append(None if docnum is None else stored_article(searcher.stored_fields(docnum)))
        return out

    @_reading
    def find(self, id_or_path: str) -> Article | None:
        searcher = self.searcher()
        stored = searcher.document(id=id_or_path)
        if stored is None:
            stored = searcher.document(path=path_term(os.path.abspath(id_or_path)))
        return None if stored is None else stored_article(stored)

    def iter_articles(self) -> Iterator[Article]:
        """Every readable article; those whose stored block is damaged are left out, and named at the end
        (IndexDamaged after the last good one), so an export of a damaged index saves what can be saved."""
        reader = self.searcher().reader()
        unreadable = 0
        for leaf, _offset in reader.leaf_readers():
            for docnum in range(leaf.doc_count_all()):
                try:
                    if leaf.is_deleted(docnum):
                        continue
                    article = stored_article(leaf.stored_fields(docnum))
                except Exception:  # a damaged block: the documents around it may still read
                    unreadable += 1
                    continue
                yield article
        if unreadable:
            raise store.damaged(self.location, f"{unreadable:,} articles could not be read and were left out")

    @_reading
    def body_term(self, word: str) -> str | None:
        searcher = self._searcher or self.searcher()  # (called per word of a snippet: no refresh check)
        tokens = [tok.text for tok in searcher.schema["body"].analyzer(word)]
        return tokens[0] if len(tokens) == 1 else None

    # --- facets, dates, suggestions, similar ------------------------------------------

    @_reading
    def facets(self, query: t.Node, names: Sequence[str], *, deadline: Deadline) -> dict[str, dict[str, int]]:
        searcher = self.searcher(deadline)
        compiled = self._compile(searcher, query, deadline)
        out: dict[str, dict[str, int]] = {}
        for name in names:
            if compiled is None or compiled.matches_nothing:
                out[name] = {}
                continue
            counts, example = reading.value_counts(searcher, compiled, FACET_COLUMNS[name], deadline)
            out[name] = _labelled(searcher, name, counts, example)
        return out

    @_reading
    def dates(self, query: t.Node, *, interval: str | None, deadline: Deadline) -> DateCounts:
        from whoosh.util.times import long_to_datetime

        searcher = self.searcher(deadline)
        compiled = self._compile(searcher, query, deadline)
        raws: list[int] = []
        if compiled is not None and not compiled.matches_nothing:
            raws, _finished = reading.raw_dates(searcher, compiled, deadline)
        days = [long_to_datetime(raw) for raw in raws if raw != NO_DATE]
        if interval is None:
            interval = buckets.choose_interval(min(days, default=None), max(days, default=None))
        counts = Counter(buckets.bucket_start(day, interval) for day in days)
        return DateCounts(interval=interval, counts=dict(counts), undated=len(raws) - len(days), total=len(raws))

    @_reading
    def suggest(self, words: Sequence[str], *, few_hits: bool, deadline: Deadline) -> dict[str, str]:
        from newsearch.engines.whoosh.suggest import corrections

        return corrections(self.searcher(deadline), words, few_hits=few_hits, deadline=deadline)

    @_reading
    def similar(self, article_id: str, *, limit: int, deadline: Deadline) -> Ranking:
        from newsearch.engines.whoosh.similar import similar_documents

        searcher = self.searcher(deadline)
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise UnknownArticle(article_id)
        ranked, total, terms = similar_documents(searcher, docnum, limit=limit, deadline=deadline)
        return Ranking(hits=self._ranked(searcher, ranked), complete=len(ranked) >= total, total=total, terms=frozenset(terms))

    # --- stats and writing ---------------------------------------------------------------

    @_reading
    def stats(self) -> Stats:
        from whoosh import query as wq
        from whoosh.util.times import long_to_datetime

        searcher = self.searcher()
        everything = Compiled(query=wq.Every())
        deadline = Deadline(None)
        counts, example = reading.value_counts(searcher, everything, "source_key", deadline)
        raws, _ = reading.raw_dates(searcher, everything, deadline)
        known = [raw for raw in raws if raw != NO_DATE]
        first = long_to_datetime(min(known)) if known else None
        last = long_to_datetime(max(known)) if known else None
        size = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())
        updated = _last_commit_time(searcher)
        return Stats(
            articles=searcher.doc_count(),
            sources=_labelled(searcher, "source", counts, example),
            first_date=first.date().isoformat() if first else None,
            last_date=last.date().isoformat() if last else None,
            undated=len(raws) - len(known),
            index_bytes=size,
            last_update=datetime.fromtimestamp(updated).isoformat(timespec="seconds") if updated else None,
            path=str(self.folder),
        )

    def verify(self) -> Health:
        from newsearch.engines.whoosh.verify import verify

        self.close()
        return verify(self.folder, self.location)

    def restore(self) -> str | None:
        from newsearch.engines.whoosh import verify
        from newsearch.engines.whoosh.writing import acquire_lock

        self.close()
        lock = acquire_lock(self.folder, 60.0, None)
        try:
            return verify.restore(self.folder, self.location)
        finally:
            lock.release()

    def open_writer(self, *, rebuild: bool = False, wait: float = 60.0, on_wait: Callable[[], None] | None = None):
        from newsearch.engines.whoosh.writing import open_writer

        self.close()  # a rebuild replaces the files a searcher would hold
        return open_writer(self.folder, self.location, rebuild=rebuild, wait=wait, on_wait=on_wait)


def _last_commit_time(searcher) -> float | None:
    """When the searcher's commit was made (its table of contents was written)."""
    try:
        return searcher._ix.last_modified()
    except (AttributeError, OSError):
        return None


def _id_cache(searcher) -> dict[int, str]:
    """Article ids by document number, as they are looked up (kept with the searcher)."""
    return searcher.__dict__.setdefault("_newsearch_ids", {})


def _labelled(searcher, name: str, counts: Counter, example: dict) -> dict[str, int]:
    """Counts by a facet's stored label (the lowercased key's first spelling), most first."""
    labelled: dict[str, int] = {}
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if not key:
            label = "(none)"
        else:
            label = searcher.stored_fields(example[key]).get(name) or str(key)
        labelled[label] = labelled.get(label, 0) + n
    return labelled


def _highlight_terms(compiled: Compiled) -> set[str]:
    """The title and body terms of the compiled query (what snippets mark)."""
    terms = set(compiled.expanded)
    for fieldname, text in compiled.query.iter_all_terms(phrases=True):
        if fieldname in _TEXT_FIELDS:
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    return terms
