"""Toponym resolution on given spans: context, qualifiers, priors, fallbacks."""

from __future__ import annotations

import pytest
from test_geo_gazetteer import built_index

from claimwatch.geo import Geoparser, Prior
from claimwatch.geo.resolve import Resolution
from claimwatch.settings import Options


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    return Geoparser(Options(gazetteer_path=str(built_index()[0])))


def _resolve(geoparser: Geoparser, text: str, *names: str, prior: Prior | None = None) -> list[Resolution]:
    spans = []
    for name in names:
        start = text.index(name, spans[-1][1] if spans else 0)
        spans.append((start, start + len(name)))
    return geoparser.resolve_spans(text, spans, prior)


def test_a_town_in_a_named_region(geoparser: Geoparser) -> None:
    text = "Partisans said they blew up a railway bridge near Sudzha in the Kursk region."
    town, region = _resolve(geoparser, text, "Sudzha", "Kursk region")
    assert town.entry is not None and town.entry.id == 486816
    assert region.entry is not None and region.entry.kind == "region" and region.entry.name == "Kursk Oblast"
    assert town.entry.admin1 == region.entry.admin1


@pytest.mark.parametrize(("context", "country"), [("Louisiana", "US"), ("Egypt", "EG")])
def test_the_article_context_chooses_between_namesakes(geoparser: Geoparser, context: str, country: str) -> None:
    text = f"Flooding closed roads in {context} on Tuesday. In Alexandria, the river rose two metres."
    _, town = _resolve(geoparser, text, context, "Alexandria")
    assert town.entry is not None and town.entry.country == country
    assert town.entry.kind == "settlement"


def test_a_name_said_again_is_no_evidence_for_itself(geoparser: Geoparser) -> None:
    text = ("Volunteers from Paris drove aid to Springfield, Illinois, on Monday. The Paris fire chief said Paris crews "
            "had trained with Illinois State Police. Another convoy will leave Paris on Friday.")
    names = ["Paris", "Springfield", "Illinois", "Paris", "Paris", "Illinois", "Paris"]
    resolved = _resolve(geoparser, text, *names)
    paris = [r for r in resolved if r.text == "Paris"]
    # four mentions of Paris once pointed at each other (the French capital, near itself); the context is Illinois
    assert len(paris) == 4 and all(r.entry is not None and r.entry.admin1 == "US.IL" for r in paris)


def test_a_qualified_mention_decides_for_the_bare_ones(geoparser: Geoparser) -> None:
    text = ("Students from Parkland, Fla., marched in Washington on Saturday. Parkland parents joined them, and "
            "Parkland teachers spoke to reporters.")
    resolved = _resolve(geoparser, text, "Parkland", "Fla.", "Washington", "Parkland", "Parkland")
    parkland = [r for r in resolved if r.text == "Parkland"]
    # the bare mentions alone would follow "Washington" to Parkland, Washington state
    assert all(r.entry is not None and r.entry.admin1 == "US.FL" for r in parkland)


def test_a_qualifier_after_a_comma_decides(geoparser: Geoparser) -> None:
    (athens, state) = _resolve(geoparser, "A volunteer unit trained in Athens, Ga., last spring.", "Athens", "Ga.")
    assert state.entry is not None and state.entry.name == "Georgia" and state.entry.country == "US"
    assert athens.entry is not None and athens.entry.admin1 == "US.GA"


def test_capitals_and_same_named_regions(geoparser: Geoparser) -> None:
    paris, kharkiv, oblast = _resolve(geoparser, "Envoys met in Paris. Kharkiv and the Kharkiv Oblast were shelled.",
                                      "Paris", "Kharkiv", "Kharkiv Oblast")
    assert paris.entry is not None and paris.entry.country == "FR" and paris.entry.kind == "settlement"
    assert kharkiv.entry is not None and kharkiv.entry.kind == "settlement" and kharkiv.entry.id == 706483
    assert oblast.entry is not None and oblast.entry.kind == "region"


def test_an_outlet_prior_tips_a_lone_ambiguous_name(geoparser: Geoparser) -> None:
    text = "The council in Athens approved the budget."
    (plain,) = _resolve(geoparser, text, "Athens")
    assert plain.entry is not None and plain.entry.country == "GR"
    georgia = [e for e in geoparser.gazetteer.lookup("gainesville") if e.admin1 == "US.GA"]
    (local,) = _resolve(geoparser, text, "Athens", prior=Prior.of(georgia * 3))
    assert local.entry is not None and local.entry.admin1 == "US.GA"


def test_demonyms_and_abbreviations(geoparser: Geoparser) -> None:
    text = "Russian and U.S. diplomats met Ukrainian officials."
    russian, us, ukrainian = _resolve(geoparser, text, "Russian", "U.S.", "Ukrainian")
    assert [r.entry.country if r.entry else None for r in (russian, us, ukrainian)] == ["RU", "US", "UA"]
    assert all(r.entry is not None and r.entry.kind == "country" for r in (russian, us, ukrainian))


def test_english_scottish_and_welsh_are_the_nations_not_the_kingdom(geoparser: Geoparser) -> None:
    text = "English, Scottish and Welsh volunteers joined British aid convoys."
    english, scottish, welsh, british = _resolve(geoparser, text, "English", "Scottish", "Welsh", "British")
    assert [r.entry.name if r.entry else None for r in (english, scottish, welsh)] == ["England", "Scotland", "Wales"]
    assert british.entry is not None and british.entry.kind == "country" and british.entry.country == "GB"


@pytest.mark.parametrize(("name", "expected", "kind"), [
    ("Southern Lebanon", "Lebanon", "country"), ("Eastern Ukraine", "Ukraine", "country"),
    ("South Florida", "Florida", "region"), ("Western U.S.", "United States", "country"),
])
def test_a_compass_word_before_a_country_or_region(geoparser: Geoparser, name: str, expected: str,
                                                  kind: str) -> None:
    (place,) = _resolve(geoparser, f"Aid convoys reached {name} on Sunday.", name)
    assert place.entry is not None and not place.approximate
    assert (place.entry.name, place.entry.kind) == (expected, kind)


def test_a_compass_word_never_reaches_a_county_or_a_regional_abbreviation(geoparser: Geoparser) -> None:
    text = "Gangs in South L.A. and ferries off North Island were hit, police in Pokrovsk, Donetsk Oblast, said."
    la, island, _, _ = _resolve(geoparser, text, "South L.A.", "North Island", "Pokrovsk", "Donetsk Oblast")
    assert la.entry is None or la.entry.kind == "settlement"  # not Louisiana (whose "La." it shares)
    assert island.entry is None or island.entry.kind != "district"  # not Island County


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("Firefighters from NSW flew to Greece.", "NSW", "New South Wales"),
    ("Smoke from fires in Moncton, N.B., drifted south.", "N.B.", "New Brunswick"),
    ("Korean and Japanese diplomats met.", "Korean", "South Korea"),
    ("Exports from Korea rose.", "Korea", "South Korea"),
])
def test_abbreviations_and_demonyms_of_more_countries(geoparser: Geoparser, text: str, name: str,
                                                     expected: str) -> None:
    (place,) = _resolve(geoparser, text, name)
    assert place.entry is not None and place.entry.name == expected


def test_an_institution_named_by_a_demonym_is_of_its_place(geoparser: Geoparser) -> None:
    text = "The European Commission and the Nigerian Armed Forces sent observers to Indian Orchard in Springfield."
    commission, forces, orchard, _ = _resolve(geoparser, text, "European Commission", "Nigerian Armed Forces",
                                                 "Indian Orchard", "Springfield")
    assert commission.entry is not None and commission.entry.name == "Europe"
    assert forces.entry is not None and forces.entry.name == "Nigeria"
    assert orchard.entry is None or orchard.entry.country != "IN"  # a neighbourhood, not India


@pytest.mark.parametrize("city", ["Kherson", "Poltava", "Donetsk", "Kharkiv", "Mykolaiv"])
def test_a_regional_capital_named_alone_is_the_city(geoparser: Geoparser, city: str) -> None:
    (place,) = _resolve(geoparser, f"Explosions were heard in {city} overnight.", city)
    assert place.entry is not None and place.entry.kind == "settlement" and place.entry.country == "UA"


@pytest.mark.parametrize(("city", "country"), [("Tula", "RU"), ("Astrakhan", "RU"), ("Chita", "RU"), ("Uman", "UA")])
def test_a_small_town_in_a_same_named_district_does_not_outrank_a_city(geoparser: Geoparser, city: str,
                                                                      country: str) -> None:
    # Ciudad Tula (Mexico), Chita (Japan) and Umán (Mexico) lie in districts of their names; "Uman" is also an
    # alternate name of Oman
    (place,) = _resolve(geoparser, f"Officials said drones attacked {city} overnight.", city)
    assert place.entry is not None and place.entry.kind == "settlement" and place.entry.country == country


def test_a_region_named_after_a_town_is_the_largest_towns(geoparser: Geoparser) -> None:
    # a small town called Mykolaiv lies in the Lviv region; "the Mykolaiv region" is the big city's
    text = "Volunteers from Lviv drove to the Mykolaiv region."
    _, region = _resolve(geoparser, text, "Lviv", "Mykolaiv region")
    assert region.entry is not None and region.entry.name == "Mykolaiv Oblast"


def test_a_street_takes_the_town_of_the_facility_beside_it(geoparser: Geoparser) -> None:
    text = ("Volunteers from Lviv delivered generators on Monday. Shells hit the Mykolaiv Shipyard and houses "
            "on Sadova Street, officials in the Mykolaiv region said.")
    lviv, shipyard, street, _ = _resolve(geoparser, text, "Lviv", "Mykolaiv Shipyard", "Sadova Street",
                                         "Mykolaiv region")
    assert shipyard.entry is not None and shipyard.entry.admin1 == "UA.16"
    assert street.approximate and street.entry == shipyard.entry != lviv.entry


def test_a_place_named_first_in_a_facility_name(geoparser: Geoparser) -> None:
    text = "Drones struck the Kremenchuk Oil Refinery in the Poltava region."
    refinery, _ = _resolve(geoparser, text, "Kremenchuk Oil Refinery", "Poltava region")
    assert refinery.entry is not None and refinery.entry.name == "Kremenchuk" and not refinery.approximate


def test_a_small_namesake_abroad_is_not_taken_for_a_local_place(geoparser: Geoparser) -> None:
    # the only Glenrock in the gazetteer is a town of 2,500 in Wyoming; nothing else in the story is American
    text = "Rangers in Newcastle, New South Wales, reopened the Glenrock track after the fires."
    town, _, glenrock = _resolve(geoparser, text, "Newcastle", "New South Wales", "Glenrock")
    assert town.entry is not None and town.entry.country == "AU"
    assert glenrock.approximate and glenrock.entry == town.entry
    spans = [(text.index("Glenrock"), text.index("Glenrock") + 8)]
    (alone,) = geoparser.resolve_spans(text, spans)
    assert alone.entry is not None and alone.entry.country == "US"  # with nothing around it, the namesake stands


def test_a_bare_compass_word_is_no_foreign_region(geoparser: Geoparser) -> None:
    text = "Moscow warned Western countries against sending tanks to Kyiv, and blamed the West."
    _, western, _, west = _resolve(geoparser, text, "Moscow", "Western", "Kyiv", "West")
    assert western.entry is None and west.entry is None  # not Uganda's Western Region, nor any other
    text = "Floods hit the Western Region of Uganda, officials in Kampala said."
    region, _, _ = _resolve(geoparser, text, "Western Region", "Uganda", "Kampala")
    assert region.entry is not None and region.entry.country == "UG"


def test_streets_fall_back_to_the_nearest_town_and_say_so(geoparser: Geoparser) -> None:
    text = "A drone hit a house on Sadova Street in Pokrovsk, officials in Donetsk Oblast said."
    street, town, _ = _resolve(geoparser, text, "Sadova Street", "Pokrovsk", "Donetsk Oblast")
    assert town.entry is not None and town.entry.country == "UA" and not town.approximate
    assert street.approximate and street.entry == town.entry and street.confidence < town.confidence
    (alone,) = geoparser.resolve_spans(text, [(text.index("Sadova Street"), text.index("Sadova Street") + 13)],
                                       fallback=False)
    assert alone.entry is None


def test_common_nouns_and_unknown_names_stay_unresolved(geoparser: Geoparser) -> None:
    text = "The city said the Sea of Lirvo was calm, as was the Lirvo Sea."
    city, sea, other = _resolve(geoparser, text, "city", "Sea of Lirvo", "Lirvo Sea")
    assert city.entry is None and city.candidates == 0
    assert sea.entry is None and other.entry is None  # no nearby town may stand in for a sea


def test_parts_of_the_world_never_take_a_nearby_town(geoparser: Geoparser) -> None:
    text = "Grain left Odesa for Tarvian Africa; more went from Kherson to the Gulf of Lirvo."
    _, region, _, gulf = _resolve(geoparser, text, "Odesa", "Tarvian Africa", "Kherson", "Gulf of Lirvo")
    assert region.entry is None and gulf.entry is None


def test_a_lake_or_an_area_named_after_a_compass_point_may(geoparser: Geoparser) -> None:
    text = "Boats on Lake Lirvo and farms in the East of Tarvo near Pokrovsk were hit, Donetsk Oblast officials said."
    lake, east, town, _ = _resolve(geoparser, text, "Lake Lirvo", "East of Tarvo", "Pokrovsk", "Donetsk Oblast")
    assert town.entry is not None and not town.approximate
    assert lake.approximate and lake.entry == town.entry
    assert east.approximate and east.entry == town.entry


@pytest.mark.parametrize(("name", "expected", "kind"), [
    ("Black Sea", "Black Sea", "other"), ("Sea of Azov", "Sea of Azov", "other"),
    ("Dnieper River", "Dnieper", "other"), ("Kerch Strait", "Kerch Strait", "other"),
    ("Caucasus", "Caucasus Mountains", "other"), ("Nagorno-Karabakh", "Nagorno-Karabakh", "region"),
    ("Middle East", "Middle East", "continent"), ("Balkans", "Balkans", "continent"),
])
def test_seas_rivers_ranges_and_regions_across_countries_resolve(geoparser: Geoparser, name: str, expected: str,
                                                                   kind: str) -> None:
    text = f"Russian warships fired missiles from Sevastopol, and officials warned of fighting in the {name}."
    _, place = _resolve(geoparser, text, "Sevastopol", name)
    assert place.entry is not None and not place.approximate
    assert (place.entry.name, place.entry.kind) == (expected, kind)
    stored = place.entry.to_place()
    assert stored.geonameid is None and stored.population is None  # curated, not a GeoNames entry


@pytest.mark.parametrize(("name", "expected"), [("Sinai", "Sinai Peninsula"), ("Caspian", "Caspian Sea"),
                                                ("Siberia", "Siberia"), ("Central American", "Central America")])
def test_a_well_known_feature_outranks_a_village_of_its_name(geoparser: Geoparser, name: str,
                                                            expected: str) -> None:
    (place,) = _resolve(geoparser, f"Troops were moved to the {name} last week.", name)
    assert place.entry is not None and place.entry.name == expected and place.entry.kind != "settlement"


def test_user_places_resolve(geoparser: Geoparser) -> None:
    (village,) = _resolve(geoparser, "Shelling was reported in Zoriane Pole overnight.", "Zoriane Pole")
    assert village.entry is not None and village.entry.id == 990000001


def test_resolution_scores_with_the_ranker_it_is_given() -> None:
    from claimwatch.geo.ranking import FEATURES, HAND_WEIGHTS, Ranker, default_ranker, hand_ranker

    with pytest.raises(ValueError, match="unknown ranking features"):
        Ranker.of({"populaton": 1.0}, "typo")
    assert len(hand_ranker().weights) == len(FEATURES)
    assert default_ranker().weights == hand_ranker().weights  # no learned weights are shipped (see docs/geo.md)
    text = "The festival in Paris drew a record crowd on Saturday."
    start = text.index("Paris")
    index = built_index()[0]
    hand = Geoparser(Options(gazetteer_path=str(index))).resolve_spans(text, [(start, start + 5)])[0]
    assert hand.entry is not None and hand.entry.country == "FR"
    no_capitals = Ranker.of({**HAND_WEIGHTS, "capital": -10.0}, "test")
    other = Geoparser(Options(gazetteer_path=str(index)), ranker=no_capitals).resolve_spans(text, [(start, start + 5)])[0]
    assert other.entry is not None and other.entry.fcode != "PPLC" and other.entry.name == "Paris"


def test_a_street_falls_back_to_a_town_of_the_articles_own_country_and_region(geoparser: Geoparser) -> None:
    text = ("Visitors from Chartres crowded Pelican Street on Friday. Officials in New Orleans and Baton Rouge "
            "said Louisiana would add buses.")
    chartres, street, *_ = _resolve(geoparser, text, "Chartres", "Pelican Street", "New Orleans", "Baton Rouge",
                                    "Louisiana")
    assert chartres.entry is not None and chartres.entry.country == "FR"  # the nearest town in the text
    assert street.approximate and street.entry is not None and street.entry.admin1 == "US.LA"
    assert street.entry.name == "New Orleans"  # the nearest in the text of the article's own region


def test_a_countrys_name_is_the_country_not_a_town_also_called_so(geoparser: Geoparser) -> None:
    text = "Residents of Coyoacan and Iztapalapa said Mexico must act."
    *_, mexico = _resolve(geoparser, text, "Coyoacan", "Iztapalapa", "Mexico")
    assert mexico.entry is not None and mexico.entry.kind == "country"  # not Mexico City, whatever the context
