"""The workbench's web application: :func:`create_app` builds one FastAPI app over one store.

Reads the :class:`~claimwatch.settings.Options` (database URL, outlets registry, whether reads need a token);
writes nothing itself. There is no module-level app: ``claimwatch serve`` calls :func:`create_app`, tests pass
their own store. Every error is JSON ``{"error": message, "detail": …}``: 400 for a bad filter, limit, cursor or
bounding box (and for a correction the store refuses), 401 without a valid token, 404, 413 for a body over
64 KiB, 422 for a body of the wrong shape, 503 when the database cannot be used, 500 (logged, no detail) for
anything unforeseen. The OpenAPI schema is at ``/openapi.json``; the interactive docs pages are off (they load
scripts from a CDN, which the Content-Security-Policy forbids).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from ..about import __version__
from ..query import FilterError
from ..settings import Options
from ..store import Store, StoreUnavailable
from . import api, pages
from .security import SecurityMiddleware

#: the largest request body accepted (a correction is a few hundred bytes)
MAX_BODY = 64 * 1024


#: Environment variable through which ``claimwatch serve --workers N`` hands each uvicorn worker process its
#: options and host rules (JSON: ``{"options": {...}, "allowed_hosts": [...] | null}``).
SERVE_ENV = "CLAIMWATCH_SERVE"


def app_from_environment() -> FastAPI:
    """The app one uvicorn worker process builds (``claimwatch serve --workers N``, uvicorn's ``factory``): the
    options and allowed hosts in :data:`SERVE_ENV`, and a store connection of its own."""
    import json
    import os

    from ..settings import options_of

    spec = json.loads(os.environ[SERVE_ENV])
    return create_app(options_of(spec["options"]), allowed_hosts=spec["allowed_hosts"])


def create_app(options: Options, store: Store | None = None, *,
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The app serving ``store`` (opened from ``options.db_url`` when None, and closed on shutdown).

    ``allowed_hosts``: the ``Host`` names it answers to (None: any).
    """
    from ..outlets import load_outlets

    owned = store is None
    opened = store if store is not None else Store(options.db_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            opened.close()

    app = FastAPI(title="claimwatch workbench", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=lifespan,
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.store = opened
    app.state.options = options
    app.state.outlets = load_outlets(options.outlets or None)
    _errors(app)
    app.add_middleware(SecurityMiddleware, allowed_hosts=allowed_hosts, max_body=MAX_BODY)
    app.include_router(api.router)
    pages.mount_pages(app)
    return app


def error(status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "detail": detail}, status_code=status, headers=headers)


def _errors(app: FastAPI) -> None:
    async def bad_filter(request: Request, exc: Exception) -> Response:
        if pages.wants_page(request):
            return pages.error_page(request, 400, str(exc))
        return error(400, str(exc), {"parameter": getattr(exc, "parameter", None)})

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if pages.wants_page(request):
            return pages.error_page(request, 404, "There is no page here.")
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        return error(422, "the request does not have the expected shape", detail)

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if pages.wants_page(request) and exc.status_code in (404, 405):
            return pages.error_page(request, exc.status_code, "There is no page here." if exc.status_code == 404
                                    else "This page cannot be used that way.")
        return error(exc.status_code, str(exc.detail), None, getattr(exc, "headers", None))

    async def unavailable(_: Request, exc: Exception) -> JSONResponse:
        return error(503, "the database cannot be used", str(exc))

    app.add_exception_handler(FilterError, bad_filter)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(StoreUnavailable, unavailable)
    for kind, handler in pages.handlers().items():
        app.add_exception_handler(kind, handler)
