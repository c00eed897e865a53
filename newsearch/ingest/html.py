"""Saved web pages -> Article: trafilatura for the text, the page's own metadata for the rest.

trafilatura finds the article text well, but its title and date are the first
plausible ones it meets, and its site name is often a hostname or a brand in
capitals. Publishers state these fields explicitly for search engines, so the
page's JSON-LD (``headline``, ``datePublished``, ``publisher``), Open Graph tags
and ``<h1>`` are read first and agreement between them decides the title;
trafilatura's guesses fill the gaps. trafilatura is imported on the first page,
never at start-up.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from newsearch.ingest import html_titles
from newsearch.ingest.dates import ParsedDate, parse_field, placeholder
from newsearch.ingest.extract import (
    MAX_TITLE_CHARS,
    cap_body,
    clean_block,
    clean_line,
    extract_text,
    language_code,
)
from newsearch.ingest.people import clean_author
from newsearch.ingest.publishers import publisher_name
from newsearch.models import Article

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|Posting|NewsArticle", re.I)
# " | Site", " - Site", " – Site": the site name that <title> and og:title often append.
_TITLE_SUFFIX = re.compile(r"(?:\s+[|\-–—:·•»]\s+|\s*｜\s*)[^|\-–—·•»｜]{2,60}$")

_DATE_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "article.published", "publishdate", "publish-date", "publish_date", "pubdate", "date", "dc.date",
    "dc.date.issued", "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date",
    "cxenseparse:recs:publishtime", "article:published", "datecreated", "original-publish-date",
    "published_time", "release_date",
)
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher", "cxenseparse:site")
_AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl")


def decode_html(data: bytes) -> str:
    """Page bytes -> text: UTF-8 when the bytes are UTF-8, else the declared charset, else Windows-1252."""
    from newsearch.ingest.decoding import decode, fix_mojibake

    try:
        # Valid UTF-8 with non-ASCII bytes is not an accident: pages saved again as
        # UTF-8 often keep their old "iso-8859-15" declaration.
        return fix_mojibake(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        if name not in ("utf-8", "utf8"):
            try:
                return data.decode(name, errors="replace")
            except LookupError:
                pass
    return decode(data)


def _walk_json_ld(value: Any, out: list[dict]) -> None:
    if isinstance(value, list):
        for item in value[:200]:
            _walk_json_ld(item, out)
    elif isinstance(value, dict):
        out.append(value)
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in value:
                _walk_json_ld(value[key], out)


def _json_ld(tree: Any) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]')[:20]:
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            value = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        _walk_json_ld(value, objects)
    return objects


def _types(obj: dict) -> str:
    kind = obj.get("@type", "")
    return " ".join(kind) if isinstance(kind, list) else str(kind)


_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        if _ENTITY.search(value):  # JSON-LD written through an HTML escaper ("&quot;", "&#039;")
            import html

            value = html.unescape(value)
        return clean_line(value) or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value[:20]) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.xpath("//meta[@content or @value]"):  # "value" is a common misspelling of "content"
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        if key and key not in found:
            found[key] = node.get("content") or node.get("value") or ""
    return found


_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛“”„‟\"`´"})


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _without_site(title: str, site: str | None, confirmed: frozenset[str] = frozenset(),
                  short_tails: bool = False) -> str:
    """Drop a trailing " | Site Name" (and similar) from a stated title.

    A tail goes when it is the site's name, or when what is left is what another
    statement of the page says (" | World News | Metro News" against the
    ``<h1>``). Anything else is part of the headline ("... - das erwarten wir",
    "... - Irans Justiz dementiert"). ``short_tails`` also drops tails of up to
    three words: only for the ``<title>`` element, whose tail is nearly always a
    site or section name.
    """
    for _ in range(3):
        m = _TITLE_SUFFIX.search(title)
        if not m:
            break
        tail, head = _norm(m.group(0)), title[: m.start()].rstrip()
        if (site and tail and (tail in _norm(site) or _norm(site) in tail) or _norm(head) in confirmed
                or short_tails and len(tail.split()) <= 3):
            title = head
        else:
            break
    return title


def _rule_title(stated: list[str | None], h1s: list[str], site: str | None) -> str | None:
    """The headline when the page's statements settle it (JSON-LD, og:, twitter:, ``<h1>``), else None.

    In order: a statement that another one extends (the common core); the one
    the visible ``<h1>`` confirms; an ``<h1>`` that a stated title starts with.
    It is returned as stated (the publisher's spelling, punctuation included).
    When none of these holds (the statements disagree: an SEO rewrite beside the
    visible headline, a cut title, a kicker glued on), the fitted model of
    ``html_titles.py`` chooses among all of them, ``<title>`` included.

    Rules of this kind were checked against the publishers' own titles on 84
    non-English pages before the 42 English ones; where statements disagree in
    other ways (SEO rewrites, kicker in or out) the corpora show no rule that
    holds across publishers: that is what the model weighs.
    """
    statements = [t for t in stated if t] + h1s
    confirmed = frozenset(_norm(t) for t in statements)
    titles = [_without_site(t, site, confirmed) for t in stated if t]
    # A statement that another one extends ("Title" beside "Title in battling win over
    # Tottenham" or "Title - DW - 28.04.2023") is the headline: additions are SEO
    # rewrites and leftover site names, never cuts. The longest such core wins.
    # Punctuation counts here: "Who is X?" is a question of its own, not the start of
    # "Who is X and how ...?".
    everything = titles + h1s
    keys = [" ".join(t.translate(_QUOTES).casefold().split()) for t in everything]
    cores = [t for t, k in zip(everything, keys, strict=True)
             if len(k.split()) >= 3 and any(other.startswith(k + " ") for other in keys)]
    if cores and not any(html_titles.looks_cut(t) for t in cores):  # a cut title is no core: the model weighs it
        return max(cores, key=len)
    for h1 in h1s:
        for title in titles:
            if _norm(title) == _norm(h1):
                return title
    for h1 in h1s:  # an <h1> that a stated title starts with ("Title｜Site" left over, no spaces in CJK)
        if len(h1) > 15 and any(_norm(t).startswith(_norm(h1)) for t in titles):
            return h1
    return None


_DOMAINISH = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}|[a-z0-9]+", re.I)


_ABBREVIATION = re.compile(r"\s+\([A-Z0-9]{2,6}\)$")
_TLD = re.compile(r"\.(?:com|net|org|fr|de|it|es|ch|at|nl|be|pl|cz|co\.uk|uk|ru|jp|kr|no|se|dk|fi|pt|tr|in|za|au|ca)$",
                  re.I)


def _choose_site(candidates: list[str | None]) -> str | None:
    """The publisher's name that most of the page's statements agree on.

    Ties go to the earlier kind: ``og:site_name`` and the application name name
    the publication, JSON-LD ``publisher`` often the company behind it
    ("Nature Publishing Group UK"). Hostnames ("dw.com", "nationalpost") and
    dates are not names.
    """
    names = []
    for value in candidates:
        # "Schweizer Radio und Fernsehen (SRF)": the name, without its abbreviation
        name = _ABBREVIATION.sub("", clean_line(value or ""))
        if (not name or len(name) > 80 or any(c.isdigit() for c in name) or "://" in name
                or _DOMAINISH.fullmatch(name) and (name.islower() or "." in name)):
            continue
        names.append(name)
    if not names:
        return None
    # "Le Monde.fr" and "Le Monde" are one vote; the spelling without the domain wins the group.
    key = lambda n: re.sub(r"^the ", "", _norm(_TLD.sub("", n)))  # noqa: E731
    votes = Counter(key(n) for n in names)
    return max(names, key=lambda n: (votes[key(n)], not _TLD.search(n), -names.index(n)))


_TITLE_PARTS = re.compile(r"\s+[|\-–—·•]\s+|\s*｜\s*")


def _title_date(titles: list[str | None]) -> ParsedDate | None:
    """The date that is the last part of a stated title, when one is nothing but a date.

    Some publishers append the publication date to the page title as they append
    their name. A date inside the headline ("Election 2024: ...") is not taken.
    """
    for title in titles:
        parts = _TITLE_PARTS.split(clean_line(title or ""))
        if len(parts) > 1:
            last = parts[-1]
            found = parse_field(last) if any(c.isdigit() for c in last) and len(last) <= 40 else None
            if found is not None and found.start == 0 and found.end >= len(last.rstrip(". ")):
                return found
    return None


def _page_language(tree: Any, meta: dict[str, str], article: dict) -> str | None:
    html_node = tree if tree.tag == "html" else tree.getroottree().getroot()
    return (language_code(html_node.get("lang") or html_node.get("xml:lang"))
            or language_code(meta.get("og:locale")) or language_code(meta.get("content-language"))
            or language_code(article.get("inLanguage") if article else None))


def _date_statements(tree: Any, article: dict, meta: dict[str, str], language: str | None) -> list[ParsedDate]:
    """The publication dates a page states for machines, in order of trust."""
    values = [article.get("datePublished"), article.get("dateCreated")] + [meta.get(k) for k in _DATE_META]
    values += [node.get("datetime") for node in tree.xpath("//time[@datetime]")[:3]]
    found = []
    for value in values:
        if value and (date := _guard_date(value, language)) is not None:
            found.append(date)
    return found


def _guard_date(value: object, language: str | None) -> ParsedDate | None:
    try:
        return parse_field(value, language=language)
    except Exception:  # an odd value is no date; the page is still read
        return None


def _choose_date(statements: list[ParsedDate]) -> ParsedDate | None:
    """The page's publication date, on the page's own calendar day.

    The most trusted statement wins, except a 1 January without a time (a
    year-only placeholder) while another statement names a real day. When the
    page states the same instant twice, once in UTC and once in its local time,
    the local one gives the day its readers saw.
    """
    real = [d for d in statements if not placeholder(d)]
    if not real:
        return None  # a placeholder only: other evidence first (see page_fields)
    chosen = real[0]
    if chosen.has_time and not chosen.offset:
        for other in real[1:]:
            if other.has_time and other.offset and abs((other.utc - chosen.utc).total_seconds()) < 60:
                return other
    if chosen.has_time and chosen.offset == 0:
        for other in real[1:]:
            if other.has_time and other.offset is None and (offset := _zone_offset(chosen, other)) is not None:
                return ParsedDate(other.when, True, offset=offset)
    return chosen


def _zone_offset(utc: ParsedDate, wall: ParsedDate) -> int | None:
    """The page's UTC offset in minutes when ``wall`` (no zone) is ``utc``'s instant on a local clock.

    A page that states "2016-12-20T00:08:44Z" and also "2016-12-19 19:08:44" gives one
    instant twice: the clocks differ by a zone's offset (whole quarter hours, at most
    14 hours) and agree on the minute. The wall clock's day is the one its readers saw.
    """
    minutes = round((wall.when.replace(second=0, microsecond=0)
                     - utc.when.replace(second=0, microsecond=0)).total_seconds() / 60)
    if minutes == 0 or abs(minutes) > 14 * 60 or minutes % 15:
        return None
    return minutes


def _htmldate(tree: Any, language: str | None) -> ParsedDate | None:
    """htmldate's reading of a page that states no date for machines (URL, visible text)."""
    try:
        import htmldate
    except ImportError:  # pragma: no cover - a trafilatura dependency
        return None
    try:
        found = htmldate.find_date(tree, original_date=True, extensive_search=False)
    except Exception:  # htmldate may fail on odd pages
        return None
    date = _guard_date(found, language) if found else None
    return None if date is None or placeholder(date) else date


def _page_author(article: dict, meta: dict[str, str]) -> str | None:
    """The byline as stated, each name cleaned; profile URLs reduced to the name or dropped."""
    raw = article.get("author") if article else None
    names = raw if isinstance(raw, list) else [raw] if raw else []
    cleaned = [clean_author(_name(n)) for n in names[:20]]
    if not any(cleaned):
        cleaned = [clean_author(meta[k]) for k in _AUTHOR_META if meta.get(k)][:1]
    return ", ".join(dict.fromkeys(n for n in cleaned if n)) or None


def _page_site(tree: Any, meta: dict[str, str], objects: list[dict], article: dict,
               suffix: re.Match | None) -> str | None:
    organisations = [o.get("name") for o in objects if re.search(r"Organization", _types(o))]
    return _choose_site([
        meta.get("og:site_name"), meta.get("application-name"),
        _name(organisations[0]) if organisations else None,
        suffix.group(0).lstrip(" |-–—:·•»") if suffix else None,
        _name(article.get("publisher")) if article else None,
        meta.get("publisher"), meta.get("dc.publisher"),
    ])


def _main_article(objects: list[dict]) -> dict:
    articles = [o for o in objects if _ARTICLE_TYPES.search(_types(o))]
    return next((o for o in articles if o.get("headline")), articles[0] if articles else {})


def _stated_titles(tree: Any, objects: list[dict], article: dict,
                   meta: dict[str, str]) -> tuple[str | None, list[html_titles.Statement], str | None]:
    """(the title the rules settle on, else None; the statements for the model; the site name).

    Site names are dropped from the end of a stated title first (" | Site", or a
    tail whose removal leaves what another statement says); the ``<title>``
    element also loses any short tail.
    """
    title_node = tree.find(".//title")
    page_title = clean_line(title_node.text_content()) if title_node is not None else ""
    suffix = _TITLE_SUFFIX.search(page_title)
    h1s = [clean_line(h.text_content()) for h in tree.xpath("//h1")[:5]]
    h1s = [h for h in h1s if 3 <= len(h) <= MAX_TITLE_CHARS]
    headline = _name(article.get("headline")) if article else None
    if suffix and any(_norm(t).endswith(_norm(suffix.group(0))) for t in [headline, *h1s] if t):
        suffix = None  # the headline's own last words ("... - Irans Justiz dementiert"), not a site name
    site = _page_site(tree, meta, objects, article, suffix)
    social = [clean_line(meta.get(k, "")) or None for k in ("og:title", "twitter:title")]
    settled = _rule_title([headline, *social], h1s, site)
    if settled is not None:
        return settled, [], site
    confirmed = frozenset(_norm(t) for t in [headline, *social, *h1s] if t)
    items = html_titles.statements(
        _without_site(headline, site, confirmed) if headline else None,
        [_without_site(t, site, confirmed) for t in social if t], h1s,
        _without_site(page_title, site, short_tails=True) if page_title else None, site)
    return None, items, site


def title_statements(tree: Any) -> list[html_titles.Statement]:
    """The titles of a parsed page that the model chooses among (none when rules settle it): for fitting."""
    objects = _json_ld(tree)
    return _stated_titles(tree, objects, _main_article(objects), _meta(tree))[1]


def page_fields(tree: Any) -> dict[str, Any]:
    """Title, date, source, author and language as the page states them (None when absent)."""
    objects = _json_ld(tree)
    article = _main_article(objects)
    meta = _meta(tree)
    settled, items, site = _stated_titles(tree, objects, article, meta)
    chosen = html_titles.best(items)
    title = settled or (chosen.text if chosen else None)
    language = _page_language(tree, meta, article)
    # "Headline | DW | 28.04.2023": a title that ends with the page's date, when nothing else says it
    statements = _date_statements(tree, article, meta, language)
    title_node = tree.find(".//title")
    page_title = clean_line(title_node.text_content()) if title_node is not None else ""
    date = (_choose_date(statements) or _title_date([meta.get("og:title"), page_title])
            or _htmldate(tree, language))
    canonical = tree.xpath('//link[@rel="canonical"]/@href')[:1]
    return {
        "title": title or None,
        "date": date,
        "source": site,
        "author": _page_author(article, meta),
        "section": _name(article.get("articleSection")) if article else None,
        "url": clean_line(meta.get("og:url", "") or (canonical[0] if canonical else "")) or None,
        "language": language,
        "body": article.get("articleBody") if isinstance(article.get("articleBody"), str) else None,
        "placeholder_date": statements[0] if statements and date is None else None,
    }


def read_html(data: bytes, path: str, base_id: str, source: str | None = None) -> Iterator[Article]:
    """One Article for a saved page (the caller turns an empty one into a Skip)."""
    import lxml.html

    text = _XML_DECLARATION.sub("", decode_html(data))
    try:
        tree = lxml.html.document_fromstring(text)
    except Exception:  # lxml raises ParserError/ValueError on documents it cannot root
        yield extract_text(_visible_text(text), id=base_id, path=path)
        return
    try:
        fields = page_fields(tree)
    except Exception:  # metadata that breaks the reader: the text alone still makes an article
        fields = dict.fromkeys(("title", "date", "source", "author", "section", "url", "language", "body",
                                "placeholder_date"))
    body = clean_block(_trafilatura_text(tree) or fields["body"] or "")
    title = fields["title"] or ""
    if not body or not title:
        # trafilatura found no article (a bare page, or text saved as .html), or the page
        # states no headline: read its visible text as a text scrape.
        fallback = extract_text(_visible_text(text), id=base_id, path=path, language=fields["language"])
        body = body or fallback.body
        title = title or fallback.title
        fields["date"] = fields["date"] or (_guard_date(fallback.date_text, None) if fallback.date_text else None)
    elif fields["date"] is None and fields.get("placeholder_date") is not None:
        # The page states only a 1 January (a year-only placeholder): its visible date, if any, is
        # the day; without one the date stays unknown rather than a made-up New Year's Day.
        visible = extract_text(_visible_text(text), id=base_id, path=path, language=fields["language"])
        fields["date"] = _guard_date(visible.date_text, None) if visible.date_text else None
    first, _, rest = body.partition("\n")
    if title and clean_line(first) == title:
        body = rest.lstrip("\n")  # the headline repeated as the first line of the text
    date = fields["date"]
    yield Article(
        id=base_id, path=path, title=title[:MAX_TITLE_CHARS * 2], body=cap_body(body),
        date=date.when if date else None, date_text=date.text if date else None,
        source=publisher_name(fields["source"]), author=fields["author"], section=fields["section"],
        url=fields["url"], language=fields["language"],
    )


_INVISIBLE_ELEMENTS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_BLOCK_TAGS = re.compile(r"<(?:/?(?:p|div|br|h[1-6]|li|tr|article|section|header|footer)\b)[^>]*>", re.I)
_TAGS = re.compile(r"<[^>]*>")


def _visible_text(markup: str) -> str:
    """Markup -> text with block elements as line breaks, for pages trafilatura cannot use."""
    import html

    markup = _INVISIBLE_ELEMENTS.sub(" ", markup)
    return html.unescape(_TAGS.sub(" ", _BLOCK_TAGS.sub("\n", markup)))


# Article text shorter than this from trafilatura's fast mode is read again in full mode.
_SHORT_TEXT = 2000


def _trafilatura_text(tree: Any) -> str | None:
    """The article text trafilatura finds. Its metadata pass is skipped: the page's
    statements are read above, and that pass cost more than the text itself."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - declared dependency
        return None
    text = None
    # Fast mode skips trafilatura's second opinion (readability and jusText), which costs a
    # third of the time and changes nothing on most pages; a short result is checked by it.
    for fast in (True, False):
        try:
            doc = trafilatura.bare_extraction(tree, fast=fast,
                                              with_metadata=False, include_comments=False)
        except Exception:  # trafilatura may fail on odd pages; metadata alone still helps
            doc = None
        found = getattr(doc, "text", None) or ""
        if len(found) > len(text or ""):
            text = found
        if len(text or "") >= _SHORT_TEXT:
            break
    return text
