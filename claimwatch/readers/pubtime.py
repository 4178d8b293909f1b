"""Publication times: a date-time string as found on a page or in a header, to a UTC instant.

Reads one string (``"2024-03-05T14:30:00+02:00"``, ``"5 March 2024, 14:30 EEST"``, ``"05.03.2024 14:30
(Kyiv time)"``, ``"5 березня 2024, 14:30 за київським часом"``); writes a timezone-aware UTC ``datetime`` or None.
Time zones are honoured (numeric offsets, abbreviations such as EET/EEST/MSK/CET, named local times such as
"Kyiv time" or "Moscow time" with their daylight saving rules); a time without a zone is taken as UTC. A string
without a year is refused (None) rather than given an invented year, and so are relative expressions ("2 hours
ago"). An impossible zone (``+99:99``, ``UTC+99``, ``+25:00``) makes the instant unknown (None), and so does
anything else that goes wrong: a date string never stops ingest. Strings longer than ``MAX_CHARS`` (after
collapsing whitespace) are not dates. Used by ingest once per article, never per token.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

#: Longer strings (whitespace collapsed) are not publication times; the regexes below never see them.
MAX_CHARS = 200
#: Offsets from UTC beyond this are impossible (real zones span -12:00 to +14:00).
MAX_OFFSET = timedelta(hours=18)

#: Abbreviations with a fixed offset from UTC (hours). The abbreviation says which offset applied.
ABBREVIATIONS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "MSD": 4, "FET": 3, "TRT": 3, "SAMT": 4, "YEKT": 5, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "МСК": 3,
}
#: Named local times: the zone's own rules decide the offset on that day.
_NAMED = (
    (r"kyiv|kiev|ukrainian|ukraine|київ\w*|киев\w*|києв\w*", "Europe/Kyiv"),
    (r"moscow|московськ\w*|московск\w*|москв\w*", "Europe/Moscow"),
    (r"minsk|мінськ\w*|минск\w*", "Europe/Minsk"),
    (r"london|uk|british", "Europe/London"),
    (r"central european|berlin|paris|brussels|warsaw", "Europe/Berlin"),
    (r"eastern european", "Europe/Bucharest"),
    (r"washington|new york|eastern", "America/New_York"),
)
_NAMED_RES = tuple((re.compile(p, re.IGNORECASE), zone) for p, zone in _NAMED)

_WORD = r"(?<![\w'’.-])(?!(?:am|pm|a\.m\.|p\.m\.)(?:\s|$))[^\W\d_][\w.'’-]*"
_TZ_PATTERN = re.compile(
    rf"""[\s,]*\(?\s*(?:
        (?P<named>(?:{_WORD}\s+){{0,3}}(?:time|час|часом|часу|времени|время)
              |(?:за|по)\s+{_WORD}\s+(?:часом|времени))
      | (?P<prefix>UTC|GMT)\s*(?P<poff>[+\-−]\s*\d{{1,2}}(?::?\d{{2}})?)?
      | (?P<off>[+\-−]\d{{2}}:?\d{{2}})
      | (?P<abbr>\b[A-ZА-Я]{{1,5}}\b)
    )\s*\)?\.?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_PREFIX = re.compile(r"^(?:(?:first |last )?(?:published|posted|updated|date|опубліковано|опубликовано|оновлено|"
                     r"обновлено|дата)\s*(?:on|at|:)?\s*:?\s*)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|2\d\d\d)(?!\d)")
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ISO_OFFSET = re.compile(r"T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2}:?\d{2}$")
_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
}


class _BadZone(ValueError):
    """A time-zone expression that names no possible offset."""


def parse_published(value: str | None, languages: tuple[str, ...] = ("en", "uk", "ru")) -> datetime | None:
    """The UTC instant ``value`` names, or None when it cannot be read as a full date (never an exception)."""
    if not value or not value.strip():
        return None
    s = _PREFIX.sub("", " ".join(value.split()))
    if len(s) > MAX_CHARS:
        return None
    try:
        found = _parse(s, languages)
        return None if found is None else _as_utc(found)
    except _BadZone:
        return None
    except Exception as exc:  # noqa: BLE001 - dateparser and datetime raise assorted errors on odd input
        log.debug("publication time %r not understood: %s: %s", s, type(exc).__name__, exc)
        return None


def _parse(s: str, languages: tuple[str, ...]) -> datetime | None:
    return _iso(s) or _rfc2822(s) or _free_text(s, languages)


def _as_utc(found: datetime) -> datetime:
    if found.tzinfo is None:
        return found.replace(tzinfo=UTC)
    offset = found.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET:
        raise _BadZone(str(offset))
    return found.astimezone(UTC)


def from_timestamp(value: float) -> datetime | None:
    """A Unix timestamp (seconds) as a UTC datetime; None when it is not finite or past the years 1..9999."""
    if not math.isfinite(value):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _iso(s: str) -> datetime | None:
    if not _ISO_LIKE.match(s):
        return None
    candidate = s.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", s) else s
    try:
        return datetime.fromisoformat(candidate.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        if _ISO_OFFSET.search(candidate):  # a well-formed time with an impossible offset: unknown, not naive
            raise _BadZone(candidate) from None
        return None


def _rfc2822(s: str) -> datetime | None:
    if not re.match(r"^(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{1,2}:\d{2}", s):
        return None
    try:
        return parsedate_to_datetime(s)
    except (TypeError, ValueError):
        return None


def _free_text(s: str, languages: tuple[str, ...]) -> datetime | None:
    if not _YEAR.search(s):
        return None
    zone, rest = split_zone(s)
    if zone is None and _ISO_LIKE.match(rest):
        return _iso(rest)
    naive = _dateparse(rest, languages)
    if naive is None:
        return None
    return naive.replace(tzinfo=zone)


def split_zone(s: str) -> tuple[tzinfo | None, str]:
    """A trailing time-zone expression of ``s`` as a tzinfo, and ``s`` without it (``_BadZone`` when the
    expression names an impossible offset)."""
    m = _TZ_PATTERN.search(s)
    if not m:
        return None, s
    zone = _zone(m)
    if zone is None:
        return None, s
    return zone, s[: m.start()].rstrip(" ,(")


def _zone(m: re.Match[str]) -> tzinfo | None:
    if m.group("named"):
        return _named_zone(m.group("named"))
    if m.group("prefix"):
        off = m.group("poff")
        return _offset(off) if off else UTC
    if m.group("off"):
        return _offset(m.group("off"))
    abbr = m.group("abbr")
    if abbr.isupper() and abbr.upper() in ABBREVIATIONS:
        return timezone(timedelta(hours=ABBREVIATIONS[abbr]))
    return None


def _named_zone(text: str) -> tzinfo | None:
    for pattern, zone in _NAMED_RES:
        if pattern.search(text):
            return _zoneinfo(zone)
    return None


@lru_cache(maxsize=16)
def _zoneinfo(name: str) -> tzinfo | None:
    for candidate in (name, name.replace("Kyiv", "Kiev")):
        try:
            return ZoneInfo(candidate)
        except ZoneInfoNotFoundError:
            continue
    return None


def _offset(text: str) -> tzinfo:
    t = text.replace("−", "-").replace(" ", "")
    sign = -1 if t.startswith("-") else 1
    digits = t[1:].replace(":", "")
    hours = int(digits[:-2] if len(digits) > 2 else digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    offset = timedelta(hours=hours, minutes=minutes)
    if minutes >= 60 or offset > MAX_OFFSET:
        raise _BadZone(text)
    return timezone(sign * offset)


def _dateparse(s: str, languages: tuple[str, ...]) -> datetime | None:
    import dateparser

    langs = [code for code in languages if code in ("en", "uk", "ru")] or ["en"]
    try:
        return dateparser.parse(s, languages=langs, settings=_DATEPARSER_SETTINGS)
    except (ValueError, OverflowError, TypeError):
        return None
