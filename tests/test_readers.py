"""read_articles: every input kind, encodings, gzip damage, bad content, real corpora."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsearch.models import Article, Skip
from newsearch.ingest import SUPPORTED_SUFFIXES, is_supported, read_articles

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
TEXT = "Ministers agree a budget\n\n13 November 2024\n\nThe budget was agreed on Tuesday after long talks.\n"


def corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path


def read(data: bytes, path: str, base_id: str = "f") -> list:
    return list(read_articles(data, path, base_id))


def test_supported_suffixes():
    for suffix in (".txt", ".md", ".html", ".htm", ".json", ".jsonl"):
        assert suffix in SUPPORTED_SUFFIXES and suffix + ".gz" in SUPPORTED_SUFFIXES
    assert is_supported("a/B.TXT") and is_supported(Path("x.jsonl.gz")) and is_supported("p.html.gz")
    assert not is_supported("photo.jpg") and not is_supported("notes.gz") and not is_supported("txt")


def test_plain_text():
    (article,) = read(TEXT.encode(), "a.txt", "a")
    assert (article.id, article.path, article.title) == ("a", "a.txt", "Ministers agree a budget")
    assert article.date_text == "2024-11-13"
    assert article.body == "The budget was agreed on Tuesday after long talks."


@pytest.mark.parametrize(
    "data",
    [
        "Café prices rise — “sharply”\n\nBody text.\n".encode("utf-8"),
        b"\xef\xbb\xbf" + "Café prices rise — “sharply”\n\nBody text.\n".encode("utf-8"),
        "Café prices rise — “sharply”\n\nBody text.\n".encode("cp1252"),
        "Café prices rise — “sharply”\n\nBody text.\n".encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252", "utf-16-bom"],
)
def test_encodings(data):
    (article,) = read(data, "a.txt")
    assert article.title == "Café prices rise — “sharply”"
    assert "\ufffd" not in article.title + article.body


def test_mojibake_repaired():
    (article,) = read("Verstappen tras su sanciÃ³n\n\nCuesta Â£15m.\n".encode("utf-8"), "m.txt")
    assert article.title == "Verstappen tras su sanción" and article.body == "Cuesta £15m."


def test_html_declared_latin9_but_saved_as_utf8():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
            "<title>La sanción de Verstappen</title></head><body><h1>La sanción de Verstappen</h1>"
            "<p>" + "El piloto neerlandés habló después de la carrera en Qatar. " * 5 + "</p></body></html>")
    (article,) = read(page.encode("utf-8"), "p.html")
    assert article.title == "La sanción de Verstappen"
    assert "neerlandés" in article.body


def test_latin1_bbc_file():
    path = corpus("bbc", "sport", "199.txt")
    (article,) = read(path.read_bytes(), str(path))
    assert article.title == "Chelsea sack Mutu"
    assert "£15.8m" in article.body and "\ufffd" not in article.body


def test_gzip_text_and_damage():
    packed = gzip.compress(TEXT.encode())
    (article,) = read(packed, "a.txt.gz")
    assert article.title == "Ministers agree a budget"
    assert read(packed[: len(packed) // 2], "a.txt.gz") == [Skip("a.txt.gz", "truncated or corrupt gzip")]
    assert read(b"not gzip at all", "a.md.gz") == [Skip("a.md.gz", "truncated or corrupt gzip")]


def test_jsonl_records_and_bad_lines():
    lines = [json.dumps({"title": f"Story {n}", "body": f"Text {n}.", "date": "2024-11-13"}) for n in range(1, 11)]
    lines[6] = '{"title": "broken'  # line 7
    lines[3] = ""  # a blank line is not a record
    items = read("\n".join(lines).encode(), "d.jsonl", "d")
    articles = [i for i in items if isinstance(i, Article)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert [a.id for a in articles] == ["d#1", "d#2", "d#3", "d#5", "d#6", "d#8", "d#9", "d#10"]
    assert articles[0].title == "Story 1" and articles[0].body == "Text 1." and articles[0].path == "d.jsonl"
    assert skips == [Skip("d.jsonl:7", "malformed JSON on line 7")]


def test_jsonl_gzip_truncated_keeps_earlier_records():
    record = json.dumps({"title": "Story", "body": "Some text. " * 50})
    packed = gzip.compress(("\n".join([record] * 400) + "\n").encode(), mtime=0)
    items = read(packed[: len(packed) * 3 // 4], "d.jsonl.gz", "d")
    articles = [i for i in items if isinstance(i, Article)]
    assert 0 < len(articles) < 400
    assert items[-1] == Skip("d.jsonl.gz", "truncated or corrupt gzip")
    assert all(a.body.endswith("Some text.") for a in articles)  # no half record


def test_json_list_object_and_wrapper():
    records = [{"headline": "One", "text": "A."}, {"headline": "Two", "text": "B."}, ["not", "an", "object"]]
    items = read(json.dumps(records).encode(), "l.json", "l")
    assert [a.id for a in items if isinstance(a, Article)] == ["l#1", "l#2"]
    assert items[2] == Skip("l.json#3", "record 3 is not a JSON object")
    (single,) = read(json.dumps({"title": "Solo", "content": "C."}).encode(), "s.json", "s")
    assert single.id == "s#1" and single.title == "Solo"
    wrapped = read(json.dumps({"articles": records[:2]}).encode(), "w.json", "w")
    assert [a.title for a in wrapped] == ["One", "Two"]
    (bad,) = read(b'{"title": "x",\n "body": }', "b.json")
    assert bad == Skip("b.json", "malformed JSON on line 2")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".json", ".jsonl", ".txt.gz"])
def test_empty_and_binary(suffix):
    def pack(data: bytes) -> bytes:
        return gzip.compress(data) if suffix.endswith(".gz") else data

    assert read(pack(b""), "e" + suffix) == [Skip("e" + suffix, "empty file")]
    assert read(pack(b"  \n\t\r\n "), "e" + suffix) == [Skip("e" + suffix, "empty file")]
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert read(pack(png), "i" + suffix) == [Skip("i" + suffix, "binary file")]
    assert read(pack(b"text with a \x00 NUL byte"), "n" + suffix) == [Skip("n" + suffix, "binary file")]


def test_text_starting_like_a_file_signature_is_text():
    for line in (b"MZ Technologies report growth", b"BMW sales rise", b"ID3 tags explained"):
        (article,) = read(line + b"\n\nBody text.\n", "a.txt")
        assert article.title == line.decode()
    assert read(bytes(range(1, 32)) * 40, "c.txt") == [Skip("c.txt", "binary file")]


def test_unsupported_suffix():
    assert read(b"hello", "x.pdf") == [Skip("x.pdf", "unsupported file type")]


def test_html_page_metadata(tmp_path):
    page = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
    <title>Harbour reopens after repairs | The Harbour Times</title>
    <meta property="og:title" content="Harbour reopens after repairs">
    <meta property="og:site_name" content="The Harbour Times">
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
      "headline": "Harbour reopens after repairs", "datePublished": "2024-11-13T10:00:00+01:00",
      "author": {"@type": "Person", "name": "Jane Doe"},
      "publisher": {"@type": "Organization", "name": "The Harbour Times"}}</script></head>
    <body><nav>Home | World | Sport</nav><article><h1>Harbour reopens after repairs</h1>
    <p>The harbour reopened on Wednesday after two years of repairs to the sea wall, officials said.</p>
    <p>Fishing boats returned to their moorings within hours, and the harbour master said trade
    would be back to normal by the end of the month.</p></article>
    <footer>Sign up to our newsletter</footer></body></html>"""
    (article,) = read(page.encode(), "p.html", "p")
    assert article.title == "Harbour reopens after repairs"
    assert article.date_text == "2024-11-13T10:00:00+01:00"
    assert article.source == "The Harbour Times" and article.author == "Jane Doe"
    assert article.language == "en"
    assert "sea wall" in article.body and "Home | World" not in article.body


def _titled_page(title: str, h1: str | None = None, og: str | None = None, site: str | None = None,
                 head: str = "") -> bytes:
    """A small article page stating its title in the given places (and anything else in ``head``)."""
    head += f"<title>{title}</title>" if title else ""
    head += f'<meta property="og:title" content="{og}">' if og else ""
    head += f'<meta property="og:site_name" content="{site}">' if site else ""
    return (f"<html><head>{head}</head><body><article>{f'<h1>{h1}</h1>' if h1 else ''}"
            "<p>The council met on Tuesday and agreed the plan after a long debate about costs.</p>"
            "<p>Residents will be asked for their views on the details before work starts next spring.</p>"
            "</article></body></html>").encode()


def test_html_title_suffix_is_dropped_only_when_it_is_the_site():
    # A " - Three Words" ending that every statement shares is the headline's own.
    same = "Council agrees the plan – what happens next"
    (article,) = read(_titled_page(same, same, og=same, site="The Town Paper"), "a.html")
    assert article.title == same
    # The site's name goes, and so does a section label that the <h1> shows is no part of it.
    (article,) = read(_titled_page("Council agrees the plan | Local News | Town Paper", "Council agrees the plan",
                                   og="Council agrees the plan | Town Paper", site="Town Paper"), "b.html")
    assert (article.title, article.source) == ("Council agrees the plan", "Town Paper")
    # With no site name stated, a <title> tail repeated by the <h1> is not a site name either.
    headline = "Report: activist killed - ministry denies"
    (article,) = read(_titled_page(headline, headline), "c.html")
    assert (article.title, article.source) == (headline, None)


def test_html_title_fullwidth_bar_before_the_site_name():
    # Japanese pages write "Headline｜Site" (jp_NikkanGeadai_2025_01_31); here the <title> is all there is.
    headline, site = "協賛企業が総スカン、各競技団体のビジネスモデル完全崩壊へ", "日刊ゲンダイDIGITAL"
    (article,) = read(_titled_page(f"{headline}｜{site}", site=site), "j.html")
    assert (article.title, article.source) == (headline, site)


@pytest.mark.parametrize(("head", "source"), [
    ('<meta property="og:site_name" content="Schweizer Radio und Fernsehen (SRF)">', "Schweizer Radio und Fernsehen"),
    ('<meta property="og:site_name" content="Le Monde.fr"><script type="application/ld+json">'
     '{"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Le Monde"}}</script>', "Le Monde"),
    ('<meta name="dc.publisher" content="Nature Publishing Group"><meta name="application-name" content="Nature">'
     '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": "Nature Publishing Group UK"}</script>',
     "Nature"),  # "Group UK" is no ".uk" domain: no two votes for the company (uk_Nature_2025_11_04)
])
def test_html_site_name_forms(head, source):
    (article,) = read(_titled_page("Council agrees the plan", "Council agrees the plan", head=head), "s.html")
    assert article.source == source


def test_html_title_that_another_statement_extends_is_the_headline():
    # og:title is the headline; the <h1> adds an SEO tail (as on uk_EveningStandard_2024_05_02).
    (article,) = read(_titled_page("Chelsea win at Cobham | Standard", "Chelsea win at Cobham in a battling win",
                                   og="Chelsea win at Cobham", site="Standard"), "a.html")
    assert article.title == "Chelsea win at Cobham"


def test_html_date_from_the_end_of_the_title_when_no_metadata_states_one():
    # de_DW_2023_04_28: no date metadata; teasers on the page carry other dates.
    title = "Ukrainische Gegenoffensive: Ziele, Chancen, Risiken"
    page = _titled_page(f"{title} | Europa | DW | 28.04.2023", title, og=f"{title} | DW | 28.04.2023")
    page = page.replace(b"</article>", b"</article><h2>Teaser <span class='date'>24.04.2023</span></h2>")
    (article,) = read(page, "a.html")
    assert (article.title, article.date.date().isoformat()) == (title, "2023-04-28")
    # A number in the headline is no date.
    (article,) = read(_titled_page("Top 10 | Weekly | Vol. 3", "Top ten things to do this week"), "b.html")
    assert article.date is None


def test_json_ld_headline_with_html_entities():
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", '
          '"headline": "Firms &quot;shun&quot; the plan &amp; leave"}</script>')
    (article,) = read(_titled_page("", head=ld), "e.html")
    assert article.title == 'Firms "shun" the plan & leave'


def test_bare_html_and_text_saved_as_html():
    (plain,) = read(b"Just a headline here\n\nAnd a short body text line.", "x.html")
    assert (plain.title, plain.body) == ("Just a headline here", "And a short body text line.")
    (bare,) = read(b"<html><body><h1>Short page title</h1><p>One short line.</p>"
                   b"<script>var a = 1;</script></body></html>", "y.htm")
    assert (bare.title, bare.body) == ("Short page title", "One short line.")


def test_html_without_text_is_skipped():
    assert read(b"<html><head></head><body><script>var x = 1;</script></body></html>", "x.htm") == [
        Skip("x.htm", "no text")]


@pytest.mark.parametrize("page", ["us_LATimes_2023_06_26", "us_TheIntercept_2024_02_28", "at_DiePresse_2025_06_05"])
def test_real_html_pages_against_truth(page):
    path = corpus("pages", f"{page}.html.gz")
    truth = json.loads(corpus("pages", f"{page}.truth.json").read_text(encoding="utf-8"))
    (article,) = read(path.read_bytes(), str(path), page)
    assert article.title == truth["title"].strip()
    assert article.date.date().isoformat() == truth["date"][:10]
    assert article.source == truth["publisher"]
    assert article.language == truth["language_hint"]
    assert len(article.body) > 1000


@pytest.mark.parametrize("page", [
    "de_MitteldeutscheZeitung_2024_04_30", "de_Gamestar_2024_04_28", "uk_EveningStandard_2024_05_02",
    "jp_NikkanGeadai_2025_01_31", "uk_TheSun_2024_04_22",
])
def test_real_html_title_choice(page):
    # Headlines ending " - Irans Justiz dementiert" and " – das erwarten wir" in every statement;
    # an og:title the <h1> extends; a CJK <h1> before "｜Site"; a question og:title ("Who is X?")
    # that is no start of the <h1> ("Who is X and how ...?").
    path = corpus("pages", f"{page}.html.gz")
    truth = json.loads(corpus("pages", f"{page}.truth.json").read_text(encoding="utf-8"))
    (article,) = read(path.read_bytes(), str(path), page)
    assert article.title == truth["title"]


def test_reuters_indexes_whole():
    path = corpus("reuters21578.jsonl.gz")
    items = read(path.read_bytes(), str(path), "reuters")
    articles = [i for i in items if isinstance(i, Article)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert len(items) == 21578
    # The one record with neither title nor body is reported, not indexed.
    assert [s.reason for s in skips] == ["no text in record 12793"]
    assert articles[0].id == "reuters#1" and articles[0].title == "BAHIA COCOA REVIEW"
    assert articles[0].date_text == "1987-02-26T15:01:01" and articles[0].source == "Reuters"
    assert not any(a.body.rstrip().endswith("Reuter") for a in articles)


def test_huge_text_file_is_bounded():
    data = b"Huge log\n\n" + b"line of text that goes on and on\n" * (50 * 1024 * 1024 // 33)
    start = time.perf_counter()
    (article,) = read(data, "big.txt")
    assert time.perf_counter() - start < 20
    from newsearch.ingest.extract import MAX_BODY_CHARS

    assert article.title == "Huge log" and 0 < len(article.body) <= MAX_BODY_CHARS


def test_import_stays_light():
    code = ("import sys, newsearch.ingest, newsearch.ingest.extract, newsearch.ingest.dates; "
            "print(sorted(m for m in ('trafilatura', 'dateparser', 'charset_normalizer', 'lxml') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], check=True)
    assert result.stdout.strip() == "[]"
