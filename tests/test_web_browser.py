"""The workbench's pages in a real browser: Debian's chromium driven by Playwright, the app served by uvicorn on
a loopback port over a store of the examples, the stories dev file and one hostile article.

Marked ``browser`` (deselect with ``-m "not browser"``) and, since they ingest with the spaCy model, ``model``.
Chromium is installed with apt-get when missing (as root); the tests skip, saying why, only when it cannot be.
Expected answers come from the JSON API of the same server, so the pages are checked against the library.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from browser_support import browser, chromium, serve
from sqlalchemy import select
from sqlalchemy.orm import Session

from claimwatch.settings import Options, load_options
from claimwatch.store import Store
from claimwatch.store.schema import ArticleRow
from claimwatch.store.tokens import create_token
from claimwatch.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.model]

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "bench" / "data" / "stories_dev.jsonl"
#: an article whose title, address and text would each set window.__pwned if a page ever ran them
HOSTILE = {
    "id": "hostile-1", "url": "javascript:window.__pwned='url'", "published": "2024-08-16T10:00:00Z",
    "language": "en",
    "title": "<script>window.__pwned='title'</script><img src=x onerror=\"window.__pwned='title-img'\">",
    "text": ("The Russian Defence Ministry said <script>window.__pwned='text'</script> that its forces took "
             "Kupiansk <img src=x onerror=\"window.__pwned='img'\"> on Friday. Officials in Kharkiv denied that "
             "\"><svg onload=window.__pwned='svg'> forces had entered the town."),
}


@dataclass
class Workbench:
    base: str
    store: Store
    token: str
    options: Options
    hostile: int  #: the hostile article's id

    def api(self, path: str, **params: Any) -> Any:
        query = f"?{urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.base}{path}{query}", timeout=30) as response:
            return json.loads(response.read())

    def walk(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item (or map feature) of a paged API list."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.api(path, **params, **({"cursor": cursor} if cursor else {}))
            items += page.get("items", page.get("features", []))
            cursor = page["next"]
            if cursor is None:
                return items


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    path, why = chromium()
    if path is None:
        pytest.skip(f"no chromium: {why}")
    with browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory, pipeline: Any, examples_dir: Path) -> Iterator[Workbench]:
    from claimwatch.ingest import ingest_paths
    from claimwatch.link import link

    folder = tmp_path_factory.mktemp("browser")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", "utf-8")
    options = load_options()
    with Store(f"sqlite:///{folder / 'cw.db'}") as store:
        assert ingest_paths(store, [examples_dir, DEV, hostile], options, pipeline=pipeline).new > 20
        link(store, options)
        with Session(store.engine) as session:
            hostile_id = session.scalar(select(ArticleRow.id).where(ArticleRow.title == HOSTILE["title"]))
        assert hostile_id is not None
        with serve(create_app(options, store)) as base:
            yield Workbench(base, store, create_token(store, "analyst"), options, hostile_id)


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    """A fresh tab (its own sessionStorage) that fails the test on any uncaught script error."""
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 850})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, errors


def _map_ready(page: Any) -> dict[str, str]:
    page.wait_for_selector("#map[data-state=ready]", timeout=20000)
    return dict(page.eval_on_selector("#map", "el => Object.assign({}, el.dataset)"))


def test_the_map_shows_a_marker_for_every_located_example(workbench: Workbench, page: Any) -> None:
    features = workbench.walk("/api/map", limit=5000)
    assert features
    with page.expect_response(lambda r: r.url.endswith("/static/outlines.geojson")) as outlines:
        page.goto(workbench.base + "/")
    state = _map_ready(page)
    assert int(state["features"]) == len(features)
    levels = [f["properties"]["level"] for f in outlines.value.json()["features"]]
    assert int(state["regions"]) == levels.count("region") > 50  # Ukrainian and Russian regions drawn
    assert int(state["countries"]) == levels.count("country") > 20
    icons = page.locator(".leaflet-marker-icon")
    assert icons.count() == int(state["markers"]) > 0
    shown = sum(int(t) for t in page.locator(".cluster-icon").all_inner_texts()) + page.locator(".pt").count()
    assert 0 < shown <= len(features)
    verdicts = {f["properties"].get("verdict") or "none" for f in features}
    for title, main in zip(page.locator(".cluster-icon").evaluate_all("icons => icons.map(i => i.title)"),
                           page.locator(".cluster-count").evaluate_all("spans => spans.map(s => s.dataset.main)"),
                           strict=True):  # a group is coloured by its most frequent verdict, and says them all
        total, parts = re.fullmatch(r"(\d+) markers here \((.*)\): select to zoom in", title).groups()
        counts = [(int(n), label) for n, label in re.findall(r"(\d+) ([^,…]+?)(?:, |$)", parts)]
        assert counts[0][1] == main and main in verdicts and counts == sorted(counts, key=lambda c: -c[0])
        assert "…" in parts or sum(n for n, _ in counts) == int(total)
    for _ in range(8):  # zoom into groups until a single marker shows, then open its popup
        if page.locator(".pt").count():
            break
        page.locator(".cluster-icon").first.click()
        page.wait_for_timeout(400)
    page.locator(".pt").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    popup.locator("p", has_text="“").first.wait_for()  # the claim's words, fetched when the popup opens
    links = [popup.locator("a").nth(i).get_attribute("href") for i in range(popup.locator("a").count())]
    assert links and all(re.fullmatch(r"/(articles/\d+#claim-\d+|stories/[\w-]+)", h or "") for h in links)


def test_a_group_at_one_place_lists_its_markers_and_links_to_them_as_a_list(workbench: Workbench,
                                                                              page: Any) -> None:
    at: dict[tuple[float, float], list[dict[str, Any]]] = {}
    for feature in workbench.walk("/api/map", limit=5000):
        lon, lat = feature["geometry"]["coordinates"]
        at.setdefault((round(lon, 6), round(lat, 6)), []).append(feature)
    (lon, lat), group = max(at.items(), key=lambda item: len(item[1]))
    assert len(group) >= 2
    box = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    page.goto(f"{workbench.base}/?bbox={box}")
    assert int(_map_ready(page)["features"]) == len(group)
    page.locator(".cluster-icon").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("h3").first.inner_text() == f"{len(group)} at this place"
    popup.locator("a.cluster-list").click()
    # wait for the list page itself: on a loaded machine the map's own hash update (#map=…) can come first and
    # satisfy a bare expect_navigation (seen once in CI)
    page.wait_for_url(re.compile(re.escape(workbench.base) + r"/claims\?bbox="))
    assert page.url.startswith(f"{workbench.base}/claims?bbox=")
    bbox = re.search(r"bbox=([^&]+)", page.url).group(1).replace("%2C", ",")
    listed = page.eval_on_selector_all("tr.claim", "rows => rows.map(r => Number(r.dataset.claimId))")
    assert listed == [c["id"] for c in workbench.walk("/api/claims", bbox=bbox, limit=500)]
    assert {f["properties"]["claim_id"] for f in group} <= set(listed)


def test_a_filter_changes_the_markers_and_stays_in_the_address(workbench: Workbench, page: Any) -> None:
    everything = len(workbench.walk("/api/map", limit=5000))
    denied = len(workbench.walk("/api/map", limit=5000, status="denied"))
    assert 0 < denied < everything
    page.goto(workbench.base + "/")
    _map_ready(page)
    page.select_option("#f-status", "denied")
    page.click("text=Apply filters")
    page.wait_for_url(re.compile(r"status=denied"))
    assert int(_map_ready(page)["features"]) == denied
    page.goto(page.url)  # the address alone (shared, bookmarked) shows the same markers
    assert int(_map_ready(page)["features"]) == denied
    assert page.input_value("#f-status") == "denied"


def test_the_view_is_kept_in_the_address_and_a_shared_address_opens_on_it(workbench: Workbench, page: Any) -> None:
    page.goto(workbench.base + "/?status=claimed")
    first = float(_map_ready(page)["zoom"])
    page.click(".leaflet-control-zoom-in")
    page.wait_for_function(f"() => Number(document.getElementById('map').dataset.zoom) > {first}")
    page.wait_for_function("() => /#map=[0-9.]+\\/-?[0-9.]+\\/-?[0-9.]+$/.test(location.hash)")
    shared = page.url
    zoom = float(page.get_attribute("#map", "data-zoom") or 0)
    other = page.context.new_page()  # the address opened elsewhere
    other.goto(shared)
    state = _map_ready(other)
    assert float(state["zoom"]) == zoom > first and other.url == shared
    assert "status=claimed" in other.url and other.input_value("#f-status") == "claimed"
    other.close()


def test_a_timeline_range_filters_the_list(workbench: Workbench, page: Any) -> None:
    page.goto(workbench.base + "/timeline")
    page.wait_for_selector("#chart[data-state=ready]")
    days = sorted({d for d in page.eval_on_selector_all("rect.bar", "bars => bars.map(b => b.dataset.day)")})
    assert len(days) >= 6
    first, last = days[2], days[5]
    start = page.locator(f"rect.bar[data-day='{first}']").first.bounding_box()
    end = page.locator(f"rect.bar[data-day='{last}']").first.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=5)
    with page.expect_navigation():
        page.mouse.up()
    assert f"since={first}" in page.url and f"until={last}" in page.url
    expected = workbench.api("/api/claims", since=first, until=last, limit=50)["items"]
    listed = page.eval_on_selector_all("tr.claim", "rows => rows.map(r => Number(r.dataset.claimId))")
    assert listed == [c["id"] for c in expected] and listed
    shown_days = page.eval_on_selector_all("tr.claim td:first-child", "cells => cells.map(c => c.textContent)")
    assert all(first <= day.strip() <= last for day in shown_days)
    assert f"since={first}" in (page.get_attribute("#range-map", "href") or "")
    page.goto(workbench.base + page.get_attribute("#range-map", "href"))
    ranged = len(workbench.walk("/api/map", limit=5000, since=first, until=last))
    assert int(_map_ready(page)["features"]) == ranged


def _drag_days(page: Any) -> tuple[str, str]:
    """Drag across the page's chart from its third to its sixth day with bars; the two days."""
    page.wait_for_selector("#chart[data-state=ready]")
    page.locator("#chart").scroll_into_view_if_needed()
    days = sorted({d for d in page.eval_on_selector_all("rect.bar", "bars => bars.map(b => b.dataset.day)")})
    assert len(days) >= 6
    first, last = days[2], days[5]
    start = page.locator(f"rect.bar[data-day='{first}']").first.bounding_box()
    end = page.locator(f"rect.bar[data-day='{last}']").first.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=5)
    with page.expect_navigation():
        page.mouse.up()
    return first, last


def test_a_range_chosen_above_the_map_filters_the_map_and_keeps_its_filters(workbench: Workbench, page: Any) -> None:
    page.goto(workbench.base + "/?status=claimed&colour=status")
    everything = int(_map_ready(page)["features"])
    first, last = _drag_days(page)
    assert f"since={first}" in page.url and f"until={last}" in page.url
    assert "status=claimed" in page.url and "colour=status" in page.url
    ranged = len(workbench.walk("/api/map", limit=5000, status="claimed", since=first, until=last))
    assert int(_map_ready(page)["features"]) == ranged < everything
    assert page.input_value("#f-since") == first and page.input_value("#f-until") == last
    assert f"since={first}" in (page.get_attribute("#as-list", "href") or "")
    page.click("a.whole-period")
    assert int(_map_ready(page)["features"]) == everything and "since" not in page.url


@pytest.mark.parametrize("kind", ["claims", "stories"])
def test_a_range_chosen_above_a_list_filters_the_list(workbench: Workbench, page: Any, kind: str) -> None:
    page.goto(f"{workbench.base}/{kind}?limit=100")
    first, last = _drag_days(page)
    assert f"since={first}" in page.url and f"until={last}" in page.url and "limit=100" in page.url
    expected = workbench.api(f"/api/{kind}", since=first, until=last, limit=100)["items"]
    row = "tr.claim" if kind == "claims" else "tr.story"
    key = "claimId" if kind == "claims" else "storyId"
    listed = page.eval_on_selector_all(row, f"rows => rows.map(r => r.dataset.{key})")
    assert listed == [str(item["id"]) for item in expected] and listed


def test_a_story_page_marks_each_claims_evidence(workbench: Workbench, page: Any) -> None:
    story = next(s for s in workbench.walk("/api/stories", limit=100) if len(s["claims"]) >= 2)
    page.goto(f"{workbench.base}/stories/{story['id']}")
    cards = page.locator("article.story-claim")
    assert cards.count() == len(story["claims"])
    for i, member in enumerate(story["claims"]):
        marked = " ".join(cards.nth(i).locator(".hl-content").all_inner_texts())
        assert _words(member["content"]["text"]) <= _words(marked)
    member = story["claims"][0]
    cards.nth(0).locator("a.evidence-link").click()
    page.wait_for_url(re.compile(rf"/articles/{member['article']}#claim-{member['claim']}$"))
    target = page.locator(f"#claim-{member['claim']}")
    assert "hl-content" in (target.get_attribute("class") or "")
    assert member["content"]["text"].startswith(target.inner_text().strip()[:20])
    focused = page.eval_on_selector_all(".hl.focused", "spans => spans.map(s => s.dataset.claims.split(' '))")
    assert focused and all(str(member["claim"]) in claims for claims in focused)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _open_review(page: Any, index: int) -> Any:
    card = page.locator(f"#claim-card-{index}")
    card.locator("summary").click()
    return card


def test_a_claim_correction_persists_across_reload_and_reingest(workbench: Workbench, page: Any, pipeline: Any,
                                                                 examples_dir: Path) -> None:
    from claimwatch.ingest import ingest_paths

    claim = workbench.api("/api/claims", status="claimed", limit=1)["items"][0]
    article, index = claim["article"]["id"], claim["index"]
    page.goto(f"{workbench.base}/articles/{article}#claim-{index}")
    page.fill("#token", workbench.token)
    page.click("text=Use token")
    assert page.evaluate("() => sessionStorage.getItem('claimwatch-token')") == workbench.token
    assert not page.context.cookies()
    card = _open_review(page, index)
    card.locator("select[name=field]").select_option("status")
    card.locator("select[name=status]").select_option("retracted")
    card.locator("input[name=why]").fill("the channel deleted the post")
    with page.expect_navigation():
        card.locator("text=Save correction").click()

    def shown() -> None:
        card = page.locator(f"#claim-card-{index}")
        assert card.locator(".v-status").inner_text() == "retracted"
        review = card.locator("li.review").inner_text()
        assert "retracted" in review and "analyst" in review and "the channel deleted the post" in review

    shown()
    page.reload()
    shown()
    summary = ingest_paths(workbench.store, [examples_dir], workbench.options, force=True, pipeline=pipeline)
    assert summary.updated > 10
    page.reload()
    shown()


def test_a_story_verdict_override_persists(workbench: Workbench, page: Any) -> None:
    story = next(s for s in workbench.walk("/api/stories", limit=100) if s["verdict"] != "contested")
    page.goto(f"{workbench.base}/stories/{story['id']}")
    page.fill("#token", workbench.token)
    page.click("text=Use token")
    page.select_option("#s-field", "verdict")
    page.select_option("#s-verdict", "contested")
    page.fill("#s-why", "the second ministry statement contradicts it")
    with page.expect_navigation():
        page.click("text=Save correction")
    page.reload()
    assert page.locator("h1 .verdict").inner_text() == "contested"
    review = page.locator("#story-reviews li.review").inner_text()
    assert "contested" in review and "analyst" in review and "second ministry statement" in review
    steps = page.locator("table.history tr.step")
    assert steps.count() == len(story["history"]) + 1  # the computed changes and the override
    override = page.locator("table.history tr.step.override").inner_text()
    assert "contested" in override and "analyst" in override and "second ministry statement" in override
    computed = page.locator("table.history tr.step:not(.override)").first.inner_text()
    assert "published that day" in computed
    assert workbench.api(f"/api/stories/{story['id']}")["verdict"] == "contested"


def test_a_write_without_a_valid_token_is_refused(workbench: Workbench, page: Any) -> None:
    claim = workbench.api("/api/claims", status="denied", limit=1)["items"][0]
    article, index = claim["article"]["id"], claim["index"]
    before = workbench.api(f"/api/articles/{article}")["reviews"]
    page.goto(f"{workbench.base}/articles/{article}")
    for token in (None, "not-a-token"):
        if token:
            page.fill("#token", token)
            page.click("text=Use token")
        card = page.locator(f"#claim-card-{index}")
        if not card.locator("form.review").is_visible():
            card.locator("summary").click()
        card.locator("select[name=status]").select_option("confirmed")
        card.locator("input[name=why]").fill("no token")
        card.locator("text=Save correction").click()
        state = card.locator(".review-state.error")
        state.wait_for()
        assert "Refused" in state.inner_text() and "token" in state.inner_text()
    assert workbench.api(f"/api/articles/{article}")["reviews"] == before
    assert workbench.api(f"/api/claims/{claim['id']}")["status"] == "denied"


def test_hostile_article_text_title_and_address_run_nothing(workbench: Workbench, page: Any) -> None:
    page.set_content(HOSTILE["text"])  # the check can fail: outside the workbench the payload does run
    page.wait_for_function("() => window.__pwned !== undefined")
    article = workbench.api(f"/api/articles/{workbench.hostile}")
    story = next(c["story"] for c in article["claims"] if c["story"])
    urls = [f"/articles/{workbench.hostile}", f"/claims?article={workbench.hostile}", "/search?q=Kupiansk",
            f"/stories/{story}", "/timeline?since=2024-08-16&until=2024-08-16", "/?since=2024-08-16",
            "/claims?status=%3Cscript%3Ewindow.__pwned%3D1%3C/script%3E"]
    for url in urls:
        response = page.goto(workbench.base + url)
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__pwned") is None, url
        assert page.evaluate("""() => [...document.scripts].every(s => s.src.startsWith(location.origin + '/static/'))
                                      && !document.querySelector('[onerror],[onload],a[href^="javascript:" i]')"""), url
    page.goto(f"{workbench.base}/articles/{workbench.hostile}")
    assert page.locator("h1").inner_text() == HOSTILE["title"]
    assert page.locator(".inert-url").inner_text() == HOSTILE["url"]
    assert "<img src=x" in page.locator("#article-text").inner_text()


def test_pages_work_from_the_keyboard_with_labelled_controls(workbench: Workbench, page: Any) -> None:
    claim = workbench.api("/api/claims", limit=1)["items"][0]
    story = workbench.walk("/api/stories", limit=100)[0]
    for url in ["/", "/timeline", "/claims", "/stories", "/search", f"/stories/{story['id']}",
                f"/articles/{claim['article']['id']}"]:
        page.goto(workbench.base + url)
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select')]
            .filter(c => !(c.id && document.querySelector(`label[for="${c.id}"]`))).map(c => c.name)""")
        assert unlabelled == [], (url, unlabelled)
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent") == "Skip to content", url
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none"), url  # a visible focus style
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main", url
    page.goto(workbench.base + "/claims")
    page.focus("#f-status")
    page.keyboard.press("End")  # the last status, from the keyboard alone
    chosen = page.input_value("#f-status")
    assert chosen == "retracted"
    page.focus("#f-q")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"status={chosen}" in page.url
