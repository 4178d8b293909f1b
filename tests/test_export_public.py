"""Public sharing (claimwatch.export.public): coordinates snapped to a grid, persons in sources replaced by
their role; through the GeoJSON writer, ``claimwatch export --public`` and the map API."""

from __future__ import annotations

import io
import json
import math
import random
from collections.abc import Iterator
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
    Publicity,
    check_grid,
    person_name,
    place_names,
    public_feature,
    public_source,
    snap,
)
from claimwatch.model import Source, Span
from claimwatch.settings import load_options
from claimwatch.store import Store
from claimwatch.web import create_app


@pytest.fixture(scope="module")
def publicity() -> Publicity:
    return Publicity(10.0, load_registry(None), place_names())


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
