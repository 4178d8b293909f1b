"""The workbench's pages: map, timeline, claims, stories, one story, one article, search.

Reads the request's query string (the same filters as the ``/api`` routes, parsed by
:func:`claimwatch.query.parse_filters`) and the store through :mod:`claimwatch.query`; writes HTML rendered by
Jinja2 with autoescape on (templates in ``templates/``). Pages hold no script of their own: the map, the
timeline chart and the review forms are static files in ``static/`` that read the JSON API, which the
Content-Security-Policy allows (only this origin's scripts). Leaflet is served from the ``xstatic-leaflet``
package's folder; nothing is fetched from another site unless the option ``tile_url`` names a tile server.

:func:`mount_pages` adds the routes, the static folders and the template environment (kept in
``app.state.pages``, not at module level) to an app.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import query
from ..query import Filters, parse_filters, parse_limit
from . import render
from .security import CONTENT_SECURITY_POLICY, NotPublic

#: claims (or stories) per list page
PAGE_SIZE = 50
#: claims of one story shown side by side per page
STORY_PAGE = 24
#: what a page's own parameters are (everything else in the query string is a filter)
OWN = ("cursor", "limit", "layer", "colour", "by", "public")

router = APIRouter(include_in_schema=False)


def mount_pages(app: FastAPI) -> None:
    """Add the pages, ``/static`` (this package's assets) and ``/static/leaflet`` (Leaflet) to ``app``."""
    from xstatic.pkg import leaflet

    app.state.pages = environment()
    app.mount("/static/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount("/static", StaticFiles(directory=str(resources.files(__package__).joinpath("static"))),
              name="static")
    app.include_router(router)


def environment() -> Environment:
    """The template environment: package templates, autoescape on for every template, helpers as globals."""
    env = Environment(loader=PackageLoader("claimwatch.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(safe_url=render.safe_url, page_url=render.page_url, marked_text=render.marked_text,
                       value_text=render.value_text, claim_key=render.claim_key, MARK_KINDS=render.MARK_KINDS)
    return env


def page(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
         **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context`` (and the request's path and parameters) as an HTML response."""
    env: Environment = request.app.state.pages
    params = {k: v for k, v in request.query_params.items()}
    html = env.get_template(template).render(request_path=request.url.path, params=params, choices=choices(),
                                             **context)
    return HTMLResponse(html, status_code=status, headers=headers)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a page (the message is escaped like any other text)."""
    return page(request, "error.html", status=status, status_code=status, message=message)


def wants_page(request: Request) -> bool:
    """Whether an error on this request should be a page rather than JSON (not under /api or /static, not .json)."""
    path = request.url.path
    return not (path.startswith(("/api", "/static")) or path.endswith(".json"))


def choices() -> dict[str, list[str]]:
    """The values the filter forms offer: statuses, kinds, verdicts, event types and sub-types."""
    from ..extract.events.lexicon import ACLED_TYPES, EXTENSIONS
    from ..link.verdict import VerdictLabel
    from ..model import ClaimKind, Status

    types = sorted({*ACLED_TYPES.values(), *EXTENSIONS})
    sub_types = sorted({*ACLED_TYPES, *(s for subs in EXTENSIONS.values() for s in subs)})
    return {"status": [s.value for s in Status], "kind": [k.value for k in ClaimKind],
            "verdict": [v.value for v in VerdictLabel], "event_type": types, "sub_type": sub_types,
            "polarity": ["positive", "negative"]}


class PagesOff(Exception):
    """Reads need a token, which a browser's page request cannot carry: the pages are off."""


def reader(request: Request) -> None:
    if request.app.state.options.api_reads_need_token:
        raise PagesOff


def page_filters(request: Request) -> Filters:
    """The request's filters (a page's own parameters aside); :class:`FilterError` becomes a 400 page."""
    return parse_filters(request.query_params.multi_items(), ignore=OWN)


PageFilters = Annotated[Filters, Depends(page_filters)]
Readable = [Depends(reader)]


# ------------------------------------------------------------------------------------------------ pages


@router.get("/", dependencies=Readable)
def map_page(request: Request, filters: PageFilters) -> Response:
    options = request.app.state.options
    tile_url = options.tile_url if render.safe_url(options.tile_url.replace("{", "").replace("}", "")) else ""
    headers = {"content-security-policy": map_policy(tile_url)} if tile_url else None
    layer = "stories" if request.query_params.get("layer") == "stories" else "events"
    return page(request, "map.html", headers=headers, tile_url=tile_url, layer=layer,
                public=options.public, grid_km=options.public_grid_km, active=active_filters(filters))


@router.get("/map/points.json", dependencies=Readable)
def map_points(request: Request, filters: PageFilters) -> Response:
    """The map page's markers: located events as short rows (:func:`claimwatch.query.points.map_points`)."""
    from ..query.points import map_points

    if request.app.state.options.public:  # the public map draws the API's coarsened features instead
        raise HTTPException(404, "the public map reads /api/map")
    return JSONResponse(map_points(request.app.state.store, filters))


def map_policy(tile_url: str) -> str:
    """The Content-Security-Policy of the map page when tiles come from ``tile_url``'s host (images only;
    a ``{s}`` subdomain placeholder allows any subdomain)."""
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}", "*")
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", f"img-src 'self' data: {parts.scheme}://{host}")


@router.get("/timeline", dependencies=Readable)
def timeline_page(request: Request, filters: PageFilters) -> Response:
    listed = query.claims(request.app.state.store, filters, request.query_params.get("cursor"),
                          parse_limit(request.query_params.get("limit"), PAGE_SIZE))
    return page(request, "timeline.html", claims=listed, active=active_filters(filters))


@router.get("/claims", dependencies=[*Readable, *NotPublic])
def claims_page(request: Request, filters: PageFilters) -> Response:
    listed = query.claims(request.app.state.store, filters, request.query_params.get("cursor"),
                          parse_limit(request.query_params.get("limit"), PAGE_SIZE))
    return page(request, "claims.html", claims=listed, active=active_filters(filters), empty=empty_store(request))


@router.get("/search", dependencies=[*Readable, *NotPublic])
def search_page(request: Request, filters: PageFilters) -> Response:
    listed = query.claims(request.app.state.store, filters, request.query_params.get("cursor"),
                          parse_limit(request.query_params.get("limit"), PAGE_SIZE)) if filters.q else None
    return page(request, "search.html", claims=listed, active=active_filters(filters))


@router.get("/stories", dependencies=[*Readable, *NotPublic])
def stories_page(request: Request, filters: PageFilters) -> Response:
    state = request.app.state
    listed = query.stories(state.store, filters, request.query_params.get("cursor"),
                           parse_limit(request.query_params.get("limit"), PAGE_SIZE), outlets=state.outlets)
    return page(request, "stories.html", stories=listed, active=active_filters(filters), empty=empty_store(request))


StoryId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
ArticleId = Annotated[int, Path(ge=1, le=2**62)]


@router.get("/stories/{story_id}", dependencies=[*Readable, *NotPublic])
def story_page(request: Request, story_id: StoryId) -> Response:
    state = request.app.state
    record = query.story(state.store, story_id, outlets=state.outlets)
    if record is None:
        return error_page(request, 404, "There is no such story (it may have been merged into another).")
    first = story_start(request.query_params.get("start"), len(record["claims"]))
    shown = {**record, "claims": record["claims"][first:first + STORY_PAGE],
             "claim_ids": record["claim_ids"][first:first + STORY_PAGE]}
    pages = {"start": first, "end": first + len(shown["claims"]), "total": len(record["claims"]),
             "previous": max(0, first - STORY_PAGE) if first else None,
             "next": first + STORY_PAGE if first + STORY_PAGE < len(record["claims"]) else None}
    return page(request, "story.html", story=shown, excerpts=story_excerpts(state.store, shown), pages=pages,
                history=verdict_history(record))


@router.get("/articles/{article_id}", dependencies=[*Readable, *NotPublic])
def article_page(request: Request, article_id: ArticleId) -> Response:
    record = query.article(request.app.state.store, article_id)
    if record is None:
        return error_page(request, 404, "There is no such article.")
    reviews: dict[str, list[dict[str, Any]]] = {}
    for review in record["reviews"]:
        reviews.setdefault(review["claim_key"], []).append(review)
    return page(request, "article.html", record=record, reviews=reviews)


# ------------------------------------------------------------------------------------------------ helpers


def story_start(value: str | None, total: int) -> int:
    """The first claim a story page shows: ``start`` rounded down to a page, 0 when absent or not a number."""
    if value is None or not value.isdigit() or len(value) > 9:
        return 0
    return min(int(value), max(0, total - 1)) // STORY_PAGE * STORY_PAGE


def verdict_history(story: dict[str, Any]) -> list[dict[str, Any]]:
    """How a story's verdict changed: each computed change with the claims published that day (what moved it),
    and each analyst's verdict override (who, why), in date order."""
    arrived: dict[str, list[dict[str, Any]]] = {}
    for member in story["claims"]:
        arrived.setdefault((member.get("published") or "")[:10] or "undated", []).append(member)
    steps = [{"date": h["date"], "verdict": h["verdict"], "claims": arrived.get(h["date"], []),
              "groups": _grouped(arrived.get(h["date"], [])), "review": None} for h in story.get("history", [])]
    steps += [{"date": (r.get("at") or "")[:10], "verdict": r.get("value") or "back to the computed verdict",
               "claims": [], "groups": [], "review": r} for r in story.get("reviews", []) if r.get("field") == "verdict"]
    return sorted(steps, key=lambda step: (step["date"] or "", step["review"] is not None))


def _grouped(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims counted by outlet, status and stance, in order of first appearance."""
    counts: dict[tuple[str, str, str], int] = {}
    for c in claims:
        key = (c.get("outlet") or "unknown outlet", c.get("status") or "?", c.get("stance") or "?")
        counts[key] = counts.get(key, 0) + 1
    return [{"outlet": o, "status": s, "stance": t, "n": n} for (o, s, t), n in counts.items()]


def active_filters(filters: Filters) -> list[tuple[str, str]]:
    """The filters that are set, as ``(name, value)`` for the page to show."""
    out = []
    for name in query.FILTER_NAMES:
        value = getattr(filters, name)
        if value is None or (name == "dates" and value == "published"):
            continue
        if name == "bbox":
            value = f"{value.west},{value.south},{value.east},{value.north}"
        out.append((name, str(value)))
    return out


def empty_store(request: Request) -> bool:
    return bool(request.app.state.store.counts().get("claims", 0) == 0)


#: characters of context shown around a claim on the story page
EXCERPT = 160


def story_excerpts(store: Any, story: dict[str, Any]) -> list[dict[str, Any] | None]:
    """For each claim of ``story``: its passage of the article with the claim's own spans marked, or None."""
    articles: dict[int, dict[str, Any] | None] = {}
    out: list[dict[str, Any] | None] = []
    for member in story["claims"]:
        article_id = member.get("article")
        if not isinstance(article_id, int):
            out.append(None)
            continue
        if article_id not in articles:
            articles[article_id] = query.article(store, article_id)
        record = articles[article_id]
        out.append(None if record is None else excerpt(record, member.get("claim")))
    return out


def excerpt(record: dict[str, Any], claim: Any) -> dict[str, Any] | None:
    """Claim ``claim``'s passage of an article record: its marked HTML and whether text was cut either side."""
    text: str = record["article"]["text"] or ""
    own = [h for h in record["highlights"] if h.get("claim") == claim]
    if not own:
        return None
    start = max(0, min(h["start"] for h in own) - EXCERPT)
    end = min(len(text), max(h["end"] for h in own) + EXCERPT)
    start = _word_edge(text, start, -1)
    end = _word_edge(text, end, 1)
    shifted = [{**h, "start": h["start"] - start, "end": h["end"] - start} for h in own
               if start <= h["start"] and h["end"] <= end]
    return {"html": render.marked_text(text[start:end], shifted), "before": start > 0, "after": end < len(text)}


def _word_edge(text: str, at: int, direction: int) -> int:
    """``at`` moved outwards to a space (at most 30 characters) so that an excerpt does not cut a word."""
    for step in range(30):
        i = at + step * direction
        if i <= 0 or i >= len(text):
            return max(0, min(len(text), i))
        if text[i].isspace():
            return i + (1 if direction < 0 else 0)
    return at


def handlers() -> dict[type[Exception], Callable[..., Any]]:
    """Exception handlers the app registers for the pages."""

    async def off(request: Request, _: Exception) -> Response:
        return error_page(request, 403, "The pages are off because reads need a token here "
                                        "(api_reads_need_token): use the /api routes with a bearer token.")

    return {PagesOff: off}


__all__ = ["error_page", "handlers", "mount_pages", "wants_page"]
