"""The ``claimwatch serve``, ``token`` and ``review`` commands: a thin shell over :mod:`claimwatch.web`,
:mod:`claimwatch.store.tokens`, :mod:`claimwatch.corrections` and :mod:`claimwatch.link.edit`.

``review claim`` and ``review story`` make the same corrections as ``PATCH /api/claims/{id}`` and
``PATCH /api/stories/{id}``, through the same library functions, with ``--who`` in place of the token's name.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from .cli import DbOpt, _opened, _safe, _state, app

token_app = typer.Typer(help="Bearer tokens of the HTTP API (writes need one).", no_args_is_help=True)
review_app = typer.Typer(help="Correct a stored claim or story (as PATCH /api/... does).", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(review_app, name="review")


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (``localhost``, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="port to listen on")] = 8000,
    allow_remote: Annotated[bool, typer.Option("--allow-remote", help="allow a --host other machines reach")] = False,
    private: Annotated[bool, typer.Option("--private", help="reads need a bearer token too "
                                          "(option api_reads_need_token)")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, metavar="N",
                                         help="server processes answering at once (one per core serves "
                                              "concurrent clients; each opens its own store connection)")] = 1,
    db: DbOpt = None,
) -> None:
    """Serve the analyst's workbench (pages and HTTP API) with uvicorn; see README "HTTP API", "Workbench pages"."""
    import uvicorn

    from .web import create_app
    from .web.security import LOOPBACK_HOSTS

    state = _state(ctx, db)
    options = state.options.with_(api_reads_need_token=True if private else None)
    loopback = is_loopback(host)
    if not loopback and not allow_remote:
        state.err.print(f"[red]error:[/] {escape(host)} is reachable from other machines: pass --allow-remote "
                        "to serve there (and --private unless everyone who can reach it may read everything)")
        raise typer.Exit(2)
    if not loopback and not options.api_reads_need_token:
        state.err.print(f"[yellow]warning:[/] reads are public: anyone who can reach {escape(host)}:{port} can "
                        "read every stored article and claim (--private makes reads need a token)")
    allowed = list(LOOPBACK_HOSTS) if loopback else None
    with _opened(state) as store:  # opening migrates the database once, before any worker starts
        pages = "pages off" if options.api_reads_need_token else f"pages at http://{escape(host)}:{port}/"
        state.err.print(f"serving {escape(state.options.db_url)} on http://{escape(host)}:{port}/api ({pages}; "
                        f"reads {'need a token' if options.api_reads_need_token else 'public'}, writes need a token"
                        f"{f'; {workers} processes' if workers > 1 else ''})")
        if workers == 1:
            web_app = create_app(options, store, allowed_hosts=allowed)
            uvicorn.run(web_app, host=host, port=port, log_level="info", server_header=False)
            return
    import dataclasses
    import json
    import os

    from .web.app import SERVE_ENV

    spec = {"options": dataclasses.asdict(options.with_(db=options.db_url)), "allowed_hosts": allowed}
    os.environ[SERVE_ENV] = json.dumps(spec)
    uvicorn.run("claimwatch.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="info", server_header=False)


# -- query --------------------------------------------------------------------------------------------

QUERY_KINDS = ("claims", "stories", "places", "map", "timeline")


@app.command("query")
def query_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="KIND", help=", ".join(QUERY_KINDS))],
    where: Annotated[list[str] | None, typer.Option("--where", "-w", metavar="NAME=VALUE",
                                                    help="a filter, as the API's query parameters "
                                                         "(status=denied, q=village, bbox=W,S,E,N…)")] = None,
    limit: Annotated[str | None, typer.Option("--limit", metavar="N", help="page size")] = None,
    cursor: Annotated[str | None, typer.Option("--cursor", metavar="C", help="the `next` of the last page")] = None,
    layer: Annotated[str, typer.Option("--layer", help="map: events or stories")] = "events",
    cluster: Annotated[bool, typer.Option("--cluster", help="map: counts per grid cell over the bbox "
                                          "(GET /api/map?cluster=true)")] = False,
    db: DbOpt = None,
) -> None:
    """Print what GET /api/KIND returns for the same filters, as JSON (the same library functions)."""
    from . import query
    from .outlets import load_outlets

    state = _state(ctx, db)
    try:
        if kind not in QUERY_KINDS:
            raise query.FilterError("KIND", f"one of {', '.join(QUERY_KINDS)}")
        filters = query.parse_filters(_pairs(where or []))
        with _opened(state) as store:
            result = _run_query(store, kind, filters, limit, cursor, layer, load_outlets(state.options.outlets or None),
                                cluster)
    except query.FilterError as exc:
        state.err.print(f"[red]error:[/] {_safe(str(exc))}")
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(result, ensure_ascii=False))


def _pairs(where: list[str]) -> list[tuple[str, str]]:
    from .query import FilterError

    out = []
    for item in where:
        name, sep, value = item.partition("=")
        if not sep:
            raise FilterError(name, "expected NAME=VALUE")
        out.append((name.strip(), value))
    return out


def _run_query(store: Any, kind: str, filters: Any, limit: str | None, cursor: str | None, layer: str,
               outlets: Any, cluster: bool = False) -> Any:
    from . import query

    if kind == "map" and cluster:
        return query.map_clusters(store, filters, layer=layer)
    if kind == "map":
        size = query.parse_limit(limit, query.MAP_LIMIT, query.MAX_MAP_LIMIT)
        return query.map_features(store, filters, layer=layer, cursor=cursor, limit=size)
    if kind == "timeline":
        return query.timeline(store, filters)
    if kind == "places":
        return {"items": query.places(store, filters, query.parse_limit(limit))}
    lister = query.claims if kind == "claims" else query.stories
    extra = {"outlets": outlets} if kind == "stories" else {}
    page = lister(store, filters, cursor, query.parse_limit(limit), **extra)
    return {"items": page.items, "next": page.next}


# -- tokens -------------------------------------------------------------------------------------------

@token_app.command("create")
def token_create(ctx: typer.Context,
                 name: Annotated[str, typer.Option("--name", metavar="NAME", help="whose token: corrections made "
                                                   "with it are stored under this name")],
                 db: DbOpt = None) -> None:
    """Make a token and print it, once (only a salted hash of it is stored)."""
    from .store.tokens import create_token

    state = _state(ctx, db)
    with _opened(state) as store:
        try:
            token = create_token(store, name)
        except ValueError as exc:
            state.err.print(f"[red]error:[/] {_safe(str(exc))}")
            raise typer.Exit(2) from exc
    state.err.print(f"token for {_safe(name)} (shown once: keep it; send it as 'Authorization: Bearer …'):")
    typer.echo(token)


@token_app.command("list")
def token_list(ctx: typer.Context, db: DbOpt = None) -> None:
    """List the tokens: holder, public prefix, when made and last used (never the secret)."""
    from .store.tokens import list_tokens

    state = _state(ctx, db)
    with _opened(state) as store:
        found = list_tokens(store)
    table = Table(title=f"{len(found)} tokens", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("name", "prefix", "created", "last used"):
        table.add_column(column)
    for t in found:
        table.add_row(_safe(t.name), t.prefix, t.created_at.isoformat(timespec="seconds"),
                      t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never")
    state.out.print(table)


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME")], db: DbOpt = None) -> None:
    """Delete NAME's token (corrections already made keep the name)."""
    from .store.tokens import revoke_token

    state = _state(ctx, db)
    with _opened(state) as store:
        if not revoke_token(store, name):
            state.err.print(f"[red]error:[/] no token named {_safe(name)}")
            raise typer.Exit(1)
    state.out.print(f"revoked the token of {_safe(name)}")


# -- reviews ------------------------------------------------------------------------------------------

WhoOpt = Annotated[str, typer.Option("--who", metavar="NAME", help="the analyst")]
WhyOpt = Annotated[str, typer.Option("--why", metavar="TEXT", help="the reason, stored with the correction")]
ValueOpt = Annotated[str, typer.Option("--value", metavar="V", help="JSON (null, \"text\", {...}); text that is "
                                       "not JSON is taken as a string")]


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


@review_app.command("claim")
def review_claim(
    ctx: typer.Context,
    article_id: Annotated[int, typer.Argument(metavar="ARTICLE_ID")],
    claim_index: Annotated[int, typer.Argument(metavar="CLAIM_INDEX", help="as `claimwatch show` numbers them")],
    field: Annotated[str, typer.Option("--field", metavar="F", help="status, kind, polarity, source, source.actor, "
                                       "events.N.type|sub_type|place|actor1|actor2|negated|hypothetical")],
    value: ValueOpt, who: WhoOpt, why: WhyOpt, db: DbOpt = None,
) -> None:
    """Correct one field of a stored claim (kept with who, when and why; reapplied after re-extraction)."""
    from .corrections import review_claim_at

    state = _state(ctx, db)
    with _opened(state) as store:
        try:
            review = review_claim_at(store, article_id, claim_index, field, _value(value), who, why)
        except (KeyError, ValueError) as exc:
            state.err.print(f"[red]error:[/] {_safe(str(exc).strip(chr(39)))}")
            raise typer.Exit(1 if isinstance(exc, KeyError) else 2) from exc
    state.out.print(f"review {review}: claim {article_id}#{claim_index} {escape(field)} = {_safe(value)}")


@review_app.command("story")
def review_story(
    ctx: typer.Context,
    story_id: Annotated[str, typer.Argument(metavar="STORY_ID")],
    field: Annotated[str, typer.Option("--field", metavar="F", help="rating, verdict, merge_into, split")],
    value: ValueOpt, who: WhoOpt, why: WhyOpt, db: DbOpt = None,
) -> None:
    """Rate a story, override its verdict (null clears it), merge it into another, or split claims out."""
    from .link.edit import correct_story

    state = _state(ctx, db)
    with _opened(state) as store:
        try:
            shown = correct_story(store, state.options, story_id, field, _value(value), who, why)
        except (KeyError, ValueError) as exc:
            state.err.print(f"[red]error:[/] {_safe(str(exc).strip(chr(39)))}")
            raise typer.Exit(1 if isinstance(exc, KeyError) else 2) from exc
    state.out.print(f"{escape(field)} of {escape(story_id)} recorded; see claimwatch story {escape(shown)}")
