"""Dates: expressions normalised against the publication date, with precision; nothing invented."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from claimwatch.extract.events import dates

FRIDAY = date(2024, 11, 8)


@pytest.mark.parametrize(("expr", "expected"), [
    ("yesterday", ("2024-11-07", "2024-11-07", "day")),
    ("today", ("2024-11-08", "2024-11-08", "day")),
    ("on Friday", ("2024-11-08", "2024-11-08", "day")),
    ("Tuesday", ("2024-11-05", "2024-11-05", "day")),
    ("Monday morning", ("2024-11-04", "2024-11-04", "day")),
    ("last Sunday", ("2024-11-03", "2024-11-03", "day")),
    ("overnight", ("2024-11-07", "2024-11-08", "day")),
    ("last night", ("2024-11-07", "2024-11-08", "day")),
    ("last week", ("2024-10-28", "2024-11-03", "week")),
    ("this week", ("2024-11-04", "2024-11-08", "week")),
    ("the past week", ("2024-11-01", "2024-11-08", "week")),
    ("over the past day", ("2024-11-07", "2024-11-08", "day")),
    ("three days ago", ("2024-11-05", "2024-11-05", "day")),
    ("last month", ("2024-10-01", "2024-10-31", "month")),
    ("last year", ("2023-01-01", "2023-12-31", "year")),
    ("5 November", ("2024-11-05", "2024-11-05", "day")),
    ("November 5", ("2024-11-05", "2024-11-05", "day")),
    ("on 12 December", ("2023-12-12", "2023-12-12", "day")),  # the latest one not after publication
    ("Nov. 5, 2023", ("2023-11-05", "2023-11-05", "day")),
    ("November 2023", ("2023-11-01", "2023-11-30", "month")),
    ("mid-October", ("2024-10-01", "2024-10-31", "month")),
    ("2023", ("2023-01-01", "2023-12-31", "year")),
    ("2024-11-02", ("2024-11-02", "2024-11-02", "day")),
    ("05.11.2024", ("2024-11-05", "2024-11-05", "day")),
    ("5 листопада", ("2024-11-05", "2024-11-05", "day")),
    ("вчора", ("2024-11-07", "2024-11-07", "day")),
    ("3 ноября", ("2024-11-03", "2024-11-03", "day")),
])
def test_parse_against_publication_date(expr: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert dates.parse(expr, FRIDAY) == expected


@pytest.mark.parametrize(("expr", "expected"), [
    ("5 November", ("--11-05", "--11-05", "day")),
    ("November 2023", ("2023-11-01", "2023-11-30", "month")),
    ("yesterday", (None, None, "unknown")),
    ("on Friday", (None, None, "unknown")),
    ("last week", (None, None, "unknown")),
])
def test_without_publication_date_nothing_is_invented(expr: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert dates.parse(expr, None) == expected


@pytest.mark.parametrize("expr", ["48 years", "10:30 a.m.", "81-year-old", "the 1990s", "two hours"])
def test_durations_times_and_ages_are_not_dates(expr: str) -> None:
    assert dates.parse(expr, FRIDAY) is None


def test_future_reading_for_announced_events() -> None:
    assert dates.parse("on Monday", FRIDAY, ("en",), True) == ("2024-11-11", "2024-11-11", "day")
    assert dates.parse("2 January", FRIDAY, ("en",), True) == ("2025-01-02", "2025-01-02", "day")


def test_dateparser_fallback_uses_the_publication_date() -> None:
    # an odd form the fast parser does not know goes to dateparser with RELATIVE_BASE
    got = dates.parse("Sept, 26, 2014", FRIDAY)
    assert got == ("2014-09-26", "2014-09-26", "day")


def test_find_in_a_document(nlp) -> None:
    text = "Drones struck overnight. On Tuesday the governor said 5 November was the worst day since March 2022."
    found = dates.find(nlp(text), datetime(2024, 11, 8, 6, tzinfo=UTC))
    got = [(d.span.text, d.start, d.precision) for d in found]
    assert ("overnight", "2024-11-07", "day") in got
    assert ("Tuesday", "2024-11-05", "day") in got or ("On Tuesday", "2024-11-05", "day") in got
    assert ("5 November", "2024-11-05", "day") in got
    assert ("March 2022", "2022-03-01", "month") in got
    for d in found:
        assert text[d.span.start:d.span.end] == d.span.text


def test_default_is_the_week_up_to_publication() -> None:
    d = dates.default(datetime(2024, 11, 8, 23, tzinfo=UTC))
    assert (d.start, d.end, d.precision, d.span) == ("2024-11-02", "2024-11-08", "week", None)
    assert dates.default(None).precision == "unknown"
