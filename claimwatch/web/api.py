"""The ``/api`` routes: HTTP parsing and JSON out, over :mod:`claimwatch.query`, :mod:`claimwatch.corrections`
and :mod:`claimwatch.link.edit`. No logic of their own: each route parses its parameters with the library's
parsers, calls one library function and returns what it returns.

Reads the request (query parameters, path, JSON body, bearer token); writes JSON. The store, the options and
the outlets registry come from ``request.app.state`` (set by :func:`claimwatch.web.app.create_app`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from .. import query
from ..corrections import review_claim
from ..query import FILTER_NAMES, Filters, parse_filters, parse_limit
from .security import NotPublic, reader, token_holder

#: what each filter parameter means (OpenAPI descriptions)
FILTER_HELP = {
    "event_type": "event type (ACLED vocabulary), e.g. Battles",
    "sub_type": "event sub-type, e.g. Armed clash",
    "status": "claim status: asserted, claimed, hedged, unconfirmed, denied, confirmed, retracted",
    "kind": "claim kind: direct, indirect, mixed, outlet",
    "verdict": "verdict of the claim's story, e.g. contested",
    "actor": "actor registry id: the claim's source or an event's actor1/actor2, e.g. ru-mod",
    "side": "the party the claim counts for in its story, e.g. russia",
    "outlet": "outlet name or registry key",
    "language": "article language (ISO 639-1)",
    "place": "GeoNames id of a place; a first-order region or a country covers every place inside it",
    "admin1": "first-order region name as in place records, e.g. Kharkiv Oblast",
    "country": "ISO 3166-1 alpha-2 country code of the event's place",
    "bbox": "bounding box W,S,E,N in degrees (W > E crosses the antimeridian)",
    "since": "first day (YYYY-MM-DD, UTC, inclusive)",
    "until": "last day (YYYY-MM-DD, UTC, inclusive)",
    "dates": "what since/until apply to: published (the article, default) or event (the event's dates)",
    "q": "full-text search over claim content: every word must occur",
    "article": "one article's claims (its id)",
}
ClaimId = Annotated[int, Path(ge=1, le=2**62, description="claim id (as the lists give it)")]
StoryId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$", description="story id")]
ArticleId = Annotated[int, Path(ge=1, le=2**62, description="article id")]
Cursor = Annotated[str | None, Query(max_length=300, description="the `next` of the previous page")]
Limit = Annotated[str | None, Query(description="page size, 1 to 500 (default 50)")]

router = APIRouter(prefix="/api", dependencies=[Depends(reader)])


def filters_of(*own: str) -> Callable[..., Filters]:
    """A dependency parsing the request's filters (a route's ``own`` parameters aside); its signature lists
    every filter so that the OpenAPI schema documents them."""

    def dependency(request: Request, **_: Any) -> Filters:
        return parse_filters(request.query_params.multi_items(), ignore=own)

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    parameters += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                     annotation=Annotated[str | None, Query(description=FILTER_HELP[name])])
                   for name in FILTER_NAMES]
    dependency.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return dependency


PagedFilters = Annotated[Filters, Depends(filters_of("cursor", "limit"))]
MapFilters = Annotated[Filters, Depends(filters_of("cursor", "limit", "layer", "public", "cluster"))]
PlaceFilters = Annotated[Filters, Depends(filters_of("limit"))]
TimelineFilters = Annotated[Filters, Depends(filters_of())]
Writer = Annotated[str, Depends(token_holder)]


class ClaimCorrection(BaseModel):
    """A correction of one field of a claim; ``value`` in the shape the claim record has there."""

    model_config = ConfigDict(extra="forbid")
    field: str = Field(max_length=100, description="status, kind, polarity, source, source.actor, events.N.type, "
                       "events.N.sub_type, events.N.place, events.N.actor1, events.N.actor2, events.N.negated, "
                       "events.N.hypothetical")
    value: Any = None
    why: str = Field(min_length=1, max_length=2000)


class StoryCorrection(BaseModel):
    """A correction of a story: a rating, a verdict override, a merge into another story, or a split."""

    model_config = ConfigDict(extra="forbid")
    field: Literal["rating", "verdict", "merge_into", "split"]
    value: Any = None
    why: str = Field(min_length=1, max_length=2000)


def _found(record: Any, what: str) -> JSONResponse:
    if record is None:
        raise HTTPException(404, f"no such {what}")
    return JSONResponse(record)


@router.get("/claims", dependencies=NotPublic, summary="Claims, newest first, one page at a time")
def list_claims(request: Request, filters: PagedFilters, cursor: Cursor = None, limit: Limit = None) -> JSONResponse:
    page = query.claims(request.app.state.store, filters, cursor, parse_limit(limit))
    return JSONResponse({"items": page.items, "next": page.next})


@router.get("/claims/{claim_id}", dependencies=NotPublic, summary="One claim record")
def get_claim(request: Request, claim_id: ClaimId) -> JSONResponse:
    return _found(query.claim(request.app.state.store, claim_id), "claim")


@router.patch("/claims/{claim_id}", dependencies=NotPublic, summary="Correct one field of a claim (needs a token)")
def patch_claim(request: Request, claim_id: ClaimId, body: ClaimCorrection, who: Writer) -> JSONResponse:
    store = request.app.state.store
    try:
        review = review_claim(store, claim_id, body.field, body.value, who, body.why)
    except KeyError:
        raise HTTPException(404, "no such claim") from None
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONResponse({"review": review, "claim": query.claim(store, claim_id)})


@router.get("/stories", dependencies=NotPublic, summary="Stories, newest first seen first, one page at a time")
def list_stories(request: Request, filters: PagedFilters, cursor: Cursor = None, limit: Limit = None) -> JSONResponse:
    state = request.app.state
    page = query.stories(state.store, filters, cursor, parse_limit(limit), outlets=state.outlets)
    return JSONResponse({"items": page.items, "next": page.next})


@router.get("/stories/{story_id}", dependencies=NotPublic, summary="One story: its claims side by side, verdict, history, reviews")
def get_story(request: Request, story_id: StoryId) -> JSONResponse:
    state = request.app.state
    return _found(query.story(state.store, story_id, outlets=state.outlets), "story")


@router.patch("/stories/{story_id}", dependencies=NotPublic, summary="Rate a story, override its verdict, merge or split it "
              "(needs a token)")
def patch_story(request: Request, story_id: StoryId, body: StoryCorrection, who: Writer) -> JSONResponse:
    from ..link.edit import correct_story

    state = request.app.state
    try:
        target = correct_story(state.store, state.options, story_id, body.field, body.value, who, body.why)
    except KeyError as exc:
        raise HTTPException(404, str(exc).strip("'")) from None
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONResponse({"story": query.story(state.store, target, outlets=state.outlets)})


@router.get("/articles/{article_id}", dependencies=NotPublic, summary="One article: text, claims, places and spans to highlight")
def get_article(request: Request, article_id: ArticleId) -> JSONResponse:
    return _found(query.article(request.app.state.store, article_id), "article")


@router.get("/places", summary="Places the filtered articles mention, most mentioned first")
def list_places(request: Request, filters: PlaceFilters, limit: Limit = None) -> JSONResponse:
    return JSONResponse({"items": query.places(request.app.state.store, filters, parse_limit(limit))})


@router.get("/map", summary="Located events (or stories) as a GeoJSON FeatureCollection")
def get_map(request: Request, filters: MapFilters, cursor: Cursor = None,
            layer: Annotated[Literal["events", "stories"], Query(description="events or stories")] = "events",
            limit: Annotated[str | None, Query(description="features per page, 1 to 5000 (default 1000)")] = None,
            public: Annotated[bool, Query(description="for sharing: coordinates snapped to a grid, private "
                                          "persons' names in sources, claims and titles replaced by their role "
                                          "or [person] (always, with the option public)")] = False,
            cluster: Annotated[bool, Query(description="counts per cell of a 64 x 64 grid over bbox (the world "
                                           "without one) instead of single features: one bounded answer for any "
                                           "extent; cursor and limit do not apply")] = False,
            ) -> JSONResponse:
    size = parse_limit(limit, query.MAP_LIMIT, query.MAX_MAP_LIMIT)
    store = request.app.state.store
    if cluster:
        collection = query.map_clusters(store, filters, layer=layer)
    else:
        collection = query.map_features(store, filters, layer=layer, cursor=cursor, limit=size)
    if public or request.app.state.options.public:
        collection = _public(request, collection)
    return JSONResponse(collection, media_type="application/geo+json")


def _public(request: Request, collection: dict[str, Any]) -> dict[str, Any]:
    """``collection`` made public (:mod:`claimwatch.export.public`); what that needs is built once per app."""
    from ..export.public import public_collection, publicity

    state = request.app.state
    if getattr(state, "publicity", None) is None:
        state.publicity = publicity(state.options)
    return public_collection(collection, state.publicity)


@router.get("/timeline", summary="Claims per day, by event type and by side")
def get_timeline(request: Request, filters: TimelineFilters) -> JSONResponse:
    return JSONResponse(query.timeline(request.app.state.store, filters))
