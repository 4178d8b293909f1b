"""ACLED-style CSV export (``--format acled-csv``): one row per reported event, ACLED's 2023+ columns in order,
then claimwatch's own (claim status, claim source, story, verdict, evidence offsets).

Reads :class:`~claimwatch.model.Extraction` records; writes CSV that ACLED loaders read unchanged. Rules followed:

- Events in ACLED's vocabulary become rows; claimwatch's war-reporting extensions (casualties, equipment losses,
  prisoners) fold into an ACLED event of the same claim when there is one (their deaths count as its fatalities),
  else they are rows of "Strategic developments"/"Other" (recruitment calls: "Change to group/activity") tagged
  ``claimwatch:<sub-type>``, with fatalities 0 and any claimed toll in the notes (a tally is no event). Statements, disasters and crime have no ACLED counterpart and are left out;
  so are negated ("failed to take") and hypothetical ("will soon move") events, which did not happen as told.
- ``time_precision`` 1 = a day, 2 = a week, 3 = a month or longer, ``event_date`` the midpoint of the range. Events
  with no usable date (no publication date to anchor "yesterday", an unknown year) are skipped.
- ``geo_precision`` 1 = the town, 2 = near a place or part of a region (a district), 3 = a region or country; the
  location columns come from ``event.place`` when the geoparser set it, else stay empty.
- ACLED codes events, not reports: the claims of one linked story (``claimwatch link``; for claims not linked
  yet, the same sub-event type, date range and resolved place) form one row, with the story's id and verdict in
  the ``story`` and ``verdict`` columns: sources joined with ``;``, their scales with ``-``, the most conservative death toll in ``fatalities`` and
  the dispute in ``notes``. Vague counts follow ACLED: "dozens" = 12, "tens" = 10, "hundreds" = 100.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TextIO
from urllib.parse import urlparse

from ..actors import ActorRegistry, load_registry
from ..extract.events.classify import territory_sub_type
from ..extract.events.lexicon import ACLED_TYPES
from ..model import ActorRef, Article, Claim, Event, Extraction, Precision
from ..settings import Options
from . import acled_geo

log = logging.getLogger(__name__)

ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp")
CLAIMWATCH_COLUMNS = ("claim_status", "claim_source", "story", "verdict", "evidence")
COLUMNS = ACLED_COLUMNS + CLAIMWATCH_COLUMNS

_FOLDED = {"Casualties", "Equipment loss", "Prisoners"}
_LEFT_OUT = {"Statement/press conference", "Disaster", "Crime"}
_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
#: ACLED's geo_precision code of each place precision ("other": by feature class, in _geo_precision)
_GEO_PRECISION = {Precision.SETTLEMENT: 1, Precision.DISTRICT: 2, Precision.REGION: 3, Precision.COUNTRY: 3,
                  Precision.CONTINENT: 3}
_NEAR = ("near ", "outskirts of ", "outside ", "around ", "close to ", "vicinity of ", "north of ", "south of ",
         "east of ", "west of ", "area of ", "direction of ")


def disorder_type(event_type: str, sub_type: str) -> str:
    if sub_type == "Excessive force against protesters":
        return "Political violence; Demonstrations"
    if sub_type == "Mob violence" or event_type in ("Battles", "Explosions/Remote violence",
                                                   "Violence against civilians"):
        return "Political violence"
    if event_type in ("Protests", "Riots"):
        return "Demonstrations"
    return "Strategic developments"


@dataclass(slots=True)
class _Report:
    """One claim's report of an event, with what it folds in."""

    article: Article
    claim: Claim
    event: Event
    folded: list[Event] = field(default_factory=list)
    event_type: str = "Strategic developments"
    sub_type: str = "Other"

    @property
    def killed(self) -> float | None:
        """This report's death toll (conservative bound of each count, summed), None when it gives none."""
        bounds = [q.lower if q.lower is not None else q.value if q.value is not None else q.upper
                  for e in (self.event, *self.folded) for q in e.quantities
                  if q.kind == "killed" and q.unit == "people"]
        counts = [c for c in bounds if c is not None]
        return sum(counts) if counts else None


def write(extractions: Iterable[Extraction], out: TextIO, options: Options) -> int:
    """Write the ACLED CSV; returns the number of rows."""
    registry = load_registry(options.actors or None)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    stories: dict[str, list[_Report]] = {}
    for ex in extractions:
        for report in _reports(ex, registry):
            stories.setdefault(_story_key(report), []).append(report)
    n = 0
    for key, reports in stories.items():
        row = _row(key, reports, registry)
        if row is not None:
            writer.writerow(row)
            n += 1
    return n


def _reports(ex: Extraction, registry: ActorRegistry) -> Iterator[_Report]:
    for claim in ex.claims:
        live = [e for e in claim.events if not (e.negated or e.hypothetical) and e.type not in _LEFT_OUT]
        main = [e for e in live if e.sub_type in ACLED_TYPES]
        extra = [e for e in live if e.sub_type not in ACLED_TYPES]
        if main:
            folded = [e for e in extra if e.type in _FOLDED]
            for i, ev in enumerate(main):
                yield _typed(_Report(ex.article, claim, ev, folded if i == 0 else []), registry)
            extra = [e for e in extra if e.type not in _FOLDED]
        for ev in extra:
            yield _typed(_Report(ex.article, claim, ev), registry)


def _typed(r: _Report, registry: ActorRegistry) -> _Report:
    """ACLED event and sub-event type (territory retyped by the place's country once it is known)."""
    ev = r.event
    sub = territory_sub_type(ev, registry) or "Other"
    if sub in ACLED_TYPES:
        r.event_type, r.sub_type = ACLED_TYPES[sub], sub
    elif ev.type == "Recruitment/mobilisation call":
        r.event_type, r.sub_type = "Strategic developments", "Change to group/activity"
    return r


def _story_key(r: _Report) -> str:
    """Reports of one event share a key: the linked story of their claim (``claimwatch link``); for claims not
    linked, the same type, date range and resolved place; else each is its own."""
    if r.claim.story:
        return r.claim.story
    ev = r.event
    place = ev.place.place if ev.place is not None else None
    where = (place.geonameid or place.name) if place is not None else None
    if where is None or ev.date is None or ev.date.start is None:
        basis = f"{r.article.id}|{r.article.url}|{r.article.content_hash}|{ev.trigger.start}|{ev.sub_type}"
    else:
        basis = f"{r.sub_type}|{ev.date.start}|{ev.date.end}|{where}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


def _row(key: str, reports: list[_Report], registry: ActorRegistry) -> list[str] | None:
    first = reports[0]
    ev = first.event
    dates = _date_columns(ev)
    if dates is None:
        log.info("acled-csv: skipped an event without a usable date (%s)", ev.trigger.text)
        return None
    event_type, sub_type = first.event_type, first.sub_type
    place = ev.place.place if ev.place is not None else None
    country = place.country if place is not None else None
    a1, a2 = _actors(ev, event_type, sub_type, country, registry)
    inter1, inter2 = a1[1], a2[1]
    fatal, dispute = _fatalities(reports)
    if disorder_type(event_type, sub_type) == "Strategic developments" and fatal:
        # a tally claim ("the enemy lost 1,230 soldiers over the past day") is no violent event: ACLED sums of
        # fatalities must not count it; the claimed toll stays in the notes
        dispute = f"Claimed toll: {fatal} (not counted: not a violent event). {dispute}".strip()
        fatal = 0
    return [
        f"{acled_geo.iso3(country)}{int(key.lstrip('s'), 16) % 10**9}", dates[0], dates[1], str(dates[2]),
        disorder_type(event_type, sub_type), event_type, sub_type,
        a1[0], "", _int(inter1), a2[0], "", _int(inter2), _interaction(inter1, inter2),
        "Civilian targeting" if inter2 == 7 and event_type != "Protests" else "",
        acled_geo.iso_numeric(country), acled_geo.region(country), acled_geo.country_name(country),
        (place.admin1 or "") if place is not None else "", "", "", place.name if place is not None else "",
        _coord(place.lat if place else None), _coord(place.lon if place else None),
        _geo_precision(ev, first.article.text),
        "; ".join(dict.fromkeys(_source(r.article) for r in reports)),
        "-".join(dict.fromkeys(_scale(r.article) for r in reports)),
        _notes(reports, dates[0], dispute), str(fatal),
        "; ".join(dict.fromkeys(f"claimwatch:{r.event.sub_type}" for r in reports)),
        str(max((int(r.article.published.timestamp()) for r in reports if r.article.published), default=0)),
        "; ".join(dict.fromkeys(r.claim.status.value for r in reports)),
        "; ".join(dict.fromkeys(_claimant(r.claim) for r in reports)),
        key,
        "; ".join(dict.fromkeys(r.claim.verdict for r in reports if r.claim.verdict)),
        "; ".join(_evidence(r) for r in reports),
    ]


def _date_columns(ev: Event) -> tuple[str, str, int] | None:
    """(event_date, year, time_precision): the midpoint of the range, ACLED's precision code."""
    d = ev.date
    if d is None or not d.start or not d.end or d.start.startswith("--") or d.precision not in _PRECISION:
        return None
    start, end = date.fromisoformat(d.start), date.fromisoformat(d.end)
    mid = start + timedelta(days=(end - start).days // 2)
    precision = _PRECISION[d.precision] if (end - start).days > 1 or d.precision != "day" else 1
    return mid.isoformat(), str(mid.year), precision


def _actors(ev: Event, event_type: str, sub_type: str, country: str | None,
            registry: ActorRegistry) -> tuple[tuple[str, int], tuple[str, int]]:
    """(name, inter) for actor1 and actor2, with ACLED's generic actors where the text names none."""
    where = f" ({acled_geo.country_name(country)})" if country else ""
    a1 = _actor(ev.actor1, country, registry)
    a2 = _actor(ev.actor2, country, registry)
    if a1 is None:
        if event_type == "Protests":
            a1 = (f"Protesters{where}", 6)
        elif event_type == "Riots":
            a1 = (f"Rioters{where}", 5)
        elif event_type in ("Battles", "Explosions/Remote violence", "Violence against civilians"):
            a1 = (f"Unidentified Armed Group{where}", 3)
        else:
            a1 = ("", 0)
    if a2 is None and event_type == "Violence against civilians":
        a2 = (f"Civilians{where}", 7)
    return a1, a2 or ("", 0)


_GROUP_WORDS = (({"civilian", "civilians", "resident", "residents", "villager", "villagers", "people", "children",
                  "women", "family", "families", "passengers", "worker", "workers", "journalist", "journalists"},
                 "Civilians", 7),
                ({"protester", "protesters", "demonstrator", "demonstrators", "activists"}, "Protesters", 6),
                ({"rioter", "rioters", "mob"}, "Rioters", 5),
                ({"rebel", "rebels", "insurgent", "insurgents", "partisan", "partisans", "guerrilla", "guerrillas",
                  "separatist", "separatists"}, "", 2),
                ({"militia", "militias", "militiamen", "gunmen", "gunman", "militant", "militants", "saboteurs",
                  "fighters", "group"}, "", 3),
                ({"army", "troops", "soldiers", "forces", "military", "police", "servicemen", "battalion",
                  "brigade", "regiment", "division", "unit", "units", "guard", "guards", "marines"}, "", 1))


def _actor(ref: ActorRef | None, country: str | None, registry: ActorRegistry) -> tuple[str, int] | None:
    if ref is None:
        return None
    actor = registry.get(ref.actor_id)
    if actor is not None:
        if actor.kind == "person":
            actor = registry.acting_for(actor)
        inter = actor.inter
        if inter == 1 and actor.country and country and actor.country != country:
            inter = 8  # a state force acting outside its own country: ACLED's external forces
        return actor.acled_name or actor.name, inter
    words = set(ref.name.lower().split())
    for group, generic, inter in _GROUP_WORDS:
        if words & group:
            name = f"{generic} ({acled_geo.country_name(country)})" if generic and country else generic or ref.name
            return name, inter
    return ref.name, 0


def _int(inter: int) -> str:
    return str(inter)


def _interaction(a: int, b: int) -> str:
    """ACLED's interaction code: the two inter codes, lower first (a lone actor: its code then 0)."""
    if not a and not b:
        return ""
    if not b or not a:
        return f"{a or b}0"
    lo, hi = sorted((a, b))
    return f"{lo}{hi}"


def _coord(v: float | None) -> str:
    return f"{v:.4f}" if v is not None else ""


def _geo_precision(ev: Event, text: str) -> str:
    mention = ev.place
    if mention is None or mention.place is None:
        return ""
    fallback = 2 if mention.place.feature_class != "P" else 1
    precision = _GEO_PRECISION.get(mention.precision, fallback) if mention.precision else fallback
    if precision == 1 and _near(ev, text):
        precision = 2
    return str(precision)


def _near(ev: Event, text: str) -> bool:
    if ev.place is None:
        return False
    before = text[max(0, ev.place.span.start - 20):ev.place.span.start].lower()
    return any(before.endswith(w) or w in before for w in _NEAR)


def _source(article: Article) -> str:
    if article.outlet:
        return article.outlet
    if article.url:
        return urlparse(article.url).netloc.removeprefix("www.") or article.url
    return article.title or "Unknown source"


def _scale(article: Article) -> str:
    host = urlparse(article.url).netloc.lower() if article.url else ""
    return "New media" if host.endswith(("t.me", "telegram.org", "x.com", "twitter.com", "facebook.com",
                                         "youtube.com", "vk.com")) else "Other"


def _claimant(claim: Claim) -> str:
    return claim.source.name if claim.source is not None else "(outlet)"


def _fatalities(reports: list[_Report]) -> tuple[int, str]:
    """The most conservative toll over the reports that give one, and a note when they disagree."""
    tolls = [(r.killed, r) for r in reports if r.killed is not None]
    if not tolls:
        return 0, ""
    low = int(min(t for t, _ in tolls))
    if len({t for t, _ in tolls}) > 1:
        told = "; ".join(f"{int(t)} according to {_claimant(r.claim)} ({_source(r.article)})" for t, r in tolls)
        return low, f"Fatalities disputed: {told}; the lowest is coded."
    return low, ""


def _notes(reports: list[_Report], event_date: str, dispute: str) -> str:
    day = date.fromisoformat(event_date)
    parts = []
    for r in reports:
        text = " ".join(r.claim.content.text.split()).strip(" \"“”'")
        who = "" if r.claim.source is None else f" ({_claimant(r.claim)}, {r.claim.status.value})"
        parts.append(f"{text[:400]}{who}")
    flags = "" if not any(_near(r.event, r.article.text) for r in reports) else " [near the location]"
    note = f"On {day.day} {day:%B} {day.year}, " + " | ".join(dict.fromkeys(parts)) + flags
    return f"{note} {dispute}".strip()


def _evidence(r: _Report) -> str:
    """Where the report is: article id (else content hash prefix), content and trigger offsets."""
    art = str(r.article.id) if r.article.id is not None else r.article.content_hash[:12]
    c, t = r.claim.content, r.event.trigger
    return f"{art}:{c.start}-{c.end}@{t.start}-{t.end}"


__all__ = ["ACLED_COLUMNS", "CLAIMWATCH_COLUMNS", "COLUMNS", "disorder_type", "write"]
