"""Dates: parse what articles and users write, and refuse what is implausible.

Articles state dates in many shapes ("13 November 2024", "Nov. 13, 2024 5:30
PM ET", "2024-11-13T10:00:00Z", "05.06.2025 um 14:46"). English and numeric
forms are parsed here with precompiled regexes, because the indexer meets them
thousands of times; other languages ("5 juin 2025") fall back to dateparser,
imported only when such a line turns up. Every result passes the same guards:
no year before 1900, nothing in the future, and nothing guessed from a stray
number: a date needs a year, a month and a day written together.

A date keeps the page's own calendar day: ``when`` is the wall-clock time the
page printed (naive, so Whoosh can store it), and the UTC offset, when the page
gives one, is kept beside it (``offset``) and shown in ``text``
("2025-06-05T14:46:12+02:00"). Converting to UTC would move an evening story
in New York or a morning one in Tokyo to another day, and the day is what
readers filter on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

MIN_YEAR = 1900
# Allow for clock skew and for time zones ahead of UTC.
FUTURE_SLACK = timedelta(days=1)

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY_RE = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+)?"
# A year, possibly glued to a following time by a scraper ("20232:26 PM").
_YEAR_RE = r"(?P<year>(?:19|20)\d\d)(?:(?!\d)|(?=\d{1,2}:\d\d))"

# Zone abbreviations newspapers print. The generic US ones follow daylight
# saving, so they map to a zone; the explicit ones are fixed offsets.
_FIXED_ZONES = {
    "z": 0, "utc": 0, "gmt": 0, "wet": 0, "bst": 60, "west": 60, "cet": 60,
    "cest": 120, "eet": 120, "eest": 180, "msk": 180, "ist": 330, "sgt": 480,
    "hkt": 480, "jst": 540, "kst": 540, "aest": 600, "aedt": 660,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
    "pst": -480, "pdt": -420,
}
_ZONE_NAMES = {"et": "America/New_York", "ct": "America/Chicago", "mt": "America/Denver",
               "pt": "America/Los_Angeles"}
_TZ_RE = (
    r"(?P<tz>z|(?:utc|gmt)\s*[+-]\s*\d{1,2}(?::?\d\d)?|[+-]\d\d:?\d\d"
    r"|" + "|".join(sorted(set(_FIXED_ZONES) | set(_ZONE_NAMES), key=len, reverse=True)) + r")(?![a-z])"
)
_TIME_RE = (
    r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.\d+)?)?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\b\.?)?\s*(?:" + _TZ_RE + r")?"
)

_ISO = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)"
    r"(?:[T ](?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.\d+)?)?\s*"
    r"(?P<tz>Z|[+-]\d\d:?\d\d|UTC|GMT)?)?(?!\d)",
    re.I,
)
_DMY = re.compile(
    r"(?<![\w])" + _WEEKDAY_RE + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?(?:\s+|-)(?:of\s+)?"
    + _MONTH_RE + r"\.?,?(?:\s+|-)" + _YEAR_RE,
    re.I,
)
_MDY = re.compile(
    r"(?:(?<![\w])|(?<=[a-z]))" + _WEEKDAY_RE + _MONTH_RE + r"\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR_RE,
    re.I,
)
_NUMERIC = re.compile(
    r"(?<![\d.:/-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)" + _YEAR_RE + r"(?![.:/-]\d)"
)
# "27.04.24", "Publisert: 05.08.24 kl. 14:47": the dotted, day-first form with a two-digit
# year (this century), common on German and Nordic pages. Not with "/" or "-": "5/8/24" is
# ambiguous and "1-2-24" rarely a date.
_NUMERIC_SHORT = re.compile(
    r"(?<![\d.:/-])(?P<a>\d{1,2})(?P<sep>\.)(?P<b>\d{1,2})\.(?P<year>\d\d)(?![\d.]|:\d)"
)
# Year first, as East Asian pages print it: "2019/04/21 11:51", "2019.04.19", "2019. 4. 21.",
# "2019年4月21日". The year leads, so the order is never ambiguous.
_YMD = re.compile(
    r"(?<![\d.:/-])(?P<year>(?:19|20)\d\d)(?:(?P<sep>[./])\s?(?P<month>\d{1,2})(?P=sep)\s?(?P<day>\d{1,2})"
    r"(?![\d]|[./]\d)\.?|\s*年\s*(?P<kmonth>\d{1,2})\s*月\s*(?P<kday>\d{1,2})\s*日)"
)
_HAS_YEAR = re.compile(r"(?:19|20)\d\d")
_TIME = re.compile(r"(?<![\d.:])" + _TIME_RE, re.I)
_TIME_AT_START = re.compile(r"\s*(?:[,|•·–—-]|at|um|à|a las|alle)?\s*" + _TIME_RE, re.I)
# A date written in words we do not know: "5 juin 2025", "22. Mai 2024", "junio 5, 2025".
_FOREIGN = re.compile(
    r"(?<!\w)(?:\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,}\.?,?\s+(?:de\s+)?(?:19|20)\d\d"
    r"|[^\W\d_]{3,}\.?\s+\d{1,2},?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
)
_RELATIVE = re.compile(r"\b(?:ago|vor|hace|il y a|fa)\b", re.I)


@dataclass(frozen=True)
class ParsedDate:
    """A plausible date: ``when`` the page's wall-clock time (naive), whether a time of
    day was given, and the UTC offset in minutes when the page stated a zone."""

    when: datetime
    has_time: bool
    start: int = 0  # where the date was found in the parsed text
    end: int = 0
    offset: int | None = None

    @property
    def text(self) -> str:
        return iso_text(self.when, self.has_time, self.offset)

    @property
    def utc(self) -> datetime:
        """The instant in naive UTC (an unknown zone is taken as UTC)."""
        return self.when - timedelta(minutes=self.offset or 0)


def iso_text(when: datetime, has_time: bool, offset: int | None = 0) -> str:
    """ISO 8601 as users see it: a bare day, or the page's local time with its offset
    ("Z" for UTC, none when the page named no zone)."""
    if not has_time:
        return when.date().isoformat()
    stamp = when.replace(microsecond=0).isoformat()
    if offset is None:
        return stamp
    if offset == 0:
        return stamp + "Z"
    sign, minutes = ("+" if offset > 0 else "-"), abs(offset)
    return f"{stamp}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def local_parts(when: datetime) -> tuple[datetime, int | None]:
    """(the wall-clock time, the UTC offset in minutes or None) of a datetime."""
    if when.tzinfo is None:
        return when, None
    delta = when.utcoffset()
    offset = int(delta.total_seconds() // 60) if delta is not None else None
    return when.replace(tzinfo=None), offset


def to_naive_utc(when: datetime) -> datetime:
    """Aware -> converted to UTC and stripped; naive is taken as already UTC."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def placeholder(date: ParsedDate) -> bool:
    """1 January with no time: what a site states when it knows only the year (or nothing)."""
    return not date.has_time and date.when.month == 1 and date.when.day == 1


def plausible(when: datetime, now: datetime | None = None) -> bool:
    """No year before 1900, nothing later than (about) now."""
    return when.year >= MIN_YEAR and when <= (now or _utcnow()) + FUTURE_SLACK


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    key = re.sub(r"\s+", "", name.lower())
    if key in _FIXED_ZONES:
        return timezone(timedelta(minutes=_FIXED_ZONES[key]))
    if key in _ZONE_NAMES:
        from zoneinfo import ZoneInfo

        return ZoneInfo(_ZONE_NAMES[key])
    m = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d\d)?", key)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        if minutes > 14 * 60:
            return None
        return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    return None


_Built = tuple[datetime, bool, int | None]


def _build(year: int, month: int, day: int, time_match: re.Match | None) -> _Built | None:
    """(wall-clock time, whether a time was given, UTC offset or None), or None for no such day."""
    try:
        day_only = datetime(year, month, day)
    except ValueError:
        return None
    if time_match is None:
        return day_only, False, None
    hour = int(time_match.group("hour"))
    minute = time_match.group("minute")
    ampm = (time_match.groupdict().get("ampm") or "").lower()
    if minute is None and not ampm:
        return day_only, False, None  # a bare number is not a time
    if ampm:
        if not 1 <= hour <= 12:
            return day_only, False, None
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    try:
        local = day_only.replace(hour=hour, minute=int(minute or 0),
                                 second=int(time_match.group("second") or 0))
    except ValueError:
        return day_only, False, None
    zone = _zone(time_match.group("tz"))
    if zone is None:
        return local, True, None
    wall, offset = local_parts(local.replace(tzinfo=zone))
    return wall, True, offset


def _time_near(text: str, start: int, end: int) -> re.Match | None:
    """A time of day right after the date, or just before it ("12:43, 20 Apr 2026")."""
    after = _TIME_AT_START.match(text, end)
    if after and (after.group("minute") or after.group("ampm")):
        return after
    for m in _TIME.finditer(text, max(0, start - 14), start):
        if (m.group("minute") or m.group("ampm")) and not text[m.end():start].strip(" ,|-–—•"):
            return m
    return None


_US_ZONES = frozenset({"et", "ct", "mt", "pt", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt"})


def _zone_convention(text: str, m: re.Match) -> bool | None:
    """Day first for a time zone east of the Atlantic, month first for a US zone, else unknown."""
    time = _time_near(text, m.start(), m.end())
    zone = (time.groupdict().get("tz") or "").lower().replace(" ", "") if time else ""
    if not zone:
        return None
    if zone in _US_ZONES:
        return False
    return zone[:3] in ("gmt", "utc", "bst", "cet", "ces", "eet", "ees", "wet", "wes", "msk") or zone.startswith("+")


# What every _NUMERIC match holds: a quick literal-free scan that rules out most texts (the
# lookbehind _NUMERIC starts with is tried at every position of the text).
_NUMERIC_HINT = re.compile(r"\d[./-]\d{1,2}[./-]\d")


def needs_convention(text: str) -> bool:
    """Whether ``text`` holds a numeric date whose day/month order is ambiguous (cheap check)."""
    if not _NUMERIC_HINT.search(text):
        return False
    return any(int(m.group("a")) <= 12 and int(m.group("b")) <= 12 and m.group("sep") != "."
               for m in _NUMERIC.finditer(text))


def infer_dayfirst(text: str) -> bool | None:
    """The text's own convention for 03/04/2024: day first, month first, or unknown.

    An unambiguous numeric date (13/04 or 04/13) decides; otherwise dates
    written with month names ("13 November" vs "November 13") do.
    """
    for m in _NUMERIC.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if m.group("sep") == ".":
            return True
        if a > 12 >= b:
            return True
        if b > 12 >= a:
            return False
    dated = "\n".join(line for line in text.split("\n") if _HAS_YEAR.search(line))
    dmy, mdy = len(_DMY.findall(dated)), len(_MDY.findall(dated))
    if dmy != mdy:
        return dmy > mdy
    return None


def _month(name: str) -> int | None:
    """A month number from a name the month pattern matched ("Sepember" is a typo of September)."""
    name = name.lower().rstrip(".")
    return _MONTHS.get(name) or _MONTHS.get(name[:3])


def _day_month(pattern: re.Pattern, m: re.Match, text: str, dayfirst: bool | None) -> tuple[int, int] | None:
    """(day, month) of one match; numeric forms follow the separator, the numbers, the zone, the text."""
    if pattern is _NUMERIC or pattern is _NUMERIC_SHORT:
        a, b = int(m.group("a")), int(m.group("b"))
        first = dayfirst if dayfirst is not None else True
        if m.group("sep") == "." or a > 12:
            first = True
        elif b > 12:
            first = False
        elif (zone_first := _zone_convention(text, m)) is not None:
            first = zone_first  # "06/01/2026 - 13:55 GMT+1" is European: day first
        return (a, b) if first else (b, a)
    if pattern is _ISO:
        return int(m.group("day")), int(m.group("month"))
    if pattern is _YMD:
        return int(m.group("day") or m.group("kday")), int(m.group("month") or m.group("kmonth"))
    month = _month(m.group("mon"))
    return (int(m.group("day")), month) if month else None


_PATTERNS = (_ISO, _YMD, _DMY, _MDY, _NUMERIC, _NUMERIC_SHORT)


def find_date(text: str, *, now: datetime | None = None, dayfirst: bool | None = None,
              foreign: bool = True, language: str | None = None) -> ParsedDate | None:
    """The first plausible date written in ``text`` (a line or a short field)."""
    best: ParsedDate | None = None
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best.start:
                break
            year = int(m.group("year"))
            year += 2000 if year < 100 else 0
            parts = _day_month(pattern, m, text, dayfirst)
            if parts is None:
                continue
            day, month = parts
            if pattern is _ISO and m.group("hour"):
                built = _build(year, month, day, m)
            else:
                built = _build(year, month, day, _time_near(text, m.start(), m.end()))
            if built and plausible(built[0], now):
                best = ParsedDate(built[0], built[1], m.start(), m.end(), built[2])
                break
    if best:
        return best
    if foreign:
        words = _FOREIGN.search(text)
        if words and not _RELATIVE.search(text):
            return _dateparser(text, words, now, language)
    return None


@lru_cache(maxsize=32)
def _parser(language: str | None) -> Any:
    """A dateparser parser, for the page's language when known.

    Without a language dateparser tries every locale it has, which costs seconds
    of regex compilation per process; with one (and English, which pages mix in)
    it loads two.
    """
    from dateparser.date import DateDataParser

    settings = {"STRICT_PARSING": True, "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
    languages = None
    if language and language != "en":
        languages = [language, "en"]
    try:
        return DateDataParser(languages=languages, settings=settings)
    except ValueError:  # a language dateparser does not know
        return DateDataParser(settings=settings)


def _dateparse(snippet: str, language: str | None) -> datetime | None:
    found = _parser(language).get_date_data(snippet)
    return found.date_obj if found and found.period == "day" else None


def _dateparser(text: str, m: re.Match, now: datetime | None, language: str | None = None) -> ParsedDate | None:
    """Non-English dates, through dateparser (imported on first need: it is slow to load)."""
    try:
        import dateparser  # noqa: F401
    except ImportError:  # pragma: no cover - optional
        return None
    tail = _TIME_AT_START.match(text, m.end())
    snippet = m.group(0)
    has_time = tail is not None and tail.group("minute") is not None
    if tail is not None and has_time:
        snippet = text[m.start():tail.end()]
    try:
        found = _dateparse(snippet, language)
        if found is None and has_time:
            has_time = False
            found = _dateparse(m.group(0), language)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if found is None:
        return None
    found, offset = local_parts(found)
    if not has_time:
        found = found.replace(hour=0, minute=0, second=0, microsecond=0)
    if not plausible(found, now):
        return None
    return ParsedDate(found, has_time, m.start(), m.end(), offset if has_time else None)


def parse_field(value: object, *, now: datetime | None = None, language: str | None = None) -> ParsedDate | None:
    """A date from a structured field (JSON record, HTML metadata): ISO first, then prose.

    Numbers are taken as Unix timestamps only in a plausible range (seconds or
    milliseconds since 1970); anything else that is not a string is ignored.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            when = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
        return ParsedDate(when, True, offset=0) if plausible(when, now) and when.year >= 1970 else None
    if not isinstance(value, str):
        return None
    text = value.strip()[:200]
    m = _ISO.match(text)
    if m:
        try:
            when = datetime.fromisoformat(text[: m.end()].replace("Z", "+00:00").replace("z", "+00:00"))
            has_time = m.group("hour") is not None
            when, offset = local_parts(when)
            if plausible(when, now):
                return ParsedDate(when, has_time, 0, m.end(), offset)
        except ValueError:
            pass
    return find_date(text, now=now, language=language)
