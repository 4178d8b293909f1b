"""The workbench's filters, page sizes and page cursors, parsed from strings (HTTP query parameters, CLI flags).

Reads ``(name, value)`` string pairs; writes one :class:`Filters` record, or raises :class:`FilterError` (a
``ValueError``) that names the parameter and says what it accepts. Every value is checked here, before any SQL
is built: enums against their members, numbers and dates parsed strictly, free text bounded in length and free
of control characters. Filter values only ever reach SQL as bound parameters.

A cursor is opaque to its user: URL-safe base64 of a JSON list ``[kind, sort value, id]``, the sort key of the
last row of a page (keyset pagination: the next page is "rows after this key", never an OFFSET).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal

from ..model import ClaimKind, Status
from ..text.safe import has_controls

#: page size when none is asked for, and the most one page may hold
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: the longest free-text value accepted (``q`` has its own bound)
MAX_TEXT = 200
MAX_QUERY = 500
MAX_CURSOR = 300

DateBasis = Literal["published", "event"]


class FilterError(ValueError):
    """A filter, limit or cursor value that cannot be used; the message names the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True, slots=True)
class BBox:
    """A bounding box in degrees (``west`` > ``east``: it crosses the antimeridian)."""

    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True, slots=True)
class Filters:
    """What the workbench's lists, map and timeline are narrowed to; every field None means everything.

    Claim filters (``status``, ``kind``, ``actor``, ``side``, ``outlet``, ``language``, ``q``, ``article``)
    apply to claims; a story passes when one of its claims does. Event filters (``event_type``, ``sub_type``,
    ``place``, ``admin1``, ``country``, ``bbox``) apply to one of a claim's events (to the story's own event,
    place and dates for stories). ``since``/``until`` (inclusive days, UTC) apply to the publication time of the
    article (``dates="published"``) or to the event's date range (``dates="event"``: overlapping it).
    """

    event_type: str | None = None  #: ACLED event type, e.g. "Battles"
    sub_type: str | None = None  #: e.g. "Armed clash"
    status: str | None = None  #: claim status: asserted, claimed, hedged, unconfirmed, denied, confirmed, retracted
    kind: str | None = None  #: direct, indirect, mixed, outlet
    verdict: str | None = None  #: the verdict of the claim's story
    actor: str | None = None  #: actor registry id: the claim's source, or an event's actor1/actor2
    side: str | None = None  #: the party the claim counts for in its story ("russia", "ukraine")
    outlet: str | None = None  #: outlet name or registry key
    language: str | None = None  #: ISO 639-1 code of the article
    place: int | None = None  #: GeoNames id: that place; a first-order region or country: anywhere inside it
    admin1: str | None = None  #: first-order region name, as in the place records ("Kharkiv Oblast")
    country: str | None = None  #: ISO 3166-1 alpha-2
    bbox: BBox | None = None
    since: date | None = None
    until: date | None = None
    dates: DateBasis = "published"
    q: str | None = None  #: full-text search over claim content (every word must occur)
    article: int | None = None  #: one article's claims


FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Filters))
_TEXT_FIELDS = ("event_type", "sub_type", "actor", "side", "outlet", "language", "admin1")


def parse_filters(pairs: Iterable[tuple[str, str]], *, ignore: Collection[str] = ()) -> Filters:
    """The :class:`Filters` named by ``pairs``; names in ``ignore`` are skipped (a route's own parameters).

    An unknown name, a name given twice or a bad value raises :class:`FilterError`; empty values are unset.
    """
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in ignore:
            continue
        if name not in FILTER_NAMES:
            raise FilterError(_inert(name), f"unknown parameter (filters: {', '.join(FILTER_NAMES)})")
        if name in values:
            raise FilterError(name, "given more than once")
        values[name] = value
    parsed: dict[str, Any] = {}
    for name, value in values.items():
        value = value.strip()
        if value:
            parsed[name] = _parse(name, value)
    filters = Filters(**parsed)
    if filters.since and filters.until and filters.since > filters.until:
        raise FilterError("since", f"{filters.since} is after until {filters.until}")
    return filters


def _parse(name: str, value: str) -> Any:
    if name in _TEXT_FIELDS:
        return _text(name, value, MAX_TEXT)
    if name == "q":
        return _text(name, value, MAX_QUERY)
    if name == "status":
        return _member(name, value, [s.value for s in Status])
    if name == "kind":
        return _member(name, value, [k.value for k in ClaimKind])
    if name == "verdict":
        from ..link.verdict import VerdictLabel

        return _member(name, value, [v.value for v in VerdictLabel])
    if name == "dates":
        return _member(name, value, ["published", "event"])
    if name in ("place", "article"):
        return _int(name, value, 1, 2**31 - 1)
    if name == "country":
        if len(value) != 2 or not value.isascii() or not value.isalpha():
            raise FilterError(name, "expected an ISO 3166-1 alpha-2 code such as UA")
        return value.upper()
    if name in ("since", "until"):
        return _day(name, value)
    if name == "bbox":
        return parse_bbox(value)
    raise FilterError(name, "unknown parameter")  # pragma: no cover - FILTER_NAMES and this list agree


def _inert(text: str) -> str:
    """``text`` cut short with control characters shown escaped (it is echoed in error messages)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:60])


def _text(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise FilterError(name, f"longer than {limit} characters")
    if has_controls(value):
        raise FilterError(name, "contains control characters")
    return value


def _member(name: str, value: str, allowed: list[str]) -> str:
    if value not in allowed:
        raise FilterError(name, f"{_inert(value)!r} is not one of: {', '.join(allowed)}")
    return value


def _int(name: str, value: str, low: int, high: int) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise FilterError(name, f"expected a whole number, got {_inert(value)!r}")
    number = int(value)
    if not low <= number <= high:
        raise FilterError(name, f"{number} is outside {low}..{high}")
    return number


def _day(name: str, value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(name, f"expected a day as YYYY-MM-DD, got {_inert(value)!r}") from None


def parse_bbox(value: str) -> BBox:
    """``"W,S,E,N"`` in degrees; ``W > E`` is a box across the antimeridian."""
    parts = value.split(",")
    if len(parts) != 4:
        raise FilterError("bbox", "expected four numbers W,S,E,N")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise FilterError("bbox", f"expected four numbers W,S,E,N, got {_inert(value)!r}") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise FilterError("bbox", "coordinates must be finite numbers")
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise FilterError("bbox", "need -180 <= W, E <= 180 and -90 <= S <= N <= 90")
    return BBox(west, south, east, north)


def parse_limit(value: str | int | None, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    """A page size from 1 to ``maximum`` (``default`` when not given)."""
    if value is None or value == "":
        return default
    return _int("limit", str(value).strip(), 1, maximum)


# ---------------------------------------------------------------------------------------------- cursors


def encode_cursor(kind: str, value: str | None, last: int | str) -> str:
    """The opaque cursor after a row whose sort key is ``(value, last)``."""
    raw = json.dumps([kind, value, last], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def decode_cursor(cursor: str, kind: str, key: type = int) -> tuple[str | None, Any]:
    """``(sort value, id)`` out of a cursor of ``kind`` whose ids are of type ``key`` (int, or str for story
    ids); :class:`FilterError` for anything else."""
    if len(cursor) > MAX_CURSOR or not cursor.isascii():
        raise FilterError("cursor", "not a cursor of this list")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise FilterError("cursor", "not a cursor of this list") from None
    if not (isinstance(data, list) and len(data) == 3 and data[0] == kind):
        raise FilterError("cursor", "not a cursor of this list")
    _, value, last = data
    if value is not None and not isinstance(value, str):
        raise FilterError("cursor", "not a cursor of this list")
    if key is int and (isinstance(last, bool) or not isinstance(last, int) or not 0 <= last < 2**62):
        raise FilterError("cursor", "not a cursor of this list")
    if key is str and not (isinstance(last, str) and _KEY.fullmatch(last)):
        raise FilterError("cursor", "not a cursor of this list")
    return value, last
