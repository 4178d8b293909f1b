"""bench/generate_store.py and bench/load_test.py at a small size: the generated store reads back as a real one
(records, spans, full text, stories, per-day counts) and the API answers over it, in process and over loopback."""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimwatch.model import Claim
from claimwatch.serialize import from_dict, to_dict
from claimwatch.settings import load_options
from claimwatch.store import Store
from claimwatch.store.days import day_of
from claimwatch.store.schema import ArticleRow, ClaimRow, EventRow, StoryClaimRow, StoryRow
from claimwatch.web import create_app

BENCH = Path(__file__).resolve().parent.parent / "bench"
CLAIMS = 2000
UKRAINE = "22.1,44.3,40.3,52.4"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    module = _load("generate_store")
    url = f"sqlite:///{tmp_path_factory.mktemp('generated') / 'cw.db'}"
    done = module.generate(url, CLAIMS, seed=3)
    yield url, done
    del sys.modules["generate_store"]


@pytest.fixture(scope="module")
def client(generated: tuple[str, Any]) -> Iterator[TestClient]:
    with Store(generated[0]) as store:
        yield TestClient(create_app(load_options(), store))


def test_the_store_holds_what_was_asked_and_reads_back(generated: tuple[str, Any]) -> None:
    url, done = generated
    assert done.claims == CLAIMS and done.articles > 0 and done.size_bytes > 0
    with Store(url) as store, Session(store.engine) as session:
        assert store.counts()["claims"] == CLAIMS and store.counts()["events"] == done.events
        rows = session.execute(select(ClaimRow, ArticleRow.text, ArticleRow.published_at)
                               .join(ArticleRow, ArticleRow.id == ClaimRow.article_id).limit(300)).all()
        for claim_row, text, published in rows:
            assert to_dict(from_dict(Claim, claim_row.data)) == claim_row.data
            assert text[claim_row.content_start:claim_row.content_end] == claim_row.content_text
            assert claim_row.published_at == published
            for event in claim_row.data["events"]:
                if event["place"]:
                    span = event["place"]["span"]
                    assert text[span["start"]:span["end"]] == event["place"]["place"]["name"]
        countries = dict(session.execute(select(EventRow.country, func.count()).group_by(EventRow.country)).all())
        assert countries["UA"] > countries.get("RU", 0) > 0
        assert session.scalar(select(func.count()).select_from(StoryRow)) == done.stories > 0
        assert session.scalar(select(func.count(StoryClaimRow.claim_id.distinct()))) == sum(
            session.scalars(select(StoryRow.claims)))
        statuses = set(session.scalars(select(ClaimRow.status).distinct()))
        assert {"claimed", "denied", "confirmed", "hedged"} <= statuses


def test_the_api_answers_over_it(client: TestClient, generated: tuple[str, Any]) -> None:
    first = client.get("/api/claims?limit=50").json()
    assert len(first["items"]) == 50 and first["next"]
    second = client.get(f"/api/claims?limit=50&cursor={first['next']}").json()
    assert {c["id"] for c in first["items"]}.isdisjoint(c["id"] for c in second["items"])
    found = client.get("/api/claims?q=forces&limit=100").json()["items"]
    assert found and all(re.search(r"\bforces\b", c["content"]["text"], re.IGNORECASE) for c in found)
    timeline = client.get("/api/timeline").json()
    assert timeline["claims"] == CLAIMS and sum(d["claims"] for d in timeline["days"]) == CLAIMS
    month = timeline["days"][len(timeline["days"]) // 2]["date"][:7]
    since, until = f"{month}-01", f"{month}-28"
    clusters = client.get(f"/api/map?bbox={UKRAINE}&since={since}&until={until}&cluster=true").json()
    with Store(generated[0]) as store, Session(store.engine) as session:
        located = session.scalar(select(func.count()).select_from(EventRow).join(ClaimRow)
                                 .where(EventRow.lat.between(44.3, 52.4), EventRow.lon.between(22.1, 40.3),
                                        day_of(ClaimRow.published_at, "sqlite").between(since, until)))
    assert located and sum(f["properties"]["count"] for f in clusters["features"]) == located
    stories = client.get("/api/stories?limit=20").json()["items"]
    assert len(stories) == 20 and all(s["claims"] for s in stories)
    assert client.get("/api/map?bbox=1,2,3").status_code == 400


@pytest.mark.parametrize("workers", [1, 2])  # 2: `serve --workers 2`, one uvicorn process per core
def test_the_load_test_runs_against_a_served_store(generated: tuple[str, Any], capsys: pytest.CaptureFixture[str],
                                                   workers: int) -> None:
    module = _load("load_test")
    try:
        args = argparse.Namespace(db=generated[0], clients=2, requests=3, duration=None, warmup=1, workers=workers,
                                  endpoints=",".join(module.ENDPOINTS), seed=1, json=None)
        figures = module.main_with(args)
    finally:
        del sys.modules["load_test"]
    assert set(figures) == set(module.ENDPOINTS)
    assert all(f["n"] == 3 and f["errors"] == 0 and 0 < f["p50"] <= f["p95"] <= f["p99"] for f in figures.values())
    assert "p95 ms" in capsys.readouterr().out
