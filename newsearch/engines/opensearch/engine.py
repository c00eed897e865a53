"""The cluster engine: an index on OpenSearch (an ``engines.base.Engine``), through opensearch-py.

Readers search the alias ``NAME``, which points at one concrete index
(``NAME-ns<created>``); a rebuild fills a new concrete index and moves the
alias in one atomic call (``writing.py``). Every request carries the
deadline twice: as the server's search ``timeout`` (it answers with what it
found, ``timed_out``) and as the client's ``request_timeout``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from newsearch import buckets, terms
from newsearch.deadline import Deadline
from newsearch.engines.base import DateCounts, Health, Ranked, Ranking
from newsearch.engines.opensearch import connection, feedback
from newsearch.engines.opensearch.compile import Compiled, compile_tree, expanded_terms
from newsearch.engines.opensearch.documents import SCHEMA_VERSION, path_term, stored_article, term_text
from newsearch.engines.opensearch.feedback import FEEDBACK_DEPTH
from newsearch.errors import IndexIncompatible, IndexMissing, NewsearchError
from newsearch.models import Article, Stats
from newsearch.query import tree as t

WINDOW = 10_000  # OpenSearch's max_result_window: deeper rankings page with search_after
PAGE = 1_000  # articles per page of an export
FACET_SIZE = 10_000  # most distinct values one facet lists
SIGNATURE = ["id", "stored.signature"]
KEY_TERMS = 20
SNIPPET_HITS = 50  # the top hits whose wildcard and fuzzy words are looked up for snippets
_WORD = re.compile(r"^[^\W\d_][\w'’-]*$")


def _guarded(method):
    """Client errors become one-line NewsearchErrors (unreachable, refused, ...)."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except NewsearchError:
            raise
        except Exception as exc:
            translated = connection.translate(exc, self.spec)
            if translated is exc:
                raise
            raise translated from exc

    return guarded


class UnknownArticle(LookupError):
    """``similar`` of an id the index does not hold."""


class OpenSearchEngine:
    """An index on an OpenSearch cluster."""

    folder = None  # nothing on this machine to keep out of an indexing run

    def __init__(self, spec: connection.Spec, location: str):
        self.spec = spec
        self.location = location
        self.alias = spec.name
        self.client = connection.client(spec)
        self._compiled: tuple | None = None

    @classmethod
    def open(cls, text: str, *, create: bool = False) -> OpenSearchEngine:
        engine = cls(connection.parse_spec(text), text)
        if not create:
            engine.check_index()
        return engine

    @_guarded
    def check_index(self) -> str:
        """The concrete index behind the alias; IndexMissing or IndexIncompatible otherwise."""
        from opensearchpy import NotFoundError

        try:
            mapping = self.client.indices.get_mapping(index=self.alias)
        except NotFoundError:
            raise IndexMissing(f"no index at {self.spec.shown} — run `newsearch index DIR --index {self.spec.shown}` first") from None
        concrete, body = next(iter(mapping.items()))
        version = (body.get("mappings", {}).get("_meta", {}).get("newsearch") or {}).get("schema_version")
        if version != SCHEMA_VERSION:
            raise IndexIncompatible(
                f"the index at {self.spec.shown} was made by an incompatible version of newsearch (schema {version},"
                f" this version needs {SCHEMA_VERSION}) — run `newsearch index --rebuild DIR --index {self.spec.shown}`")
        return concrete

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass

    # --- requests --------------------------------------------------------------------

    def _search(self, body: dict, deadline: Deadline | None, what: str = "the search", **params) -> dict | None:
        """One search on the alias within the deadline; None when no time is left (noted)."""
        timeout = connection.REQUEST_TIMEOUT
        if deadline is not None and deadline.end is not None:
            if deadline.expired():
                deadline.cut_short(what)
                return None
            left = deadline.remaining()
            body = {**body, "timeout": f"{max(1, int(left * 1000))}ms"}
            timeout = left + 2.0
        response = self.client.search(index=self.alias, body=body, request_timeout=timeout, **params)
        if response.get("timed_out") and deadline is not None:
            deadline.cut_short(what)
        return response

    def _compile(self, query: t.Node, deadline: Deadline) -> Compiled:
        cached = self._compiled
        if cached is not None and cached[0] is deadline and cached[1] == query:
            return cached[2]
        compiled = compile_tree(query)
        self._compiled = (deadline, query, compiled)
        return compiled

    # --- ranking ---------------------------------------------------------------------

    @_guarded
    def rank(self, query: t.Node, *, sort: str = "relevance", depth: int = 10, count: bool = False,
             deadline: Deadline) -> Ranking:
        compiled = self._compile(query, deadline)
        if compiled.query is None:
            return Ranking(hits=[], complete=True, total=0, notes=compiled.notes)
        order = [{"_score": "desc"}, {"id": "asc"}] if sort == "relevance" else [
            {"date": {"order": "desc" if sort == "-date" else "asc", "missing": "_last"}}, {"id": "asc"}]
        body = {"query": compiled.query, "sort": order, "track_total_hits": True, "_source": SIGNATURE,
                "track_scores": True}
        hits: list[Ranked] = []
        total = None
        after = None
        fetch = max(depth, FEEDBACK_DEPTH) if sort == "relevance" else depth  # feedback may lift any of those
        while len(hits) < fetch:
            size = min(fetch - len(hits), WINDOW)
            page = {**body, "size": size, **({"search_after": after} if after else {})}
            response = self._search(page, deadline, "the ranking")
            if response is None:
                break
            total = response["hits"]["total"]["value"]
            found = response["hits"]["hits"]
            hits.extend(_ranked(found))
            if len(found) < size or not found:
                break
            after = found[-1]["sort"]
        if sort == "relevance":
            hits = feedback.rerank(self, hits, compiled.terms, deadline)
        hits = hits[:depth]
        complete = total is not None and len(hits) >= total
        marked = compiled.terms | self._expanded(compiled, hits[:SNIPPET_HITS])
        return Ranking(hits=hits, complete=complete, total=total if total is not None else (0 if count else None),
                       terms=frozenset(marked), notes=compiled.notes)

    def _expanded(self, compiled: Compiled, hits: list[Ranked]) -> set[str]:
        """The words the wildcards and fuzzy words matched in the top articles (for their snippets)."""
        if not hits or not (compiled.patterns or compiled.fuzzy):
            return set()
        response = self.client.mget(index=self.alias, body={"ids": [h.id for h in hits]},
                                    params={"_source_includes": "stored.body"})
        bodies = [(d.get("_source") or {}).get("stored", {}).get("body") or "" for d in response["docs"]]
        return expanded_terms(compiled, bodies)

    @_guarded
    def count(self, query: t.Node, *, deadline: Deadline) -> int:
        compiled = self._compile(query, deadline)
        if compiled.query is None:
            return 0
        response = self._search({"query": compiled.query, "size": 0, "track_total_hits": True}, deadline, "the count")
        return 0 if response is None else response["hits"]["total"]["value"]

    # --- articles --------------------------------------------------------------------

    @_guarded
    def articles(self, ids: Sequence[str]) -> list[Article | None]:
        if not ids:
            return []
        response = self.client.mget(index=self.alias, body={"ids": list(ids)})
        found = {doc["_id"]: stored_article(doc["_source"]) for doc in response["docs"] if doc.get("found")}
        return [found.get(article_id) for article_id in ids]

    @_guarded
    def find(self, id_or_path: str) -> Article | None:
        import os

        found = self.articles([id_or_path])[0]
        if found is not None:
            return found
        body = {"query": {"term": {"path": path_term(os.path.abspath(id_or_path))}}, "size": 1}
        hits = self.client.search(index=self.alias, body=body)["hits"]["hits"]
        return stored_article(hits[0]["_source"]) if hits else None

    @_guarded
    def iter_articles(self) -> Iterator[Article]:
        """Every article, through a point in time and search_after (no 10,000 cap)."""
        pit = self.client.create_pit(index=self.alias, params={"keep_alive": "5m"})["pit_id"]
        try:
            after = None
            while True:
                body = {"size": PAGE, "query": {"match_all": {}}, "sort": [{"id": "asc"}],
                        "pit": {"id": pit, "keep_alive": "5m"}}
                if after is not None:
                    body["search_after"] = after
                hits = self.client.search(body=body)["hits"]["hits"]
                for hit in hits:
                    yield stored_article(hit["_source"])
                if len(hits) < PAGE:
                    return
                after = hits[-1]["sort"]
        finally:
            try:
                self.client.delete_pit(body={"pit_id": [pit]})
            except Exception:
                pass

    def body_term(self, word: str) -> str | None:
        found = terms.analyze(word, "text")
        return found[0] if len(found) == 1 else None

    # --- facets, dates, suggestions, similar --------------------------------------------

    @_guarded
    def facets(self, query: t.Node, names: Sequence[str], *, deadline: Deadline) -> dict[str, dict[str, int]]:
        compiled = self._compile(query, deadline)
        out: dict[str, dict[str, int]] = {name: {} for name in names}
        if compiled.query is None or "source" not in names:
            return out
        response = self._search({"query": compiled.query, "size": 0, "aggs": _source_aggs()}, deadline, "the facets")
        if response is not None:
            out["source"] = _source_counts(response)
        return out

    @_guarded
    def dates(self, query: t.Node, *, interval: str | None, deadline: Deadline) -> DateCounts:
        compiled = self._compile(query, deadline)
        days: Counter[datetime] = Counter()
        total = 0
        if compiled.query is not None:
            aggs = {"days": {"date_histogram": {"field": "date", "calendar_interval": "day", "min_doc_count": 1}}}
            response = self._search({"query": compiled.query, "size": 0, "track_total_hits": True, "aggs": aggs},
                                    deadline, "the timeline")
            if response is not None:
                total = response["hits"]["total"]["value"]
                for bucket in response["aggregations"]["days"]["buckets"]:
                    days[datetime.utcfromtimestamp(bucket["key"] / 1000)] += bucket["doc_count"]
        if interval is None:
            interval = buckets.choose_interval(min(days, default=None), max(days, default=None))
        counts: Counter[str] = Counter()
        for day, n in days.items():
            counts[buckets.bucket_start(day, interval)] += n
        dated = sum(days.values())
        return DateCounts(interval=interval, counts=dict(counts), undated=total - dated, total=total)

    @_guarded
    def suggest(self, words: Sequence[str], *, few_hits: bool, deadline: Deadline) -> dict[str, str]:
        from newsearch.engines.opensearch.suggest import corrections

        return corrections(self, words, few_hits=few_hits, deadline=deadline)

    @_guarded
    def similar(self, article_id: str, *, limit: int, deadline: Deadline) -> Ranking:
        from opensearchpy import NotFoundError

        try:
            doc = self.client.get(index=self.alias, id=article_id)
        except NotFoundError:
            raise UnknownArticle(article_id) from None
        article = stored_article(doc["_source"])
        text = f"{article.title}\n{article.body}"
        like = term_text(text, "text", article.language)
        if not like:
            return Ranking(hits=[], complete=True, total=0)
        excluded: list[dict] = [{"ids": {"values": [article_id]}}]
        fingerprint = doc["_source"].get("fingerprint", "")
        if fingerprint.strip("0"):
            excluded.append({"term": {"fingerprint": fingerprint}})
        query = {"bool": {"must": [{"more_like_this": {
            "fields": ["body"], "like": like, "min_term_freq": 1, "min_doc_freq": 1, "max_query_terms": KEY_TERMS,
            "minimum_should_match": "1"}}], "must_not": excluded}}
        body = {"query": query, "size": limit, "track_total_hits": True, "_source": SIGNATURE}
        response = self._search(body, deadline, "the search for similar articles")
        if response is None:
            return Ranking(hits=[], complete=False, total=None)
        hits = _ranked(response["hits"]["hits"])
        total = response["hits"]["total"]["value"]
        common = Counter(terms.analyze(text, "text", article.language)).most_common(KEY_TERMS)
        return Ranking(hits=hits, complete=len(hits) >= total, total=total, terms=frozenset(w for w, _ in common))

    # --- stats and writing ---------------------------------------------------------------

    @_guarded
    def stats(self) -> Stats:
        from newsearch.engines.opensearch.writing import last_commit

        aggs = {**_source_aggs(), "first": {"min": {"field": "date"}}, "last": {"max": {"field": "date"}},
                "undated": {"missing": {"field": "date"}}}
        response = self.client.search(index=self.alias, body={"size": 0, "track_total_hits": True, "aggs": aggs})
        found = response["aggregations"]
        first, last = found["first"].get("value_as_string"), found["last"].get("value_as_string")
        concrete = self.check_index()
        store = self.client.indices.stats(index=concrete, metric="store")
        size = store["_all"]["primaries"]["store"]["size_in_bytes"]
        return Stats(
            articles=response["hits"]["total"]["value"],
            sources=_source_counts(response),
            first_date=first[:10] if first else None,
            last_date=last[:10] if last else None,
            undated=found["undated"]["doc_count"],
            index_bytes=size,
            last_update=last_commit(self, concrete),
            path=self.spec.shown,
        )

    @_guarded
    def verify(self) -> Health:
        """What ``newsearch check`` can see from outside the cluster: shards without a copy anywhere
        (nodes lost), and articles the manifest lists that the index does not hold."""
        from newsearch.engines.opensearch.writing import read_manifest

        concrete = self.check_index()
        health = self.client.cluster.health(index=concrete, request_timeout=30)
        manifest = read_manifest(self.client, self.spec, concrete)
        count = self.client.count(index=concrete)["count"]
        problems = []
        if health["status"] == "red":
            problems.append(f"{concrete} has shards with no copy on any node ({health['unassigned_shards']} unassigned)"
                            " — bring the lost nodes back, or repair to rebuild it")
        else:
            listed = sorted({i for state in manifest.values() for i in state.ids})
            missing = 0
            for start in range(0, len(listed), PAGE):
                docs = self.client.mget(index=concrete, body={"ids": listed[start:start + PAGE]}, params={"_source": "false"})
                missing += sum(1 for doc in docs["docs"] if not doc.get("found"))
            if missing:
                problems.append(f"{missing:,} of the {len(listed):,} articles its list of files names"
                                f" {'is' if missing == 1 else 'are'} not in {concrete}")
        files = sum(not state.root for state in manifest.values())  # recorded folders are not files
        return Health(problems=problems, articles=count, files=files, sources=sorted(manifest))

    def restore(self) -> str | None:
        return None  # the cluster mends its own copies; what is lost is re-read from the files

    def open_writer(self, *, rebuild: bool = False, wait: float = 60.0, on_wait: Callable[[], None] | None = None):
        from newsearch.engines.opensearch.writing import open_writer

        return open_writer(self, rebuild=rebuild, wait=wait, on_wait=on_wait)


def _ranked(hits: list[dict]) -> list[Ranked]:
    out = []
    for hit in hits:
        signature = (hit.get("_source") or {}).get("stored", {}).get("signature") or ""
        out.append(Ranked(hit["_id"], float(hit.get("_score") or 0.0), bytes.fromhex(signature)))
    return out


def _source_aggs() -> dict:
    return {"source": {"terms": {"field": "source_key", "size": FACET_SIZE, "missing": ""},
                       "aggs": {"label": {"terms": {"field": "source_label", "size": 1}}}}}


def _source_counts(response: dict) -> dict[str, int]:
    """Counts by a source's most common spelling, most first ("(none)" for articles without one)."""
    rows = []
    for bucket in response["aggregations"]["source"]["buckets"]:
        labels = bucket["label"]["buckets"]
        label = labels[0]["key"] if labels else "(none)"
        rows.append((bucket["doc_count"], bucket["key"], label))
    out: dict[str, int] = {}
    for n, _key, label in sorted(rows, key=lambda r: (-r[0], r[1])):
        out[label] = out.get(label, 0) + n
    return out
