"""The HTTP API over FastAPI's TestClient: every filter, keyset pages, full text, map, timeline, corrections with
tokens, hostile inputs, security headers, the OpenAPI schema; the same queries on PostgreSQL when available.

Most tests read a synthetic store (``tests/workbench_data.py``: no model) whose facts say what each filter must
return; the tests marked ``model`` ingest the examples, as ``claimwatch ingest examples/`` does.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from workbench_data import BELGOROD, KHARKIV, Fact, fill

from claimwatch.query.filters import encode_cursor
from claimwatch.records import claim_dict
from claimwatch.settings import Options, load_options
from claimwatch.store import Store
from claimwatch.store.tokens import create_token, revoke_token
from claimwatch.web import create_app
from claimwatch.web.security import HEADERS, LOOPBACK_HOSTS

N = 12


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[Fact], dict[int, int]]]:
    with Store(f"sqlite:///{tmp_path_factory.mktemp('api') / 'cw.db'}") as store:
        facts, ids = fill(store, N)
        yield store, facts, ids


@pytest.fixture(scope="module")
def client(synthetic: tuple[Store, list[Fact], dict[int, int]]) -> TestClient:
    return TestClient(create_app(load_options(), synthetic[0]))


@pytest.fixture
def writable(db_url: str) -> Iterator[tuple[Store, list[Fact], dict[int, int], TestClient]]:
    """A fresh synthetic store the test may change, its client, and a token made for "alice"."""
    with Store(db_url) as store:
        facts, ids = fill(store, N)
        yield store, facts, ids, TestClient(create_app(load_options(), store))


def walk(client: TestClient, url: str, limit: int = 5) -> list[dict[str, Any]]:
    """Every item of a paged list, following ``next`` to the end."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        sep = "&" if "?" in url else "?"
        page_url = f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(page_url)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items
    raise AssertionError("the pages never ended")


def keys(items: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [(c["article"]["id"], c["index"]) for c in items]


def expected(facts: list[Fact], ids: dict[int, int], keep: Callable[[Fact], bool]) -> set[tuple[int, int]]:
    return {(ids[f.article], f.index) for f in facts if keep(f)}


def _day(f: Fact) -> str | None:
    return f.published.date().isoformat() if f.published else None


def _event_in(f: Fact, since: str, until: str) -> bool:
    return f.event_day is not None and f.event_day[0].isdigit() and since <= f.event_day <= until


# ------------------------------------------------------------------------------------------------ claims

FILTERS: list[tuple[str, Callable[[Fact], bool]]] = [
    ("status=denied", lambda f: f.status == "denied"),
    ("status=confirmed", lambda f: f.status == "confirmed"),
    ("kind=outlet", lambda f: f.kind == "outlet"),
    ("event_type=Battles", lambda f: f.event_type == "Battles"),
    ("sub_type=Air/drone strike", lambda f: f.sub_type == "Air/drone strike"),
    ("verdict=contested", lambda f: f.verdict == "contested"),
    ("actor=ru-armed-forces", lambda f: "ru-armed-forces" in f.actors),
    ("actor=ru-mod", lambda f: "ru-mod" in f.actors),
    ("side=russia", lambda f: f.side == "russia"),
    ("side=ukraine", lambda f: f.side == "ukraine"),
    ("outlet=Outlet B", lambda f: f.outlet == "Outlet B"),
    ("language=uk", lambda f: f.language == "uk"),
    ("place=706483", lambda f: f.place == KHARKIV),  # a settlement
    ("place=706482", lambda f: f.place is not None and f.place.admin1 == "Kharkiv Oblast"),  # its region
    ("place=2017370", lambda f: f.place is not None and f.place.country == "RU"),  # a country
    ("admin1=Belgorod Oblast", lambda f: f.place == BELGOROD),
    ("country=UA", lambda f: f.place is not None and f.place.country == "UA"),
    ("bbox=36,49,37,50.3", lambda f: f.place == KHARKIV),
    ("bbox=170,40,40,55", lambda f: f.place is not None),  # across the antimeridian
    ("bbox=-10,-10,10,10", lambda f: False),
    ("since=2024-03-03&until=2024-03-05", lambda f: _day(f) is not None and "2024-03-03" <= _day(f) <= "2024-03-05"),
    ("since=2024-03-09", lambda f: _day(f) is not None and _day(f) >= "2024-03-09"),
    ("dates=event&since=2024-03-04&until=2024-03-06", lambda f: _event_in(f, "2024-03-04", "2024-03-06")),
    ("dates=event&until=2024-03-06", lambda f: _event_in(f, "0", "2024-03-06")),
    ("q=lighthouse", lambda f: "lighthouse" in f.words),
    ("q=pier lighthouse", lambda f: {"pier", "lighthouse"} <= f.words),
    ("q=took KHARKIV", lambda f: {"took", "kharkiv"} <= f.words),
    ("q=\"strike\" OR NEAR(", lambda f: False),  # FTS5 syntax is never interpreted: every word must occur
    ("q=***", lambda f: False),
    ("status=claimed&outlet=Outlet A&since=2024-03-02",
     lambda f: f.status == "claimed" and f.outlet == "Outlet A" and _day(f) is not None and _day(f) >= "2024-03-02"),
    ("event_type=Battles&side=russia&language=en",
     lambda f: f.event_type == "Battles" and f.side == "russia" and f.language == "en"),
]


@pytest.mark.parametrize(("query", "keep"), FILTERS, ids=[q for q, _ in FILTERS])
def test_each_filter_returns_exactly_the_matching_claims(client: TestClient, synthetic: Any, query: str,
                                                         keep: Callable[[Fact], bool]) -> None:
    _, facts, ids = synthetic
    url = "/api/claims?" + "&".join(f"{k}={quote(v)}" for k, v in (p.split("=", 1) for p in query.split("&")))
    found = keys(walk(client, url))
    assert len(found) == len(set(found))
    assert set(found) == expected(facts, ids, keep)


def test_filters_do_select_something(synthetic: Any) -> None:
    """Guard for the table above: the data makes every filter meaningful (neither empty nor everything) except
    those written to match nothing."""
    _, facts, _ = synthetic
    empty = {"bbox=-10,-10,10,10", 'q="strike" OR NEAR(', "q=***"}
    for query, keep in FILTERS:
        n = sum(1 for f in facts if keep(f))
        assert (n == 0) == (query in empty), query


def test_pages_visit_every_claim_once_newest_first_without_offset(client: TestClient, synthetic: Any) -> None:
    store, facts, _ = synthetic
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        items = walk(client, "/api/claims", limit=4)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    assert len(items) == len(facts) and len({c["id"] for c in items}) == len(facts)
    published = [c["article"]["published"] for c in items]
    dated = [p for p in published if p is not None]
    assert dated == sorted(dated, reverse=True) and published[len(dated):] == [None] * (len(published) - len(dated))
    pages = [(s, p) for s, p in statements if s.startswith("SELECT claims.id") and "ORDER BY" in s]
    dated = [(s, p) for s, p in pages if "published_at IS NOT NULL" in s]
    assert len(dated) == math.ceil(sum(1 for f in facts if f.published) / 4)
    # SQLAlchemy writes SQLite's LIMIT as "LIMIT ? OFFSET ?": the offset is always 0, the cursor does the paging
    assert all(s.rstrip().endswith("LIMIT ? OFFSET ?") and p[-1] == 0 for s, p in pages)
    # keyset on the claims' own (published_at, id) index, as one row-value range; no join to articles for it
    assert all("(claims.published_at, claims.id) < (?, ?)" in s for s, _ in dated[1:])
    assert ") < (?, ?)" not in dated[0][0] and all("JOIN articles" not in s for s, _ in pages)


def test_a_claim_is_its_export_record_with_its_ids(client: TestClient, synthetic: Any) -> None:
    store, _, ids = synthetic
    extraction = store.get_extraction(ids[3])
    items = client.get(f"/api/claims?article={ids[3]}&limit=10").json()["items"]
    by_index = {c["index"]: c for c in items}
    for i, claim in enumerate(extraction.claims):
        record = dict(by_index[i])
        assert isinstance(record.pop("id"), int) and record.pop("index") == i
        assert record == json.loads(json.dumps(claim_dict(claim, extraction.article, extraction.pipeline_version)))
    one = client.get(f"/api/claims/{items[0]['id']}").json()
    assert one == items[0]


def test_a_cursor_is_opaque_and_belongs_to_its_list(client: TestClient) -> None:
    page = client.get("/api/claims?limit=2").json()
    assert page["next"] and "claims" not in page["next"]
    stories_cursor = client.get("/api/stories?limit=1").json()["next"]
    response = client.get(f"/api/claims?cursor={stories_cursor}")
    assert response.status_code == 400 and response.json()["detail"] == {"parameter": "cursor"}


# ----------------------------------------------------------------------------------------------- stories


@pytest.mark.parametrize(("query", "keep"), [
    ("verdict=contested", lambda f: f.verdict == "contested"),
    ("side=ukraine", lambda f: f.side == "ukraine"),
    ("status=confirmed", lambda f: f.status == "confirmed"),
    ("place=706482", lambda f: f.place is not None and f.place.admin1 == "Kharkiv Oblast"),
    ("event_type=Battles&outlet=Outlet B", lambda f: f.event_type == "Battles" and f.outlet == "Outlet B"),
    ("", lambda f: True),
])
def test_stories_filter_by_their_event_and_their_claims(client: TestClient, synthetic: Any, query: str,
                                                        keep: Callable[[Fact], bool]) -> None:
    _, facts, _ = synthetic
    found = [s["id"] for s in walk(client, f"/api/stories?{query}", limit=2)]
    assert len(found) == len(set(found))
    assert set(found) == {f.story for f in facts if f.story is not None and keep(f)}


def test_one_story_lists_its_claims_with_their_ids(client: TestClient, synthetic: Any) -> None:
    _, facts, ids = synthetic
    story = client.get("/api/stories/sbelgorod").json()
    assert story["verdict"] == "denied" and story["reviews"] == []
    members = sorted((ids[f.article], f.index) for f in facts if f.story == "sbelgorod")
    assert sorted((m["article"], m["claim"]) for m in story["claims"]) == members
    claims = [client.get(f"/api/claims/{i}").json() for i in story["claim_ids"]]
    assert [(c["article"]["id"], c["index"]) for c in claims] == [(m["article"], m["claim"]) for m in story["claims"]]
    assert client.get("/api/stories/snope").status_code == 404


# ------------------------------------------------------------------------------------ article and places


def test_an_article_with_its_claims_places_and_highlights(client: TestClient, synthetic: Any) -> None:
    _, _, ids = synthetic
    body = client.get(f"/api/articles/{ids[0]}").json()
    article_text = body["article"]["text"]
    assert [c["index"] for c in body["claims"]] == [0, 1, 2]
    assert {p["name"] for p in body["places"]} == {"Kharkiv", "Belgorod", "Kharkiv Oblast", "Russia"}
    assert all(article_text[h["start"]:h["end"]] == h["text"] for h in body["highlights"])
    kinds = Counter(h["kind"] for h in body["highlights"])
    assert kinds == {"content": 3, "source": 2, "cue": 2, "trigger": 2, "place": 4}
    assert client.get("/api/articles/999").status_code == 404


def test_places_count_mentions_of_the_filtered_articles(client: TestClient, synthetic: Any) -> None:
    _, facts, _ = synthetic
    places = {p["geonameid"]: p for p in client.get("/api/places?country=UA").json()["items"]}
    assert set(places) == {KHARKIV.geonameid, 706482}
    assert places[KHARKIV.geonameid]["mentions"] == places[KHARKIV.geonameid]["articles"] == N
    assert places[KHARKIV.geonameid]["feature"] == {"class": "P", "code": "PPL"}
    uk = client.get("/api/places?language=uk").json()["items"]
    assert {p["articles"] for p in uk} == {len({f.article for f in facts if f.language == "uk"})}


# ------------------------------------------------------------------------------------------ map, timeline


def _valid_geojson(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection" and isinstance(collection["features"], list)
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert all(isinstance(v, float | int) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_map_events_are_valid_geojson_with_the_place_record(client: TestClient, synthetic: Any) -> None:
    _, facts, _ = synthetic
    response = client.get("/api/map")
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = response.json()
    _valid_geojson(collection)
    assert len(collection["features"]) == sum(1 for f in facts if f.place is not None)
    place = collection["features"][0]["properties"]["place"]
    assert set(place) == {"text", "start", "end", "geonameid", "name", "feature", "admin1", "country", "lat", "lon",
                          "precision", "role", "confidence"}
    for feature in collection["features"]:
        p = feature["properties"]
        assert feature["geometry"]["coordinates"] == [p["place"]["lon"], p["place"]["lat"]]
    boxed = client.get("/api/map?bbox=36,49,37,50.3&since=2024-03-02").json()
    assert {f["properties"]["place"]["name"] for f in boxed["features"]} == {"Kharkiv"}
    assert len(boxed["features"]) == sum(1 for f in facts if f.place == KHARKIV and (_day(f) or "") >= "2024-03-02")


def test_map_pages_and_stories_layer(client: TestClient, synthetic: Any) -> None:
    _, facts, _ = synthetic
    seen: list[int] = []
    cursor = None
    while True:
        page = client.get("/api/map?limit=7" + (f"&cursor={cursor}" if cursor else "")).json()
        _valid_geojson(page)
        seen += [(f["properties"]["claim_id"], f["properties"]["event_index"]) for f in page["features"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == sum(1 for f in facts if f.place is not None)
    stories = client.get("/api/map?layer=stories").json()
    _valid_geojson(stories)
    assert {f["properties"]["story"] for f in stories["features"]} == {f.story for f in facts if f.story}
    assert {"verdict", "event", "place", "date", "claims"} <= set(stories["features"][0]["properties"])


@pytest.mark.parametrize("query", ["", "bbox=36,49,37,50.3", "since=2024-03-02&until=2024-03-06",
                                   "status=denied&country=RU", "layer=stories", "layer=stories&bbox=36,49,37,50.3",
                                   "bbox=170,-10,-170,10", "bbox=30,45,40,52&since=2024-03-02&until=2024-03-06"])
def test_clustered_map_counts_what_the_pages_list(client: TestClient, query: str) -> None:
    """cluster=true: one bounded answer whose counts add up to the features the paged map lists for the same
    filters, each point inside its own cell, the cells inside the box."""
    from claimwatch.query import CLUSTER_CELLS

    listed: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = client.get(f"/api/map?{query}&limit=5" + (f"&cursor={cursor}" if cursor else "")).json()
        listed += page["features"]
        if (cursor := page["next"]) is None:
            break
    response = client.get(f"/api/map?{query}&cluster=true")
    assert response.status_code == 200, response.text
    clusters = response.json()
    _valid_geojson(clusters)
    assert clusters["next"] is None and len(clusters["features"]) <= CLUSTER_CELLS ** 2
    assert sum(f["properties"]["count"] for f in clusters["features"]) == len(listed)
    for feature in clusters["features"]:
        west, south, east, north = feature["properties"]["bbox"]
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["properties"]["cluster"] is True and south - 1e-6 <= lat <= north + 1e-6
        assert (west - 1e-6 <= lon <= east + 1e-6) if west <= east else (lon >= west - 1e-6 or lon <= east + 1e-6)
        inside = [f for f in listed if south - 1e-6 <= f["geometry"]["coordinates"][1] <= north + 1e-6
                  and west - 1e-6 <= f["geometry"]["coordinates"][0] <= east + 1e-6]
        assert len(inside) >= feature["properties"]["count"]


@pytest.mark.parametrize("q", ["kharkiv", "strike belgorod", "lighthouse", "nowhere"])
def test_a_search_with_many_matches_walks_the_list_and_finds_the_same_pages(
        client: TestClient, synthetic: Any, q: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past DENSE_MATCHES matches a search pages by walking the claims' date index (the id compared as an
    expression): the same claims in the same order, page by page, as when every match is fetched and sorted."""
    from claimwatch.query import sql

    store = synthetic[0]
    sparse = walk(client, f"/api/claims?q={q}", limit=3)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    monkeypatch.setattr(sql, "DENSE_MATCHES", 1)
    event.listen(store.engine, "before_cursor_execute", record)
    try:
        dense = walk(client, f"/api/claims?q={q}", limit=3)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    assert [c["id"] for c in dense] == [c["id"] for c in sparse]
    walked = [s for s in statements if s.startswith("SELECT claims.id") and "claims_fts" in s]
    assert walked and all(("claims.id + ?" in s) == bool(sparse) for s in walked)


def test_clustered_map_refuses_bad_values(client: TestClient) -> None:
    assert client.get("/api/map?cluster=maybe").status_code == 422
    response = client.get("/api/map?cluster=true&bbox=1,2,3")
    assert response.status_code == 400 and response.json()["detail"]["parameter"] == "bbox"
    assert client.get("/api/map?cluster=true&layer=places").status_code == 422


def _expected_timeline(facts: list[Fact], day_of: Callable[[Fact], str | None]) -> dict[str, Any]:
    days: dict[str, list[Fact]] = {}
    for f in facts:
        day = day_of(f)
        if day is not None:
            days.setdefault(day, []).append(f)
    out = {}
    for day, members in days.items():
        out[day] = {"claims": len(members), "by_type": dict(Counter(f.event_type for f in members)),
                    "by_side": dict(Counter(f.side for f in members))}
    return out


@pytest.mark.parametrize("query", ["", "since=2024-03-03&until=2024-03-07", "until=2024-03-04", "status=denied",
                                   "outlet=Outlet A&event_type=Battles", "dates=event", "dates=event&country=RU"])
def test_timeline_counts_add_up(client: TestClient, synthetic: Any, query: str) -> None:
    _, facts, _ = synthetic
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    keep = [f for f in facts if _passes(f, params)]
    event_dates = params.get("dates") == "event"
    body = client.get(f"/api/timeline?{query}").json()
    assert body["dates"] == ("event" if event_dates else "published") and body["claims"] == len(keep)

    def day_of(f: Fact) -> str | None:
        if event_dates:
            return f.event_day if f.event_day and f.event_day[0].isdigit() else None
        return _day(f)

    want = _expected_timeline(keep, day_of)
    got = {d["date"]: {"claims": d["claims"], "by_type": {t["type"]: t["claims"] for t in d["by_type"]},
                       "by_side": {s["side"]: s["claims"] for s in d["by_side"]}} for d in body["days"]}
    assert got == want
    assert sum(d["claims"] for d in body["days"]) + body["undated"] == len(keep)


def _passes(f: Fact, params: dict[str, str]) -> bool:
    checks = {"status": f.status, "outlet": f.outlet, "event_type": f.event_type,
              "country": f.place.country if f.place else None}
    day = _day(f)
    if ("since" in params or "until" in params) and (day is None or not (
            params.get("since", "0000") <= day <= params.get("until", "9999"))):
        return False
    return all(checks[k] == v.replace("%20", " ") for k, v in params.items() if k in checks)


# ------------------------------------------------------------------------------------------- corrections


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_corrections_need_a_valid_token(writable: Any) -> None:
    store, _, _, client = writable
    body = {"field": "status", "value": "confirmed", "why": "video geolocated"}
    response = client.patch("/api/claims/1", json=body)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]
    token = create_token(store, "alice")
    assert client.patch("/api/claims/1", json=body, headers=_auth(token + "x")).status_code == 401
    assert client.patch("/api/claims/1", json=body, headers={"Authorization": token}).status_code == 401
    assert client.patch("/api/stories/sbelgorod", json={"field": "verdict", "value": "contested", "why": "x"}
                        ).status_code == 401
    assert revoke_token(store, "alice")
    assert client.patch("/api/claims/1", json=body, headers=_auth(token)).status_code == 401
    assert store.counts()["reviews"] == 0


def test_tokens_are_stored_hashed(writable: Any) -> None:
    store, _, _, _ = writable
    token = create_token(store, "bob")
    with store.engine.connect() as conn:
        (stored,) = conn.execute(text("SELECT hash FROM tokens WHERE name = 'bob'")).one()
    assert stored.startswith("scrypt$") and token.rsplit("_", 1)[-1] not in stored
    with pytest.raises(ValueError, match="exists already"):
        create_token(store, "bob")


def test_a_correction_is_stored_with_who_and_why_and_survives_reextraction(writable: Any) -> None:
    from workbench_data import extraction

    store, _, ids, client = writable
    token = create_token(store, "alice")
    claim = client.get(f"/api/claims?article={ids[2]}&status=denied").json()["items"][0]
    response = client.patch(f"/api/claims/{claim['id']}", headers=_auth(token),
                            json={"field": "status", "value": "confirmed", "why": "the ministry admitted it"})
    assert response.status_code == 200, response.text
    assert response.json()["claim"]["status"] == "confirmed"
    (review,) = client.get(f"/api/articles/{ids[2]}").json()["reviews"]
    assert (review["field"], review["value"], review["who"], review["why"]) == (
        "status", "confirmed", "alice", "the ministry admitted it")
    assert review["at"]
    again, _ = extraction(2, N)
    again.pipeline_version = "cw-test2"
    assert store.upsert(again).outcome == "updated"  # new machine output replaces the old, reviews reapplied
    after = client.get(f"/api/claims?article={ids[2]}").json()["items"]
    assert {c["index"]: c["status"] for c in after}[claim["index"]] == "confirmed"


def test_places_actors_and_sources_are_corrected_in_their_published_shape(writable: Any) -> None:
    store, _, ids, client = writable
    token = create_token(store, "carol")
    article = client.get(f"/api/articles/{ids[1]}").json()
    capture = next(c for c in article["claims"] if c["index"] == 0)
    belgorod = next(p for p in article["places"] if p["name"] == "Belgorod")
    fixed = client.patch(f"/api/claims/{capture['id']}", headers=_auth(token),
                         json={"field": "events.0.place", "value": belgorod, "why": "wrong town"})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["claim"]["events"][0]["place"] == belgorod
    actor = {"name": "Armed Forces of Ukraine", "actor_id": "ua-armed-forces", "side": "ukraine",
             "kind": "state force", "text": None, "start": None, "end": None}
    assert client.patch(f"/api/claims/{capture['id']}", headers=_auth(token),
                        json={"field": "events.0.actor2", "value": actor, "why": "named later"}).status_code == 200
    assert client.get(f"/api/claims?actor=ua-armed-forces&article={ids[1]}").json()["items"][0]["id"] == capture["id"]
    moved = {**belgorod, "start": belgorod["start"] + 1}
    refused = client.patch(f"/api/claims/{capture['id']}", headers=_auth(token),
                           json={"field": "events.0.place", "value": moved, "why": "x"})
    assert refused.status_code == 400 and "does not hold" in refused.json()["error"]
    for body in ({"field": "article.title", "value": "x", "why": "x"}, {"field": "events.7.type", "value": "x",
                                                                         "why": "x"},
                 {"field": "status", "value": "bogus", "why": "x"}, {"field": "status", "value": "denied", "why": ""},
                 {"field": "status", "value": "denied", "why": "x", "extra": 1}):
        response = client.patch(f"/api/claims/{capture['id']}", headers=_auth(token), json=body)
        assert 400 <= response.status_code < 500 and response.json()["error"], body
    assert client.patch("/api/claims/99999", headers=_auth(token),
                        json={"field": "status", "value": "denied", "why": "x"}).status_code == 404


def test_story_verdict_override_rating_merge_and_split(writable: Any) -> None:
    store, _, _, client = writable
    token = create_token(store, "dana")

    def patch(story: str, field: str, value: Any) -> Any:
        response = client.patch(f"/api/stories/{story}", headers=_auth(token),
                                json={"field": field, "value": value, "why": "analyst's call"})
        assert response.status_code == 200, response.text
        return response.json()["story"]

    assert patch("sbelgorod", "verdict", "contested")["verdict"] == "contested"
    assert "sbelgorod" in {s["id"] for s in walk(client, "/api/stories?verdict=contested")}
    shown = patch("sbelgorod", "verdict", None)
    assert shown["verdict"] == "denied" and shown["why"] == "made by hand"
    rated = patch("sbelgorod", "rating", {"label": "False", "value": 1})
    assert [r["field"] for r in rated["reviews"]] == ["verdict", "verdict", "rating"]
    assert {r["who"] for r in rated["reviews"]} == {"dana"}
    merged = patch("sk0000", "merge_into", "sk0001")
    assert merged["id"] == "sk0001" and len(merged["claims"]) == 4
    assert client.get("/api/stories/sk0000").status_code == 404
    split = patch("sk0001", "split", merged["claim_ids"][:1])
    assert split["id"] != "sk0001" and split["claim_ids"] == merged["claim_ids"][:1]
    assert client.get("/api/stories/sk0001").json()["claim_ids"] == merged["claim_ids"][1:]
    refused = client.patch("/api/stories/sk0001", headers=_auth(token),
                           json={"field": "split", "value": merged["claim_ids"][1:], "why": "x"})
    assert refused.status_code == 400


# ---------------------------------------------------------------------------------- hostile and headers

HOSTILE = [
    "/api/claims?limit=100000", "/api/claims?limit=0", "/api/claims?limit=-1", "/api/claims?limit=1e3",
    "/api/claims?cursor=not-a-cursor", "/api/claims?cursor=" + "A" * 400, "/api/claims?cursor=W10",
    "/api/claims?status=denied'%20OR%201=1--", "/api/claims?status=denied&status=claimed",
    "/api/claims?bbox=1,2,3", "/api/claims?bbox=a,b,c,d", "/api/claims?bbox=0,0,200,1", "/api/claims?bbox=0,5,1,1",
    "/api/claims?bbox=nan,0,1,1", "/api/claims?bbox=inf,0,1,1", "/api/claims?since=2024-02-30",
    "/api/claims?since=2024-03-05&until=2024-03-01", "/api/claims?place=-1", "/api/claims?place=1;DROP",
    "/api/claims?place=99999999999999999999", "/api/claims?country=UKR", "/api/claims?dates=tomorrow",
    "/api/claims?verdict=true", "/api/claims?q=" + "x" * 600, "/api/claims?outlet=%00", "/api/claims?nope=1",
    "/api/claims/0", "/api/claims/abc", "/api/claims/99999999999999999999999", "/api/stories?limit=501",
    "/api/stories/..%2F..%2Fetc", "/api/stories/" + "s" * 40, "/api/articles/-3", "/api/map?layer=tiles",
    "/api/map?limit=6000", "/api/map?bbox=,,,", "/api/timeline?until=yesterday", "/api/places?limit=0",
    "/api/nowhere",
    *(f"/api/{route}?cursor={encode_cursor(kind, value, last)}" for route, kind, value, last in [
        ("claims", "claims", None, "abc"), ("claims", "claims", None, 2**70), ("claims", "claims", None, True),
        ("claims", "claims", "9999-12-31T23:59:59-14:00", 5), ("claims", "claims", "yesterday", 5),
        ("stories", "stories", None, "s\x00x"), ("stories", "stories", None, 7), ("map", "events", 5, 5)]),
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_inputs_are_4xx_json_with_headers(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    body = response.json()
    assert set(body) == {"error", "detail"} and body["error"]
    for name, value in HEADERS:
        assert response.headers[name] == value


@pytest.mark.parametrize("value", ["x' OR '1'='1", "'; DROP TABLE claims; --", "Outlet A\" --", "%", "_"])
def test_sql_in_a_value_is_only_a_value(client: TestClient, synthetic: Any, value: str) -> None:
    store, facts, _ = synthetic
    for name in ("outlet", "actor", "event_type", "admin1", "side", "q"):
        response = client.get(f"/api/claims?{name}={quote(value)}")
        assert response.status_code == 200 and response.json()["items"] == [], (name, value)
    assert store.counts()["claims"] == len(facts)


def test_the_last_representable_day_is_a_day_like_any_other(client: TestClient) -> None:
    for url in ("/api/claims?until=9999-12-31", "/api/claims?since=0001-01-01", "/api/timeline?until=9999-12-31",
                "/api/stories?until=9999-12-31", "/api/map?until=9999-12-31&dates=event"):
        assert client.get(url).status_code == 200, url


def test_bodies_that_are_too_large_or_too_deep_are_refused(writable: Any) -> None:
    store, _, _, client = writable
    headers = {**_auth(create_token(store, "erin")), "content-type": "application/json"}
    assert client.patch("/api/claims/1", content=b"[" * 50_000, headers=headers).status_code == 400
    big = client.patch("/api/claims/1", content=b" " * 70_000, headers=headers)
    assert big.status_code == 413 and big.json()["error"]
    assert client.patch("/api/claims/1", content=b"{", headers=headers).status_code == 422
    place = client.get("/api/articles/1").json()["places"][0]
    for value in ({**place, "lat": float("nan")}, {**place, "name": "Kharkiv\x00"}, [[[[[[["deep"]]]]]]]):
        body = json.dumps({"field": "events.0.place", "value": value, "why": "x"}).encode()
        response = client.patch("/api/claims/1", content=body, headers=headers)
        assert response.status_code == 400 and response.json()["error"], value
    assert store.counts()["reviews"] == 0


def test_security_headers_on_every_kind_of_response(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch import query

    responses = [client.get("/api/claims?limit=1"), client.get("/openapi.json"), client.get("/api/nowhere"),
                 client.patch("/api/claims/1", json={})]
    monkeypatch.setattr(query, "timeline", lambda *a, **k: 1 / 0)
    crashed = client.get("/api/timeline")
    assert crashed.status_code == 500 and crashed.json() == {"error": "internal error", "detail": None}
    for response in [*responses, crashed]:
        assert response.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self';")
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_reads_can_need_a_token_and_hosts_can_be_limited(synthetic: Any) -> None:
    store = synthetic[0]
    private = TestClient(create_app(load_options(api_reads_need_token=True), store))
    assert private.get("/api/claims").status_code == 401
    token = create_token(store, "reader")
    try:
        assert private.get("/api/claims", headers=_auth(token)).status_code == 200
    finally:
        revoke_token(store, "reader")
    local = create_app(load_options(), store, allowed_hosts=LOOPBACK_HOSTS)
    assert TestClient(local, base_url="http://127.0.0.1:8000").get("/api/claims").status_code == 200
    assert TestClient(local, base_url="http://localhost").get("/api/claims").status_code == 200
    rebound = TestClient(local, base_url="http://attacker.example").get("/api/claims")
    assert rebound.status_code == 400 and rebound.json()["error"]


def test_openapi_lists_every_route_and_filter(client: TestClient) -> None:
    from claimwatch.query import FILTER_NAMES

    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/claims", "/api/claims/{claim_id}", "/api/stories", "/api/stories/{story_id}",
            "/api/articles/{article_id}", "/api/places", "/api/map", "/api/timeline"} <= set(paths)
    assert set(paths["/api/claims/{claim_id}"]) == {"get", "patch"} and "patch" in paths["/api/stories/{story_id}"]
    documented = {p["name"] for p in paths["/api/claims"]["get"]["parameters"]}
    assert set(FILTER_NAMES) | {"cursor", "limit"} <= documented
    assert client.get("/docs").status_code == 404  # no CDN-loaded docs page under this CSP


# ----------------------------------------------------------------------------------------------- the CLI


def test_token_and_review_commands(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from claimwatch.cli import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Store(url) as store:
        _, ids = fill(store, 3)
    runner = CliRunner()
    made = runner.invoke(app, ["--db", url, "token", "create", "--name", "fay"])
    assert made.exit_code == 0 and made.stdout.strip().startswith("cw_")
    assert runner.invoke(app, ["--db", url, "token", "create", "--name", "fay"]).exit_code == 2
    listed = runner.invoke(app, ["--db", url, "token", "list"])
    assert "fay" in listed.stdout and made.stdout.strip() not in listed.stdout
    done = runner.invoke(app, ["--db", url, "review", "claim", str(ids[0]), "1", "--field", "status", "--value",
                               "confirmed", "--who", "fay", "--why", "satellite images"])
    assert done.exit_code == 0, done.output
    with Store(url) as store:
        (review,) = store.reviews(ids[0])
        assert (review.field, review.value, review.who, review.why) == ("status", "confirmed", "fay",
                                                                        "satellite images")
        assert store.get_extraction(ids[0]).claims[1].status.value == "confirmed"
    bad = runner.invoke(app, ["--db", url, "review", "claim", str(ids[0]), "1", "--field", "article.url",
                              "--value", "x", "--who", "fay", "--why", "x"])
    assert bad.exit_code == 2
    rated = runner.invoke(app, ["--db", url, "review", "story", "sbelgorod", "--field", "verdict", "--value",
                                "contested", "--who", "fay", "--why", "both sides"])
    assert rated.exit_code == 0, rated.output
    assert runner.invoke(app, ["--db", url, "token", "revoke", "fay"]).exit_code == 0
    assert runner.invoke(app, ["--db", url, "token", "revoke", "fay"]).exit_code == 1


@pytest.mark.parametrize("args", [["claims", "-w", "status=denied", "-w", "country=RU", "--limit", "4"],
                                  ["stories", "--where", "side=ukraine"], ["timeline", "-w", "dates=event"],
                                  ["places", "-w", "q=lighthouse"], ["map", "--layer", "stories", "--limit", "2"],
                                  ["map", "-w", "bbox=30,45,40,52", "--cluster"]])
def test_the_query_command_prints_what_the_api_returns(tmp_path: Path, args: list[str]) -> None:
    from typer.testing import CliRunner

    from claimwatch.cli import app

    url = f"sqlite:///{tmp_path / 'query.db'}"
    with Store(url) as store:
        fill(store, 6)
        client = TestClient(create_app(load_options(), store))
        params = [a.split("=", 1) for a in args[2::2] if "=" in a]
        extra = {a: b for a, b in zip(args[1::2], args[2::2], strict=False) if a in ("--limit", "--layer")}
        query = "&".join([f"{k}={quote(v)}" for k, v in params] + [f"{k[2:]}={v}" for k, v in extra.items()]
                         + (["cluster=true"] if "--cluster" in args else []))
        expected_body = client.get(f"/api/{args[0]}?{query}").json()
    printed = CliRunner().invoke(app, ["--db", url, "query", *args])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == expected_body
    assert CliRunner().invoke(app, ["--db", url, "query", "claims", "-w", "limit=5"]).exit_code == 2


def test_serve_stays_on_loopback_unless_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from claimwatch.cli import app

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda web_app, **kw: started.append({"app": web_app, **kw}))
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    runner = CliRunner()
    refused = runner.invoke(app, ["--db", url, "serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "--allow-remote" in refused.output and not started
    local = runner.invoke(app, ["--db", url, "serve", "--port", "8123"])
    assert local.exit_code == 0, local.output
    assert (started[-1]["host"], started[-1]["port"]) == ("127.0.0.1", 8123)
    remote = runner.invoke(app, ["--db", url, "serve", "--host", "0.0.0.0", "--allow-remote"])
    assert remote.exit_code == 0 and "reads are public" in remote.output
    private = runner.invoke(app, ["--db", url, "serve", "--host", "0.0.0.0", "--allow-remote", "--private"])
    assert private.exit_code == 0 and "reads are public" not in private.output
    assert started[-1]["app"].state.options.api_reads_need_token


# -------------------------------------------------------------------------------------------- PostgreSQL

SAME_ON_BOTH = ["/api/claims?limit=500", "/api/claims?q=pier%20lighthouse&limit=500", "/api/claims?place=706482",
                "/api/claims?bbox=36,49,37,50.3&since=2024-03-02", "/api/claims?side=russia&status=claimed",
                "/api/claims?dates=event&since=2024-03-04&until=2024-03-06", "/api/stories?limit=3",
                "/api/timeline", "/api/timeline?dates=event", "/api/map?limit=9", "/api/places?country=RU",
                "/api/timeline?since=2024-03-03&until=2024-03-05", "/api/map?cluster=true&bbox=30,45,40,52",
                "/api/map?cluster=true&layer=stories", "/api/map?bbox=30,45,40,52&since=2024-03-02&event_type=Battles",
                "/api/claims?q=pier&since=2024-03-02"]


def test_postgres_answers_as_sqlite(pg_url: str, db_url: str) -> None:
    answers = []
    for url in (db_url, pg_url):
        with Store(url) as store:
            fill(store, N)
            client = TestClient(create_app(load_options(), store))
            answers.append([client.get(u).json() for u in SAME_ON_BOTH])
            walked = walk(client, "/api/claims", limit=5)
            assert len({c["id"] for c in walked}) == 3 * N
    for u, lite, pg in zip(SAME_ON_BOTH, *answers, strict=True):
        assert lite == pg, u


def test_postgres_refuses_hostile_inputs_with_4xx(pg_url: str) -> None:
    with Store(pg_url) as store:
        if not store.counts()["claims"]:
            fill(store, 3)
        client = TestClient(create_app(load_options(), store))
        for url in [*HOSTILE, "/api/claims?outlet=%00", "/api/claims?q=a%00b"]:
            response = client.get(url)
            assert 400 <= response.status_code < 500, (url, response.status_code, response.text)
        token = create_token(store, "pg-hostile")
        body = {"field": "events.0.type", "value": "Battles\x00", "why": "x"}
        assert client.patch("/api/claims/1", json=body, headers=_auth(token)).status_code == 400


# ------------------------------------------------------------------------------------ the examples (model)


@pytest.fixture(scope="module")
def examples_store(tmp_path_factory: pytest.TempPathFactory, pipeline: Any, examples_dir: Path) -> Iterator[str]:
    """The examples ingested and linked once for the module; tests copy the file before they write."""
    from claimwatch.ingest import ingest_paths
    from claimwatch.link import link

    path = tmp_path_factory.mktemp("examples") / "cw.db"
    options = load_options()
    with Store(f"sqlite:///{path}") as store:
        assert ingest_paths(store, [examples_dir], options, pipeline=pipeline).new > 10
        link(store, options)
    return str(path)


def _copy(path: str, to: Path) -> str:
    source, target = sqlite3.connect(path), sqlite3.connect(to)
    source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{to}"


@pytest.mark.model
def test_examples_page_search_map_and_timeline(examples_store: str) -> None:
    with Store(f"sqlite:///{examples_store}") as store:
        client = TestClient(create_app(load_options(), store))
        everything = walk(client, "/api/claims", limit=9)
        total = store.counts()["claims"]
        assert len(everything) == len({c["id"] for c in everything}) == total
        village = walk(client, "/api/claims?q=village")
        assert village and keys(village) == [k for k, c in zip(keys(everything), everything, strict=True)
                                             if "village" in re.findall(r"\w+", c["content"]["text"].lower())]
        assert sum(d["claims"] for d in client.get("/api/timeline").json()["days"]) == total
        collection = client.get("/api/map").json()
        _valid_geojson(collection)
        assert collection["features"] and all(f["properties"]["place"]["geonameid"] for f in collection["features"])
        stories = walk(client, "/api/stories", limit=7)
        assert stories and all(s["verdict"] for s in stories)


@pytest.mark.model
def test_examples_correction_survives_ingest_force(examples_store: str, tmp_path: Path, pipeline: Any,
                                                   examples_dir: Path) -> None:
    from claimwatch.ingest import ingest_paths

    options: Options = load_options()
    with Store(_copy(examples_store, tmp_path / "copy.db")) as store:
        client = TestClient(create_app(options, store))
        token = create_token(store, "analyst")
        claim = walk(client, "/api/claims?status=claimed", limit=50)[0]
        response = client.patch(f"/api/claims/{claim['id']}", headers=_auth(token),
                                json={"field": "status", "value": "retracted", "why": "the channel deleted it"})
        assert response.status_code == 200, response.text
        summary = ingest_paths(store, [examples_dir], options, force=True, pipeline=pipeline)
        assert summary.updated > 10
        again = client.get(f"/api/claims?article={claim['article']['id']}&status=retracted").json()["items"]
        assert [c["index"] for c in again] == [claim["index"]]
        (review,) = client.get(f"/api/articles/{claim['article']['id']}").json()["reviews"]
        assert (review["who"], review["why"]) == ("analyst", "the channel deleted it")
