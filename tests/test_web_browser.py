"""The pages in a real browser (Debian's Chromium through playwright) over a real `newsearch serve`."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from web_support import (  # noqa: F401  (fixtures)
    browser,
    get,
    page,
    require_browser,
    serving,
    web_index,
    web_server,
)

pytestmark = pytest.mark.usefixtures("web_server")


def params_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_search_facet_back_button_and_highlights(page, web_server):  # noqa: F811
    page.goto(web_server + "/")
    page.keyboard.press("/")  # the keyboard shortcut puts the cursor in the search box
    page.keyboard.type("oil prices")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.hits li.hit")
    assert params_of(page.url)["q"] == ["oil prices"]
    marks = page.locator(".snippet mark").all_inner_texts()
    assert marks and all(re.match(r"(?i)(oil|pric)", m) for m in marks)
    facet = page.locator("aside.facets a.facet").first
    source, count = facet.inner_text(), int(page.locator("aside.facets a.facet + .count").first.inner_text().replace(",", ""))
    facet.click()
    page.wait_for_url(re.compile(r"source="))
    assert params_of(page.url)["source"] == [source]
    assert page.locator(".filters .chip").first.inner_text().startswith(f"source: {source}")
    sources = page.locator("ol.hits .meta .source").all_inner_texts()
    assert sources and all(source.lower() in s.lower() for s in sources)
    # Facets count articles; the summary counts results (copies grouped) and, when they differ, articles.
    articles = page.locator(".summary .articles")
    shown = articles.first.inner_text() if articles.count() else page.locator(".summary strong").first.inner_text()
    assert re.sub(r"\D", "", shown.split(" matching")[0]) == str(count)
    page.go_back()
    page.wait_for_selector("ol.hits li.hit")
    assert "source" not in params_of(page.url)


def test_paging_through_results(page, web_server):  # noqa: F811
    page.goto(web_server + "/?q=market")
    first_page = page.locator("a.hit-title").all_inner_texts()
    assert page.locator(".rank").first.inner_text() == "1"
    page.locator(".pager a[rel=next]").click()
    page.wait_for_url(re.compile(r"offset=10"))
    assert page.locator(".rank").first.inner_text() == "11"
    assert set(page.locator("a.hit-title").all_inner_texts()).isdisjoint(first_page)
    assert page.locator(".pager [aria-current=page]").inner_text() == "2"
    page.locator(".pager a[rel=prev]").click()
    page.wait_for_url(re.compile(r"q=market$"))
    assert page.locator("a.hit-title").all_inner_texts() == first_page


def test_open_an_article_with_the_keyboard(page, web_server):  # noqa: F811
    page.goto(web_server + "/?q=computer")
    title = page.locator("a.hit-title").first.inner_text()
    page.keyboard.press("j")  # focus the first result
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("article h1").inner_text() == title
    assert page.locator(".body p").count() >= 1
    similar = page.locator(".similar-list a.hit-title")
    assert similar.count() >= 1
    similar.first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("article h1").inner_text() != title


def test_copies_are_listed_and_linked(page, web_server):  # noqa: F811
    """tech/004.txt and tech/063.txt are the same BBC story: one result, "also in" the other."""
    page.goto(web_server + "/?q=" + "title:guru")
    hits = page.locator("li.hit", has=page.locator(".copies"))
    assert hits.count() >= 1
    hit = hits.first
    title = hit.locator("a.hit-title").inner_text()
    hit.locator(".copies a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("article h1").inner_text() == title  # the copy has the same headline
    copies = page.locator(".copies-list a")
    assert copies.count() >= 1
    copies.first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("article h1").inner_text() == title


def test_timeline_compares_queries_and_links_to_searches(page, web_server):  # noqa: F811
    page.goto(web_server + "/timeline")
    boxes = page.locator("input[name=q]")
    boxes.nth(0).fill("oil")
    boxes.nth(0).press("Enter")
    page.wait_for_selector("svg.chart")
    assert page.locator("svg.chart rect").count() >= 1  # one query: bars
    page.locator("input[name=q]").nth(1).fill("wheat")
    page.locator("input[name=normalize]").check()
    page.locator("form.timeline-form button").click()
    page.wait_for_url(re.compile(r"normalize=true"))
    assert params_of(page.url)["q"] == ["oil", "wheat"]
    assert page.locator("svg.chart polyline").count() == 2  # two queries: two lines
    assert page.locator(".legend li").count() == 2
    assert "Share of all articles" in page.locator(".chart-caption").inner_text()
    api = json.loads(get(web_server + "/api/timeline/compare?q=oil&q=wheat&normalize=true")[1])
    point = page.locator("svg.chart .series-0 a").first
    assert point.locator("title").text_content().startswith(f"oil · {api['buckets'][0]}:")
    # The second line's point can lie on top of this one (both near zero in the same bucket), so
    # the link is followed by a click on the point itself rather than at its place on the screen.
    point.dispatch_event("click")
    page.wait_for_url(re.compile(r"/\?q=oil&since=\d"))
    assert params_of(page.url)["q"] == ["oil"]
    assert page.locator("ol.hits li.hit").count() >= 1


def test_stats_page_links_each_source(page, web_server):  # noqa: F811
    page.goto(web_server + "/stats")
    stats = json.loads(get(web_server + "/api/stats")[1])
    assert page.locator("dl.stats dd").first.inner_text() == f"{stats['articles']:,}"
    page.locator("table.sources a", has_text="Reuters").click()
    page.wait_for_selector("ol.hits li.hit")
    assert params_of(page.url)["source"] == ["Reuters"]


def test_readable_at_phone_width(browser, web_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    tab = context.new_page()
    for path in ("/?q=oil+prices", "/articles/" + "none", "/timeline?q=oil&q=wheat", "/stats"):
        tab.goto(web_server + path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at phone width"
    context.close()


HOSTILE = [
    {
        "title": "<script>alert('title')</script>Markets <img src=x onerror=alert('img')> rally",
        "body": (
            "Markets rally as <script>document.body.dataset.pwned='body'</script> traders buy. "
            "<img src=x onerror=\"alert('onerror')\"> <a href=\"javascript:alert('link')\">click here</a> "
            "<svg onload=alert('svg')></svg> \"><iframe src=javascript:alert('frame')>"
        ),
        "source": "<b onmouseover=alert('source')>Evil Wire</b>",
        "author": "\"><script>alert('author')</script>",
        "url": "javascript:alert('url')",
        "date": "2024-11-13",
    },
    {
        "title": "Markets second <style>body{display:none}</style> story",
        "body": "Markets rally again. <meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
        "source": "Evil Wire",
        "url": "https://example.org/ok?a=1&b=<2>",
        "date": "2024-11-14",
    },
]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    require_browser()
    from newsearch.indexing.run import index_paths

    work = tmp_path_factory.mktemp("hostile")
    records = work / "hostile.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE), "utf-8")
    (work / "page.txt").write_text("<script>alert('txt')</script> Markets page\n\nMarkets <img src=x onerror=alert(9)> body\n", "utf-8")
    index_paths([str(records), str(work / "page.txt")], work / "index", jobs=1)
    with serving(work / "index", work / "stderr.log") as base:
        yield base


def test_untrusted_text_never_runs(page, hostile_server):  # noqa: F811
    """Every page that shows article text or typed text: no dialog (the fixture fails on one), no script ran."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    hits = json.loads(get(hostile_server + "/api/search?q=markets&source=evil")[1])["hits"]
    hit = next(h for h in hits if h["title"].startswith("<script>"))
    from urllib.parse import quote

    article = "/articles/" + quote(hit["id"], safe="")
    urls = [
        "/?q=markets", "/?q=markets&source=evil", article, "/timeline?q=markets&q=" + quote("<script>alert('q')</script>"),
        "/?q=" + quote("<img src=x onerror=alert('query')>"), "/stats", "/?q=" + quote('"><script>alert(1)</script>'),
    ]
    for url in urls:
        page.goto(hostile_server + url)
        assert page.evaluate("document.body.dataset.pwned") is None
        scripts = page.evaluate("Array.from(document.scripts).map(s => s.src)")
        assert scripts == [hostile_server + "/static/keys.js"], url
        assert page.locator("img, iframe, style, meta[http-equiv]").count() == 0, url
        hrefs = page.evaluate("Array.from(document.querySelectorAll('[href]')).map(a => a.getAttribute('href'))")
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))], url
        for element in page.locator("svg [onload], [onerror], [onmouseover]").all():
            raise AssertionError(f"event handler attribute reached the page: {element.evaluate('e => e.outerHTML')}")
    page.goto(hostile_server + article)
    text = page.locator("main").inner_text()
    assert "<script>alert('title')</script>Markets" in page.locator("article h1").inner_text()
    assert "<a href=\"javascript:alert('link')\">click here</a>" in text
    assert "<b onmouseover=alert('source')>Evil Wire</b>" in text
    assert "javascript:alert('url')" in text and page.locator("a", has_text="javascript:").count() == 0
    page.goto(hostile_server + "/?q=markets")
    assert page.locator(".snippet mark").count() >= 1
    assert "<img src=x onerror" in page.locator(".snippet").first.inner_text() or "<img" in page.locator("main").inner_text()
    assert violations == [], violations  # nothing even tried to run against the policy
