"""The write side of the cluster engine: the lock, the sinks that bulk-load articles, the commit, the alias swap.

Beside the articles' index, ``NAME.newsearch`` holds what the Whoosh engine
keeps in its folder: the lock document (created only if absent, with an
expiry a live writer keeps pushing forward, so a killed run frees the index
in ``LOCK_SECONDS``), the manifest (one document per indexed file, tagged
with the concrete index it describes) and the time of the last commit.

Sinks (in this process or in the indexing run's worker processes, each with
a client of its own) send articles with ``streaming_bulk`` in byte-sized
chunks; items the cluster turns away for load or a lost node (429, 5xx) are
sent again with back-off, and anything still refused fails the run with
one line. Ids are the articles' own (derived from the file), so a re-run
overwrites rather than duplicates. A commit makes the acknowledged articles
visible (deletions first, then a refresh) and only then advances the
manifest, so a run cut off anywhere leaves a manifest that is behind the
index, never ahead of it: the next run redoes what was not recorded.

``--rebuild`` fills a new concrete index (``NAME-ns<created>``) while readers
keep the old one through the alias; after a clean commit the alias moves to
the new index in one atomic ``_aliases`` call and the old one is removed.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, fields, replace
from datetime import UTC, datetime

from newsearch.engines.opensearch import connection
from newsearch.engines.opensearch.documents import article_document, index_body, path_term
from newsearch.errors import ClusterUnavailable, IndexLocked, NewsearchError
from newsearch.models import Article, FileState

LOCK_SECONDS = 90.0  # a lock not renewed for this long is free (its writer died)
RENEW_SECONDS = 20.0
CHUNK_BYTES = 5 * 1024 * 1024  # one bulk request
BUFFER_BYTES = 8 * 1024 * 1024  # a sink sends what it holds past this
RETRY_ROUNDS = 8  # sending again what the cluster turned away for load or a lost node
MAX_BACKOFF = 30


def state_index(alias: str) -> str:
    return f"{alias}.newsearch"


def concrete_prefix(alias: str) -> str:
    return f"{alias}-ns"


def _now() -> float:
    return time.time()


def _guard(spec: connection.Spec, doing: str, call: Callable, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NewsearchError:
        raise
    except Exception as exc:
        translated = connection.translate(exc, spec, doing)
        if translated is exc:
            raise
        raise translated from exc


# --- sinks ---------------------------------------------------------------------------


class OpenSearchSink:
    """Articles -> bulk requests (an ``ArticleSink``); ``finish`` returns the acknowledged ids."""

    def __init__(self, spec: connection.Spec, index: str, batch: str, client=None):
        self.spec = spec
        self.index = index
        self.batch = batch
        self.client = client if client is not None else connection.client(spec, timeout=120.0)
        self._held: dict[str, dict] = {}
        self._held_bytes = 0
        self._acked: list[str] = []

    def add(self, article: Article) -> None:
        doc = article_document(article)
        doc["batch"] = self.batch
        self._held[article.id] = doc  # an id added twice keeps the last
        self._held_bytes += len(article.body or "") * 2 + 512

    def check(self) -> None:
        if self._held_bytes >= BUFFER_BYTES:
            self.send()

    def send(self) -> None:
        held, self._held, self._held_bytes = self._held, {}, 0
        if held:
            self._acked.extend(_guard(self.spec, "index articles", bulk_index, self.client, self.index, held))

    def finish(self) -> list:
        self.send()
        acked, self._acked = self._acked, []
        return [acked]

    def cancel(self) -> None:
        self._held, self._held_bytes, self._acked = {}, 0, []


def bulk_index(client, index: str, docs: dict[str, dict]) -> list[str]:
    """Index ``docs`` ({id: document}); the ids the cluster acknowledged. Turned-away items are sent again."""
    from opensearchpy import helpers

    pending = docs
    acked: list[str] = []
    for round_ in range(RETRY_ROUNDS + 1):
        actions = ({"_op_type": "index", "_index": index, "_id": i, "_source": d} for i, d in pending.items())
        again: dict[str, dict] = {}
        refused: list[str] = []
        for ok, item in helpers.streaming_bulk(client, actions, chunk_size=1000, max_chunk_bytes=CHUNK_BYTES,
                                               raise_on_error=False, raise_on_exception=True, max_retries=3,
                                               initial_backoff=1, max_backoff=MAX_BACKOFF):
            result = item.get("index", {})
            if ok:
                acked.append(result["_id"])
            elif result.get("status", 0) == 429 or result.get("status", 0) >= 500:
                again[result["_id"]] = pending[result["_id"]]
            else:
                refused.append(f"{result.get('_id')}: {_error_text(result.get('error'))}")
        if refused:
            raise NewsearchError(f"the cluster refused {len(refused):,} articles ({refused[0]})")
        if not again:
            return acked
        pending = again
        time.sleep(min(MAX_BACKOFF, 2.0 ** round_))
    raise ClusterUnavailable(f"the cluster kept turning away {len(pending):,} articles (overloaded, or nodes lost)"
                             " — run the same command again to finish")


def _error_text(error) -> str:
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}"[:200]
    return str(error)[:200]


class SinkFactory:
    """Opens a sink in a worker process (picklable: a spec and two names)."""

    def __init__(self, spec: connection.Spec, index: str, batch: str):
        self.spec, self.index, self.batch = spec, index, batch

    def __call__(self) -> OpenSearchSink:
        return OpenSearchSink(self.spec, self.index, self.batch)


# --- the lock ------------------------------------------------------------------------


class Lock:
    """The create-only lock document of one alias, kept alive by a thread while held."""

    def __init__(self, client, spec: connection.Spec):
        self.client, self.spec = client, spec
        self.index = state_index(spec.name)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _body(self) -> dict:
        return {"kind": "lock", "owner": self.owner, "expires": _now() + LOCK_SECONDS}

    def try_acquire(self) -> bool:
        from opensearchpy import ConflictError

        try:
            self.client.index(index=self.index, id="lock", body=self._body(), op_type="create", refresh="true")
            return True
        except ConflictError:
            pass
        found = self.client.get(index=self.index, id="lock", ignore=[404])
        if not found.get("found"):
            return False  # released just now: the next try creates it
        if found["_source"].get("expires", 0) > _now():
            return False
        try:  # an expired lock (its writer died): take it over, unless someone else just did
            self.client.index(index=self.index, id="lock", body=self._body(), if_seq_no=found["_seq_no"],
                              if_primary_term=found["_primary_term"], refresh="true")
            return True
        except ConflictError:
            return False

    def start_renewing(self) -> None:
        self._thread = threading.Thread(target=self._renew, name="newsearch-lock", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(RENEW_SECONDS):
            try:
                self.client.update(index=self.index, id="lock", body={"doc": {"expires": _now() + LOCK_SECONDS}})
            except Exception:  # a node away: the next beat tries again; the expiry has margin
                pass

    def release(self) -> None:
        self._stop.set()
        try:
            found = self.client.get(index=self.index, id="lock", ignore=[404])
            if found.get("found") and found["_source"].get("owner") == self.owner:
                self.client.delete(index=self.index, id="lock", if_seq_no=found["_seq_no"],
                                   if_primary_term=found["_primary_term"], refresh="true", ignore=[404, 409])
        except Exception:
            pass  # it expires by itself


def acquire(client, spec: connection.Spec, wait: float, on_wait: Callable[[], None] | None) -> Lock:
    ensure_state_index(client, spec)
    lock = Lock(client, spec)
    deadline = time.monotonic() + wait
    told = False
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            raise IndexLocked(f"another newsearch run is still indexing into this index after {wait:g}s"
                              " — try again later, or give --wait more seconds")
        if not told and on_wait is not None:
            on_wait()
            told = True
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
    lock.start_renewing()
    return lock


def ensure_state_index(client, spec: connection.Spec) -> None:
    from opensearchpy import RequestError

    index = state_index(spec.name)
    if client.indices.exists(index=index):
        return
    body = {"settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-2"}},
            "mappings": {"dynamic": False, "properties": {
                "kind": {"type": "keyword"}, "index": {"type": "keyword"}, "path": {"type": "keyword"}}}}
    try:
        client.indices.create(index=index, body=body)
    except RequestError as exc:
        if "resource_already_exists" not in str(exc):
            raise
    client.cluster.health(index=index, wait_for_status="yellow", request_timeout=40)


# --- the manifest ----------------------------------------------------------------------


def _entry_id(concrete: str, path: str) -> str:
    return f"{concrete}:{hashlib.sha1(path.encode('utf-8', 'surrogateescape')).hexdigest()}"


def read_manifest(client, spec: connection.Spec, concrete: str) -> dict[str, FileState]:
    from opensearchpy import helpers

    query = {"query": {"bool": {"filter": [{"term": {"kind": "file"}}, {"term": {"index": concrete}}]}}}
    out = {}
    for hit in helpers.scan(client, index=state_index(spec.name), query=query, size=2000):
        s = hit["_source"]
        out[s["path"]] = FileState(**{name: s[name] for name in _STATE_FIELDS if name in s})
    return out


# Every field of a manifest entry is kept (sizes and hashes, and the --source name, the
# remembered skips and the recorded folders), as the Whoosh engine keeps them.
_STATE_FIELDS = tuple(f.name for f in fields(FileState))


def _copy(state: FileState) -> FileState:
    return replace(state, ids=list(state.ids), skips=[list(skip) for skip in state.skips])


def last_commit(engine, concrete: str) -> str | None:
    found = engine.client.get(index=state_index(engine.alias), id=f"commit:{concrete}", ignore=[404])
    if not found.get("found"):
        return None
    when = datetime.fromtimestamp(found["_source"]["time"])
    return when.isoformat(timespec="seconds")


# --- the writer ------------------------------------------------------------------------


class OpenSearchWriter:
    """The index's one writer (an ``EngineWriter``), holding the lock document until :meth:`close`."""

    def __init__(self, engine, lock: Lock, concrete: str, *, rebuilding: bool, previous: str | None):
        self.engine = engine
        self.client = engine.client
        self.spec: connection.Spec = engine.spec
        self.lock = lock
        self.concrete = concrete
        self.rebuilding = rebuilding
        self.previous = previous  # the concrete index readers see until a rebuild is published
        self.batch = uuid.uuid4().hex
        self.notes: list[str] = []
        self._manifest = {} if rebuilding else read_manifest(self.client, self.spec, concrete)
        self._known = {i for state in self._manifest.values() for i in state.ids}
        self._sinks: list[OpenSearchSink] = []
        self._deleted: set[str] = set()
        self._written: set[str] = set()  # acknowledged since the last commit
        self._clean = False
        count = self.client.count(index=concrete)["count"]
        self.fresh = count == 0

    def manifest(self) -> dict[str, FileState]:
        return {p: _copy(s) for p, s in self._manifest.items()}

    def sink(self) -> OpenSearchSink:
        sink = OpenSearchSink(self.spec, self.concrete, self.batch, client=self.client)
        self._sinks.append(sink)
        return sink

    def sink_factory(self) -> SinkFactory:
        return SinkFactory(self.spec, self.concrete, self.batch)

    def delete_path(self, path: str) -> None:
        if not self.fresh:
            self._deleted.add(path)

    def commit(self, parts: list, manifest: dict[str, FileState]) -> None:
        _guard(self.spec, "commit", self._commit, parts, manifest)

    def _commit(self, parts: list, manifest: dict[str, FileState]) -> None:
        for part in parts:
            self._written.update(part)
        kept = set(self._written)
        if self._deleted:
            self.client.indices.refresh(index=self.concrete)
            paths = [path_term(p) for p in sorted(self._deleted)]
            query = {"bool": {"filter": [{"terms": {"path": paths}}], "must_not": [{"ids": {"values": sorted(kept)}}]}}
            delete_matching(self.client, self.concrete, query)
        self.client.indices.refresh(index=self.concrete)
        self._write_manifest(manifest)
        self._deleted = set()
        self._known |= self._written
        self._written = set()
        self._clean = True

    def _write_manifest(self, manifest: dict[str, FileState]) -> None:
        from opensearchpy import helpers

        index = state_index(self.spec.name)
        actions = []
        for path, state in manifest.items():
            old = self._manifest.get(path)
            if old is None or old != state:
                actions.append({"_op_type": "index", "_index": index, "_id": _entry_id(self.concrete, path), "_source": {
                    "kind": "file", "index": self.concrete, "path": path, **asdict(state)}})
        for path in set(self._manifest) - set(manifest):
            actions.append({"_op_type": "delete", "_index": index, "_id": _entry_id(self.concrete, path)})
        actions.append({"_op_type": "index", "_index": index, "_id": f"commit:{self.concrete}",
                        "_source": {"kind": "commit", "index": self.concrete, "time": _now()}})
        helpers.bulk(self.client, actions, max_retries=RETRY_ROUNDS, initial_backoff=1, max_backoff=MAX_BACKOFF,
                     chunk_size=1000, refresh="true")
        self._manifest = {p: _copy(s) for p, s in manifest.items()}

    def cancel(self) -> None:
        """Take back the articles this writer added since the last commit (updates of known ids stay:
        the manifest still names their files' old state, so the next run reads them again)."""
        self._clean = False
        for sink in self._sinks:  # what they sent carries this writer's batch: taken back below
            sink.cancel()
        self._sinks = []
        try:
            self.client.indices.refresh(index=self.concrete)
            query = {"bool": {"filter": [{"term": {"batch": self.batch}}],
                              "must_not": [{"ids": {"values": sorted(self._known)}}]}}
            delete_matching(self.client, self.concrete, query)
        except Exception:  # the cluster is away: those articles belong to no manifest entry, a re-run redoes them
            pass
        self._deleted = set()
        self._written = set()

    def close(self) -> None:
        try:
            if self.rebuilding and self._clean:
                _guard(self.spec, "publish the rebuilt index", publish, self.client, self.spec, self.concrete, self.previous)
            elif self.rebuilding:
                remove_concrete(self.client, self.spec, self.concrete)
            else:
                self.client.indices.put_settings(index=self.concrete, body={"index": {"refresh_interval": None}})
        except NewsearchError:
            raise
        except Exception:
            pass
        finally:
            self.lock.release()


def publish(client, spec: connection.Spec, concrete: str, previous: str | None) -> None:
    """Point the alias at ``concrete`` in one atomic call, then remove the index it pointed at."""
    client.indices.put_settings(index=concrete, body={"index": {"refresh_interval": None}})
    actions: list[dict] = [{"add": {"index": concrete, "alias": spec.name}}]
    if previous:
        actions.insert(0, {"remove": {"index": previous, "alias": spec.name}})
    client.indices.update_aliases(body={"actions": actions})
    if previous and previous != concrete:
        time.sleep(1.0)  # queries already routed to the old index finish on it
        remove_concrete(client, spec, previous)


def remove_concrete(client, spec: connection.Spec, concrete: str) -> None:
    """Delete a concrete index and its manifest entries."""
    try:
        client.indices.delete(index=concrete, ignore=[404])
        delete_matching(client, state_index(spec.name), {"term": {"index": concrete}})
    except Exception:
        pass


def delete_matching(client, index: str, query: dict) -> int:
    """Delete the documents ``query`` matches (read by a scroll, deleted in bulk): ``_delete_by_query``
    lives in the reindex module, which a cluster may not have."""
    from opensearchpy import helpers

    hits = helpers.scan(client, index=index, query={"query": query, "_source": False}, size=2000)
    actions = ({"_op_type": "delete", "_index": index, "_id": hit["_id"]} for hit in hits)
    deleted, _errors = helpers.bulk(client, actions, chunk_size=2000, max_retries=RETRY_ROUNDS, initial_backoff=1,
                                    max_backoff=MAX_BACKOFF, raise_on_error=False, refresh="true")
    return deleted


def _current(client, alias: str) -> str | None:
    found = client.indices.get_alias(name=alias, ignore=[404])
    names = [name for name in found if name not in ("error", "status")]
    return names[0] if names else None


def _create_concrete(client, spec: connection.Spec) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    name = f"{concrete_prefix(spec.name)}{stamp}"
    client.indices.create(index=name, body=index_body(spec.shards, spec.replicas))
    client.cluster.health(index=name, wait_for_status="yellow", request_timeout=40)
    return name


def _remove_abandoned(client, spec: connection.Spec, keep: str | None) -> None:
    """Concrete indexes of this alias that it does not point at (a rebuild cut off): removed."""
    found = client.indices.get(index=f"{concrete_prefix(spec.name)}*", ignore=[404])
    for name, body in found.items():
        if name in ("error", "status") or name == keep or not isinstance(body, dict):
            continue
        if (body.get("mappings", {}).get("_meta") or {}).get("newsearch"):
            remove_concrete(client, spec, name)


def open_writer(engine, *, rebuild: bool, wait: float, on_wait: Callable[[], None] | None) -> OpenSearchWriter:
    """Take the lock (waiting up to ``wait`` s), then open the index, creating it or starting a rebuild."""
    spec = engine.spec
    client = engine.client
    lock = _guard(spec, "take the index's lock", acquire, client, spec, wait, on_wait)
    try:
        return _guard(spec, "open the index for writing", _open_locked, engine, lock, rebuild)
    except BaseException:
        lock.release()
        raise


def _open_locked(engine, lock: Lock, rebuild: bool) -> OpenSearchWriter:
    client, spec = engine.client, engine.spec
    current = _current(client, spec.name)
    if current is None and client.indices.exists(index=spec.name):
        raise NewsearchError(f"{spec.shown}: {spec.name} is an index newsearch did not make; give another NAME")
    if current is not None and not rebuild:
        engine.check_index()
    _remove_abandoned(client, spec, keep=current)
    if current is not None and not rebuild:
        client.indices.put_settings(index=current, body={"index": {"refresh_interval": "-1"}})
        return OpenSearchWriter(engine, lock, current, rebuilding=False, previous=current)
    concrete = _create_concrete(client, spec)
    if current is None and not rebuild:  # a new index: readers see it (empty) at once, and every commit after
        client.indices.update_aliases(body={"actions": [{"add": {"index": concrete, "alias": spec.name}}]})
        return OpenSearchWriter(engine, lock, concrete, rebuilding=False, previous=None)
    return OpenSearchWriter(engine, lock, concrete, rebuilding=True, previous=current)
