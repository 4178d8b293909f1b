"""A synthetic store for linking benchmarks: extraction records built directly, without the spaCy pipeline.

Reads the gazetteer index (real Ukrainian and Russian towns with their coordinates and regions), the bundled
outlets registry (outlets and their domains, for article URLs) and the actor registry (parties' bodies with
their sides). Writes :class:`~claimwatch.model.Extraction` records shaped like the pipeline's output: articles
of about ten claims, ~60% of them reporting an event (type, sub-type, a place, a date, actors, figures), the rest
claims of a named claimant with no event or the outlet's own background sentences; every span points into the
article's text. Events fall on ~200 towns over one year (``days``) and are reported 1 to 6 times each, by different
outlets on the day of the event or up to two days later; ~5% of articles are wire copies of an earlier one.
Contents come from templates with varied wording (towns, figures, targets, dates), so their embeddings differ.

    world = World.make(seed=1, towns=load_towns(options))
    for extraction in world.articles(10_000): store.save(extraction)
    for extraction in world.later_articles(1_000): ...   # the last weeks: half of it about known events
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from claimwatch.actors import load_registry
from claimwatch.geo.regions import distance_km
from claimwatch.model import (
    ActorRef,
    Article,
    Claim,
    ClaimKind,
    DateRange,
    Event,
    Extraction,
    Place,
    PlaceMention,
    Polarity,
    Precision,
    Quantity,
    Source,
    Span,
    Status,
)
from claimwatch.outlets import load_outlets
from claimwatch.settings import Options

FIRST_DAY = date(2024, 1, 1)
DAYS = 365  #: the span of the synthetic news, by default
VERSION = "bench-synthetic"
#: Ukrainian regions the events fall in (front line, border and the cities most often struck)
UA_REGIONS = ("Kharkiv Oblast", "Donetsk Oblast", "Zaporizhzhia Oblast", "Dnipro Oblast", "Kherson Oblast",
              "Sumy Oblast", "Mykolaiv Oblast", "Odesa Oblast", "Kyiv", "Kyiv Oblast", "Chernihiv Oblast",
              "Luhansk Oblast", "Poltava Oblast")
RU_REGIONS = ("Belgorod Oblast", "Kursk Oblast", "Bryansk Oblast")
#: towns closer than this to a larger one are left out
APART_KM = 10.0
_SLOT = re.compile(r"\{(\w+)\}|<([^>]+)>")


@dataclass(frozen=True, slots=True)
class Town:
    place: Place
    side: str  #: the party whose territory it is


@dataclass(frozen=True, slots=True)
class Kind:
    """An event type as the templates tell it."""

    type: str
    sub_type: str
    templates: tuple[str, ...]  #: ``{a1}`` attacker, ``{town}``, ``{when}``, ``{n}``, ``{target}``, ``<trigger>``
    unit: str | None = None  #: of ``{n}``
    quantity: str = "other"
    weight: float = 1.0


KINDS = (
    Kind("Explosions/Remote violence", "Shelling/artillery/missile attack", (
        "{a1} forces <shelled> {town} {when}, damaging {n} homes",
        "{a1} artillery <hit> {town} {when} and damaged {n} houses",
        "{town} came under {a1} <shelling> {when}; {n} buildings were damaged",
        "a {a1} <missile strike> on {town} {when} damaged {n} residential buildings and {target}",
        "{a1} troops <fired> on {town} with rocket launchers {when}, hitting {target}"), "building", "other", 3),
    Kind("Explosions/Remote violence", "Air/drone strike", (
        "a {a1} <drone> struck {target} in {town} {when}",
        "{a1} forces launched {n} attack <drones> at {town} {when}, hitting {target}",
        "{target} in {town} was hit by a {a1} <glide bomb> {when}",
        "{a1} aircraft dropped {n} guided <bombs> on {town} {when}"), "drone", "munitions", 3),
    Kind("Battles", "Armed clash", (
        "{a1} units <repelled> {n} assaults near {town} {when}",
        "heavy <fighting> continued near {town} {when} as {a1} troops held their positions",
        "{a1} forces <clashed> with {a2} assault groups on the outskirts of {town} {when}",
        "{n} {a2} attacks near {town} were <beaten back> {when}"), "attack", "other", 2),
    Kind("Casualties", "Civilian casualties", (
        "{n} civilians were <killed> in {town} {when}",
        "{n} people were <wounded> when {a1} shells hit {town} {when}",
        "{n} residents of {town} <died> after {target} was struck {when}"), "people", "killed", 2),
    Kind("Strategic developments", "Disrupted weapons use", (
        "air defences <shot down> {n} {a1} drones over {town} {when}",
        "{n} {a1} missiles were <intercepted> near {town} {when}",
        "air defence units <destroyed> {n} {a1} drones approaching {town} {when}"), "drone", "munitions", 2),
    Kind("Battles", "Non-state actor overtakes territory", (
        "{a1} forces <took control of> {town}",
        "{a1} troops <captured> the settlement of {town} {when}",
        "{a1} assault units <entered> {town} and raised a flag over it {when}"), None, "other", 0.7),
)
TARGETS = ("an apartment block", "a power substation", "a school", "a railway depot", "a grain warehouse",
           "a hospital", "a petrol station", "private houses", "a shopping centre", "a gas pipeline",
           "an industrial site", "a bridge", "a church", "a kindergarten", "farm buildings")
WHEN = ("overnight", "on {weekday}", "early on {weekday}", "late on {weekday}", "in the morning of {day}",
        "on {day}", "on the night of {day}", "in the afternoon of {day}")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: claimants of each side: (registry id or None, how an article names them)
CLAIMANTS = {
    "ukraine": ((None, "the regional governor"), ("ua-air-force", "Ukraine's Air Force"),
                ("ua-general-staff", "the General Staff"), (None, "local authorities"),
                ("ua-mod", "Ukraine's Ministry of Defence"), (None, "the head of the military administration")),
    "russia": (("ru-mod", "the Russian Defence Ministry"), (None, "the regional governor"),
               ("ru-armed-forces", "the Russian military"), (None, "local officials"),
               ("ru-fsb", "the FSB")),
}
STATEMENTS = (
    ("ua-zelensky", "President Zelensky", "partners should speed up deliveries of air defence systems for {town}"),
    ("ua-zelensky", "President Zelensky", "the situation near {town} remained difficult but under control"),
    ("ru-peskov", "Kremlin spokesman Dmitry Peskov",
     "the special military operation would continue until its goals near {town} were met"),
    ("ru-zakharova", "Maria Zakharova", "Western weapons had been used against civilians in {town}"),
    ("ua-mfa", "Ukraine's foreign ministry",
     "the strike on {town} showed that Moscow was not interested in peace"),
    ("ru-mfa", "the Russian foreign ministry", "Kyiv was preparing provocations near {town}"),
    ("ua-general-staff", "the General Staff", "{n} Russian soldiers had been put out of action over the past day"),
    ("ru-mod", "the Russian Defence Ministry", "Ukraine had lost up to {n} servicemen in the {region} direction"),
)
BACKGROUND = (
    "{town} lies about {n} kilometres from the front line",
    "{town} had a pre-war population of about {n},000 people",
    "the claims could not be independently verified",
    "the {region} has been shelled almost daily since the spring",
    "it was the {n}th attack on {town} this month",
)
VOICES = (  # how an event claim is voiced: (kind, status, polarity), weight
    ((ClaimKind.INDIRECT, Status.CLAIMED, Polarity.POSITIVE), 55),
    ((ClaimKind.DIRECT, Status.CLAIMED, Polarity.POSITIVE), 12),
    ((ClaimKind.OUTLET, Status.ASSERTED, Polarity.POSITIVE), 15),
    ((ClaimKind.OUTLET, Status.HEDGED, Polarity.POSITIVE), 7),
    ((ClaimKind.OUTLET, Status.UNCONFIRMED, Polarity.POSITIVE), 4),
    ((ClaimKind.INDIRECT, Status.DENIED, Polarity.NEGATIVE), 5),
    ((ClaimKind.INDIRECT, Status.CONFIRMED, Polarity.POSITIVE), 2),
)


@dataclass(slots=True)
class SynthEvent:
    """One event of the synthetic war, reported ``reports`` times."""

    id: int
    kind: Kind
    town: Town
    day: date
    attacker: str  #: side
    figure: int
    target: str
    reports: int


@dataclass(slots=True)
class Report:
    """A claim to write: an event's report (``event`` set) or a claim with no event."""

    published: datetime
    event: SynthEvent | None = None


def load_towns(options: Options, ua: int = 160, ru: int = 40) -> list[Town]:
    """The most populous towns (5,000 people and more; not sections of a city) of the Ukrainian front-line and struck regions and of
    Russia's border regions, from the gazetteer index (built first when missing)."""
    from claimwatch.geo.gazetteer import Gazetteer

    gazetteer = Gazetteer.open(options)
    path = gazetteer.path
    gazetteer.close()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _towns(con, "UA", UA_REGIONS, ua, "ukraine") + _towns(con, "RU", RU_REGIONS, ru, "russia")
    finally:
        con.close()


def _towns(con: sqlite3.Connection, country: str, regions: tuple[str, ...], limit: int, side: str) -> list[Town]:
    """The ``limit`` largest towns of ``regions``, each at least ``APART_KM`` from a larger one (the gazetteer
    lists a city's neighbourhoods as settlements of their own)."""
    marks = ",".join("?" * len(regions))
    rows = con.execute(f"SELECT id, name, fclass, fcode, admin1_name, lat, lon, population FROM places "
                       f"WHERE kind = 'settlement' AND country = ? AND admin1_name IN ({marks}) "
                       f"AND fcode != 'PPLX' AND population >= 5000 ORDER BY population DESC", (country, *regions))
    out: list[Town] = []
    for gid, name, fc, fcode, admin1, lat, lon, pop in rows:
        if all(distance_km(lat, lon, t.place.lat, t.place.lon) >= APART_KM for t in out):  # type: ignore[arg-type]
            out.append(Town(Place(gid, name, fc, fcode, country, admin1, lat, lon, pop), side))
        if len(out) == limit:
            break
    return out


@dataclass
class World:
    """The events of one synthetic year and the outlets that report them; deterministic for a seed."""

    rng: random.Random
    towns: list[Town]
    outlets: list[tuple[str, str]]  #: (name, domain)
    actors: dict[str, tuple[str, str | None, str | None]]  #: id -> (name, side, kind)
    events: list[SynthEvent] = field(default_factory=list)
    written: int = 0  #: articles written so far (their URLs are numbered)
    recent: list[Extraction] = field(default_factory=list)  #: recent articles, for wire copies
    days: int = DAYS  #: how many days the events fall on, from ``FIRST_DAY``

    @classmethod
    def make(cls, seed: int, towns: list[Town], days: int = DAYS) -> World:
        outlets = [(o.name, o.domains[0]) for o in load_outlets() if o.domains]
        registry = load_registry()
        ids = {a for side in CLAIMANTS.values() for a, _ in side if a} | {s[0] for s in STATEMENTS} | {
            "ru-armed-forces", "ua-armed-forces"}
        actors = {}
        for actor_id in sorted(ids):
            found = registry.get(actor_id)
            if found is not None:
                actors[actor_id] = (found.name, found.side, found.kind)
        return cls(random.Random(seed), towns, outlets, actors, days=days)

    # ------------------------------------------------------------------------------------------ events

    def add_events(self, claims: int, first: int, days: int) -> list[SynthEvent]:
        """Events enough for ``claims`` event claims (1-6 reports each) on days ``first`` .. ``first + days``."""
        weights = [1.0 / (i + 8) for i in range(len(self.towns))]  # a few towns are struck far more often
        kinds, kind_weights = list(KINDS), [k.weight for k in KINDS]
        made: list[SynthEvent] = []
        total = 0
        while total < claims:
            town = self.rng.choices(self.towns, weights)[0]
            kind = self.rng.choices(kinds, kind_weights)[0]
            reports = self.rng.randint(1, 6)
            made.append(SynthEvent(len(self.events) + len(made), kind, town,
                                   FIRST_DAY + timedelta(days=first + self.rng.randrange(days)),
                                   "russia" if town.side == "ukraine" else "ukraine",
                                   self.rng.choice((2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30)),
                                   self.rng.choice(TARGETS), reports))
            total += reports
        self.events.extend(made)
        return made

    def reports_of(self, events: list[SynthEvent]) -> list[Report]:
        """Every report of ``events``, published on the event's day or up to two days later."""
        out = []
        for e in events:
            for _ in range(e.reports):
                published = datetime(e.day.year, e.day.month, e.day.day, tzinfo=UTC) + timedelta(
                    days=self.rng.choice((0, 0, 0, 1, 1, 2)), hours=self.rng.randint(6, 22),
                    minutes=self.rng.randrange(60))
                out.append(Report(published, e))
        return out

    # ---------------------------------------------------------------------------------------- articles

    def articles(self, claims: int) -> Iterator[Extraction]:
        """About ``claims`` claims of all ``days``, in articles in publication order."""
        events = self.add_events(int(claims * 0.6 / 1.05), 0, self.days)  # 5% more claims come as wire copies
        yield from self._write(self.reports_of(events))

    def later_articles(self, claims: int, weeks: int = 3) -> Iterator[Extraction]:
        """About ``claims`` claims of the last ``weeks`` weeks: half of the event reports are new reports of events
        already written, half of new events."""
        first = self.days - 7 * weeks
        known = [e for e in self.events if (e.day - FIRST_DAY).days >= first]
        self.rng.shuffle(known)
        again: list[SynthEvent] = []
        target = int(claims * 0.3)
        for e in known:
            if len(again) >= target:
                break
            again.extend([e] * min(self.rng.randint(1, 2), target - len(again)))
        fresh = self.add_events(int(claims * 0.6) - len(again), first, 7 * weeks)
        reports = self.reports_of(fresh) + [Report(self._later(e), e) for e in again]
        yield from self._write(reports)

    def _later(self, e: SynthEvent) -> datetime:
        return datetime(e.day.year, e.day.month, e.day.day, tzinfo=UTC) + timedelta(
            days=self.rng.randint(0, 3), hours=self.rng.randint(6, 22))

    def _write(self, reports: list[Report]) -> Iterator[Extraction]:
        """Reports in articles of 4-8 event reports and 3-5 claims without an event, in publication order
        (reports of one day are shuffled, so one event's reports land in different articles)."""
        keyed = sorted(((r.published.date(), self.rng.random(), r) for r in reports), key=lambda t: t[:2])
        ordered = [r for _, _, r in keyed]
        i = 0
        while i < len(ordered):
            size = self.rng.randint(4, 8)
            group = ordered[i:i + size]
            i += size
            published = max(r.published for r in group)
            group += [Report(published) for _ in range(self.rng.randint(3, 5))]
            self.rng.shuffle(group)
            yield self._article(group, published)

    def _article(self, reports: list[Report], published: datetime) -> Extraction:
        name, domain = self.rng.choice(self.outlets)
        self.written += 1
        url = f"https://{domain}/news/{published:%Y/%m/%d}/{self.written}"
        if self.recent and self.rng.random() < 0.05:  # a wire copy of a recent article
            return _copy(self.rng.choice(self.recent), url, name, published)
        builder = TextBuilder()
        claims = [self._claim(builder, r, published) for r in reports]
        title = claims[0].content.text[:80].strip('"')
        article = Article(text=builder.text(), title=title[0].upper() + title[1:], url=url, outlet=name,
                          published=published, language="en")
        places = [e.place for c in claims for e in c.events if e.place is not None]
        extraction = Extraction(article=article, claims=claims, places=places, pipeline_version=VERSION)
        self.recent = [*self.recent[-49:], extraction]
        return extraction

    # ------------------------------------------------------------------------------------------ claims

    def _claim(self, builder: TextBuilder, report: Report, published: datetime) -> Claim:
        if report.event is not None:
            return self._event_claim(builder, report.event, published)
        if self.rng.random() < 0.5:
            return self._statement(builder)
        return self._background(builder)

    def _event_claim(self, builder: TextBuilder, e: SynthEvent, published: datetime) -> Claim:
        (kind, status, polarity), = self.rng.choices([v for v, _ in VOICES], [w for _, w in VOICES])
        side = e.attacker if status is Status.DENIED or self.rng.random() < 0.25 else e.town.side
        actor_id, named = self.rng.choice(CLAIMANTS[side])
        figure = e.figure if self.rng.random() < 0.85 else max(1, e.figure + self.rng.choice((-3, -1, 2, 5)))
        when, dated = self._when(e.day, published)
        values = {"a1": _demonym(e.attacker), "a2": _demonym(e.town.side), "town": e.town.place.name,
                  "when": when, "n": str(figure), "target": e.target}
        template = self.rng.choice(e.kind.templates)
        source = None if kind is ClaimKind.OUTLET else (actor_id, named)
        spans, content, cue = self._sentence(builder, template, values, kind, status, source)
        event = Event(
            type=e.kind.type, sub_type=e.kind.sub_type, trigger=spans["trigger"],
            actor1=self._actor_ref(e.attacker, spans.get("a1")),
            actor2=self._actor_ref(e.town.side, spans.get("a2")) if "a2" in spans else None,
            place=PlaceMention(spans["town"], e.town.place, Precision.SETTLEMENT, confidence=1.0),
            date=_date_range(e.day, published, spans.get("when") if dated else None),
            quantities=[Quantity(float(figure), float(figure), float(figure), e.kind.unit, e.kind.quantity,
                                 spans["n"])] if "n" in spans else [])
        return Claim(content=content, kind=kind, status=status, source=self._source(builder, source),
                     cue=cue, polarity=polarity, confidence=round(self.rng.uniform(0.7, 1.0), 3), events=[event])

    def _statement(self, builder: TextBuilder) -> Claim:
        actor_id, named, template = self.rng.choice(STATEMENTS)
        town = self.rng.choice(self.towns).place
        values = {"town": town.name, "n": str(self.rng.randint(50, 1500)), "region": town.admin1 or "eastern"}
        _, content, cue = self._sentence(builder, template, values, ClaimKind.INDIRECT, Status.CLAIMED,
                                         (actor_id, named))
        return Claim(content=content, kind=ClaimKind.INDIRECT, status=Status.CLAIMED,
                     source=self._source(builder, (actor_id, named)), cue=cue, confidence=0.9)

    def _background(self, builder: TextBuilder) -> Claim:
        town = self.rng.choice(self.towns).place
        values = {"town": town.name, "n": str(self.rng.randint(3, 90)), "region": town.admin1 or "region"}
        _, content, _ = self._sentence(builder, self.rng.choice(BACKGROUND), values, ClaimKind.OUTLET,
                                       Status.ASSERTED, None)
        return Claim(content=content, kind=ClaimKind.OUTLET, status=Status.ASSERTED)

    def _sentence(self, builder: TextBuilder, template: str, values: dict[str, str], kind: ClaimKind,
                  status: Status, source: tuple[str | None, str] | None
                  ) -> tuple[dict[str, Span], Span, Span | None]:
        """Write one claim's sentence; returns the spans of its slots, its content and its cue."""
        cue_word = {Status.DENIED: "denied that", Status.CONFIRMED: "confirmed that"}.get(status, "said")
        if kind is ClaimKind.OUTLET:
            lead = {Status.HEDGED: "Reportedly, ", Status.UNCONFIRMED: "There was no official confirmation that "}
            if status in lead:
                builder.add(lead[status])
            spans, content = builder.template(template, values, capital=status not in lead)
            builder.add(". ")
            return spans, content, None
        assert source is not None
        if kind is ClaimKind.DIRECT:
            start = builder.add('"').start
            spans, _ = builder.template(template, values, capital=True)
            end = builder.add(',"').end
            builder.mark("source", builder.add(" " + source[1]).text.strip())
            cue = builder.add_word(cue_word)
            builder.add(". ")
            return spans, Span.of(builder.text(), start, end), cue
        builder.mark("source", builder.add(source[1][0].upper() + source[1][1:]).text)
        cue = builder.add_word(cue_word)
        builder.add(" ")
        spans, content = builder.template(template, values, capital=False)
        builder.add(". ")
        return spans, content, cue

    def _source(self, builder: TextBuilder, source: tuple[str | None, str] | None) -> Source | None:
        if source is None:
            return None
        return Source(builder.marked("source"), actor=source[0])

    def _actor_ref(self, side: str, span: Span | None) -> ActorRef:
        actor_id = "ru-armed-forces" if side == "russia" else "ua-armed-forces"
        name, actor_side, kind = self.actors.get(actor_id, (actor_id, side, "state force"))
        return ActorRef(name, span, actor_id, actor_side, kind)

    def _when(self, day: date, published: datetime) -> tuple[str, bool]:
        """How a claim dates its event, and whether the words are the event's date (else: no date given)."""
        if self.rng.random() < 0.3:
            return "", False
        phrase = self.rng.choice(WHEN)
        if phrase == "overnight" and day != published.date():
            phrase = "on {day}"
        return phrase.format(weekday=WEEKDAYS[day.weekday()], day=f"{day.day} {day:%B}"), True


class TextBuilder:
    """An article's text written piece by piece, with the span of every piece."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._marks: dict[str, Span] = {}

    def add(self, piece: str) -> Span:
        span = Span(self._length, self._length + len(piece), piece)
        self._parts.append(piece)
        self._length += len(piece)
        return span

    def add_word(self, word: str) -> Span:
        self.add(" ")
        return self.add(word)

    def mark(self, name: str, text: str) -> None:
        """Remember the span of ``text``, which ends where the text written so far ends."""
        self._marks[name] = Span(self._length - len(text), self._length, text)

    def marked(self, name: str) -> Span:
        return self._marks[name]

    def template(self, template: str, values: dict[str, str], capital: bool) -> tuple[dict[str, Span], Span]:
        """Write ``template`` with its ``{slot}``s filled and ``<trigger>`` unmarked; returns the slots' spans
        and the span of the whole (double spaces of empty slots collapsed)."""
        for name, value in values.items():
            if not value:  # an empty slot goes with the space before it
                template = template.replace(" {" + name + "}", "")
        start = self._length
        spans: dict[str, Span] = {}
        pos = 0
        for m in _SLOT.finditer(template):
            self._literal(template[pos:m.start()], capital)
            value = values[m.group(1)] if m.group(1) else m.group(2)
            if capital and self._length == start:
                value = value[0].upper() + value[1:]
            spans[m.group(1) or "trigger"] = self.add(value)
            pos = m.end()
        self._literal(template[pos:], False)
        return spans, Span.of(self.text(), start, self._length)

    def _literal(self, piece: str, capital: bool) -> None:
        """``piece``, capitalised when ``capital`` and nothing of its sentence is written yet."""
        if piece:
            first = capital and (not self._parts or self._parts[-1].endswith((". ", '"', ", ")))
            self.add(piece[0].upper() + piece[1:] if first else piece)

    def text(self) -> str:
        return "".join(self._parts)


def _copy(original: Extraction, url: str, outlet: str, published: datetime) -> Extraction:
    """A wire copy of ``original`` by another outlet: its text with a line of attribution added, its claims."""
    text = original.article.text + f"\n\n(Republished by {outlet}.)"
    article = Article(text=text, title=original.article.title, url=url, outlet=outlet, published=published,
                      language="en")
    return Extraction(article=article, claims=list(original.claims), places=list(original.places),
                      pipeline_version=VERSION)


def _demonym(side: str) -> str:
    return "Russian" if side == "russia" else "Ukrainian"


def _date_range(day: date, published: datetime, span: Span | None) -> DateRange:
    """The event's day when the claim says it, else the pipeline's default: the week up to publication."""
    if span is not None:
        return DateRange(day.isoformat(), day.isoformat(), "day", span)
    pub = published.date()
    return DateRange((pub - timedelta(days=7)).isoformat(), pub.isoformat(), "week", None)
