"""The publisher of a text scrape: names found in the contexts where pages name themselves, scored.

A scrape names its publisher in page furniture, never in a fixed place:
copyright and sign-up lines ("Copyright The Financial Times", "Get Quanta
Magazine delivered to your inbox"), photo credits ("John Kim/CNET"), a logo
line that is only the name, a wire dateline ("(Reuters) -"), the end of a
byline ("By Dana Ford, CNN"), a staff line ("Jewish Business News
Correspondent"). Each candidate name is described by how often it turns up in
each kind of context, and a logistic model (weights fitted by
``benchmarks/fit_extraction.py``, judged by grouped cross-validation, shipped in
``source_weights.py``) says whether it is the publisher. A name is returned only
when the model is more sure than not: a story that mentions "Sky Plus" or a
photo agency has no publisher to report, and none is invented.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from newsearch.ingest.linear import LinearModel
from newsearch.ingest.source_weights import SOURCE_WEIGHTS

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
        (r"(?:^About|^[Mm]ore [Ff]rom|[Ss]upport|^[Ww]ithout) (?:the )?" + _NAME + r" *\.? *$", 1.0, None,
         "About ", "ore from ", "ore From ", "upport ", "ithout "),
        # "Get Quanta Magazine delivered to your inbox", "Please Log In to CNET to Comment"
        (r"(?:[Gg]et|[Rr]eceive) (?:the )?" + _NAME + r" delivered\b", 1.0, None, " delivered"),
        (r"(?:[Ll]og|[Ss]ign) [Ii]n (?:to|with) (?:the )?" + _NAME, 1.0, None, "og In ", "og in ", "ign in ",
         "ign In "),
        # a disclaimer: "... do not reflect the opinions of The Seattle Times."
        (r"(?:reflect|represent) the (?:opinions?|views?|positions?|policy) of (?:the )?" + _NAME, 1.0, None,
         "reflect the ", "represent the "),
        (r"(?:from|by|at) (?:the )?" + _NAME + r",? (?:sign up|subscribe)", 1.0, r"sign up|subscribe"),
        (_NAME + r"(?:'s?|’s?)? (?:[Nn]ewsletters?|[Ss]ubscription|[Tt]erms|[Pp]rivacy [Pp]olicy)\b", 1.0,
         r"[Nn]ewsletter|[Ss]ubscription|[Tt]erms|[Pp]rivacy"),
        # "Get the Sky News App", "SPIEGEL Plus": a banner of a few words. In a sentence
        # ("... to challenge Sky Plus.") the product is the story's, not the page's.
        (r"^(?=(?:\S+ +){0,7}\S+ *$).*?" + _NAME + r"(?:'s?|’s?)? (?:ePaper|App|Premium|Plus)\b", 1.0,
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


# The contexts a name is counted in (one feature each), then the name's own features.
_CONTEXTS = (
    "self_reference", "credit_after_slash", "credit_before_slash", "commissioned", "logo_line", "dateline",
    "byline_tail", "staff_line",
)
FEATURES = _CONTEXTS + ("weak_reference", "mentions", "agency", "person_like", "in_author", "words")

_CAPS = r"[A-ZÀ-Þ][\w'’&.-]*"
_CANDIDATE = r"(?P<name>(?:[Tt]he )?" + _CAPS + r"(?: (?:of|and|&|de|für) )?(?: ?" + _CAPS + r"){0,4})"
# "John Kim/CNET", "Olena Shmahalo/Quanta Magazine", "REUTERS/Dado Ruvic", "(Ellen M. Banner / The Seattle Times)"
_SLASH_CREDIT = re.compile(
    r"(?:^|[(\s])(?P<left>" + _CAPS + r"(?: " + _CAPS + r"){0,3}) ?/ ?(?P<right>(?:[Tt]he )?" + _CAPS
    + r"(?: " + _CAPS + r"){0,3})\)?\.? *$", re.M)
# "WASHINGTON (CNN) -- The ...", "Nairobi, Kenya (Reuters) - ...": a place, the wire's name, a sentence.
_DATELINE = re.compile(r"^(?:[A-ZÀ-Þ][\w.'’-]*,? ){0,4}\((?P<name>[A-Z][\w.&' -]{1,30})\) ?(?:[-—–]|--) ?[^\n]{40}",
                       re.M)
_BYLINE_TAIL = re.compile(r"^(?:By|by)\s+[^\n]{3,160}?,\s*" + _CANDIDATE + r"\s*$", re.M)
_STAFF = re.compile(_CANDIDATE + r" (?:Staff|Correspondent|Reporters?|Newsroom|News Desk|Editors?|Editorial)"
                    r"(?: Writers?| Reporters?)?\s*$", re.M)
_LOGO = re.compile(r"^(?:[Tt]he )?" + _CAPS + r"(?: " + _CAPS + r"){0,3}$")
_PHOTO_WORD = re.compile(r"\s*\b(?:Photos?|Images?|Pictures?|Foto|Bild)$", re.I)
# Two or three capitalised words, not led by an article: "The Seattle Times" is no one's name.
_PERSON_LIKE = re.compile(r"^(?!(?:The|La|Le|El|Die|Der|Das) )[A-ZÀ-Þ][a-zß-ÿ'’-]+(?: [A-ZÀ-Þ]\.)?"
                          r"(?: [A-ZÀ-Þ][a-zß-ÿ'’-]+){1,2}$")


def _clean(name: str) -> str:
    # A lower-case "the" is the sentence's ("Get the Times App"), not part of the name.
    return re.sub(r"(?:'s|’s|')$", "", name.strip(" .’'")).removeprefix("the ")


def _usable(name: str) -> bool:
    words = name.casefold().split()
    return bool(words) and len(name) >= 2 and _base_name(name) not in _NOT_PUBLISHERS \
        and not any(w in _NOT_NAME_WORDS for w in words) and len(words) <= 6


class _Names:
    """Candidate names by key, each with its spellings and its counts per context."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {}
        self.spellings: dict[str, Counter[str]] = {}

    def add(self, name: str, context: str, amount: float = 1.0) -> None:
        name = _clean(name)
        if not _usable(name):
            return
        key = _base_name(name)
        self.counts.setdefault(key, Counter())[context] += amount  # type: ignore[assignment]
        self.spellings.setdefault(key, Counter())[name] += 1

    def spelling(self, key: str) -> str:
        return self.spellings[key].most_common(1)[0][0]


def _self_references(furniture: str, names: _Names) -> None:
    for pattern, weight, trigger, needs in _SELF_REFERENCES:
        if needs and not any(n in furniture for n in needs):
            continue
        if trigger is None:
            matches = list(pattern.finditer(furniture))
        else:
            lines = dict.fromkeys(_line_at(furniture, t.start()) for t in trigger.finditer(furniture))
            matches = [m for line in lines for m in pattern.finditer(line)]
        for m in matches:
            names.add(m.group("name"), "self_reference", weight)


def _other_contexts(text: str, furniture: str, headline: str, names: _Names) -> None:
    if "/" in furniture:
        for m in _SLASH_CREDIT.finditer(furniture):
            # "Photographer/Publication" or "AGENCY/Photographer": the side that is not a
            # person's name is the publication; when both or neither look like one, neither counts.
            left, right = _PHOTO_WORD.sub("", m.group("left")), m.group("right")
            left_person, right_person = bool(_PERSON_LIKE.fullmatch(left)), bool(_PERSON_LIKE.fullmatch(right))
            if left_person and not right_person:
                names.add(right, "credit_after_slash")
            elif right_person and left.isupper():  # wire credits are set in capitals: "REUTERS/Name"
                names.add(left, "credit_before_slash")
    if " for " in furniture:
        for m in _COMMISSION_CREDIT.finditer(furniture):
            names.add(m.group("name"), "commissioned")
    for m in _DATELINE.finditer(text[:20_000]):
        names.add(m.group("name"), "dateline")
    for m in _BYLINE_TAIL.finditer(furniture):
        names.add(m.group("name"), "byline_tail")
    for m in _STAFF.finditer(furniture):
        names.add(m.group("name"), "staff_line")
    for line in furniture.split("\n"):
        line = line.strip()
        if len(line) <= 40 and line != headline and _LOGO.fullmatch(line):
            names.add(line, "logo_line")


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _merge_acronyms(names: _Names, mentions: dict[str, int]) -> None:
    """One publisher under its name and its initials ("Cable News Network", "CNN"): counted as one,
    under the spelling the text uses more."""
    short = {key: names.spelling(key) for key in names.counts if names.spelling(key).isupper()}
    for key in list(names.counts):
        spelled = names.spelling(key)
        if key in short or len(spelled.split()) < 2:
            continue
        for acronym_key, acronym in short.items():
            if acronym_key in names.counts and acronym == _initials(spelled):
                keep, drop = ((acronym_key, key) if mentions[acronym_key] >= mentions[key]
                              else (key, acronym_key))
                names.counts[keep].update(names.counts.pop(drop))
                names.spellings[keep].update(names.spellings.pop(drop))
                mentions[keep] += mentions.pop(drop)
                break


def candidates(text: str, headline: str = "", author: str | None = None) -> list[tuple[str, list[float]]]:
    """(name, features) for every name the text might use for its publisher."""
    # "access to the NHS" in a paragraph is prose: only short lines are page furniture,
    # and the headline is the story's ("Telewest to challenge Sky Plus"), not the page's.
    furniture = "\n".join(line for line in text.split("\n")
                           if len(line) <= _FURNITURE_CHARS and (not headline or line.strip() != headline))
    names = _Names()
    _self_references(furniture, names)
    _other_contexts(text, furniture, headline, names)
    found = []
    author_text = (author or "").casefold()
    head = text[:200_000]
    mentions = {key: len(re.findall(r"(?<!\w)" + re.escape(names.spelling(key)) + r"(?!\w)", head))
                for key in names.counts}
    _merge_acronyms(names, mentions)
    for key, counts in names.counts.items():
        if set(counts) == {"logo_line"} and counts["logo_line"] < 2:
            continue  # a lone short line is a menu item or a heading until something else backs it
        name = names.spelling(key)
        weak = re.compile(_WEAK_REFERENCE.format(name=re.escape(_base_name(name))), re.I | re.M)
        features = [math.log1p(counts[f]) for f in _CONTEXTS]
        features += [
            math.log1p(len(weak.findall(furniture))),
            math.log1p(mentions[key]),
            float(name.casefold() in _AGENCY_NAMES or key in _AGENCY_NAMES),
            float(bool(_PERSON_LIKE.fullmatch(name))),
            float(bool(author_text) and key in author_text),
            min(len(name.split()), 6) / 3,
        ]
        found.append((name, features))
    return found


_MODEL = LinearModel(FEATURES, SOURCE_WEIGHTS)
using_weights = _MODEL.using


def score(features: Sequence[float]) -> float:
    """The model's log-odds that a candidate is the page's publisher."""
    return _MODEL.score(features)


def publisher_of_text(text: str, headline: str = "", author: str | None = None) -> str | None:
    """The publisher a text scrape names, when the model is more sure than not; else None."""
    found = [(score(features), -i, name) for i, (name, features) in enumerate(candidates(text, headline, author))]
    if not found:
        return None
    best = max(found)
    return best[2] if best[0] > 0 else None


def _line_at(text: str, position: int) -> str:
    """The whole line of ``text`` that holds ``position``."""
    end = text.find("\n", position)
    return text[text.rfind("\n", 0, position) + 1: end if end >= 0 else len(text)]


def names_publisher(line: str) -> bool:
    """Whether a line is furniture that names the publisher ("Get the Harbour Times App", "© 2024 X")."""
    for pattern, _, trigger, needs in _SELF_REFERENCES:
        applies = (not needs or any(n in line for n in needs)) and (trigger is None or trigger.search(line))
        if applies and pattern.search(line):
            return True
    return False
