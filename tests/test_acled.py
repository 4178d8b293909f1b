"""ACLED CSV export: header, ACLED's coding rules, stories across sources, claimwatch's columns."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from claimwatch.export import FORMATS, acled
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
    Precision,
    Quantity,
    Source,
    Span,
    Status,
)

HEADER_2023 = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
               "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
               "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
               "tags,timestamp")
KRASNE = Place(700001, "Krasne", "P", "PPL", "UA", "Kharkiv Oblast", 49.91, 36.52, 1200)


def _span(text: str, piece: str) -> Span:
    start = text.index(piece)
    return Span.of(text, start, start + len(piece))


def report(text: str, outlet: str, url: str, source: str, trigger: str, sub_type: str, event_type: str,
           killed: str | None = None, actor1: ActorRef | None = None, place: Place | None = KRASNE,
           date: DateRange | None = None, article_id: int = 1, negated: bool = False) -> Extraction:
    """A one-claim extraction with one event, built by hand (no NLP)."""
    art = Article(text=text, outlet=outlet, url=url, id=article_id,
                  published=datetime(2024, 11, 8, 9, tzinfo=UTC))
    content = Span.of(text, 0, text.index(",") if "," in text else len(text))
    ev = Event(type=event_type, sub_type=sub_type, trigger=_span(text, trigger), actor1=actor1, negated=negated,
               date=date or DateRange("2024-11-07", "2024-11-07", "day", _span(text, "yesterday")))
    if place is not None:
        ev.place = PlaceMention(_span(text, place.name), place, Precision.SETTLEMENT)
    if killed:
        q = _span(text, killed)
        ev.quantities.append(Quantity(float(killed.split()[0]), float(killed.split()[0]),
                                      float(killed.split()[0]), "people", "killed", q))
    claim = Claim(content=content, kind=ClaimKind.INDIRECT, status=Status.CLAIMED,
                  source=Source(_span(text, source)), events=[ev])
    return Extraction(article=art, claims=[claim])


def rows(extractions: list[Extraction], options) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    n = acled.write(extractions, out, options)
    out.seek(0)
    header = out.readline().strip()
    assert header.startswith(HEADER_2023 + ",")
    assert header.split(",")[len(acled.ACLED_COLUMNS):] == list(acled.CLAIMWATCH_COLUMNS)
    out.seek(0)
    got = list(csv.DictReader(out))
    assert len(got) == n
    return got


RU = ActorRef("Armed Forces of the Russian Federation", None, "ru-armed-forces", "russia", "state force")
UA = ActorRef("Armed Forces of Ukraine", None, "ua-armed-forces", "ukraine", "state force")


def test_registered_as_a_format() -> None:
    assert "acled-csv" in FORMATS


def test_one_row_with_acled_coding(options) -> None:
    ex = report("Russian forces shelled Krasne yesterday, killing 12 civilians, the governor said.", "Kyiv Daily",
                "https://kyivdaily.example/1", "the governor", "shelled", "Shelling/artillery/missile attack",
                "Explosions/Remote violence", killed="12 civilians", actor1=RU)
    (row,) = rows([ex], options)
    assert row["event_id_cnty"].startswith("UKR")
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2024-11-07", "2024", "1")
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == (
        "Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack")
    # a state force acting outside its own country is coded as an external force (8)
    assert (row["actor1"], row["inter1"]) == ("Military Forces of Russia (2000-)", "8")
    assert (row["actor2"], row["inter2"], row["interaction"]) == ("", "0", "80")
    assert (row["iso"], row["region"], row["country"], row["admin1"], row["location"]) == (
        "804", "Europe", "Ukraine", "Kharkiv Oblast", "Krasne")
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == ("49.9100", "36.5200", "1")
    assert (row["source"], row["source_scale"], row["fatalities"]) == ("Kyiv Daily", "Other", "12")
    assert row["notes"].startswith("On 7 November 2024, Russian forces shelled Krasne yesterday")
    assert (row["claim_status"], row["claim_source"]) == ("claimed", "the governor")
    assert row["evidence"] == "1:0-39@15-22"


def test_same_event_from_two_sources_is_one_story_with_the_lowest_toll(options) -> None:
    a = report("Russian forces shelled Krasne yesterday, killing 12 civilians, the governor said.", "Kyiv Daily",
               "https://kyivdaily.example/1", "the governor", "shelled", "Shelling/artillery/missile attack",
               "Explosions/Remote violence", killed="12 civilians", actor1=RU, article_id=1)
    b = report("The shelling of Krasne yesterday killed 3 people, the ministry said.", "Channel Z",
               "https://t.me/channelz/77", "the ministry", "shelling", "Shelling/artillery/missile attack",
               "Explosions/Remote violence", killed="3 people", article_id=2)
    (row,) = rows([a, b], options)
    assert row["source"] == "Kyiv Daily; Channel Z"
    assert row["source_scale"] == "Other-New media"
    assert row["fatalities"] == "3"
    assert "Fatalities disputed: 12 according to the governor (Kyiv Daily); 3 according to the ministry" in row["notes"]
    assert row["claim_source"] == "the governor; the ministry"
    assert row["evidence"].count(";") == 1


def test_week_and_month_precision_use_the_midpoint(options) -> None:
    week = report("Ukrainian forces retook Krasne last week, the staff said.", "A", "https://a.example/1", "the staff",
                  "retook", "Government regains territory", "Battles", actor1=UA,
                  date=DateRange("2024-10-28", "2024-11-03", "week"))
    month = report("Partisans burned a depot in Krasne in October, the group said.", "B", "https://b.example/2",
                   "the group", "burned", "Looting/property destruction", "Strategic developments",
                   date=DateRange("2024-10-01", "2024-10-31", "month"), article_id=2)
    got = {r["sub_event_type"]: r for r in rows([week, month], options)}
    assert (got["Government regains territory"]["event_date"],
            got["Government regains territory"]["time_precision"]) == ("2024-10-31", "2")
    assert got["Government regains territory"]["inter1"] == "1"  # in its own country
    assert (got["Looting/property destruction"]["event_date"],
            got["Looting/property destruction"]["time_precision"]) == ("2024-10-16", "3")
    assert got["Looting/property destruction"]["disorder_type"] == "Strategic developments"


def test_territory_retyped_by_the_place_country(options) -> None:
    kursk_village = Place(700002, "Sudzha", "P", "PPL", "RU", "Kursk Oblast", 51.19, 35.27)
    ex = report("Ukrainian forces captured Sudzha yesterday, the staff said.", "A", "https://a.example/1", "the staff",
                "captured", "Government regains territory", "Battles", actor1=UA, place=kursk_village)
    (row,) = rows([ex], options)
    assert row["sub_event_type"] == "Non-state actor overtakes territory"
    assert (row["country"], row["inter1"]) == ("Russia", "8")


def test_negated_hypothetical_and_undated_events_are_left_out(options) -> None:
    failed = report("Russian forces failed to take Krasne yesterday, the governor said.", "A", "https://a.example/1",
                    "the governor", "take", "Government regains territory", "Battles", actor1=RU, negated=True)
    undated = report("Partisans blew up a bridge near Krasne yesterday, the group said.", "B", "https://b.example/2",
                     "the group", "blew up", "Remote explosive/landmine/IED", "Explosions/Remote violence",
                     date=DateRange("--11-07", "--11-07", "day"), article_id=2)
    assert rows([failed, undated], options) == []


def test_without_place_location_columns_stay_empty(options) -> None:
    ex = report("Gunmen attacked a bus yesterday, police said.", "A", "https://a.example/1", "police", "attacked",
                "Attack", "Violence against civilians", place=None)
    (row,) = rows([ex], options)
    assert [row[c] for c in ("iso", "country", "location", "latitude", "longitude", "geo_precision")] == [""] * 6
    assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"]) == ("Unidentified Armed Group", "3",
                                                                            "Civilians", "7")
    assert row["civilian_targeting"] == "Civilian targeting"
    assert row["event_id_cnty"].startswith("XXX")


@pytest.mark.parametrize(("event_type", "sub_type", "disorder"), [
    ("Protests", "Excessive force against protesters", "Political violence; Demonstrations"),
    ("Riots", "Mob violence", "Political violence"),
    ("Riots", "Violent demonstration", "Demonstrations"),
    ("Protests", "Peaceful protest", "Demonstrations"),
    ("Battles", "Armed clash", "Political violence"),
    ("Strategic developments", "Agreement", "Strategic developments"),
])
def test_disorder_types(event_type: str, sub_type: str, disorder: str) -> None:
    assert acled.disorder_type(event_type, sub_type) == disorder


def test_extension_events_fold_or_become_other(options) -> None:
    text = "Russian forces attacked Krasne yesterday and lost 40 soldiers, the governor said."
    ex = report(text, "A", "https://a.example/1", "the governor", "attacked", "Armed clash", "Battles", actor1=RU)
    cas = Event("Casualties", "Military casualties", _span(text, "lost"), date=ex.claims[0].events[0].date)
    cas.quantities.append(Quantity(40, 40, 40, "people", "killed", _span(text, "40 soldiers")))
    ex.claims[0].events.append(cas)
    (row,) = rows([ex], options)
    assert (row["sub_event_type"], row["fatalities"]) == ("Armed clash", "40")  # folded in
    text2 = "The Legion called on volunteers to join its ranks yesterday, its commander said."
    ex2 = report(text2, "B", "https://b.example/2", "its commander", "join", "Recruitment call",
                 "Recruitment/mobilisation call", place=None, article_id=2)
    (row2,) = rows([ex2], options)
    assert (row2["event_type"], row2["sub_event_type"], row2["tags"]) == (
        "Strategic developments", "Change to group/activity", "claimwatch:Recruitment call")


def test_a_tally_claim_is_not_counted_as_fatalities(options) -> None:
    text = "The enemy lost 1230 soldiers over the past day, the General Staff said yesterday."
    ex = report(text, "A", "https://a.example/1", "the General Staff", "lost", "Military casualties", "Casualties",
                killed="1230 soldiers", place=None)
    (row,) = rows([ex], options)
    assert (row["event_type"], row["sub_event_type"], row["fatalities"]) == ("Strategic developments", "Other", "0")
    assert "Claimed toll: 1230" in row["notes"]
