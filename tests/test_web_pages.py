"""The workbench's pages without a browser (FastAPI's TestClient over the synthetic store): every page renders
with the strict headers, lists page with the API's cursors, hostile values stay text, error pages escape what
they echo, the map's tile server widens only the image policy; and the pieces the pages are built from
(:mod:`claimwatch.web.render`)."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from workbench_data import fill

from claimwatch.settings import load_options
from claimwatch.store import Store
from claimwatch.web import create_app
from claimwatch.web.render import marked_text, page_url, pieces, safe_url
from claimwatch.web.security import CONTENT_SECURITY_POLICY

PAGES = ["/", "/timeline", "/claims", "/stories", "/search", "/search?q=Kharkiv", "/claims?status=denied",
         "/stories?verdict=contested", "/timeline?since=2024-03-02&until=2024-03-04"]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path_factory.mktemp('pages') / 'cw.db'}") as store:
        fill(store, 12)
        yield store


@pytest.fixture(scope="module")
def client(synthetic: Store) -> TestClient:
    return TestClient(create_app(load_options(), synthetic))


def test_every_page_renders_with_the_strict_headers(client: TestClient) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-frame-options"] == "DENY"
        assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", response.text), url  # no inline script
        assert " style=" not in response.text and "<style" not in response.text, url  # nor inline style


def test_assets_are_served_from_the_package_and_leaflet(client: TestClient) -> None:
    for path in ["/static/app.css", "/static/map.js", "/static/timeline.js", "/static/review.js",
                 "/static/article.js", "/static/colours.js", "/static/outlines.geojson",
                 "/static/leaflet/leaflet.js", "/static/leaflet/leaflet.css"]:
        response = client.get(path)
        assert response.status_code == 200 and response.content, path
        assert "content-security-policy" in response.headers
    outlines = client.get("/static/outlines.geojson").json()
    names = {f["properties"]["name"] for f in outlines["features"]}
    assert {"Ukraine", "Russia", "Poland", "Belarus"} <= names


#: a point inside each region, and the region's name and country as the shipped outlines' source draws it
REGION_POINTS = [("Kharkiv", "UA", 36.23, 49.99), ("Donetsk", "UA", 37.80, 48.00), ("Zaporizhzhia", "UA", 35.6, 47.3),
                 ("Kherson", "UA", 33.5, 46.7), ("Kyiv city", "UA", 30.52, 50.45), ("Kyiv", "UA", 30.3, 50.0),
                 ("Autonomous Republic of Crimea", "RU", 34.1, 45.0), ("Sevastopol", "RU", 33.55, 44.55),
                 ("Belgorod", "RU", 36.6, 50.6), ("Kursk", "RU", 36.2, 51.7), ("Bryansk", "RU", 34.4, 53.2)]


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Even-odd rule: whether ``(lon, lat)`` lies inside ``ring``."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _area(ring: list[list[float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))) / 2


def test_the_base_layer_has_ukrainian_and_russian_regions_with_valid_rings(client: TestClient) -> None:
    response = client.get("/static/outlines.geojson")
    assert len(response.content) < 1_000_000
    features = response.json()["features"]
    levels = [f["properties"]["level"] for f in features]
    assert set(levels) == {"country", "region"} and levels == sorted(levels)  # regions draw above countries
    regions = [f for f in features if f["properties"]["level"] == "region"]
    assert {f["properties"]["country"] for f in regions} == {"UA", "RU"}
    assert sum(f["properties"]["country"] == "UA" for f in regions) >= 25  # 24 oblasts, Kyiv city, (Crimea)
    for feature in features:
        assert feature["geometry"]["type"] == "MultiPolygon"
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1], feature["properties"]["name"]
                assert all(12 <= x <= 60 and 38 <= y <= 62 for x, y in ring)
            assert _area(polygon[0]) > 0, feature["properties"]["name"]
    for name, country, lon, lat in REGION_POINTS:
        holding = [f["properties"] for f in regions
                   if any(_inside(lon, lat, polygon[0]) for polygon in f["geometry"]["coordinates"])]
        assert {"name": name, "level": "region", "country": country} in holding, (name, holding)
    assert not any(_inside(36.23, 49.99, p[0]) for f in regions if f["properties"]["name"] == "Belgorod"
                   for p in f["geometry"]["coordinates"])  # the point test can fail


@pytest.mark.parametrize("path", ["/", "/claims", "/stories"])
def test_the_map_and_lists_carry_a_range_chart_that_keeps_their_filters(client: TestClient, path: str) -> None:
    page = client.get(f"{path}?status=claimed&q=Kharkiv&since=2024-03-02").text
    form = re.search(r'<form id="range" method="get" action="([^"]*)"[^>]*>(.*?)</form>', page, re.DOTALL)
    assert form is not None and form.group(1) == path
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2)))
    assert hidden == {"status": "claimed", "q": "Kharkiv", "since": "2024-03-02", "until": ""}
    assert 'id="chart"' in page and '<script src="/static/timeline.js"></script>' in page
    assert f'class="whole-period" href="{path}?status=claimed&amp;q=Kharkiv"' in page
    plain = client.get(path).text
    assert 'id="range"' in plain and "whole-period" not in plain


def _claim_ids(text: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr class="claim" data-claim-id="(\d+)"', text)]


def test_lists_page_with_the_api_cursor(client: TestClient) -> None:
    expected = [c["id"] for c in client.get("/api/claims?limit=500").json()["items"]]
    seen: list[int] = []
    url: str | None = "/claims?limit=7"
    while url:
        response = client.get(url)
        seen += _claim_ids(response.text)
        found = re.search(r'<a rel="next" class="next" href="([^"]+)"', response.text)
        url = html.unescape(found.group(1)) if found else None
    assert seen == expected and len(seen) > 7


def test_filters_narrow_the_lists_as_the_api_does(client: TestClient) -> None:
    for query in ["status=denied", "country=RU", "q=Kharkiv", "since=2024-03-02&until=2024-03-04"]:
        api = [c["id"] for c in client.get(f"/api/claims?{query}&limit=500").json()["items"]]
        assert _claim_ids(client.get(f"/claims?{query}&limit=500").text) == api
        assert _claim_ids(client.get(f"/timeline?{query}&limit=500").text) == api
    stories = [s["id"] for s in client.get("/api/stories?verdict=contested").json()["items"]]
    assert re.findall(r'data-story-id="([\w-]+)"', client.get("/stories?verdict=contested").text) == stories


@pytest.mark.parametrize("query", ["", "status=denied", "country=RU", "verdict=contested", "q=Kharkiv",
                                   "since=2024-03-02&until=2024-03-04", "dates=event&since=2024-03-03",
                                   "bbox=36,49,37,50.3", "side=russia"])
def test_map_points_are_the_api_map_events(client: TestClient, query: str) -> None:
    features = client.get(f"/api/map?{query}&limit=5000").json()["features"]
    answer = client.get(f"/map/points.json?{query}").json()
    rows = [dict(zip(answer["fields"], row, strict=True)) for row in answer["points"]]
    assert not answer["truncated"]
    assert [(r["claim"], r["event"]) for r in rows] == [
        (f["properties"]["claim_id"], f["properties"]["event_index"]) for f in features]
    for row, feature in zip(rows, features, strict=True):
        props = feature["properties"]
        assert [row["lon"], row["lat"]] == feature["geometry"]["coordinates"]
        assert (row["status"], row["type"], row["story"], row["verdict"], row["date"]) == (
            props["claim_status"], props["event_type"], props["story"], props["verdict"], props["date_start"])
        assert (row["article"], row["index"]) == (props["article_id"], props["claim_index"])
    assert client.get("/map/points.json?status=bogus").status_code == 400
    assert client.get("/map/points.json?status=bogus").headers["content-type"] == "application/json"


def test_story_and_article_pages(client: TestClient) -> None:
    story = client.get("/api/stories?limit=1").json()["items"][0]
    page = client.get(f"/stories/{story['id']}").text
    for member in story["claims"]:
        assert f'href="/articles/{member["article"]}#claim-{member["claim"]}"' in page
    assert page.count('class="story-claim') == len(story["claims"])
    article = client.get(f"/api/articles/{story['claims'][0]['article']}").json()
    page = client.get(f"/articles/{article['article']['id']}").text
    for claim in article["claims"]:
        assert f'id="claim-{claim["index"]}"' in page and f'data-target="/api/claims/{claim["id"]}"' in page
    assert 'class="hl hl-content"' in page


def test_a_long_story_pages_its_claims(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch.web import pages

    story = max(client.get("/api/stories?limit=100").json()["items"], key=lambda s: len(s["claims"]))
    assert len(story["claims"]) >= 2
    monkeypatch.setattr(pages, "STORY_PAGE", 1)
    seen: list[str] = []
    url: str | None = f"/stories/{story['id']}"
    while url:
        page = client.get(url).text
        assert page.count('class="story-claim') == 1 and "How the verdict changed" in page
        seen += re.findall(r'<a class="evidence-link" href="([^"]+)"', page)
        found = re.search(r'<a rel="next" class="next" href="([^"]+)#claims-h">', page)
        url = html.unescape(found.group(1)) if found else None
    assert seen == [f"/articles/{m['article']}#claim-{m['claim']}" for m in story["claims"]]
    assert client.get(f"/stories/{story['id']}?start=abc").status_code == 200  # a bad start is the first page
    assert client.get(f"/stories/{story['id']}?start=999999").text.count('class="story-claim') == 1


def test_the_verdict_history_says_what_moved_it_and_who_overrode_it() -> None:
    from claimwatch.web.pages import verdict_history

    member = {"outlet": "Outlet A", "status": "claimed", "stance": "corroborates"}
    story = {"history": [{"date": "2024-03-01", "verdict": "single source"},
                         {"date": "2024-03-03", "verdict": "corroborated"},
                         {"date": "undated", "verdict": "contested"}],
             "claims": [{**member, "published": "2024-03-01T10:00:00+00:00"},
                        {**member, "published": "2024-03-03T09:00:00+00:00"},
                        {**member, "outlet": "Outlet B", "published": "2024-03-03T11:00:00+00:00"},
                        {**member, "outlet": "Outlet B", "published": "2024-03-03T12:00:00+00:00"},
                        {**member, "published": None}],
             "reviews": [{"field": "verdict", "value": "contested", "who": "ana", "why": "a denial",
                          "at": "2024-03-02T08:00:00+00:00"},
                         {"field": "rating", "value": "misleading", "who": "ana", "why": "x", "at": None}]}
    steps = verdict_history(story)
    assert [(s["date"], s["verdict"]) for s in steps] == [
        ("2024-03-01", "single source"), ("2024-03-02", "contested"), ("2024-03-03", "corroborated"),
        ("undated", "contested")]
    assert len(steps[3]["claims"]) == 1
    assert steps[1]["review"]["who"] == "ana" and not steps[1]["claims"]
    assert [(g["outlet"], g["n"]) for g in steps[2]["groups"]] == [("Outlet A", 1), ("Outlet B", 2)]


def test_errors_are_pages_that_escape_what_they_echo(client: TestClient) -> None:
    response = client.get("/claims?status=<script>alert(1)</script>")
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in response.text and "&lt;script&gt;alert" in response.text
    response = client.get("/claims?<img src=x onerror=alert(1)>=1")
    assert response.status_code == 400 and "<img src=x" not in response.text
    for url in ["/stories/nope", "/articles/99999", "/articles/abc", "/nothing/<b>here</b>"]:
        response = client.get(url)
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html"), url
        assert "<b>here" not in response.text
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert client.get("/api/stories/nope").headers["content-type"] == "application/json"


def test_an_empty_store_says_what_to_do(tmp_path: Any) -> None:
    with Store(f"sqlite:///{tmp_path / 'empty.db'}") as store:
        client = TestClient(create_app(load_options(), store))
        assert "run <code>claimwatch ingest examples/</code>" in client.get("/claims").text
        assert "claimwatch ingest examples/" in client.get("/stories").text


def test_an_article_without_claims_says_so_and_where_to_go(tmp_path: Any) -> None:
    from claimwatch.model import Article, Extraction

    with Store(f"sqlite:///{tmp_path / 'one.db'}") as store:
        article_id = store.save(Extraction(Article(text="Quiet night on the front.", title="Quiet"), [], [], "t"))
        page = TestClient(create_app(load_options(), store)).get(f"/articles/{article_id}").text
    assert "No claims were found in this article" in page and '<a href="/claims">' in page
    assert "Correct this claim" not in page


def test_pages_are_off_when_reads_need_a_token(synthetic: Store) -> None:
    client = TestClient(create_app(load_options(api_reads_need_token=True), synthetic))
    for url in ["/", "/claims", "/stories"]:
        response = client.get(url)
        assert response.status_code == 403 and "api_reads_need_token" in response.text
    assert client.get("/api/claims").status_code == 401


def test_a_tile_server_widens_only_the_map_pages_image_policy(synthetic: Store) -> None:
    url = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    client = TestClient(create_app(load_options(tile_url=url), synthetic))
    policy = client.get("/").headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy
    assert policy.replace(" https://*.tiles.example.org", "") == CONTENT_SECURITY_POLICY
    assert client.get("/claims").headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert f'data-tile-url="{url}"' in client.get("/").text
    hostile = TestClient(create_app(load_options(tile_url="javascript:alert(1)//{z}"), synthetic))
    response = hostile.get("/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert 'data-tile-url=""' in response.text


# ----------------------------------------------------------------------------------------- render helpers


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                                 "java\nscript:alert(1)", "data:text/html,<script>x</script>", "vbscript:x",
                                 "//example.org/x", "/relative", "http://", "https://exa mple.org", None, 42,
                                 "https://example.org/\x00"])
def test_only_http_urls_become_links(url: Any) -> None:
    assert safe_url(url) is None


def test_http_urls_are_kept() -> None:
    assert safe_url("https://example.org/a?b=1#c") == "https://example.org/a?b=1#c"
    assert safe_url(" HTTP://Example.org/ ") == "HTTP://Example.org/"


def test_marked_text_escapes_every_piece_and_nests_overlaps() -> None:
    text = 'A <script>x()</script> said "<img onerror=y()>" & more'
    said = text.index("said")
    marks = [{"kind": "source", "start": 0, "end": 22, "claim": 0},
             {"kind": "cue", "start": said, "end": said + 4, "claim": 0},
             {"kind": "content", "start": said + 5, "end": len(text), "claim": 0},
             {"kind": "place", "start": said + 6, "end": said + 10, "claim": None},
             {"kind": "content", "start": -3, "end": 4, "claim": 1},  # out of the text: ignored
             {"kind": "content", "start": 5, "end": 999, "claim": 1},
             {"kind": "bogus", "start": 0, "end": 3, "claim": 1}]
    out = str(marked_text(text, marks))
    assert "<script" not in out and "<img" not in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    assert out.count('id="claim-0"') == 1 and 'id="claim-1"' not in out
    assert re.search(r'<span class="hl hl-content hl-place" data-claims="0">&lt;img</span>', out)
    assert pieces(len(text), marks)[0].kinds == frozenset({"source"})


def test_page_url_drops_empty_values_and_applies_changes() -> None:
    assert page_url("/claims", {"status": "denied", "q": "", "cursor": "abc"}, cursor=None) == "/claims?status=denied"
    assert page_url("/claims", {"q": "a&b=c"}, cursor="x") == "/claims?q=a%26b%3Dc&cursor=x"
