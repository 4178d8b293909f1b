"""The geoparsing stage: place mentions of an article, metonymic roles, and each event's place."""

from __future__ import annotations

import pytest
from test_geo_gazetteer import built_index

from claimwatch.geo import Geoparser
from claimwatch.model import Article, Claim, ClaimKind, Event, Precision, Role, Status
from claimwatch.settings import Options

TEXT = ("The Kremlin said on Tuesday that its forces had captured the village of Tetkino in the Kursk region. "
        "Ukrainian officials in Kharkiv denied it. "
        "Separately, the General Staff said a drone struck a depot on Lenina Street in Vuhledar, Donetsk Oblast.")


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    return Geoparser(Options(gazetteer_path=str(built_index()[0])))


def _claim(article: Article, content: str, trigger: str) -> Claim:
    start = article.text.index(content)
    content_span = article.span(start, start + len(content))
    t = article.text.index(trigger, start)
    event = Event(type="Battles", sub_type="Non-state actor overtakes territory", trigger=article.span(t, t + len(trigger)))
    return Claim(content=content_span, kind=ClaimKind.INDIRECT, status=Status.CLAIMED, events=[event])


def test_annotate_returns_mentions_with_offsets_roles_and_precision(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    article = Article(text=TEXT, id=7)
    mentions = geoparser.annotate(nlp(TEXT), article, [])
    by_text = {m.span.text: m for m in mentions}
    for m in mentions:
        assert TEXT[m.span.start:m.span.end] == m.span.text
    assert by_text["Kremlin"].role is Role.ACTOR
    assert by_text["Kharkiv"].role is Role.LOCATION and by_text["Kharkiv"].precision is Precision.SETTLEMENT
    kursk = by_text["Kursk region"]
    assert kursk.precision is Precision.REGION and kursk.place is not None and kursk.place.country == "RU"
    tetkino = by_text["Tetkino"]
    assert tetkino.place is not None and tetkino.place.admin1 == "Kursk Oblast"
    assert by_text["Lenina Street"].precision is Precision.OTHER  # placed only approximately, at Vuhledar


def test_events_get_the_most_specific_place_of_their_claim(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    article = Article(text=TEXT)
    capture = _claim(article, "its forces had captured the village of Tetkino in the Kursk region", "captured")
    strike = _claim(article, "a drone struck a depot on Lenina Street in Vuhledar, Donetsk Oblast", "struck")
    geoparser.annotate(nlp(TEXT), article, [capture, strike])
    place = capture.events[0].place
    assert place is not None and place.span.text == "Tetkino" and place.precision is Precision.SETTLEMENT
    place = strike.events[0].place
    assert place is not None and place.span.text == "Vuhledar"  # the street is approximate, the town is not


def test_an_event_without_a_place_in_its_claim_stays_unplaced(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The ministry said losses were heavy. Nothing else was reported."
    article = Article(text=text)
    claim = _claim(article, "losses were heavy", "losses")
    geoparser.annotate(nlp(text), article, [claim])
    assert claim.events[0].place is None


def test_the_index_opens_lazily(tmp_path) -> None:  # type: ignore[no-untyped-def]
    lazy = Geoparser(Options(gazetteer_path=str(tmp_path / "not-built.sqlite")))
    assert lazy._gazetteer is None  # constructing opens (and builds) nothing


def test_event_place_takes_a_list_or_an_index_of_locations(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    from claimwatch.geo import event_place
    from claimwatch.text.intervals import StartIndex

    filler = "Shelling was reported near Kharkiv. " * 30
    text = filler + "Officials said a drone struck Sumy overnight. " + filler
    article = Article(text=text)
    doc = nlp(text)
    claim = _claim(article, "a drone struck Sumy overnight", "struck")
    mentions = [m for m in geoparser.annotate(doc, article, []) if m.place is not None]
    as_list = event_place(claim.events[0], claim, mentions, doc)
    as_index = event_place(claim.events[0], claim, StartIndex(mentions, lambda m: m.span.start), doc)
    assert as_list is not None and as_list.span.text == "Sumy" and as_index == as_list
    elsewhere = _claim(article, "Officials said", "said")  # no place in the content: its sentence's place
    found = event_place(elsewhere.events[0], elsewhere, mentions, doc)
    assert found is not None and found.span.text == "Sumy"
