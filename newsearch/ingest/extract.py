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
import unicodedata
from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from newsearch.ingest.dates import ParsedDate, find_date, infer_dayfirst, needs_convention, parse_field
from newsearch.models import Article

# Bodies longer than this are cut: a news article is a few thousand characters,
# and a 50 MB "article" is a log file or a dump that would bloat the index.
MAX_BODY_CHARS = 1_000_000
# Only this many non-empty lines are searched for title, byline and date.
HEADER_LINES = 80
# Lines this long are paragraphs, never headlines or meta lines.
MAX_TITLE_CHARS = 300

# --- Unicode clean-up -------------------------------------------------------------

# Spaces that are not U+0020: no-break, en/em/thin/hair, narrow no-break, ideographic...
_ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Zero-width characters, BOMs, bidi marks and soft hyphens: invisible, and they split words.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]")


# Runs of spaces, tabs, odd spaces and C0/C1 controls (ESC and line breaks included), and DEL:
# each run becomes one space, which does what replacing each kind and then collapsing spaces
# would. A lone " " is left out of the match (" " followed by more, or any other of the
# characters): most spaces need no replacement, and the scan runs 2.5x faster for it.
def _space_runs(controls: str) -> re.Pattern:
    others = f"{controls}\\x7f-\\x9f{_ODD_SPACES}"
    return re.compile(f" [ {others}]+|[{others}][ {others}]*")


_SPACE_RUN = _space_runs("\\x00-\\x1f")
_SPACE_RUN_IN_LINE = _space_runs("\\x00-\\x09\\x0b-\\x1f")  # newlines kept (clean_block)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def clean_line(text: str) -> str:
    """One line of display text: NFC, odd spaces -> space, no controls, collapsed, stripped."""
    if not text:
        return ""
    if not text.isascii():  # ASCII is NFC already, and has no odd spaces or invisibles
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return _SPACE_RUN.sub(" ", text).strip()


def clean_block(text: str) -> str:
    """Multi-line text: each line cleaned as by :func:`clean_line`, paragraphs kept."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    lines = _SPACE_RUN_IN_LINE.sub(" ", text).split("\n")
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(map(str.strip, lines))).strip()


def cap_body(text: str) -> str:
    """Cut at :data:`MAX_BODY_CHARS`, at a paragraph or word boundary when one is near."""
    if len(text) <= MAX_BODY_CHARS:
        return text
    cut = text.rfind("\n", MAX_BODY_CHARS - 2000, MAX_BODY_CHARS)
    if cut < 0:
        cut = text.rfind(" ", MAX_BODY_CHARS - 200, MAX_BODY_CHARS)
    return text[: cut if cut > 0 else MAX_BODY_CHARS].rstrip()


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
_CREDIT = re.compile(
    r"getty images|\b(?:photo|photograph|image|foto|fotos|bild|credit|crédit|quelle)s?\s*:|©|\bcredit\b|istock"
    r"|shutterstock|picture alliance|\[\[|/ ?" + _AGENCY_CREDIT + r"\b|\b" + _AGENCY_CREDIT + r" ?/",
    _I,
)
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


def _date_of_line(line: str, dayfirst: bool | None) -> ParsedDate | None:
    """The date a line states, if the line is essentially a date (not a sentence mentioning one)."""
    if len(line) > 90 or not any(c.isdigit() for c in line):
        return None
    found = find_date(line, dayfirst=dayfirst)
    if found is None:
        return None
    rest = line[: found.start] + " " + line[found.end:]
    # "Publié le 30 août 2023 à 14h52, modifié le 30 août 2023 à 15h54": a second date
    # (the update) and French times are part of a date line too.
    if (second := find_date(rest, dayfirst=dayfirst)) is not None:
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


def _titleish(line: str, min_words: int) -> bool:
    first = line[:1]
    if len(line) > MAX_TITLE_CHARS or first.islower() or not (first.isalnum() or first in "\"'‘“«¡¿„"):
        return False
    bare = line.rstrip("\"”’')»")
    if bare.endswith((":", ",", ";")) or (bare.endswith(".") and not bare.endswith("...")):
        return False
    if _is_boilerplate(line) or _CREDIT.search(line) or _URLISH.fullmatch(line) or _GLUED.search(line):
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


# --- the publisher, from how a page talks about itself ---------------------------------

_TOKEN = r"[A-Z][\w'’&-]*(?:\.[\w-]+)*"
_NAME = (r"(?P<name>(?:[Tt]he |[Ll][ae] |[Ee]l |[Dd]ie |[Dd]er )?" + _TOKEN
         + r"(?: (?:(?:of|and|&|de|del|della|di|du|des|für|y) )?" + _TOKEN + r"){0,4})")
_YEARS = r"(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s*)?"
# (context, weight, trigger): how a page talks about itself. Copyright and sharing
# lines are strong evidence; a photo credit "for X" or "told X" only supports a name
# seen elsewhere. Contexts that start with the name are tried only on lines holding
# their trigger word, because a pattern starting with a capitalised name is slow to
# scan across a whole article. The others are skipped when the text lacks every
# one of their needed strings (a match holds one of them): most articles have no "©".
_SELF_REFERENCES = [
    (re.compile(p, re.MULTILINE), weight, re.compile(trigger) if trigger else None, needs)
    for p, weight, trigger, *needs in (
        (r"^Share this [Ss]tory ?: ?" + _NAME + r" *$", 2.0, None, "Share this "),
        (r"(?:emails?|updates|news|journalism|newsletters?|alerts) (?:from|by) (?:the )?" + _NAME, 1.0, None,
         " from ", " by "),
        (r"(?:online|digital|unlimited|full) access to (?:the )?" + _NAME, 1.0, None, " access to "),
        (r"(?:[Ee]xclusively|[Ss]ubscribe|[Ss]ubscribers|[Cc]ontributor|[Ss]ign up|[Ww]elcome) to (?:the )?" + _NAME,
         1.0, None, " to "),
        # "Support The Guardian", "Without The Intercept ...", but not "Reporters Without Borders."
        (r"(?:^About|^More from|[Ss]upport|^[Ww]ithout) (?:the )?" + _NAME + r" *\.? *$", 1.0, None,
         "About ", "More from ", "upport ", "ithout "),
        (r"(?:from|by|at) (?:the )?" + _NAME + r",? (?:sign up|subscribe)", 1.0, r"sign up|subscribe"),
        (_NAME + r"(?:'s?|’s?)? (?:[Nn]ewsletters?|[Ss]ubscription|[Tt]erms|[Pp]rivacy [Pp]olicy)\b", 1.0,
         r"[Nn]ewsletter|[Ss]ubscription|[Tt]erms|[Pp]rivacy"),
        # "Get the Sky News App", "SPIEGEL Plus": a banner of a few words. In a sentence
        # ("... to challenge Sky Plus.") the product is the story's, not the page's.
        (r"^(?=(?:\S+ *){1,8}$).*?" + _NAME + r"(?:'s?|’s?)? (?:ePaper|App|Premium|Plus)\b", 1.0,
         r"ePaper|App\b|Premium|Plus\b"),
        (r"^\( ?" + _NAME + r" ?\) *$", 2.0, None, "("),
        # "Name ©" ends the line or reserves rights; "Bild © Roman Warschauer" credits a picture
        (_NAME + r"\.? ?© ?(?:[Aa]ll [Rr]ights [Rr]eserved|$)", 2.0, r"©"),
        # not a picture credit: "Bild © Roman Warschauer (hr)", "Foto: © ..."
        # "© Action press/Bernd März": agency/photographer, a picture credit too
        (r"(?<!Bild )(?<!Foto )(?<!Photo )(?<!Image )(?<!: )© ?(?:[Cc]opyright ?)?" + _YEARS + _NAME
         + r"(?![^\n/]*/)", 2.0, None, "©"),
        (r"\b[Cc]opyright\b ?(?:©|\([Cc]\))? ?" + _YEARS + _NAME, 2.0, None, "opyright"),  # not "copyrightWithLinks"
    )
]
# Photo credits ("Tara Atkinson for Rest of World") and "told X": support only.
_WEAK_REFERENCE = r"(?:\b(?:for|/) (?:the )?{name}\)? *$|\b(?:told|to) (?:the )?{name}\b)"
_LINE_AROUND = re.compile(r"[^\n]*")


# Words that make a capitalised phrase something other than a publication's name.
_NOT_NAME_WORDS = frozenset(
    "our your my us we you i it this that these all use service services content home website newsletter "
    "newsletters join sign read more share follow log terms privacy policy cookies cookie premium plus app "
    "subscription account ltd inc llc gmbh bot management sales deck op-eds in on at for as by with from to "
    "he she they but and or if when mr mrs ms dr "
    # "All rights reserved" in the languages of copyright footers
    "rights reserved riproduzione riservata rechte vorbehalten droits réservés derechos reservados"
    # licence notices ("© Licencja na publikację")
    " licence license licencja lizenz licencia licenza"
    .split()
)
# Names that turn up in those contexts without being the publisher.
_NOT_PUBLISHERS = frozenset(
    "facebook twitter x instagram google whatsapp linkedin reddit youtube tiktok apple android ios "
    "getty images getty ap epa pa shutterstock istock alamy cloudflare us uk eu".split()
) | {"getty images"}
# Agencies: their copyright sits on syndicated copy, so it is weaker evidence of the publisher.
_AGENCY_NAMES = frozenset(
    "associated press|the associated press|reuters|afp|agence france-presse|the canadian press|canadian press"
    "|press association|pa media|dpa|upi|bloomberg|ansa|efe|kyodo|xinhua".split("|")
)


def _base_name(name: str) -> str:
    return re.sub(r"^(?:the|la|le|el|die|der) ", "", name.casefold())


# Page furniture (sign-up boxes, footers) comes in short lines; paragraphs are longer.
_FURNITURE_CHARS = 160


# "Tara Atkinson for Rest of World": a picture commissioned by the publication.
_COMMISSION_CREDIT = re.compile(r"^[A-ZÀ-Þ][\w'’.-]+(?: [A-ZÀ-Þ][\w'’.-]+){1,3} for (?:the )?" + _NAME + r" *$",
                                re.MULTILINE)


def _publisher_from_credits(furniture: str) -> str | None:
    """The publication that commissioned the page's pictures, when credited twice or more."""
    if " for " not in furniture:
        return None
    names = Counter(m.group("name") for m in _COMMISSION_CREDIT.finditer(furniture))
    names = Counter({n: c for n, c in names.items() if c >= 2 and _base_name(n) not in _NOT_PUBLISHERS
                     and n.casefold() not in _AGENCY_NAMES})
    return names.most_common(1)[0][0] if names else None


def _publisher_from_references(text: str, headline: str = "") -> str | None:
    """The name a page uses for itself most (copyright, sharing, subscription lines)."""
    # "access to the NHS" in a paragraph is prose: only short lines are page furniture,
    # and the headline is the story's ("Telewest to challenge Sky Plus"), not the page's.
    furniture = "\n".join(line for line in text.split("\n")
                           if len(line) <= _FURNITURE_CHARS and (not headline or line.strip() != headline))
    scores: dict[str, float] = {}
    spellings: dict[str, Counter[str]] = {}
    for pattern, weight, trigger, needs in _SELF_REFERENCES:
        if needs and not any(n in furniture for n in needs):
            continue
        if trigger is None:
            matches = list(pattern.finditer(furniture))
        else:
            lines = dict.fromkeys(furniture[furniture.rfind("\n", 0, t.start()) + 1:].split("\n", 1)[0]
                                  for t in trigger.finditer(furniture))
            matches = [m for line in lines for m in pattern.finditer(line)]
        for m in matches:
            # A lower-case "the" is the sentence's ("Get the Times App"), not part of the name.
            name = re.sub(r"(?:'s|’s|')$", "", m.group("name").strip(" .’'")).removeprefix("the ")
            words = name.casefold().split()
            if (not words or _base_name(name) in _NOT_PUBLISHERS or len(name) < 2
                    or any(w in _NOT_NAME_WORDS for w in words)):
                continue
            key = _base_name(name)
            scores[key] = scores.get(key, 0.0) + weight * (0.5 if name.casefold() in _AGENCY_NAMES else 1.0)
            spellings.setdefault(key, Counter())[name] += 1
    if not scores:
        return _publisher_from_credits(furniture)
    for key in list(scores):
        name = spellings[key].most_common(1)[0][0]
        weak = re.compile(_WEAK_REFERENCE.format(name=re.escape(_base_name(name))), re.I | re.M)
        scores[key] += 0.5 * len(weak.findall(furniture))
    best = max(scores, key=lambda k: scores[k])  # first seen wins ties (dicts keep order)
    return spellings[best].most_common(1)[0][0]


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


def _extract_lines(text: str, *, id: str, path: str, language: str | None) -> Article:
    lines: list[str] = []
    new_paragraph: list[bool] = []  # whether a blank line came before: paragraphs survive
    blank = True
    for raw in text.splitlines():
        line = clean_line(raw)
        if line:
            lines.append(line)
            new_paragraph.append(blank)
        blank = not line
    if not lines:
        return Article(id=id, path=path, language=language)
    head = [_strip_markup(line) for line in lines[:HEADER_LINES]]
    head_text = "\n".join(head)
    dayfirst = infer_dayfirst(head_text) if needs_convention(head_text) else None

    meta: set[int] = set()  # header lines that are byline, date or attribution, not body
    author = source = labelled = None
    date: ParsedDate | None = None
    date_index = byline_index = None
    updated_date: tuple[int, ParsedDate] | None = None
    for i, line in enumerate(head):
        if len(line) > MAX_TITLE_CHARS:
            continue
        if (m := _STAFF.fullmatch(line)) and len(line.split()) <= 6:
            author = author or line.removeprefix("By ").removeprefix("by ")
            source = source or m.group("pub").strip()
            meta.add(i)
            byline_index = i if byline_index is None else byline_index
        elif m := _AGENCY_BYLINE.fullmatch(line):
            agency = (m.group("agency") or m.group("short") or m.group("placed")).lower()
            author = author or _AGENCIES.get(agency, line)
            meta.add(i)
            byline_index = i if byline_index is None else byline_index
        elif (m := _BYLINE.fullmatch(line)) and len(m.group("name").split()) <= 10:
            author = author or _clean_author(m.group("name"))
            meta.add(i)
            byline_index = i if byline_index is None else byline_index
        elif _BYLINE_WORD.fullmatch(line) and i + 1 < len(head) and len(head[i + 1].split()) <= 8:
            author = author or _clean_author(head[i + 1])
            meta.update((i, i + 1))
            byline_index = i if byline_index is None else byline_index
        elif m := _ORIGINALLY.fullmatch(line):
            source = source or clean_line(m.group("src")).removeprefix("the ")
            meta.add(i)
        elif m := _SOURCE_LABEL.fullmatch(line):
            # "Source: X" also credits charts and figures ("Source: Repeat Project"): it
            # yields to how the page names itself.
            labelled = labelled or clean_line(m.group("src")).removeprefix("the ")
            meta.add(i)
        elif _RELATIVE_TIME.fullmatch(line):
            meta.add(i)
            date_index = i if date_index is None else date_index
        elif (found := _date_of_line(line, dayfirst)) is not None:
            meta.add(i)
            if re.match(r"\W*(?:last )?(?:updated|aktualisiert|mis à jour|actualizado)", line, _I):
                updated_date = updated_date or (i, found)
            elif date is None:
                date = found
                date_index = i if date_index is None else date_index
    if date is None and updated_date is not None:
        date = updated_date[1]
        date_index = updated_date[0] if date_index is None else date_index

    anchors = [i for i in (date_index, byline_index) if i is not None]
    names = set()  # bare names beside the date line: bylines, unless one is the section label
    if date_index is not None:
        names = {i for i in (date_index - 1, date_index - 2, date_index + 1)
                 if 0 <= i < len(head) and i not in meta and len(head[i]) <= 80 and _NAME_LINE.fullmatch(head[i])}
    title_index = _find_title(head, min(anchors) if anchors else None, meta | names)
    if title_index is not None:
        title = _with_kicker(head, title_index, _strip_breadcrumb(head[title_index]))
    elif (first := next((j for j, line in enumerate(head) if any(c.isalpha() for c in line)), 0)) \
            and len(head[first]) <= MAX_TITLE_CHARS and not head[first].endswith("."):
        title, title_index = head[first], first  # after rules and other letterless lines
    elif len(head[0]) <= MAX_TITLE_CHARS and not head[0].endswith("."):
        title, title_index = head[0], 0
    else:  # no headline at all: name the article by its opening words, keep them in the body
        title, title_index = _opening_words(head[0]), -1
    if date_index is not None and author is None:
        # A bare name between the headline and the date line (or just below it) is the byline.
        for i in sorted(names):
            if i > title_index:
                author = _clean_author(re.sub(r"\s*\|\s*\w+$", "", head[i]))
                meta.add(i)
                break

    section = None
    for j in range(title_index - 1, max(-1, title_index - 4), -1):
        if j not in meta and _section_of(head[j]):
            section = head[j]
            break

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
    body = cap_body("".join(body_parts).strip())

    if source is None:
        for line in body_lines[:3]:
            if m := _DATELINE.match(line):
                source = _AGENCIES.get(m.group("agency").lower(), m.group("agency"))
                break
        source = _publisher_from_references(text[:200_000], title) or labelled or source

    return Article(
        id=id, path=path, title=clean_line(title), body=body,
        date=date.when if date else None, date_text=date.text if date else None,
        source=source, author=author, section=section, language=language,
    )


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


def _find_title(head: list[str], anchor: int | None, meta: set[int]) -> int | None:
    """Index of the headline, by a score over the title-like lines near the top.

    A headline is a line of a few words (not a sentence ending in a full stop,
    not a shouted kicker, not a menu item repeated elsewhere), usually followed
    by a standfirst or the byline/date block, usually preceded by a section
    label, and the earlier on the page the likelier.
    """
    counts = Counter(head)
    best, best_score = None, 0.0
    for j, line in enumerate(head):
        line = _strip_breadcrumb(line)
        if j in meta or not _titleish(line, 3):
            continue
        words = _word_count(line)
        score = 2.0 if words >= 5 else 1.0
        if _HAS_FULL_DATE.search(line) and find_date(line, foreign=False) is not None:
            score -= 2  # a dateline or timestamp bar, not a headline
        if line.isupper() and words <= 6:
            score -= 3  # a kicker ("CHILDHOOD SWEETHEART"), not the headline
        nxt = head[j + 1] if j + 1 < len(head) else ""
        if counts[line] > 1 and words <= 6 and line not in head[j + 1: j + 3] and len(nxt.split()) < 12:
            # a menu item; not a headline stated twice in a row (title and heading) or one
            # followed by its standfirst (menus go on with more short items)
            score -= 3
        if j + 1 in meta or len(nxt.split()) >= 12:
            score += 2
        if j == 0 or j - 1 in meta or _section_of(head[j - 1]):
            score += 1
        if anchor is not None and -6 <= j - anchor <= 3:
            score += 1.5
        score -= 0.05 * j
        if score > best_score:
            best, best_score = j, score
    return best


def _clean_author(name: str) -> str | None:
    """One display form for bylines: no "By", no trailing timestamp, names joined by ", "."""
    name = clean_line(name).strip(" ,;|")
    name = re.sub(r"^(?:by|von|par|por)\s+", "", name, flags=_I)
    name = re.sub(r"\s*[|,]?\s*(?:Updated|Published|Posted)\b.*$", "", name, flags=_I)
    name = re.sub(r"\s*(?:\||;|\s&\s|\sand\s|\sund\s|\set\s|\sy\s)\s*", ", ", name)
    return name.strip(" ,") or None


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
