"""Quantities: numbers in digits and words, bounds, vague counts, units and kinds."""

from __future__ import annotations

import pytest

from claimwatch.extract.events import quantities
from claimwatch.extract.events.quantities import parse_number


def found(nlp, text: str) -> list[tuple]:  # type: ignore[type-arg]
    doc = nlp(text)
    out = []
    for q in quantities.find(doc[:]):
        assert text[q.span.start:q.span.end] == q.span.text
        out.append((q.span.text, q.value, q.lower, q.upper, q.unit, q.kind))
    return out


@pytest.mark.parametrize(("text", "value"), [
    ("1,200", 1200), ("1 200", 1200), ("12.5", 12.5), ("a thousand", 1000), ("twenty-five", 25),
    ("two dozen", 24), ("a dozen", 12), ("one hundred and twenty", 120), ("1.5 thousand", 1500),
    ("two million", 2_000_000), ("dozens", 12), ("tens", 10), ("hundreds", 100), ("scores", 20),
    ("tens of thousands", 10_000), ("several dozen", 12), ("three", 3),
])
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_parse_number_rejects_words() -> None:
    assert parse_number("soldiers") is None
    assert parse_number("") is None


def test_areas_in_every_spelling(nlp) -> None:
    got = found(nlp, "They took 800 sq. km, then 800 km², then 1,200 square kilometres and 50 hectares.")
    assert [(t, v, u) for t, v, _, _, u, k in got if k == "area"] == [
        ("800 sq. km", 800.0, "km2"), ("800 km²", 800.0, "km2"), ("1,200 square kilometres", 1200.0, "km2"),
        ("50 hectares", 50.0, "ha")]


def test_bounds_and_people_kinds(nlp) -> None:
    got = found(nlp, "The army killed more than a thousand soldiers; up to 50 were wounded and about 200 "
                     "servicemen were captured.")
    assert got == [
        ("more than a thousand soldiers", 1000.0, 1000.0, None, "people", "killed"),
        ("up to 50", 50.0, None, 50.0, "people", "wounded"),
        ("about 200 servicemen", 200.0, 180.0, 220.0, "people", "captured"),
    ]


def test_equipment_munitions_settlements(nlp) -> None:
    got = found(nlp, "Forces destroyed three tanks, shot down twenty-five drones and retook two settlements.")
    assert [(t, v, u, k) for t, v, _, _, u, k in got] == [
        ("three tanks", 3.0, "tank", "equipment"),
        ("twenty-five drones", 25.0, "drone", "munitions"),
        ("two settlements", 2.0, "settlement", "settlements"),
    ]


def test_vague_counts_follow_acled(nlp) -> None:
    got = found(nlp, "Dozens were killed and hundreds of civilians fled; tens of soldiers were wounded.")
    assert [(t, v, lo, up, k) for t, v, lo, up, _, k in got] == [
        ("Dozens", 12.0, 12.0, None, "killed"),
        ("hundreds of civilians", 100.0, 100.0, None, "people"),
        ("tens of soldiers", 10.0, 10.0, None, "wounded"),
    ]


def test_present_but_unquantified(nlp) -> None:
    got = found(nlp, "The enemy lost a huge amount of equipment and suffered heavy losses.")
    assert got == [("a huge amount of equipment", None, None, None, "equipment", "equipment"),
                   ("heavy losses", None, None, None, "people", "casualties")]


def test_ranges(nlp) -> None:
    assert found(nlp, "Between 10 and 15 shells hit the district.") == [
        ("Between 10 and 15 shells", 10.0, 10.0, 15.0, "shell", "munitions")]


def test_not_counts(nlp) -> None:
    text = ("The 99th Brigade said at 10:30 on 5 November 2024 that 5% of the budget, $300, went to the 3rd Corps "
            "in 2023.")
    assert found(nlp, text) == []


def test_find_is_limited_to_the_span(nlp) -> None:
    doc = nlp("Russia lost 30 tanks. Ukraine lost 12 tanks.")
    second = doc[6:]
    assert [q.span.text for q in quantities.find(second)] == ["12 tanks"]


@pytest.mark.parametrize(("text", "expected"), [
    ("On March 5 300 soldiers were killed.", ("300 soldiers", 300.0)),
    ("Section 7 120 shells were fired.", ("120 shells", 120.0)),
    ("On 5 March 300 soldiers were killed.", ("300 soldiers", 300.0)),
    ("Since February 24 20 000 troops died.", ("20 000 troops", 20000.0)),
])
def test_a_day_or_section_number_does_not_merge_with_the_count(nlp, text: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert [(t, v) for t, v, *_ in found(nlp, text)] == [expected]


@pytest.mark.parametrize("text", [
    "The General Staff said 1 200 soldiers were killed.",
    "Over the past day 1 200 soldiers were lost.",  # the tagger's DATE takes "the past day 1"
    "On March 5 1 200 soldiers were killed.",
])
def test_a_space_still_separates_thousands(nlp, text: str) -> None:
    assert [(t, v) for t, v, *_ in found(nlp, text)] == [("1 200 soldiers", 1200.0)]
