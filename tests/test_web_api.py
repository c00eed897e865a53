"""The JSON API answers exactly what the CLI prints, and every error is a clean JSON (or page) answer."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from conftest import invoke
from web_support import web_index  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def client(web_index):  # noqa: F811
    from starlette.testclient import TestClient

    from newsearch.web.app import create_app

    with TestClient(create_app(web_index), raise_server_exceptions=False) as test_client:
        yield test_client


def cli_json(runner, *args):
    result = invoke(runner, *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def without_time(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "took_ms"}


QUERIES = [
    ("government", {}, []),
    ("oil prices", {"source": "reuters", "limit": "5", "offset": "5"}, ["--source", "reuters", "--limit", "5", "--offset", "5"]),
    ("market", {"sort": "-date", "facet": "source"}, ["--sort=-date", "--facet", "source"]),
    ("bank", {"all": "true", "since": "1987-03", "until": "1987-03-31"}, ["--all", "--since", "1987-03", "--until", "1987-03-31"]),
    ('"interest rates" OR title:budget', {}, []),
    ("computre", {}, []),  # a misspelling: the suggestion must be the CLI's
]


@pytest.mark.parametrize(("text", "params", "flags"), QUERIES)
def test_api_search_is_the_cli_json(client, runner, web_index, text, params, flags):  # noqa: F811
    answer = client.get("/api/search", params={"q": text, **params})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    from_cli = cli_json(runner, "query", text, "--index", web_index, "--json", *flags)
    assert without_time(answer.json()) == without_time(from_cli)


def test_the_comparison_is_not_vacuous(client):
    data = client.get("/api/search", params={"q": "market", "facet": "source"}).json()
    assert data["total"] > 10 and len(data["hits"]) == 10
    assert data["facets"]["source"]["Reuters"] > 0
    assert client.get("/api/search", params={"q": "computre"}).json()["suggestion"] == "computer"


def test_article_similar_timeline_stats_are_the_cli_json(client, runner, web_index):  # noqa: F811
    hit = client.get("/api/search", params={"q": "oil", "source": "reuters"}).json()["hits"][0]
    assert "#" in hit["id"]  # a Reuters record: the id must survive the URL
    path_id = quote(hit["id"], safe="")
    assert client.get(f"/api/articles/{path_id}").json() == cli_json(runner, "show", hit["id"], "--index", web_index, "--json")
    similar = client.get(f"/api/similar/{path_id}", params={"limit": 4}).json()
    assert without_time(similar) == without_time(cli_json(runner, "similar", hit["id"], "--index", web_index, "--json", "--limit", "4"))
    assert len(similar["hits"]) == 4
    timeline = client.get("/api/timeline", params={"q": "oil", "interval": "week"}).json()
    assert timeline == cli_json(runner, "timeline", "oil", "--index", web_index, "--json", "--interval", "week")
    assert sum(timeline["counts"].values()) > 0
    assert client.get("/api/stats").json() == cli_json(runner, "stats", "--index", web_index, "--json")


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/search?q=oil&limit=0", 400, "limit"),
        ("/api/search?q=oil&limit=abc", 400, "limit"),
        ("/api/search?q=oil&sort=sideways", 400, "sort"),
        ("/api/search?q=oil&offset=-1", 400, "offset"),
        ("/api/search?q=title%3A", 400, "nothing after"),
        ("/api/search?q=", 400, "empty query"),
        ("/api/search?q=oil&since=the+day+after+never", 400, "date"),
        ("/api/timeline?q=oil&interval=fortnight", 400, "interval"),
        ("/api/timeline/compare", 400, "at least one query"),
        ("/api/articles/no-such-article", 404, "no article"),
        ("/api/similar/no-such-article", 404, "no article"),
        ("/api/articles/..%2F..%2Fetc%2Fpasswd", 404, "no article"),
        ("/api/nothing-here", 404, "no such page"),
    ],
)
def test_api_errors_are_json(client, url, status, words):
    answer = client.get(url)
    assert answer.status_code == status
    body = answer.json()
    assert body["status"] == status and words in body["error"].lower()
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/?q=title%3A", 400, "nothing after"),
        ("/?q=oil&limit=0", 400, "limit"),
        ("/articles/no-such-article", 404, "no article"),
        ("/timeline?q=oil&since=never", 400, "date"),
        ("/nothing-here", 404, "no such page"),
    ],
)
def test_page_errors_are_friendly_pages(client, url, status, words):
    answer = client.get(url)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert words in answer.text.lower() and 'href="/"' in answer.text
    assert "Traceback" not in answer.text


def test_a_bug_is_a_clean_500(client, monkeypatch):
    from newsearch.web.archive import Archive

    def broken(self, text, options):
        raise RuntimeError("simulated bug /secret/path")

    monkeypatch.setattr(Archive, "search", broken)
    for url, kind in (("/api/search?q=oil", "application/json"), ("/?q=oil", "text/html")):
        answer = client.get(url)
        assert answer.status_code == 500 and answer.headers["content-type"].startswith(kind)
        assert "internal error" in answer.text and "Traceback" not in answer.text and "/secret/path" not in answer.text
        assert "content-security-policy" in answer.headers


def test_a_missing_index_is_503(tmp_path):
    from starlette.testclient import TestClient

    from newsearch.web.app import create_app

    with TestClient(create_app(tmp_path / "nowhere"), raise_server_exceptions=False) as missing:
        answer = missing.get("/api/stats")
        assert answer.status_code == 503 and "index" in answer.json()["error"]
        assert missing.get("/stats").status_code == 503


def test_every_answer_carries_the_security_headers(client):
    for url in ("/", "/?q=oil", "/api/search?q=oil", "/static/style.css", "/api/articles/none", "/openapi.json"):
        headers = client.get(url).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"


def test_a_loopback_server_refuses_other_host_names(web_index):  # noqa: F811
    """DNS rebinding: a web page cannot read the archive through a name that points at 127.0.0.1."""
    from starlette.testclient import TestClient

    from newsearch.web.app import create_app

    app = create_app(web_index, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1") as local:
        assert local.get("/api/stats").status_code == 200
        assert local.get("/api/stats", headers={"host": "attacker.example"}).status_code == 400


def test_openapi_describes_every_endpoint_with_400_not_422(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/search", "/api/articles/{article_id}", "/api/similar/{article_id}", "/api/timeline",
            "/api/timeline/compare", "/api/stats"} <= paths
    assert not any(p == "/" or p.startswith(("/articles", "/timeline", "/stats", "/static")) for p in paths)
    for path in spec["paths"].values():
        responses = path["get"]["responses"]
        assert "422" not in responses and "400" in responses
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "limit", "offset", "since", "until", "source", "sort", "all", "facet"} == names


def test_search_page_shows_what_the_api_returns(client):
    data = client.get("/api/search", params={"q": "oil prices", "facet": "source"}).json()
    html = client.get("/", params={"q": "oil prices"}).text
    titles = re.findall(r'class="hit-title" href="([^"]+)">([^<]*)</a>', html)
    assert [href for href, _ in titles] == ["/articles/" + quote(hit["id"], safe="") for hit in data["hits"]]
    assert f"<strong>{data['total']:,}</strong>" in html
    for source in data["facets"]["source"]:
        if source != "(none)":
            assert f"source={quote(source)}" in html.replace("+", "%20")
