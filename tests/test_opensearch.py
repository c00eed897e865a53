"""The OpenSearch engine through the CLI, on a real node: the same commands and JSON as on a Whoosh folder,
the --index URL, one-line errors with their exit codes, the lock, --rebuild under queries."""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from conftest import SEEDS, corpus, invoke
from newsearch.engines.opensearch import connection
from newsearch.errors import ExitCode, NewsearchError

BBC_POLITICS = 40


# --- the --index URL -----------------------------------------------------------------


def test_the_url_names_hosts_user_and_index():
    spec = connection.parse_spec("https://editor@search1:9201,search2/news?ca=/etc/ca.pem&shards=3&replicas=1")
    assert spec.hosts == (("search1", 9201), ("search2", 9200))
    assert (spec.scheme, spec.user, spec.name, spec.ca_file, spec.shards, spec.replicas) == (
        "https", "editor", "news", "/etc/ca.pem", 3, 1)
    assert spec.shown == "https://editor@search1:9201,search2:9200/news"


@pytest.mark.parametrize("bad, says", [
    ("http://user:secret@host:9200/news", "no password"),
    ("http://host:9200/News", "lowercase"),
    ("http://host:9200/", "lowercase"),
    ("http://host:99999/news", "out of range"),
    ("http://host:9200/news?verify=no", "unknown option"),
    ("http://host:9200/news?shards=0", "not a number"),
])
def test_a_bad_url_is_one_clear_error(bad, says):
    with pytest.raises(NewsearchError, match=says) as raised:
        connection.parse_spec(bad)
    assert "secret" not in str(raised.value)


def test_the_password_comes_from_the_environment_or_netrc(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(connection.PASSWORD_VARIABLE, raising=False)
    spec = connection.parse_spec("http://editor@search1:9200/news")
    assert connection.credentials(spec) is None
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine search1 login editor password from-netrc\n")
    netrc.chmod(0o600)
    assert connection.credentials(spec) == ("editor", "from-netrc")
    assert connection.credentials(connection.parse_spec("http://search1:9200/news")) == ("editor", "from-netrc")
    monkeypatch.setenv(connection.PASSWORD_VARIABLE, "from-env")
    assert connection.credentials(spec) == ("editor", "from-env")


# --- errors ----------------------------------------------------------------------------


def test_an_unreachable_cluster_is_one_line_and_exit_69(runner):
    import os_cluster

    port = os_cluster.free_ports(1)[0]
    result = invoke(runner, "query", "oil", "--index", f"http://127.0.0.1:{port}/news")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert result.stderr.count("\n") == 1 and "cannot reach the OpenSearch cluster" in result.stderr
    assert "Traceback" not in result.stderr


class _Refusing(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's names)
        body = b'{"error":"unauthorized","status":401}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


def test_refused_credentials_are_one_line_and_exit_77(runner, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv(connection.PASSWORD_VARIABLE, "wrong")
        url = f"http://editor@127.0.0.1:{server.server_address[1]}/news"
        result = invoke(runner, "stats", "--index", url)
    finally:
        server.shutdown()
    assert result.exit_code == ExitCode.NO_PERMISSION
    assert "refused the credentials" in result.stderr and "wrong" not in result.stderr


def test_a_missing_index_and_an_old_mapping_say_what_to_run(runner, opensearch_url, opensearch_node):
    result = invoke(runner, "query", "oil", "--index", opensearch_url)
    assert result.exit_code == ExitCode.USAGE and "no index at" in result.stderr
    from opensearchpy import OpenSearch

    client = OpenSearch(hosts=[opensearch_node.url])
    name = opensearch_url.rsplit("/", 1)[1]
    client.indices.create(index=f"{name}-ns1", body={"mappings": {"_meta": {"newsearch": {"schema_version": 0}}},
                                                     "aliases": {name: {}}})
    result = invoke(runner, "query", "oil", "--index", opensearch_url)
    assert result.exit_code == ExitCode.USAGE
    assert "incompatible version" in result.stderr and "--rebuild" in result.stderr
    result = invoke(runner, "index", SEEDS, "--rebuild", "--index", opensearch_url)
    assert result.exit_code == 0, result.stderr
    assert json.loads(invoke(runner, "stats", "--json", "--index", opensearch_url).stdout)["articles"] == 2
    assert not client.indices.exists(index=f"{name}-ns1")


# --- the same commands, the same JSON ------------------------------------------------------


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("os-cli") / "articles"
    shutil.copytree(SEEDS, root / "seeds")
    (root / "bbc").mkdir()
    for path in sorted((corpus("bbc") / "politics").glob("*.txt"))[:BBC_POLITICS]:
        shutil.copy(path, root / "bbc" / path.name)
    return root


@pytest.fixture(scope="module")
def both(articles, tmp_path_factory, opensearch_node):
    """The same articles indexed by the CLI into a Whoosh folder and an OpenSearch index."""
    import uuid

    from click.testing import CliRunner

    runner = CliRunner()
    folder = tmp_path_factory.mktemp("os-cli-whoosh") / "index"
    url = f"{opensearch_node.url}/cli-{uuid.uuid4().hex[:8]}"
    for index in (folder, url):
        result = invoke(runner, "index", articles, "--index", index, "--jobs", "2")
        assert result.exit_code == 0, result.stderr
    return folder, url


def _json(runner, *args):
    result = invoke(runner, *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def _same_hits(a: dict, b: dict) -> None:
    assert a["total"] == b["total"]
    assert [h["id"] for h in a["hits"]] and {h["id"] for h in a["hits"]} == {h["id"] for h in b["hits"]}


@pytest.mark.parametrize("args", [
    ("query", "Blair AND Howard", "--limit", "100"),
    ("query", "source:bbc OR Kyiv", "--limit", "100"),
    ("query", '"Gordon Brown"', "--sort", "date", "--limit", "100"),
    ("query", "elect* NOT tax", "--limit", "100"),
])
def test_boolean_queries_give_the_same_json(runner, both, args):
    whoosh, cluster = both
    a = _json(runner, *args, "--json", "--index", whoosh)
    b = _json(runner, *args, "--json", "--index", cluster)
    _same_hits(a, b)
    assert set(a) == set(b)
    shared = {h["id"]: h for h in a["hits"]}
    for hit in b["hits"]:  # the same article fields and the same snippet builder
        other = shared[hit["id"]]
        assert {k: v for k, v in hit.items() if k not in ("score", "rank")} == {
            k: v for k, v in other.items() if k not in ("score", "rank")}


def test_ranked_queries_overlap_in_the_top_ten(runner, both):
    whoosh, cluster = both
    for words in ("Labour election campaign", "Blair Brown budget", "Iraq war"):
        a = _json(runner, "query", words, "--json", "--index", whoosh)
        b = _json(runner, "query", words, "--json", "--index", cluster)
        top_a, top_b = {h["id"] for h in a["hits"]}, {h["id"] for h in b["hits"]}
        assert len(top_a & top_b) >= 6, words


def test_show_export_stats_timeline_similar_and_facets(runner, both):
    whoosh, cluster = both
    exported = [invoke(runner, "export", "--index", index).stdout for index in both]
    assert sorted(exported[0].splitlines()) == sorted(exported[1].splitlines())
    some = json.loads(exported[0].splitlines()[0])["id"]
    assert _json(runner, "show", some, "--json", "--index", whoosh) == _json(runner, "show", some, "--json", "--index", cluster)
    a, b = (_json(runner, "stats", "--json", "--index", index) for index in both)
    for key in ("articles", "sources", "first_date", "last_date", "undated"):
        assert a[key] == b[key], key
    a, b = (_json(runner, "timeline", "Blair", "--json", "--index", index) for index in both)
    assert a == b
    a, b = (_json(runner, "query", "said", "--facet", "source", "--json", "--index", index) for index in both)
    assert a["facets"] == b["facets"] and a["total"] == b["total"]
    similar = _json(runner, "similar", some, "--json", "--index", cluster)
    assert similar["hits"] and some not in {h["id"] for h in similar["hits"]}
    result = invoke(runner, "query", "Blinkin", "--index", cluster)
    assert "Did you mean: Blinken?" in result.stderr + result.stdout


def test_a_rerun_converges_and_a_changed_file_is_updated(runner, opensearch_url, tmp_path):
    import shutil

    folder = tmp_path / "news"
    shutil.copytree(SEEDS, folder)
    assert invoke(runner, "index", folder, "--index", opensearch_url).exit_code == 0
    again = _json(runner, "index", folder, "--json", "--index", opensearch_url)
    assert (again["added"], again["unchanged"]) == (0, 2)
    first = sorted(folder.iterdir())[0]
    first.write_text(first.read_text("utf-8") + "\nA new closing line about Zanzibar.\n", "utf-8")
    (sorted(folder.iterdir())[1]).unlink()
    changed = _json(runner, "index", folder, "--json", "--index", opensearch_url)
    assert (changed["updated"], changed["removed"]) == (1, 1)
    assert _json(runner, "stats", "--json", "--index", opensearch_url)["articles"] == 1
    assert _json(runner, "query", "Zanzibar", "--json", "--index", opensearch_url)["total"] == 1


def test_the_manifest_keeps_every_field_the_indexing_run_records(runner, opensearch_url, tmp_path):
    """--source, skipped files and the recorded folders live in the cluster's manifest as in a folder's."""
    import shutil

    folder = tmp_path / "news"
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_bytes(b"")
    result = invoke(runner, "index", folder, "--index", opensearch_url, "--source", "Wire Desk")
    assert result.exit_code == 0, result.stderr
    again = _json(runner, "index", "--json", "--index", opensearch_url)  # no paths: the recorded folder
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert [skip["path"] for skip in again["skipped"]] == [str(folder / "empty.txt")]
    assert _json(runner, "stats", "--json", "--index", opensearch_url)["sources"] == {"Wire Desk": 2}


# --- the lock, --rebuild -----------------------------------------------------------------


def test_a_lock_left_by_a_killed_run_expires(opensearch_url):
    from newsearch.engines import open_engine
    from newsearch.engines.opensearch import writing

    engine = open_engine(opensearch_url, create=True)
    try:
        writer = engine.open_writer()
        writer.lock._stop.set()  # as if the process died: no more renewals
        engine.client.update(index=writing.state_index(engine.alias), id="lock",
                             body={"doc": {"expires": time.time() - 1}}, refresh="true")
        second = engine.open_writer(wait=0.5)  # the expired lock is taken over
        second.close()
    finally:
        engine.close()


def test_rebuild_while_queries_run_never_shows_fewer_articles(runner, articles, opensearch_url):
    from newsearch.deadline import Deadline
    from newsearch.engines import open_engine
    from newsearch.indexing.run import index_paths
    from newsearch.query import tree as t

    index_paths([articles], opensearch_url)
    engine = open_engine(opensearch_url)
    before = engine.count(t.MatchAll(), deadline=Deadline(None))
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask():
        while not stop.is_set():
            try:
                seen.append(engine.count(t.Bool(should=(t.Term("said"),), filter=(t.MatchAll(),)),
                                         deadline=Deadline(None)))
                seen.append(engine.count(t.MatchAll(), deadline=Deadline(None)))
            except BaseException as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

    thread = threading.Thread(target=ask)
    thread.start()
    try:
        index_paths([articles], opensearch_url, rebuild=True)
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join()
        engine.close()
    assert not errors
    totals = seen[1::2]
    assert len(totals) > 5 and min(totals) == before


def test_check_finds_articles_gone_from_the_cluster_and_repair_reads_them_again(runner, opensearch_url, tmp_path):
    import shutil

    from opensearchpy import OpenSearch

    folder = tmp_path / "news"
    shutil.copytree(SEEDS, folder)
    assert invoke(runner, "index", folder, "--index", opensearch_url).exit_code == 0
    healthy = _json(runner, "check", "--json", "--index", opensearch_url)
    assert healthy["healthy"] and (healthy["articles"], healthy["files"]) == (2, 2)
    base, name = opensearch_url.rsplit("/", 1)
    client = OpenSearch(hosts=[base])
    some = json.loads(invoke(runner, "export", "--index", opensearch_url).stdout.splitlines()[0])["id"]
    client.delete(index=name, id=some, refresh="true")  # lost behind newsearch's back
    result = invoke(runner, "check", "--index", opensearch_url)
    assert result.exit_code == ExitCode.DAMAGED and "1 of the 2 articles" in result.stdout + result.stderr
    repaired = invoke(runner, "check", "--repair", "--json", "--index", opensearch_url)
    assert repaired.exit_code == 0, repaired.stderr
    assert json.loads(repaired.stdout)["healthy"]
    assert _json(runner, "stats", "--json", "--index", opensearch_url)["articles"] == 2


def test_the_web_app_serves_a_cluster_index(both):
    from fastapi.testclient import TestClient

    from newsearch.web.app import create_app

    whoosh, cluster = both
    answers = []
    for index in (whoosh, cluster):
        client = TestClient(create_app(index), base_url="http://127.0.0.1")
        response = client.get("/api/search", params={"q": "Blair AND Howard", "limit": 50})
        assert response.status_code == 200, response.text
        answers.append(response.json())
        assert client.get("/", params={"q": "Blair"}).status_code == 200
    _same_hits(*answers)
