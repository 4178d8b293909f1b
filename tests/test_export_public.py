"""Public sharing (claimwatch.export.public): coordinates snapped to a grid, persons in sources replaced by
their role, private persons' names in claim texts, titles and actors replaced by "[person]" (public figures,
bodies, places and things kept); through the GeoJSON writer, ``claimwatch export --public`` and the map API.
The articles are fictional."""

from __future__ import annotations

import io
import json
import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from workbench_data import extraction, fill

from claimwatch.actors import load_registry
from claimwatch.cli import app as cli
from claimwatch.export import geojson
from claimwatch.export.public import (
    A_PERSON,
    KM_PER_DEGREE,
    PERSON,
    Publicity,
    check_grid,
    person_name,
    place_names,
    public_feature,
    public_source,
    public_text,
    snap,
)
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
    Source,
    Span,
    Status,
)
from claimwatch.outlets import load_outlets
from claimwatch.settings import load_options
from claimwatch.store import Store
from claimwatch.web import create_app


@pytest.fixture(scope="module")
def publicity() -> Publicity:
    return Publicity(10.0, load_registry(None), place_names(), load_outlets(None))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance (good enough at these scales)."""
    mean = math.radians((a[0] + b[0]) / 2)
    return KM_PER_DEGREE * math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(mean))


@pytest.mark.parametrize("grid", [1.0, 10.0, 25.0])
def test_snapping_moves_each_point_to_its_cells_centre(grid: float) -> None:
    rng = random.Random(7)
    points = [(rng.uniform(44, 53), rng.uniform(22, 41)) for _ in range(2000)]
    snapped = [snap(lat, lon, grid) for lat, lon in points]
    for point, centre in zip(points, snapped, strict=True):
        assert _km(point, centre) <= grid * math.sqrt(2) / 2 + 0.05
        assert snap(*centre, grid) == centre  # a centre is its own cell's centre
    cells = len(set(snapped))
    assert cells < len(points) if grid >= 25 else cells > 1
    # two points of the same cell share the centre; a point one cell away does not
    lat, lon = snapped[0]
    assert snap(lat + grid / KM_PER_DEGREE * 0.3, lon, grid) == (lat, lon)
    assert snap(lat + grid / KM_PER_DEGREE, lon, grid) != (lat, lon)


def test_grid_sizes_are_checked() -> None:
    for bad in (0, -1, 0.1, math.nan, math.inf, 5000):
        with pytest.raises(ValueError):
            check_grid(bad)
    assert check_grid(10) == 10.0


@pytest.mark.parametrize(("source", "shown"), [
    ("Andrii", A_PERSON),
    ("The brigade's press officer, Captain Iryna Melnyk,", "the brigade's press officer"),
    ("Captain Iryna Melnyk", A_PERSON),
    ("Olena Kovalenko, a nurse at the hospital", "a nurse at the hospital"),
    ("Volodymyr Zelensky", "a representative of "),
    ("the Russian Ministry of Defence", "the Russian Ministry of Defence"),
    ("Ukraine's General Staff", "Ukraine's General Staff"),
    ("Ukrainian officials", "Ukrainian officials"),
    ("Kyiv", "Kyiv"),
    ("Ukraine", "Ukraine"),
    ("A commander who gave only his call sign,", "A commander who gave only his call sign,"),
    ("a masked man in camouflage", "a masked man in camouflage"),
    ("Satellite images reviewed by analysts", "Satellite images reviewed by analysts"),
    ("A Russian military blogger", "A Russian military blogger"),
    ("local resident Petro Ivanenko", "local resident"),
    ("regional governor Oleh Syniehubov", "a representative of "),
])
def test_persons_in_sources_become_their_role(publicity: Publicity, source: str, shown: str) -> None:
    public = public_source(source, publicity)
    assert public is not None and public.startswith(shown)
    if shown != source:
        assert not (set(source.split()) - {"The", "the", "a", "A"}) & {w for w in public.split() if w[:1].isupper()}


def test_a_registry_person_is_named_by_the_body_they_speak_for(publicity: Publicity) -> None:
    assert publicity.registry is not None
    zelensky = publicity.registry.get("ua-zelensky")
    assert zelensky is not None and zelensky.kind == "person" and zelensky.represents
    body = publicity.registry.get(zelensky.represents)
    assert body is not None
    assert public_source("He", publicity, "ua-zelensky") == f"a representative of {body.name}"
    assert public_source("the ministry", publicity, "ru-mod") == "the ministry"


def test_person_names_are_found_inside_longer_sources() -> None:
    places = frozenset({"kharkiv"})
    assert person_name("a resident, Petro Ivanenko, said", places) == "Petro Ivanenko"
    assert person_name("Officials in Kharkiv", places) is None


def test_a_public_feature_is_a_coarse_copy(publicity: Publicity) -> None:
    x, _ = extraction(0, 3)
    x.claims[0].source = Source(Span.of(x.article.text, 0, 6))  # "Report": an unresolved capitalised word
    feature = next(geojson.event_features(x))
    original = json.loads(json.dumps(feature))
    public = public_feature(feature, publicity)
    assert feature == original  # not changed in place
    lon, lat = public["geometry"]["coordinates"]
    assert (lat, lon) == snap(original["properties"]["place"]["lat"], original["properties"]["place"]["lon"], 10.0)
    assert (public["properties"]["place"]["lat"], public["properties"]["place"]["lon"]) == (lat, lon)
    assert public["properties"]["place"]["coarsened_km"] == 10.0
    assert (lat, lon) != (original["properties"]["place"]["lat"], original["properties"]["place"]["lon"])
    assert public["properties"]["place"]["name"] == "Kharkiv"
    assert public["properties"]["source"] == A_PERSON


def test_the_geojson_writer_is_public_with_the_option() -> None:
    x, _ = extraction(1, 3)
    plain, shared = io.StringIO(), io.StringIO()
    assert geojson.write([x], plain, load_options()) == geojson.write([x], shared,
                                                                      load_options(public=True, public_grid_km=25))
    before = json.loads(plain.getvalue())["features"]
    after = json.loads(shared.getvalue())["features"]
    for a, b in zip(before, after, strict=True):
        lon, lat = a["geometry"]["coordinates"]
        assert b["geometry"]["coordinates"] == list(snap(lat, lon, 25)[::-1])
        assert b["properties"]["public"] == {"grid_km": 25}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('public') / 'cw.db'}"
    with Store(url) as store:
        fill(store, 6)
    yield url


def test_export_public_command(synthetic: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "public.geojson"
    done = runner.invoke(cli, ["--db", synthetic, "export", "--format", "geojson", "--public", "--grid-km", "20",
                               "--out", str(out)])
    assert done.exit_code == 0, done.output
    features = json.loads(out.read_text("utf-8"))["features"]
    assert features
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        assert snap(lat, lon, 20) == (lat, lon) and feature["properties"]["public"] == {"grid_km": 20}
    refused = runner.invoke(cli, ["--db", synthetic, "export", "--format", "jsonl", "--public"])
    assert refused.exit_code == 2 and "geojson" in refused.output
    bad = runner.invoke(cli, ["--db", synthetic, "export", "--format", "geojson", "--grid-km", "0"])
    assert bad.exit_code == 2 and "grid" in bad.output


def test_the_map_api_is_public_on_request_or_always_with_the_option(synthetic: str) -> None:
    with Store(synthetic) as store:
        client = TestClient(create_app(load_options(), store))
        exact = client.get("/api/map").json()["features"]
        asked = client.get("/api/map?public=true").json()["features"]
        always = TestClient(create_app(load_options(public=True, public_grid_km=50), store))
        forced = always.get("/api/map?public=false").json()["features"]
        stories = always.get("/api/map?layer=stories").json()["features"]
    assert len(exact) == len(asked) == len(forced) > 0
    for a, b, c in zip(exact, asked, forced, strict=True):
        lon, lat = a["geometry"]["coordinates"]
        assert b["geometry"]["coordinates"] == list(snap(lat, lon, 10)[::-1])
        assert c["geometry"]["coordinates"] == list(snap(lat, lon, 50)[::-1])
    assert stories and all(f["properties"]["public"] == {"grid_km": 50} for f in stories)


@pytest.mark.parametrize(("text", "shown"), [
    ("Sergeant Petro Ivanenko said the unit held the village.", "Sergeant [person] said the unit held the village."),
    ("Olena Kovalenko, a nurse, said the hospital was hit.", "[person], a nurse, said the hospital was hit."),
    ("Mr Bondar and Dr. Oksana Hrytsenko were evacuated.", "Mr [person] and Dr. [person] were evacuated."),
    ("Captain Melnyk: we held the line at Kupiansk", "Captain [person]: we held the line at Kupiansk"),
    ("Andrii Bondar's car was hit near Kharkiv", "[person]'s car was hit near Kharkiv"),
    ("Air Force spokesman Yurii Ihnatenko said on Friday", "Air Force spokesman [person] said on Friday"),
    # public figures and bodies the registries know, places, peoples and things stay
    ("President Volodymyr Zelensky said the Black Sea Fleet lost a ship.", None),
    ("Ukrainska Pravda reported that Russian forces shelled Kharkiv and Kupiansk.", None),
    ("According to Ukraine's General Staff, the Armed Forces of Ukraine repelled 12 attacks.", None),
    ("Two Storm Shadow missiles hit the Antonivskyi Bridge near the Kinburn Spit.", None),
    ("Andrii said nothing.", None),  # one bare word: too little to tell a name from a place or a call sign
    ("On Friday Pro-Russian Bloggers said Easter Sunday strikes hit Kharkiv.", None),
    ("Human Rights Watch and Amnesty International documented the strike.", None),
    ("Kremlin Press Secretary Dmitry Peskov denied it.", None),
])
def test_private_names_in_texts_become_a_placeholder(publicity: Publicity, text: str, shown: str | None) -> None:
    assert public_text(text, publicity) == (text if shown is None else shown)


def test_the_sources_name_goes_wherever_the_text_repeats_it(publicity: Publicity) -> None:
    text = "Melnyk's soldiers repelled the assault, Iryna Melnyk said; Iryna was wounded."
    assert public_text(text, publicity, ["Iryna Melnyk"]) == (
        "[person]'s soldiers repelled the assault, [person] said; [person] was wounded.")
    assert public_text("Melnykivka was shelled.", publicity, ["Iryna Melnyk"]) == "Melnykivka was shelled."


class FakeGazetteer:
    """Knows one place, as the gazetteer index would."""

    def lookup(self, key: str, limit: int = 200) -> tuple[str, ...]:
        return ("a place",) if key == "chasiv yar" else ()


def test_places_the_cities_list_lacks_stay_through_the_gazetteer_or_the_features_own_place(
        publicity: Publicity) -> None:
    text = "Russian assault units took Chasiv Yar after weeks of fighting."
    assert public_text(text, publicity) == text.replace("Chasiv Yar", PERSON)  # the check can fail
    assert public_text(text, publicity, places=frozenset({"chasiv yar"})) == text
    with_index = Publicity(10.0, publicity.registry, publicity.places, publicity.outlets, FakeGazetteer())
    assert public_text(text, with_index) == text


#: a fictional article naming private persons, a public figure, a body and a place
NAMED_TITLE = "Sergeant Petro Ivanenko's unit holds the line near Kupiansk"
NAMED_TEXT = ("The brigade's press officer, Captain Iryna Melnyk, said that Melnyk's soldiers and Sergeant Petro "
              "Ivanenko repelled an assault near Kupiansk on Tuesday, and that President Volodymyr Zelensky "
              "thanked the medic Olena Kovalenko.")
KUPIANSK = Place(704508, "Kupiansk", "P", "PPL", "UA", "Kharkiv Oblast", 49.71, 37.61)
PRIVATE = ("Ivanenko", "Iryna", "Melnyk", "Petro", "Olena", "Kovalenko")


def _span(text: str, fragment: str) -> Span:
    start = text.index(fragment)
    return Span.of(text, start, start + len(fragment))


def named_extraction() -> Extraction:
    text = NAMED_TEXT
    place = PlaceMention(_span(text, "Kupiansk"), KUPIANSK, Precision.SETTLEMENT, confidence=0.9)
    event = Event("Battles", "Armed clash", _span(text, "repelled"), place=place,
                  actor1=ActorRef("Sergeant Petro Ivanenko", _span(text, "Sergeant Petro Ivanenko")),
                  date=DateRange("2024-08-13", "2024-08-13", "day"))
    content = text[text.index("Melnyk's soldiers"):text.index(".", text.index("Kovalenko"))]
    claim = Claim(_span(text, content), ClaimKind.INDIRECT, Status.CLAIMED,
                  Source(_span(text, "The brigade's press officer, Captain Iryna Melnyk,")), _span(text, "said"),
                  events=[event])
    article = Article(text=text, title=NAMED_TITLE, url="https://example.org/named", outlet="Outlet A",
                      published=datetime(2024, 8, 14, 9, tzinfo=UTC), language="en")
    return Extraction(article, [claim], [place], "cw-test")


def _no_private_names(properties: dict[str, object]) -> None:
    shown = json.dumps({k: properties.get(k) for k in ("content", "article_title", "source", "actor1", "cue")})
    assert not [name for name in PRIVATE if name in shown], shown
    assert "Volodymyr Zelensky" in str(properties["content"]) and "Kupiansk" in str(properties["content"])
    assert PERSON in str(properties["content"]) and PERSON in str(properties["article_title"])


def test_the_public_geojson_export_drops_private_names_from_texts_and_titles() -> None:
    x = named_extraction()
    plain, shared = io.StringIO(), io.StringIO()
    geojson.write([x], plain, load_options())
    geojson.write([x], shared, load_options(public=True))
    before = json.loads(plain.getvalue())["features"][0]["properties"]
    after = json.loads(shared.getvalue())["features"][0]["properties"]
    assert all(name in json.dumps(before) for name in PRIVATE)  # the check can fail
    _no_private_names(after)
    assert after["article_title"] == "Sergeant [person]'s unit holds the line near Kupiansk"
    assert after["source"] == "the brigade's press officer"
    assert after["actor1"] == "Sergeant [person]"


def test_the_public_map_api_drops_private_names_from_texts_and_titles(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        store.save(named_extraction())
        client = TestClient(create_app(load_options(), store))
        exact = client.get("/api/map").json()["features"]
        public = client.get("/api/map?public=true").json()["features"]
    assert len(exact) == len(public) == 1
    assert all(name in json.dumps(exact[0]["properties"]) for name in PRIVATE)
    _no_private_names(public[0]["properties"])


def test_a_public_server_serves_nothing_that_names_people(synthetic: str) -> None:
    with Store(synthetic) as store:
        private = TestClient(create_app(load_options(), store))
        claim_id = private.get("/api/claims?limit=1").json()["items"][0]["id"]
        article_id = private.get(f"/api/claims/{claim_id}").json()["article"]["id"]
        public = TestClient(create_app(load_options(public=True), store))
        for path in ("/api/claims", f"/api/claims/{claim_id}", "/api/stories", f"/api/articles/{article_id}",
                     "/claims", "/search?q=forces", "/stories", f"/articles/{article_id}"):
            answer = public.get(path)
            assert answer.status_code == 404, path
            assert not path.startswith("/api/") or "option public" in answer.json()["error"], path
        assert public.patch(f"/api/claims/{claim_id}", json={"field": "status", "value": "denied",
                                                             "why": "x"}).status_code in (401, 404)
        # what a public server is for still answers
        assert public.get("/api/map").status_code == 200 and public.get("/api/timeline").status_code == 200
        assert public.get("/api/places").status_code == 200 and public.get("/").status_code == 200
        assert private.get(f"/api/articles/{article_id}").status_code == 200
