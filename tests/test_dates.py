"""Date parsing: the formats sites print, the guards, and the dates users type."""

from __future__ import annotations

from datetime import datetime

import pytest

from newsearch.ingest.dates import find_date, infer_dayfirst, iso_text, parse_field, to_naive_utc
from newsearch.query.dates import parse_user_date

NOW = datetime(2026, 11, 21, 12, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13 November 2024", "2024-11-13"),
        ("Sat 24 Feb 2024 12.42 CET", "2024-02-24T12:42:00+01:00"),  # the page's own time, CET is UTC+1
        ("Nov. 13, 2024 5:30 PM ET", "2024-11-13T17:30:00-05:00"),  # EST in November: UTC-5
        ("June 26, 2023 5 AM PT", "2023-06-26T05:00:00-07:00"),  # PDT in June: UTC-7
        ("2024-11-13T10:00:00Z", "2024-11-13T10:00:00Z"),
        ("2025-06-05T14:46:12+02:00", "2025-06-05T14:46:12+02:00"),
        ("Dec. 16, 2016 11:05 PM PT", "2016-12-16T23:05:00-08:00"),  # the local day, not the UTC day
        ("Friday 22 November 2024 08:49 GMT", "2024-11-22T08:49:00Z"),
        ("Posted May 24, 2026 10:05 am", "2026-05-24T10:05:00"),  # no zone: local time, no offset
        ("April 28 2023, 3:54 p.m.", "2023-04-28T15:54:00"),
        ("Published: 22:04, 22 Apr 2024", "2024-04-22T22:04:00"),  # time before the date
        ("Jul. 19, 2026 9:45 am", "2026-07-19T09:45:00"),
        ("05.06.2025 um 14:46", "2025-06-05T14:46:00"),  # dots: day first
        ("31-MAR-1987", "1987-03-31"),
        ("2 minute readApril 25, 20232:26 PM GMT+2", "2023-04-25T14:26:00+02:00"),  # glued by a scraper
        ("Veröffentlicht am 27.04.24 um 07:39 Uhr", "2024-04-27T07:39:00"),  # dotted, two-digit year
        ("Palma, Mallorca15.04.25 09:56", "2025-04-15T09:56:00"),
        ("2019/04/21 11:51", "2019-04-21T11:51:00"),  # year first, as Japanese pages print it
        ("2019.04.19", "2019-04-19"),
        ("2019. 4. 21.", "2019-04-21"),  # Korean
        ("2019年4月21日 11:51", "2019-04-21T11:51:00"),
        ("Sepember 30, 1987", "1987-09-30"),  # a typo the month pattern still reads
    ],
)
def test_formats_sites_print(text, expected):
    found = find_date(text, now=NOW)
    assert found is not None and found.text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("22. November 2024", "2024-11-22"), ("5 juin 2025", "2025-06-05"),
     ("Donnerstag 05. Juni 2025", "2025-06-05"), ("3 de marzo de 2024", "2024-03-03")],
)
def test_other_languages_through_dateparser(text, expected):
    found = find_date(text, now=NOW)
    assert found is not None and found.text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Published 3 hours ago",  # relative: no date
        "vor 3 Stunden",
        "1 March 1850",  # before 1900
        "3 December 2099",  # in the future
        "page 12 of 2024",  # stray numbers
        "Nature 647, 20-23 (2025)",
        "The 2024 budget",
        "31 February 2024",  # no such day
        "Version 1.2.3",  # a version, not a date
        "5/8/24",  # a two-digit year only in the dotted, day-first form
        "at 10.30.45",  # a time
        "",
    ],
)
def test_no_date_guessed(text):
    assert find_date(text, now=NOW) is None


def test_day_month_order_follows_the_text():
    assert find_date("04/03/2024", dayfirst=True, now=NOW).text == "2024-03-04"
    assert find_date("04/03/2024", dayfirst=False, now=NOW).text == "2024-04-03"
    # The text's other dates decide: 25/12 can only be day first, 12/25 only month first.
    assert infer_dayfirst("Posted 25/12/2023\nUpdated 04/03/2024") is True
    assert infer_dayfirst("Posted 12/25/2023\nUpdated 04/03/2024") is False
    assert infer_dayfirst("November 13, 2024 and then 04/03/2024") is False
    assert infer_dayfirst("13 November 2024 and then 04/03/2024") is True
    assert infer_dayfirst("04/03/2024") is None
    # A time zone on the same line outranks the document's habit.
    assert find_date("06/01/2026 - 13:55 GMT+1", dayfirst=False, now=NOW).text == "2026-01-06T13:55:00+01:00"
    assert find_date("06/01/2026 1:55 PM ET", dayfirst=True, now=NOW).text == "2026-06-01T13:55:00-04:00"


def test_fields_and_conversions():
    assert parse_field("2024-11-13").text == "2024-11-13"
    late = parse_field("2024-11-13T23:30:00-05:00")  # the page's day stays the 13th
    assert late.when == datetime(2024, 11, 13, 23, 30) and late.offset == -300
    assert late.utc == datetime(2024, 11, 14, 4, 30) and late.text == "2024-11-13T23:30:00-05:00"
    assert parse_field(1700000000).when == datetime(2023, 11, 14, 22, 13, 20)
    assert parse_field(True) is None and parse_field(None) is None and parse_field({"a": 1}) is None
    assert parse_field("2999-01-01") is None
    assert to_naive_utc(datetime.fromisoformat("2024-01-01T01:00:00+02:00")) == datetime(2023, 12, 31, 23, 0)
    assert iso_text(datetime(2024, 11, 13, 10, 0, 0, 123), True) == "2024-11-13T10:00:00Z"
    assert iso_text(datetime(2024, 11, 13, 10, 0), True, 330) == "2024-11-13T10:00:00+05:30"
    assert iso_text(datetime(2024, 11, 13, 10, 0), True, None) == "2024-11-13T10:00:00"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024-11-13", datetime(2024, 11, 13), datetime(2024, 11, 14)),
        ("2024-11", datetime(2024, 11, 1), datetime(2024, 12, 1)),
        ("2024-12", datetime(2024, 12, 1), datetime(2025, 1, 1)),
        ("2024", datetime(2024, 1, 1), datetime(2025, 1, 1)),
        ("today", datetime(2026, 11, 21), datetime(2026, 11, 22)),
        (" Yesterday ", datetime(2026, 11, 20), datetime(2026, 11, 21)),
        ("3 days ago", datetime(2026, 11, 18), datetime(2026, 11, 19)),
        ("2 weeks ago", datetime(2026, 11, 7), datetime(2026, 11, 14)),
        ("last week", datetime(2026, 11, 9), datetime(2026, 11, 16)),  # 2026-11-21 is a Saturday
        ("last month", datetime(2026, 10, 1), datetime(2026, 11, 1)),
        ("last year", datetime(2025, 1, 1), datetime(2026, 1, 1)),
    ],
)
def test_user_dates(text, start, end):
    assert parse_user_date(text, NOW) == (start, end)


def test_last_month_in_january():
    assert parse_user_date("last month", datetime(2025, 1, 15)) == (datetime(2024, 12, 1), datetime(2025, 1, 1))


@pytest.mark.parametrize("text", ["xyz", "2024-13", "2024-02-30", "next week", "", "5000 years ago"])
def test_user_date_errors(text):
    with pytest.raises(ValueError, match="cannot understand date"):
        parse_user_date(text, NOW)
