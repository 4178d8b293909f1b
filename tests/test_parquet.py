"""Parquet export: three flat tables whose offsets point into the stored text, empty tables that still carry
their columns, row groups as they fill, the command line, and a clear error without the optional extra."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_store import TEXT, make_extraction
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.export import FOLDER_FORMATS, MissingExtra
from claimwatch.export import parquet as parquet_export
from claimwatch.model import Extraction, PlaceMention, Span
from claimwatch.store import Store

pq = pytest.importorskip("pyarrow.parquet")


def _extraction(article_id: int = 7) -> Extraction:
    extraction = make_extraction()
    extraction.article.id = article_id
    for claim in extraction.claims:
        claim.story, claim.verdict = "st-1", "contested"
    start = TEXT.index("Kyiv")
    extraction.places.append(PlaceMention(span=Span.of(TEXT, start, start + 4), place=None))
    return extraction


def _read(folder: Path, name: str) -> list[dict[str, object]]:
    return list(pq.read_table(folder / name).to_pylist())


def test_three_flat_tables_with_offsets_into_the_text(tmp_path: Path) -> None:
    counts = FOLDER_FORMATS["parquet"]([_extraction()], tmp_path, None)  # type: ignore[arg-type]
    assert counts == {"claims.parquet": 3, "events.parquet": 1, "places.parquet": 2}
    claims = _read(tmp_path, "claims.parquet")
    assert list(claims[0]) == list(parquet_export.CLAIMS)
    first = claims[0]
    assert (first["article_id"], first["claim_index"], first["status"], first["kind"]) == (7, 0, "denied",
                                                                                         "indirect")
    assert (first["source_text"], first["source_actor"], first["status_evidence"], first["events"]) == (
        "the ministry", "ru-mod", "denied", 1)
    assert first["published"] == datetime(2024, 3, 5, 12, 30, tzinfo=UTC)
    assert {(c["story"], c["verdict"]) for c in claims} == {("st-1", "contested")}
    assert claims[2]["source_text"] is None and claims[1]["entity_text"] == "the ministry"
    for row in claims:
        for prefix in ("source", "entity", "cue", "content"):
            if row[f"{prefix}_text"] is not None:
                assert TEXT[row[f"{prefix}_start"]:row[f"{prefix}_end"]] == row[f"{prefix}_text"]  # type: ignore[misc]

    [event] = _read(tmp_path, "events.parquet")
    assert (event["article_id"], event["claim_index"], event["event_index"], event["status"]) == (7, 0, 0, "denied")
    assert (event["type"], event["place_name"], event["geonameid"], event["lat"], event["lon"]) == (
        "Strategic developments", "Pryiutne", 700001, 47.43, 35.9)
    assert (event["date_start"], event["date_precision"], event["place_precision"]) == ("2024-03-04", "day",
                                                                                         "settlement")
    assert (event["quantities"], event["quantity_value"], event["quantity_unit"], event["quantity_text"]) == (
        1, 35.0, "km2", "35 sq. km")
    assert (event["actor1_name"], event["actor1_id"], event["actor2_name"]) == ("Russian Armed Forces", "ru-af", None)
    assert TEXT[event["trigger_start"]:event["trigger_end"]] == event["trigger_text"] == "took"  # type: ignore[misc]

    resolved, unresolved = _read(tmp_path, "places.parquet")
    assert (resolved["name"], resolved["country"], resolved["precision"], resolved["role"]) == (
        "Pryiutne", "UA", "settlement", "location")
    assert (unresolved["text"], unresolved["geonameid"], unresolved["lat"], unresolved["place_index"]) == (
        "Kyiv", None, None, 1)


def test_an_empty_export_still_has_every_column(tmp_path: Path) -> None:
    assert FOLDER_FORMATS["parquet"]([], tmp_path / "new", None) == dict.fromkeys(parquet_export.TABLES, 0)  # type: ignore[arg-type]
    for name, columns in parquet_export.TABLES.items():
        table = pq.read_table(tmp_path / "new" / name)
        assert table.num_rows == 0 and table.column_names == list(columns)


def test_rows_are_written_a_row_group_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_export, "ROW_GROUP", 4)
    parquet_export.write([_extraction(i) for i in range(1, 4)], tmp_path)
    claims = pq.ParquetFile(tmp_path / "claims.parquet")
    assert claims.metadata.num_rows == 9  # 3 claims an article: 6 rows reach the limit, then the last 3
    assert [claims.metadata.row_group(i).num_rows for i in range(claims.num_row_groups)] == [6, 3]
    assert [r["article_id"] for r in _read(tmp_path, "claims.parquet")] == [1, 1, 1, 2, 2, 2, 3, 3, 3]


def test_without_pyarrow_the_error_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingExtra, match=r"pip install 'claimwatch\[parquet\]'"):
        parquet_export.write([_extraction()], tmp_path / "out")
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    Store(url).close()
    result = CliRunner().invoke(app, ["--db", url, "export", "--format", "parquet", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "claimwatch[parquet]" in result.output
    assert not (tmp_path / "o").exists() and not (tmp_path / "out").exists()


def test_the_command_line_writes_the_folder_from_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    with Store(url) as store:
        first = store.save(make_extraction())
        second = store.save(replace(make_extraction(url="https://wire.example/2")))
    runner = CliRunner()
    done = runner.invoke(app, ["--db", url, "export", "--format", "parquet", "--out", str(tmp_path / "out"),
                               "--status", "denied"], env={"COLUMNS": "250"})
    assert done.exit_code == 0, done.output
    assert "2 rows to claims.parquet, 2 rows to events.parquet, 2 rows to places.parquet" in done.output
    claims = _read(tmp_path / "out", "claims.parquet")
    assert [(c["article_id"], c["status"]) for c in claims] == [(first, "denied"), (second, "denied")]
    assert runner.invoke(app, ["--db", url, "export", "--format", "parquet"]).exit_code == 2  # no --out
    (tmp_path / "file").write_text("x")
    assert runner.invoke(app, ["--db", url, "export", "--format", "parquet", "--out",
                               str(tmp_path / "file")]).exit_code == 2


def test_doctor_warns_when_the_extra_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    from claimwatch import doctor
    from claimwatch.settings import Options

    present = doctor.check_parquet(Options())
    assert present.ok and present.detail.startswith("pyarrow ") and not present.required

    def absent(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(doctor.metadata, "version", absent)
    missing = doctor.check_parquet(Options())
    assert not missing.ok and not missing.required and missing.fix == "pip install 'claimwatch[parquet]'"
