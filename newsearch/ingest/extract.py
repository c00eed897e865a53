"""Raw text -> Article: title, date, source, author, section and a clean body.

Text scrapes of news pages share a shape even when every site differs: some
navigation, a section label, the headline, a standfirst, a byline and a date
line (the "meta block"), then paragraphs peppered with boilerplate ("Share",
"Advertisement"), and a footer that names the publisher ("© 2024 The Taipei
Times", "Sign up to The Independent's newsletter"). The extractor finds the meta
block first and takes the headline from just above it, so it needs no per-site
rules. It is pure regex work on a bounded prefix of the text: the indexer runs
it on tens of thousands of files.

JSON records (crawler dumps) go through :func:`article_from_record`, which maps
the usual key names and cleans each field the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from newsearch.ingest import text_sources, titles
from newsearch.ingest.cleaning import MAX_BODY_CHARS, cap_body, clean_block, clean_line
from newsearch.ingest.dates import ParsedDate, find_date, infer_dayfirst, needs_convention, parse_field
from newsearch.ingest.people import clean_author
from newsearch.ingest.publishers import publisher_name
from newsearch.models import Article

# Only this many non-empty lines are searched for title, byline and date.
HEADER_LINES = 150
# Lines this long are paragraphs, never headlines or meta lines.
MAX_TITLE_CHARS = 300

# --- line classes -----------------------------------------------------------------

_I = re.IGNORECASE
# Whole lines that are page furniture, not article text.
_BOILERPLATE = re.compile(
    r"(?:advertisements?|advertising|anzeige|publicité|publicidad|pubblicità|reklama|werbung"
    r"|sponsored(?: content)?|promote your business|ad|ads|ad unit.*|article (?:start|end)"
    r"|share(?: this(?: article| story| page| item)?)?(?: on| via| with)?(?: \w+)?|share this story\s*:.*"
    r"|(?:diesen )?(?:artikel )?teilen|partager(?: cet article)?|compartir(?: (?:este )?artículo)?"
    r"|condividi(?: (?:questo )?articolo)?|(?:artikel )?delen"
    r"|(?:facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|tumblr|telegram|flipboard|email|e-mail"
    r"|print|copy link|copied|link copied|link is copied|click to copy|save|saved|bookmark|comments?"
    r"|mail|sms|messenger|bluesky|threads|copy|send|cancel|link|gettr|gab|truth)"
    r"|email link|copy link url(?:copied!?)?|show more sharing options|read more|read next|more about|related"
    r"|related (?:articles?|stories|content|topics|coverage)|recommended(?: stories)?|trending(?: now)?"
    r"|(?:sign up|subscribe|register)\b.{0,80}|.{0,60}\bnewsletters?\b.{0,40}"
    r"|leave a (?:comment|reply)|\d+ comments?|join the conversation|comments? \(\d+\)"
    r"|skip to (?:main )?content|listen to (?:this )?article.*|\d+\s*min(?:ute)?s? read|\d+ of \d+\s*\|?"
    r"|(?:image|photo|picture|video)(?: credit)?s?\s*:.*|getty images|ap photo|reuters|afp|pa|epa"
    r"|(?:lesezeit|reading time|tiempo de lectura|temps de lecture|tempo di lettura|leestijd)\b.{0,20}"
    r"|\d+\s*(?:min(?:ute[ns]?|s)?|minuti|minutos)\.?(?: read| lesezeit| de lectura| de lecture| di lettura)?"
    r"|watch|play now|video (?:loading|unavailable)|click to play.*|follow us.*|log in|sign in.*"
    r"|back to top|top of page|next article|previous article|advertisement\W*|you might also like.*"
    r"|all rights reserved.*|loading\W*|please enable javascript.*|to view this video please enable javascript.*"
    r"|.{0,40}\bcookies?\b.{0,80}|(?:accept|reject) all"
    # tag-manager and ad-slot comments that scrapers keep as text
    r"|(?:end )?google (?:tag manager|dfp|analytics|publisher tag)\b.{0,40})",
    _I,
)
_BYLINE = re.compile(
    r"(?i:by|von|par|por|di|door|av|af|przez|autor|autorin|written by|redaktion|auteur|autore|autora|reporter)"
    r"\s*:?\s+(?P<name>[A-ZÀ-Þ].{1,80})"
)
_BYLINE_WORD = re.compile(
    r"(?:by|von|par|por|di|door|av|af|autor(?:in)?|author(?: of the article)?|written by)\s*:?", _I
)
_STAFF = re.compile(
    r"(?:by\s+)?(?P<pub>[A-Z][\w.&'’ -]{0,40}?)\s+(?:Staff|Newsroom|Editorial Team|News Desk|Desk)"
    r"(?: Writers?| Reporters?)?"
)
_AGENCIES = {
    "ap": "Associated Press", "associated press": "Associated Press", "the associated press": "Associated Press",
    "reuters": "Reuters", "thomson reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP",
    "dpa": "dpa", "upi": "UPI", "pa": "PA Media", "pa media": "PA Media", "press association": "PA Media",
    "bloomberg": "Bloomberg", "ansa": "ANSA", "efe": "EFE", "apa": "APA", "kyodo": "Kyodo", "xinhua": "Xinhua",
}
# A wire agency as the byline. A bare "REUTERS" or "AFP" line is usually a picture
# credit, so short names need "By", a place ("in Valencia") or "staff".
_AGENCY_BYLINE = re.compile(
    r"(?:by\s+)?(?P<agency>(?:the )?associated press|agence france-presse|pa media|press association)"
    r"(?:\s+in\s+[A-Z][\w .'’-]{1,40}|\s+staff|\s+reporters?)?"
    r"|by\s+(?P<short>reuters|afp|ap|dpa|upi|bloomberg)(?:\s+in\s+[A-Z][\w .'’-]{1,40}|\s+staff|\s+reporters?)?"
    r"|(?P<placed>reuters|afp|ap|dpa|upi|bloomberg)(?:\s+in\s+[A-Z][\w .'’-]{1,40}|\s+staff|\s+reporters?)",
    _I,
)
_DATELINE = re.compile(r"^[^\n()]{0,80}?\((?P<agency>Reuters|AP|AFP|dpa|UPI|PA|Bloomberg|ANSA|EFE)\)\s*[-—–]")
_ORIGINALLY = re.compile(
    r"(?:this (?:content|article|story|post|piece|report|item) )?(?:was |has been |is )?"
    r"(?:originally|first)\s+(?:appeared|published|posted|ran)\s+(?:on|in|at|by)\s+(?P<src>[^.!?]{2,60}?)\s*[.!]?",
    _I,
)
_SOURCE_LABEL = re.compile(r"(?:source|sources|quelle|fuente|fonte|źródło)\s*:\s*(?P<src>[^\n]{2,60}?)\.?", _I)
_URLISH = re.compile(r"(?:https?://|www\.)\S+|[a-z0-9]+(?:[-_][a-z0-9:!?'’.,&]*){3,}/?", _I)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"^(\*\*|__)(.+)\1$")
# Picture credits mark a caption: "... | Niall Carson/PA Images", "Foto: picture alliance", "EFE/ J.J. Guillén".
_AGENCY_CREDIT = r"(?:ap|afp|reuters|epa|efe|dpa|ansa|imago|keystone|pa|anp|apa)"
_CREDIT_PATTERN = (
    r"getty images|\b(?:photo|photograph|image|foto|fotos|bild|credit|crédit|quelle)s?\s*:|©|\bcredit\b|istock"
    r"|shutterstock|picture alliance|\[\[|/ ?" + _AGENCY_CREDIT + r"\b|\b" + _AGENCY_CREDIT + r" ?/"
)
# Matched on lower-cased lines, without IGNORECASE: case-insensitive matching of a
# Unicode string gives up re's literal scans and costs about a microsecond a character.
_CREDIT_LOWER = re.compile(_CREDIT_PATTERN)


# Every alternative holds one of these; most lines hold none.
_CREDIT_MARKS = ("/", ":", "©", "[[")
_CREDIT_WORDS = ("getty images", "credit", "istock", "shutterstock", "picture alliance")


def _is_credit(line: str) -> bool:
    """Whether a line is a picture credit ("Photo: Getty Images", "REUTERS/Name", "© AFP")."""
    low = line.lower()
    if not any(mark in line for mark in _CREDIT_MARKS) and not any(word in low for word in _CREDIT_WORDS):
        return False
    return _CREDIT_LOWER.search(low) is not None


# "Start / Ausland / Headline": navigation glued in front of a headline.
_BREADCRUMB = re.compile(r"(?:[^/|›»>]{1,30} [/›»>] ){2,}(?P<last>.{15,})")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# A wire signature glued to the last sentence: "...Noranda said. Reuter".
_TRAILING_SIGNATURE = re.compile(r"(?<=[.!?\"”])\s+(?:Reuters?|REUTER)\s*$")
_SIGNATURE = re.compile(r"(?:reuters?|\(?ap\)?|afp|dpa|ends|-?30-|###)\.?", _I)
# Words that may sit on a date line beside the date itself.
_DATE_WORDS = frozenset(
    "published posted updated last on at am pm a.m. p.m. uhr um and utc gmt bst cet cest est edt et pt pst pdt "
    "ist jst kst veröffentlicht aktualisiert stand publié mis à jour le el de del publicado actualizado "
    "pubblicato aggiornato il alle the date time min read first modified mins gepubliceerd op hours ago "
    "modifié modificado modificato geändert bijgewerkt publisert oppdatert publicerad uppdaterad kl"
    .split()
)
_WEEKDAYS = frozenset(
    "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday".split()
)
_CLOCK_H = re.compile(r"\b\d{1,2}h\d{2}\b")
_HAS_FULL_DATE = re.compile(r"(?:19|20)\d\d")
_WORD = re.compile(r"[^\W\d_][\w.'’-]*")
# "Published 3 hours ago", "vor 3 Stunden": part of the meta block, but no date.
_RELATIVE_TIME = re.compile(
    r"\W*(?:(?:published|posted|updated|last updated|aktualisiert|veröffentlicht)\s*:?\s*)?"
    r"(?:(?:\d+|an?|one)\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"|vor\s+\d+\s+(?:sekunden|minuten|stunden|tagen|wochen|monaten|jahren)"
    r"|il y a\s+\d+\s+\w+|hace\s+\d+\s+\w+|just now|yesterday|today|gestern|heute)\W*",
    _I,
)
# A line that is only a person's name or names: "Chris Wilson-Smith", "Julia Vergin | Clare Roth".
_PERSON = r"[A-ZÀ-Þ][\w'’-]+(?: (?:(?:van|von|de|der|den|da|di|du|la|le|bin|al|el)\b ?)*[A-ZÀ-Þ][\w'’.-]*){1,3}"
_NAME_LINE = re.compile(_PERSON + r"(?:\s*(?:[|,&]|and|und|et|y)\s*" + _PERSON + r")*(?:\s*\|\s*\w+)?")
_SENTENCE_BREAK = re.compile(r"[a-zß-ÿ]{3,}[.!?] [A-ZÀ-Þ]")  # not "U.S. Sen. Smith"
# Sentences glued by a scraper ("this story.Log In"): page furniture, not a headline.
_GLUED = re.compile(r"[a-z][.!?][A-Z][a-z]")


def _is_boilerplate(line: str) -> bool:
    return len(line) <= 140 and _BOILERPLATE.fullmatch(line.rstrip(" .:!|›»>")) is not None


def _date_of_line(line: str, dayfirst: bool | None, language: str | None = None) -> ParsedDate | None:
    """The date a line states, if the line is essentially a date (not a sentence mentioning one)."""
    if len(line) > 90 or not any(c.isdigit() for c in line):
        return None
    found = find_date(line, dayfirst=dayfirst, language=language)
    if found is None:
        return None
    rest = line[: found.start] + " " + line[found.end:]
    # "Publié le 30 août 2023 à 14h52, modifié le 30 août 2023 à 15h54": a second date
    # (the update) and French times are part of a date line too.
    if (second := find_date(rest, dayfirst=dayfirst, language=language)) is not None:
        rest = rest[: second.start] + " " + rest[second.end:]
    rest = _CLOCK_H.sub(" ", rest)
    others = [w for w in _WORD.findall(rest)
              if w.lower().strip(".") not in _DATE_WORDS and w.lower().strip(".,") not in _WEEKDAYS]
    return found if len(others) <= 3 else None


def _word_count(line: str) -> int:
    """Words, with Chinese, Japanese and Korean text (no spaces) counted as about four characters a word."""
    words = len(line.split())
    if _CJK.search(line):
        words = max(words, len(_CJK.findall(line)) // 4)
    return words


# "... Ambassador to the U.N.": a headline may end with an abbreviation's full stop.
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.){2,}$|\b(?:Jr|Sr|Inc|Co|Ltd|St|Dr|Mr|Mrs|Ms|Corp)\.$")


def _titleish(line: str, min_words: int, full_stop: bool = False) -> bool:
    first = line[:1]
    if len(line) > MAX_TITLE_CHARS or first.islower() or not (first.isalnum() or first in "\"'‘“«¡¿„"):
        return False
    bare = line.rstrip("\"”’')»")
    if bare.endswith((":", ",", ";")) or (bare.endswith(".") and not bare.endswith("...")
                                          and not (full_stop and _ABBREVIATION_END.search(bare))):
        return False
    if _is_boilerplate(line) or _is_credit(line) or _URLISH.fullmatch(line) or _GLUED.search(line):
        return False
    if len(_SENTENCE_BREAK.findall(line)) >= 2:
        return False  # three sentences: a caption or a paragraph, not a headline
    words = _word_count(line)
    if words < min_words or words > 45:
        return False
    return sum(c.isalpha() for c in line) >= 0.5 * len(line.replace(" ", ""))


def _section_of(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 4 and len(line) <= 40 and not any(c.isdigit() for c in line) \
        and not _is_boilerplate(line) and line[:1].isupper() and not line.endswith((".", "?", "!", ":"))


# --- text -> Article ---------------------------------------------------------------


def _strip_markup(line: str) -> str:
    line = _MARKDOWN_HEADING.sub("", line)
    m = _MARKDOWN_EMPHASIS.match(line)
    return m.group(2).strip() if m else line


def extract_text(text: str, *, id: str, path: str, language: str | None = None) -> Article:
    """An Article from the text of a scraped page, a plain-text or Markdown file.

    Never raises on odd text; a text without a title line gets its first line.
    """
    stated, text = split_front_matter(text[: MAX_BODY_CHARS * 2])
    article = _extract_lines(text, id=id, path=path, language=language)
    if stated:  # what the file states outright beats what the text suggests
        fields = _record_fields(stated)
        if fields["title"] and article.title and clean_line(article.title) != fields["title"]:
            article.body = f"{article.title}\n\n{article.body}".strip()  # a heading, not the title
        for name, value in fields.items():
            if value:
                setattr(article, name, value)
    return article


@dataclass
class _Header:
    """What the scan of the top of a scrape found: meta lines and the fields they state."""

    head: list[str]
    dayfirst: bool | None
    language: str | None
    meta: set[int] = field(default_factory=set)  # byline, date or attribution lines: not body
    author: str | None = None
    source: str | None = None
    labelled: str | None = None  # "Source: X", weaker than how the page names itself
    dates: list[tuple[int, ParsedDate, bool]] = field(default_factory=list)  # (line, date, is an update)
    relative: list[int] = field(default_factory=list)  # "3 hours ago": a date line with no date
    bylines: list[int] = field(default_factory=list)
    continues: list[bool] = field(default_factory=list)  # no blank line before the line


def _split_lines(text: str) -> tuple[list[str], list[bool]]:
    """Cleaned non-empty lines, and whether a blank line came before each (paragraphs survive)."""
    lines: list[str] = []
    new_paragraph: list[bool] = []
    blank = True
    for raw in text.splitlines():
        line = clean_line(raw)
        if line:
            lines.append(line)
            new_paragraph.append(blank)
        blank = not line
    return lines, new_paragraph


def _extract_lines(text: str, *, id: str, path: str, language: str | None) -> Article:
    """The phases of a text scrape: header scan, title, date, byline, section, body, source.

    Each field but the title and the body is worked out on its own: an odd value
    in one (a date no calendar has) leaves that field empty, never the article.
    """
    lines, new_paragraph = _split_lines(text)
    if not lines:
        return Article(id=id, path=path, language=language)
    head = [_strip_markup(line) for line in lines[:HEADER_LINES]]
    header = _scan_header(head, language)
    header.continues = _continuations(new_paragraph)
    title, title_index = _title_phase(header, text, lines)
    date = _guarded(lambda: _date_phase(header, title_index))
    author = header.author or _guarded(lambda: _byline_phase(header, title_index))
    section = _guarded(lambda: _section_phase(header, title_index))
    body_lines, body = _body_phase(lines, new_paragraph, header.meta, title_index, title)
    source = header.source or _guarded(lambda: _source_phase(text, title, body_lines, header.labelled, author))
    return Article(
        id=id, path=path, title=clean_line(title), body=body,
        date=date.when if date else None, date_text=date.text if date else None,
        source=source, author=author, section=section, language=language,
    )


def _continuations(new_paragraph: list[bool]) -> list[bool]:
    """Which header lines go on the paragraph above them; none when the text has no blank lines."""
    if not any(new_paragraph[1:]):
        return [False] * min(len(new_paragraph), HEADER_LINES)
    return [not new for new in new_paragraph[:HEADER_LINES]]


_T = TypeVar("_T")


def _guarded(step: Callable[[], _T | None]) -> _T | None:
    """One field's step; a failure leaves that field empty instead of dropping the article."""
    try:
        return step()
    except Exception:  # a field fails alone: the article is still indexed
        return None


_UPDATED = re.compile(r"\W*(?:last )?(?:updated|aktualisiert|mis à jour|actualizado)", _I)


def _scan_header(head: list[str], language: str | None) -> _Header:
    """Header phase: find the byline, date and attribution lines of the top of the page."""
    head_text = "\n".join(head)
    dayfirst = infer_dayfirst(head_text) if needs_convention(head_text) else None
    if dayfirst is None and language and language != "en":
        dayfirst = True  # outside English, 03/04 is the 3rd of April
    header = _Header(head, dayfirst, language or _guess_language(head_text))
    for i, line in enumerate(head):
        if len(line) <= MAX_TITLE_CHARS:
            try:
                _scan_line(header, i, line)
            except Exception:  # an odd line is not a meta line; the rest of the scan goes on
                continue
    return header


def _scan_line(header: _Header, i: int, line: str) -> None:
    """Classify one header line, recording what it states."""
    head = header.head
    if (m := _STAFF.fullmatch(line)) and len(line.split()) <= 6:
        header.author = header.author or line.removeprefix("By ").removeprefix("by ")
        if not re.search(r"(?<!News) Desk$", line):  # "National Desk", "Web Desk": a desk, not a publisher
            header.source = header.source or publisher_name(m.group("pub").strip())
        _add_byline(header, i)
    elif m := _AGENCY_BYLINE.fullmatch(line):
        agency = (m.group("agency") or m.group("short") or m.group("placed")).lower()
        header.author = header.author or _AGENCIES.get(agency, line)
        _add_byline(header, i)
    elif (m := _BYLINE.fullmatch(line)) and len(m.group("name").split()) <= 14:
        name = _byline_date(header, i, m.group("name"))
        if name is not None and len(name.split()) <= 10:
            header.author = header.author or clean_author(name)
            _add_byline(header, i)
    elif _BYLINE_WORD.fullmatch(line) and i + 1 < len(head) and len(head[i + 1].split()) <= 8:
        header.author = header.author or clean_author(head[i + 1])
        header.meta.add(i + 1)
        _add_byline(header, i)
    elif m := _ORIGINALLY.fullmatch(line):
        header.source = header.source or publisher_name(clean_line(m.group("src")).removeprefix("the "))
        header.meta.add(i)
    elif m := _SOURCE_LABEL.fullmatch(line):
        # "Source: X" also credits charts and figures ("Source: Repeat Project"): it
        # yields to how the page names itself.
        header.labelled = header.labelled or publisher_name(clean_line(m.group("src")).removeprefix("the "))
        header.meta.add(i)
    elif _RELATIVE_TIME.fullmatch(line):
        header.meta.add(i)
        header.relative.append(i)
    elif (found := _date_of_line(line, header.dayfirst, header.language)) is not None:
        header.meta.add(i)
        header.dates.append((i, found, _UPDATED.match(line) is not None))


def _add_byline(header: _Header, i: int) -> None:
    header.meta.add(i)
    header.bylines.append(i)


_BYLINE_DATE_JOINT = re.compile(r"\s*(?:\bon\b|\bam\b|//|\||,|[-–—•·]|\bupdated\b|\bpublished\b)*\s*$", _I)


def _byline_date(header: _Header, i: int, name: str) -> str | None:
    """The name of a byline that also carries the date ("Anton Shilov on June 29, 2017 9:00 AM EST",
    "Felix Eisenreich // 1. November 2023"): the date is recorded, the name returned."""
    if not any(c.isdigit() for c in name):
        return name
    found = find_date(name, dayfirst=header.dayfirst, language=header.language)
    if found is None or found.start == 0:
        return name if found is None else None
    header.dates.append((i, found, False))
    return _BYLINE_DATE_JOINT.sub("", name[: found.start]) or None


def _date_phase(header: _Header, title_index: int) -> ParsedDate | None:
    """The publication date: the first date line at or after the headline's block, else the first.

    A page lists other dates too (related stories, the copyright year's footer):
    the one that belongs to the article sits just under its headline. A date
    marked as an update yields to a publication date.
    """
    if not header.dates:
        return None
    below = [d for d in header.dates if title_index - 3 <= d[0] <= title_index + 12]
    for group in (below, header.dates):
        published = [d for d in group if not d[2]]
        if published or group:
            return (published or group)[0][1]
    return None


def title_candidates(text: str, language: str | None = None) -> list[tuple[str, list[float]]]:
    """(the title each headline candidate would give, its features): for fitting the title model."""
    _, text = split_front_matter(text[: MAX_BODY_CHARS * 2])
    lines, new_paragraph = _split_lines(text)
    header = _scan_header([_strip_markup(line) for line in lines[:HEADER_LINES]], language)
    header.continues = _continuations(new_paragraph)
    found = titles.candidates(_line_facts(header, _names_near_dates(header)), _slug_words(text),
                              titles.paragraph_words(lines))
    return [(clean_line(_candidate_title(header, c)), c.features) for c in found]


def _candidate_title(header: _Header, cand: titles.Candidate) -> str:
    title = _strip_breadcrumb(cand.text)
    return title if cand.joined else _with_kicker(header.head, cand.index, title)


def _title_phase(header: _Header, text: str, lines: list[str]) -> tuple[str, int]:
    """Title phase: the best-scoring headline candidate, else the first line with letters."""
    head, meta = header.head, header.meta
    names = _names_near_dates(header)
    cand = _guarded(lambda: titles.best(titles.candidates(_line_facts(header, names), _slug_words(text),
                                                          titles.paragraph_words(lines))))
    if cand is not None:
        return _candidate_title(header, cand), cand.index + (1 if cand.joined else 0)
    first = next((j for j, line in enumerate(head) if any(c.isalpha() for c in line) and j not in meta), 0)
    if first and len(head[first]) <= MAX_TITLE_CHARS and not head[first].endswith("."):
        return head[first], first  # after rules and other letterless lines
    if len(head[0]) <= MAX_TITLE_CHARS and not head[0].endswith("."):
        return head[0], 0
    return _opening_words(head[0]), -1  # no headline: the opening words name it, and stay in the body


def _names_near_dates(header: _Header) -> set[int]:
    """Bare names beside a date line: bylines, unless one is the section label."""
    head, meta = header.head, header.meta
    found: set[int] = set()
    for d in [d[0] for d in header.dates] + header.relative:
        found.update(i for i in (d - 1, d - 2, d + 1)
                     if 0 <= i < len(head) and i not in meta and len(head[i]) <= 80 and _NAME_LINE.fullmatch(head[i]))
    return found


def _line_facts(header: _Header, names: set[int]) -> list[titles.Line]:
    """What the title model needs to know about each header line."""
    date_lines = {d[0] for d in header.dates} | set(header.relative)
    facts = []
    for i, line in enumerate(header.head):
        bare = _strip_breadcrumb(line)
        candidate = i not in header.meta and _titleish(bare, 2, full_stop=True)
        facts.append(titles.Line(
            text=bare, meta=i in header.meta or i in names, date=i in date_lines, byline=i in header.bylines,
            candidate=candidate,
            label=_section_of(line), person=i in names or bool(_NAME_LINE.fullmatch(line)) and len(line) <= 40,
            credit=_is_credit(line), furniture=candidate and text_sources.names_publisher(line),
            has_date=candidate and bool(_HAS_FULL_DATE.search(line)) and find_date(line, foreign=False) is not None,
            words=_word_count(line), continues=i < len(header.continues) and header.continues[i],
        ))
    return facts


_URL_IN_TEXT = re.compile(r"https?://[^\s/]+/(\S+)")


def _slug_words(text: str) -> set[str]:
    """Words of the URL slugs a scrape shows (share links, canonical URL): the headline's, often."""
    words: set[str] = set()
    for m in _URL_IN_TEXT.finditer(text[:200_000]):
        path = m.group(1)
        if "-" in path:
            words.update(w for w in re.split(r"[^\w]+|_", path.casefold()) if len(w) > 2 and not w.isdigit())
        if len(words) > 400:
            break
    return words


def _byline_phase(header: _Header, title_index: int) -> str | None:
    """A bare name between the headline and the date line (or just below it) is the byline."""
    for i in sorted(_names_near_dates(header)):
        if i > title_index:
            header.meta.add(i)
            return clean_author(re.sub(r"\s*\|\s*\w+$", "", header.head[i]))
    return None


def _section_phase(header: _Header, title_index: int) -> str | None:
    for j in range(title_index - 1, max(-1, title_index - 4), -1):
        if j not in header.meta and _section_of(header.head[j]):
            return header.head[j]
    return None


def _body_phase(lines: list[str], new_paragraph: list[bool], meta: set[int], title_index: int,
                title: str) -> tuple[list[str], str]:
    """Body phase: the lines after the headline, without meta lines, furniture and signatures."""
    body_lines: list[str] = []
    body_parts: list[str] = []
    for i in range(title_index + 1, len(lines)):
        line = lines[i]
        if i < HEADER_LINES and (i in meta or _URLISH.fullmatch(line) or line == title):
            continue
        if _is_boilerplate(line) or _ORIGINALLY.fullmatch(line):
            continue
        body_lines.append(line)
        body_parts.append(("\n\n" if new_paragraph[i] else "\n") + line)
    while body_lines and _SIGNATURE.fullmatch(body_lines[-1]):
        body_lines.pop()
        body_parts.pop()
    return body_lines, cap_body("".join(body_parts).strip())


def _source_phase(text: str, title: str, body_lines: list[str], labelled: str | None,
                  author: str | None) -> str | None:
    """Source phase: a wire dateline, else how the page names itself, else a "Source:" label."""
    dateline = None
    for line in body_lines[:3]:
        if m := _DATELINE.match(line):
            dateline = _AGENCIES.get(m.group("agency").lower(), m.group("agency"))
            break
    named = publisher_name(text_sources.publisher_of_text(text[:200_000], title, author))
    if named and author and named.casefold() == author.casefold():
        named = None  # the byline's name: a person, not the publisher
    return named or labelled or dateline


_LANGUAGE_WORDS = {
    "en": frozenset("the and of to is was that with for".split()),
    "de": frozenset("der die und das ist nicht mit den sich".split()),
    "fr": frozenset("le la les et des est une pour dans".split()),
    "es": frozenset("el los las y del que una por para".split()),
    "it": frozenset("il di che della per una sono non gli".split()),
    "nl": frozenset("het een van en de niet voor zijn met".split()),
    "pt": frozenset("o os da do que uma para com não".split()),
}


def _guess_language(text: str) -> str | None:
    """The language whose commonest words the text uses most (for dates only), or None."""
    counts = Counter(w for w in re.findall(r"[a-zà-ÿ]+", text[:4_000].casefold()) if len(w) <= 6)
    scores = {lang: sum(counts[w] for w in words) for lang, words in _LANGUAGE_WORDS.items()}
    lang, best = max(scores.items(), key=lambda item: item[1])
    return lang if best >= 5 else None


def _opening_words(line: str, limit: int = 120) -> str:
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit)
    return line[: cut if cut > 40 else limit].rstrip(" ,;:") + "…"


def _strip_breadcrumb(line: str) -> str:
    m = _BREADCRUMB.fullmatch(line)
    return m.group("last") if m else line


def _with_kicker(head: list[str], index: int, title: str) -> str:
    """The headline with its kicker when the page also states them joined.

    German and other pages set a kicker ("Die Eisheiligen 2024") above the headline
    ("Wann sie sind - und wie das Wetter wird"), and their page title states the
    two as one: "Die Eisheiligen 2024: Wann sie sind - ...". That joined line,
    near the headline, is the publisher's full headline.
    """
    for line in head[index + 1: index + 3]:
        # "ZprávyByznysB2BRoky v důchodu ..." then "Roky v důchodu ...": navigation glued to the headline
        if len(line) >= 15 and line != title and title.endswith(line) and title[-len(line) - 1].isalnum():
            return line
    for line in head[max(0, index - 8): index + 3]:
        kicker, sep, rest = line.partition(": ")
        if (sep and rest == title and 1 <= len(kicker.split()) <= 8 and kicker == kicker.strip()
                and not _is_boilerplate(kicker)):  # "Share this Story : ..." is no kicker
            return line
    return title


# --- JSON records -> Article ---------------------------------------------------------

_TITLE_KEYS = ("title", "headline", "name", "Title", "Headline")
_BODY_KEYS = ("body", "text", "maintext", "content", "article", "full_text", "fulltext", "articleBody",
              "description", "summary", "Body", "Text", "Content")
_DATE_KEYS = ("date", "published", "date_publish", "published_at", "publishedAt", "datePublished",
              "pubdate", "pub_date", "publish_date", "timestamp", "time", "created_at", "date_published",
              "Date", "date_modify", "raw_date", "date_download")
_SOURCE_KEYS = ("source", "publisher", "source_domain", "source_name", "site_name", "sitename", "site",
                "outlet", "domain", "Source")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator", "Author")
_SECTION_KEYS = ("section", "category", "categories", "topic")
_LANGUAGE_KEYS = ("language", "lang", "inLanguage", "locale")


def _first(record: Mapping, keys: tuple[str, ...]) -> object:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_name(value: object) -> str | None:
    """A display name from a string, a {"name": ...} object or a list of them."""
    if isinstance(value, str):
        return clean_line(value)[:200] or None
    if isinstance(value, Mapping):
        return _as_name(value.get("name") or value.get("title"))
    if isinstance(value, (list, tuple)):
        names = [n for n in (_as_name(v) for v in value[:20]) if n]
        return ", ".join(dict.fromkeys(names))[:300] or None
    return None


def language_code(value: object) -> str | None:
    """ISO 639-1 from "en", "en-GB", "en_US", "English"-free forms; None when unsure."""
    if not isinstance(value, str):
        return None
    m = re.match(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)?\s*$", value)
    return m.group(1).lower() if m else None


def _record_fields(record: Mapping, now: datetime | None = None) -> dict:
    """Article fields (except body) from a record's usual key names; absent ones are None."""
    title = _first(record, _TITLE_KEYS)
    when = parse_field(_first(record, _DATE_KEYS), now=now)
    url = record.get("url") or record.get("link")
    return {
        "title": clean_line(title)[:MAX_TITLE_CHARS * 2] if isinstance(title, str) else "",
        "date": when.when if when else None,
        "date_text": when.text if when else None,
        "source": _as_name(_first(record, _SOURCE_KEYS)),
        "author": _as_name(_first(record, _AUTHOR_KEYS)),
        "section": _as_name(_first(record, _SECTION_KEYS)),
        "url": clean_line(url) if isinstance(url, str) else None,
        "language": language_code(_first(record, _LANGUAGE_KEYS)),
    }


def article_from_record(record: Mapping, *, id: str, path: str,
                        now: datetime | None = None) -> Article | None:
    """An Article from one crawler record; None when it has neither title nor text."""
    fields = _record_fields(record, now)
    body = _first(record, _BODY_KEYS)
    body = clean_block(body[: MAX_BODY_CHARS * 2]) if isinstance(body, str) else ""
    if not fields["title"] and not body:
        return None
    body_lines = body.split("\n")
    while body_lines and _SIGNATURE.fullmatch(body_lines[-1].strip()):
        body_lines.pop()
        while body_lines and not body_lines[-1].strip():
            body_lines.pop()
    body = cap_body(_TRAILING_SIGNATURE.sub("", "\n".join(body_lines)))
    return Article(id=id, path=path, body=body, **fields)


# --- Markdown front matter ---------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<block>.{0,20000}?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_FIELD = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>\S.*?)[ \t]*$", re.M)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """("key: value" fields, the rest) for a Markdown file that opens with a ``---`` block.

    Only flat ``key: value`` lines are read (no YAML library): that is all the
    title/date/author fields of Jekyll, Hugo and similar exports need.
    """
    m = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not m:
        return {}, text
    fields = {key.lower(): value.strip("\"'") for key, value in _FRONT_FIELD.findall(m.group("block"))}
    return fields, text.lstrip("\ufeff")[m.end():]
