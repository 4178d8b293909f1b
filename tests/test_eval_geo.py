"""Geoparsing evaluation: GeoWebNews and LGL readers, span realignment, metrics, predictions file."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_geo_gazetteer import built_index

from claimwatch.evaluate import geo
from claimwatch.geo import Geoparser
from claimwatch.settings import Options

GWN_TEXT = "Moscow denied the report. Shelling hit Kharkiv and Russian troops massed near Belgorod, officials said."
LGL_TEXT = "Floods hit Gainesville, Georgia, and Athens on Monday."


def _toponym(name: str, text: str, kind: str, lat: float | None, lon: float | None, gid: str = "",
             nonloc: str = "No") -> str:
    start = text.index(name)
    coords = f"<latitude>{lat}</latitude><longitude>{lon}</longitude>" if lat is not None else ""
    return (f"<toponym><extractedName>{name}</extractedName><type>{kind}</type>"
            f"<nonLocational>{nonloc}</nonLocational><start>{start}</start><end>{start + len(name)}</end>"
            f"<geonamesID>{gid}</geonamesID>{coords}</toponym>")


@pytest.fixture()
def gwn_file(tmp_path: Path) -> Path:
    toponyms = "".join([
        _toponym("Moscow", GWN_TEXT, "Metonymic", 55.75222, 37.61556, "524901"),
        _toponym("Kharkiv", GWN_TEXT, "Literal", 49.98081, 36.25272, "706483"),
        _toponym("Russian", GWN_TEXT, "Non_Literal_Modifier", 60.0, 100.0, "2017370"),
        _toponym("Belgorod", GWN_TEXT, "Literal", -33.0, 151.0, ""),  # deliberately wrong gold point
        _toponym("officials", GWN_TEXT, "Non_Toponym", None, None, "", "Yes"),
    ])
    path = tmp_path / "gwn.xml"
    path.write_text(f'<articles><article file="a1"><title>t</title><link>https://www.example.org/x</link>'
                    f"<text>{GWN_TEXT}</text><toponyms>{toponyms}</toponyms></article></articles>", "utf-8")
    return path


def _lgl_toponym(name: str, start: int, gid: int, lat: float, lon: float) -> str:
    return (f"<toponym><start>{start}</start><end>{start + len(name)}</end><phrase>{name}</phrase>"
            f'<gaztag geonameid="{gid}"><name>{name}</name><lat>{lat}</lat><lon>{lon}</lon></gaztag></toponym>')


@pytest.fixture()
def lgl_file(tmp_path: Path) -> Path:
    shifted = LGL_TEXT.index("Athens") + 3  # offsets that drifted, as in TR-News
    toponyms = (_lgl_toponym("Gainesville", LGL_TEXT.index("Gainesville"), 4196586, 34.29788, -83.82407)
                + _lgl_toponym("Georgia", LGL_TEXT.index("Georgia"), 4197000, 32.75042, -83.50018)
                + _lgl_toponym("Athens", shifted, 4180386, 33.96095, -83.37794))
    path = tmp_path / "lgl.xml"
    path.write_text(f'<articles><article docid="d1"><domain>example-gazette.com</domain><text>{LGL_TEXT}</text>'
                    f"<toponyms>{toponyms}</toponyms></article></articles>", "utf-8")
    return path


@pytest.fixture(scope="module")
def stub() -> SimpleNamespace:
    options = Options(gazetteer_path=str(built_index()[0]))
    return SimpleNamespace(options=options, geoparser=Geoparser(options))


def test_readers_keep_types_locational_flags_and_realign_offsets(gwn_file: Path, lgl_file: Path) -> None:
    (doc,) = geo.read(gwn_file, "gwn-xml")
    assert doc.id == "a1" and doc.outlet == "example.org"
    assert [t.scored for t in doc.toponyms] == [True, True, True, True, False]
    assert [t.literal for t in doc.toponyms][:3] == [False, True, False]
    (doc,) = geo.read(lgl_file, "lgl-xml")
    athens = doc.toponyms[-1]
    assert doc.text[athens.start:athens.end] == "Athens" and athens.geonameid == 4180386
    with pytest.raises(ValueError, match="unknown geo gold format"):
        geo.read(gwn_file, "tr-news")


def test_gold_span_resolution_metrics(gwn_file: Path, stub: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    result = geo.evaluate(gwn_file, "gwn-xml", stub, save_predictions=out, gold_spans=True)  # type: ignore[arg-type]
    assert {"task", "n", "acc161", "mean_km", "median_km", "auc", "exact_id", "detection"} <= set(result)
    assert result["task"] == "geo" and result["n"] == 4 and result["detection"] is None
    assert result["acc161"] == 0.75  # Belgorod's gold point is on another continent
    assert result["exact_id"] == 1.0  # Moscow, Kharkiv and Russia by GeoNames id
    assert result["acc161_literal"] == 0.5  # Kharkiv right, Belgorod "wrong"
    assert result["mean_km"] > 3000 and result["median_km"] < 161
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {"doc", "start", "end", "text", "geonameid", "lat", "lon"} == set(lines[0])
    assert any(line["text"] == "Kharkiv" and line["geonameid"] == 706483 for line in lines)


def test_lgl_layout_with_a_qualifying_state(lgl_file: Path, stub: SimpleNamespace) -> None:
    result = geo.evaluate(lgl_file, "lgl-xml", stub, gold_spans=True)  # type: ignore[arg-type]
    assert result["n"] == 3 and result["acc161"] == 1.0  # Athens, Georgia through the article's context


def test_detection_scores_spans(gwn_file: Path, stub: SimpleNamespace, nlp) -> None:  # type: ignore[no-untyped-def]
    stub_with_nlp = SimpleNamespace(options=stub.options, geoparser=stub.geoparser, nlp=nlp)
    result = geo.evaluate(gwn_file, "gwn-xml", stub_with_nlp)  # type: ignore[arg-type]
    det = result["detection"]
    assert det is not None and 0 < det["p"] <= 1 and 0 < det["r"] <= 1
    assert det["f1"] == pytest.approx(2 * det["p"] * det["r"] / (det["p"] + det["r"]), abs=1e-3)


def test_auc_bounds_and_render() -> None:
    assert geo.auc([0.0, 0.0, 0.0]) == 0.0
    assert geo.auc([geo.MAX_KM] * 3) == pytest.approx(1.0, abs=1e-4)
    assert 0 < geo.auc([0.0, 100.0, 5000.0]) < 1
    table = geo.render({"n": 2, "acc161": 0.5, "acc161_literal": 0.5, "exact_id": 0.5, "mean_km": 1.0,
                        "median_km": 1.0, "auc": 0.1, "detection": {"p": 1.0, "r": 0.5, "f1": 0.667}})
    assert table.row_count == 9


def test_dispatch_through_the_evaluation_runner(gwn_file: Path) -> None:
    from claimwatch.evaluate import run

    result = run("geo", "gwn-xml", gwn_file, Options(gazetteer_path=str(built_index()[0])), gold_spans=True)
    assert result["n"] == 4


def test_the_outlet_prior_is_rebuilt_each_round(tmp_path: Path, stub: SimpleNamespace,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["Floods hit Dublin and Hilliard on Monday.", "The Dublin council met in Hilliard.",
             "Columbus and Dublin schools closed."]
    points = {"Dublin": (4512060, 40.09923, -83.11408), "Hilliard": (4516233, 40.0334, -83.15825),
              "Columbus": (4509177, 39.96118, -82.99879)}
    articles = "".join(f'<article docid="d{i}"><domain>example-gazette.com</domain><text>{t}</text><toponyms>'
                       + "".join(_lgl_toponym(name, t.index(name), *points[name]) for name in points if name in t)
                       + "</toponyms></article>" for i, t in enumerate(texts))
    path = tmp_path / "outlet.xml"
    path.write_text(f"<articles>{articles}</articles>", "utf-8")
    priors: list[object] = []
    real = stub.geoparser

    class Counting:
        def resolve_spans(self, text, spans, prior=None):  # type: ignore[no-untyped-def]
            priors.append(prior)
            return real.resolve_spans(text, spans, prior)

    monkeypatch.setattr(geo, "OUTLET_ROUNDS", 3)
    result = geo.evaluate(path, "lgl-xml", stub, gold_spans=True, geoparser=Counting())  # type: ignore[arg-type]
    assert len(priors) == 3 * (1 + 3) and priors[:3] == [None] * 3 and all(p is not None for p in priors[3:])
    assert result["acc161"] == 1.0  # an Ohio paper's Dublin, once its other stories vote
    priors.clear()
    geo.evaluate(path, "lgl-xml", stub, gold_spans=True, geoparser=Counting(), outlet_prior=False)  # type: ignore[arg-type]
    assert priors == [None] * 3
