"""Dates: date expressions normalised against the article's publication date, with precision.

Reads the parsed ``Doc`` (spaCy DATE/TIME entities plus a regex for what the small model misses: "overnight",
"yesterday", weekday names, Ukrainian/Russian month names) and ``Article.published``; writes
:class:`~claimwatch.model.DateRange` records (ISO ``start``/``end``; precision day | week | month | year | unknown;
the evidence span). Common forms are parsed here, cheaply; the rest go to dateparser with explicit ``languages``
and ``RELATIVE_BASE`` = the publication date, cached per (expression, base day). Without a publication date a date
without a year keeps an unknown year ("--11-05") and relative dates ("yesterday") stay unknown: never invented.

Default for an event whose claim has no date expression (:func:`default`): the week up to the publication date
(``start`` = published - 6 days, ``end`` = published, precision ``week``, no span) -- the event was reported then
and happened at or before it; ACLED's export turns this into time precision 2 at the midpoint.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from ...model import DateRange, Span
from ...text.sentences import doc_text
from .lexicon import forms, positions, word_hashes

if TYPE_CHECKING:
    from spacy.tokens import Doc

Parsed = tuple[str | None, str | None, str]  # start, end, precision

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MONTHS_EN = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# Ukrainian and Russian month stems (nominative and genitive forms share them).
_MONTHS_UK = ["січ", "лют", "берез", "квіт", "трав", "черв", "лип", "серп", "верес", "жовт", "листопад", "груд"]
_MONTHS_RU = ["январ", "феврал", "март", "апрел", "ма[йя]", "июн", "июл", "август", "сентябр", "октябр", "ноябр",
              "декабр"]
_MONTH_RE = "|".join([r"jan(?:uary)?\.?", r"feb(?:ruary)?\.?", r"mar(?:ch)?\.?", r"apr(?:il)?\.?", "may",
                      r"june?\.?", r"july?\.?", r"aug(?:ust)?\.?", r"sept?(?:ember)?\.?", r"oct(?:ober)?\.?",
                      r"nov(?:ember)?\.?", r"dec(?:ember)?\.?"] + [s + r"\w*" for s in _MONTHS_UK + _MONTHS_RU])
_WEEKDAYS = MappingProxyType({d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])})
_WEEKDAY_RE = "|".join(_WEEKDAYS)
_DURATION = re.compile(r"(?:about |over |more than |some |nearly |almost |the )?(?:\d+|[a-z-]+)\s+"
                       r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)(?:\s+old|\s+long)?")
#: Times of day, ages, decades and ranges are no event dates (and would cost a dateparser call).
_NOT_A_DATE = re.compile(r"\d:\d|\d\s*[ap]\.?m\b|\bnoon\b|midnight|year-old|years?-old|years? old|\d0s\b|"
                         r"^between\b|^\d{1,3}$|^\d+(?:\.\d+)?\s*(?:%|percent)|\bages?\b|century|decade")
_HAS_NAME = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)|"
                       r"[\u0400-\u04ff]")
_NUMWORDS = MappingProxyType({"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                              "a": 1, "several": 3, "few": 3, "a few": 3, "ten": 10})

#: Candidate expressions the small English model does not always tag as DATE.
CANDIDATE = re.compile(
    r"\b(?:yesterday|today|tonight|overnight|last\s+night|this\s+(?:morning|afternoon|evening)|"
    r"(?:on\s+)?(?:" + _WEEKDAY_RE + r")(?:\s+(?:morning|afternoon|evening|night))?|"
    r"(?:last|this|past)\s+(?:week|month|year|weekend)|"
    r"(?:in|over|during)\s+the\s+(?:past|last)\s+(?:day|24\s+hours|week|month|year|\w+\s+days)|"
    r"\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _MONTH_RE + r")(?:\s+\d{4})?|(?:" + _MONTH_RE + r")\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?:,?\s+\d{4})?|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|"
    r"вчора|учора|вчера|сьогодні|сегодня|вночі|ночью|минулого\s+тижня|на\s+прошлой\s+неделе)\b",
    re.IGNORECASE)


def find(doc: Doc, published: datetime | None, languages: Iterable[str] = ("en",)) -> list[DateRange]:
    """Every date expression of ``doc`` normalised against ``published`` (unparseable ones dropped)."""
    text = doc_text(doc)
    spans = {(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")}
    spans |= set(_candidates(doc, text))
    base = published.date() if published else None
    langs = tuple(languages)
    out = []
    for s, e in _outermost(spans):
        got = parse(text[s:e], base, langs)
        if got is not None:
            out.append(DateRange(got[0], got[1], got[2], Span.of(text, s, e)))
    return out


def _candidates(doc: Doc, text: str) -> Iterator[tuple[int, int]]:
    """Expressions the model may not tag, found by matching CANDIDATE only where a trigger word stands (the whole
    text is scanned only when it has Cyrillic letters)."""
    if _CYRILLIC.search(text):
        yield from ((m.start(), m.end()) for m in CANDIDATE.finditer(text))
        return
    arrays = forms(doc)
    idx = arrays.idx
    for i in positions(doc, _trigger_hashes()):
        for j in range(max(0, i - 3), i + 1):
            m = CANDIDATE.match(text, idx[j])
            if m is not None and m.end() > idx[i]:
                yield m.start(), m.end()
                break


@lru_cache(maxsize=1)
def _trigger_hashes() -> frozenset[int]:
    months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
              "dec", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec."]
    words = ["yesterday", "today", "tonight", "overnight", "night", "morning", "afternoon", "evening", "week",
             "month", "year", "weekend", "day", "hours", "ago", *_WEEKDAYS, *months]
    return word_hashes(words)


def default(published: datetime | None) -> DateRange:
    """The date of an event whose claim gives none (see the module docstring)."""
    if published is None:
        return DateRange(None, None, "unknown")
    day = published.date()
    return DateRange((day - timedelta(days=6)).isoformat(), day.isoformat(), "week")


def _outermost(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans not inside another (sorted by start, longest first: one sweep)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda p: (p[0], -p[1])):
        if out and s >= out[-1][0] and e <= out[-1][1]:
            continue
        out.append((s, e))
    return out


@lru_cache(maxsize=8192)
def parse(expr: str, base: date | None, languages: tuple[str, ...] = ("en",), future: bool = False) -> Parsed | None:
    """(start, end, precision) of one expression; None when it is no date (a duration, a time of day).
    ``future``: weekdays and year-less dates are read forwards from ``base`` (for what "will" happen)."""
    e = " ".join(expr.lower().split())
    e = re.sub(r"^(?:on|in|at|since|by|from|until|during|over)\s+", "", e)
    e = re.sub(r"^the\s+", "", e)
    got = _relative(e, base, future)
    if got is not None:
        return got
    if _DURATION.fullmatch(e) or _NOT_A_DATE.search(e):
        return None
    got = _absolute(e, base, future)
    if got is not None:
        return got
    if base is not None and len(e.split()) <= 5 and re.search(r"\d", e) and _HAS_NAME.search(e):
        return _dateparser(e, base, languages)
    return None


def _day(d: date) -> Parsed:
    return d.isoformat(), d.isoformat(), "day"


def _relative(e: str, base: date | None, future: bool = False) -> Parsed | None:
    """Deictic expressions: they need the publication date, else they stay unknown."""
    rel = _relative_offset(e, future)
    if rel is None:
        return None
    if base is None:
        return None, None, "unknown"
    return rel(base)


def _relative_offset(e: str, future: bool = False):  # type: ignore[no-untyped-def]
    word = re.sub(r"\s+(?:morning|afternoon|evening|night)$", "", e)
    if e in ("today", "tonight", "this morning", "this afternoon", "this evening", "earlier today", "сьогодні",
             "сегодня"):
        return _day
    if e in ("yesterday", "вчора", "учора", "вчера") or word == "yesterday":
        return lambda b: _day(b - timedelta(days=1))
    if e in ("overnight", "last night", "вночі", "ночью"):
        return lambda b: ((b - timedelta(days=1)).isoformat(), b.isoformat(), "day")
    wk = re.fullmatch(r"(?:(earlier|later|this|last|past|previous)\s+)?(" + _WEEKDAY_RE + ")", word)
    if wk:
        back = 7 if wk.group(1) in ("last", "past", "previous") else 0
        day = _WEEKDAYS[wk.group(2)]
        if future and not back:
            return lambda b: _day(b + timedelta(days=(day - b.weekday()) % 7))
        return lambda b: _day(b - timedelta(days=(b.weekday() - day) % 7 or back))
    mon = re.fullmatch(r"(last|this|next|past)\s+([a-z]+)", e)
    if mon and mon.group(2) in _FULL_MONTHS:
        return lambda b: _named_month(mon.group(1), _FULL_MONTHS_LIST.index(mon.group(2)) + 1, b)
    period = re.fullmatch(r"(last|this|past)\s+(week|month|year|weekend)", e) or \
        re.fullmatch(r"(past|last)\s+(day|24 hours|week|month|year|\w+(?: \w+)? days)", e)
    if period:
        return lambda b: _period(period.group(1), period.group(2), b)
    if e in ("минулого тижня", "на прошлой неделе"):
        return lambda b: _period("last", "week", b)
    ago = re.fullmatch(r"(\d+|\w+(?: \w+)?) days? ago", e)
    if ago and _count(ago.group(1)) is not None:
        return lambda b: _day(b - timedelta(days=_count(ago.group(1)) or 0))
    return None


def _named_month(which: str, month: int, b: date) -> Parsed:
    if which == "next":
        return _month(b.year + (1 if month <= b.month else 0), month)
    if which == "this":
        return _month(b.year, month)
    return _month(b.year - (1 if month >= b.month else 0), month)


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMWORDS.get(word)


def _period(which: str, unit: str, b: date) -> Parsed:
    if unit in ("day", "24 hours"):
        return (b - timedelta(days=1)).isoformat(), b.isoformat(), "day"
    if unit.endswith("days"):
        n = _count(unit[:-5].strip()) or 3
        return (b - timedelta(days=n)).isoformat(), b.isoformat(), "week" if n <= 10 else "month"
    if unit in ("week", "weekend"):
        if which == "past":
            return (b - timedelta(days=7)).isoformat(), b.isoformat(), "week"
        monday = b - timedelta(days=b.weekday())
        if which == "last":
            monday -= timedelta(days=7)
        if unit == "weekend":
            sat = monday + timedelta(days=5)
            return sat.isoformat(), (sat + timedelta(days=1)).isoformat(), "day"
        end = min(monday + timedelta(days=6), b)
        return monday.isoformat(), end.isoformat(), "week"
    if unit == "month":
        if which == "past":
            return (b - timedelta(days=30)).isoformat(), b.isoformat(), "month"
        first = b.replace(day=1)
        if which == "last":
            first = (first - timedelta(days=1)).replace(day=1)
            return _month(first.year, first.month)
        return first.isoformat(), b.isoformat(), "month"
    year = b.year - (1 if which == "last" else 0)
    return f"{year}-01-01", f"{year}-12-31", "year"


def _month(year: int | None, month: int) -> Parsed:
    if year is None:
        return f"--{month:02d}-01", f"--{month:02d}-{_days_in(month):02d}", "month"
    return f"{year}-{month:02d}-01", f"{year}-{month:02d}-{monthrange(year, month)[1]:02d}", "month"


def _days_in(month: int) -> int:
    return 29 if month == 2 else monthrange(2001, month)[1]


def _month_number(word: str) -> int | None:
    w = word.lower().rstrip(".")
    for i, stem in enumerate(_MONTHS_EN):
        if w.startswith(stem) and (len(w) == 3 or w in _FULL_MONTHS or w == "sept"):
            return i + 1
    for table in (_MONTHS_UK, _MONTHS_RU):
        for i, stem in enumerate(table):
            if re.match(stem, w):
                return i + 1
    return None


_FULL_MONTHS_LIST = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december"]
_FULL_MONTHS = frozenset(_FULL_MONTHS_LIST)
_DMY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([^\d\s,]+)(?:,?\s+(\d{4}))?")
_MDY = re.compile(r"([^\d\s,]+)\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")
_MY = re.compile(r"(?:early|mid|late|mid-|the end of|the beginning of|the start of)?\s*-?\s*([^\d\s,]+),?\s+(\d{4})")


def _absolute(e: str, base: date | None, future: bool = False) -> Parsed | None:
    """Day-month(-year), month-day(-year), month-year, year and numeric forms, without dateparser."""
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", e) or re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", e)
    if iso:
        g = iso.groups()
        y, mo, d = (int(g[0]), int(g[1]), int(g[2])) if len(g[0]) == 4 else (int(g[2]), int(g[1]), int(g[0]))
        return _ymd(y, mo, d, base)
    for rx, order in ((_DMY, "dmy"), (_MDY, "mdy")):
        m = rx.fullmatch(e)
        if m:
            day, mon = (m.group(1), m.group(2)) if order == "dmy" else (m.group(2), m.group(1))
            month = _month_number(mon)
            if month is not None:
                return _ymd(int(m.group(3)) if m.group(3) else None, month, int(day), base, future)
    m = _MY.fullmatch(e)
    if m and _month_number(m.group(1)):
        return _month(int(m.group(2)), _month_number(m.group(1)) or 1)
    part = re.fullmatch(r"(?:early|mid|late|end of|beginning of|start of)?\s*-?\s*([a-z]+)", e)
    if part:
        month = _month_number(part.group(1))
        if month is not None:
            return _month(_year_for(month, 1, base), month)
    if re.fullmatch(r"1\d{3}|20\d{2}", e):
        return f"{e}-01-01", f"{e}-12-31", "year"
    return None


def _year_for(month: int, day: int, base: date | None, future: bool = False) -> int | None:
    """The year of a year-less date: the latest one not after the publication date (the next one from it when
    ``future``); None without a publication date."""
    if base is None:
        return None
    try:
        candidate = date(base.year, month, min(day, _days_in(month)))
    except ValueError:
        return base.year
    if future:
        return base.year if candidate >= base else base.year + 1
    return base.year if candidate <= base + timedelta(days=1) else base.year - 1


def _ymd(year: int | None, month: int, day: int, base: date | None, future: bool = False) -> Parsed | None:
    if not (1 <= month <= 12 and 1 <= day <= _days_in(month)):
        return None
    year = year if year is not None else _year_for(month, day, base, future)
    if year is None:
        iso = f"--{month:02d}-{day:02d}"
        return iso, iso, "day"
    try:
        return _day(date(year, month, day))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _dateparser(expr: str, base: date, languages: tuple[str, ...]) -> Parsed | None:
    parser = _parser(languages, base)
    data = parser.get_date_data(expr)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    period = data.period or "day"
    if period == "month":
        return _month(d.year, d.month)
    if period == "year":
        return f"{d.year}-01-01", f"{d.year}-12-31", "year"
    if period == "week":
        monday = d - timedelta(days=d.weekday())
        return monday.isoformat(), (monday + timedelta(days=6)).isoformat(), "week"
    return _day(d)


@lru_cache(maxsize=64)
def _parser(languages: tuple[str, ...], base: date):  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser

    langs = [lang for lang in languages if lang in ("en", "uk", "ru")] or ["en"]
    return DateDataParser(languages=langs, settings={
        "RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False})
