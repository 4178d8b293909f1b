"""What every response of the workbench carries, and who may write: security headers, host check, bearer tokens.

Reads request headers (``Host``, ``Authorization``) and the ``tokens`` table (through
:mod:`claimwatch.store.tokens`); writes response headers. Nothing here keeps state between requests.

- Every response, errors included, gets a strict Content-Security-Policy (only this origin's scripts, styles
  and images, no inline script, no framing), ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
  no-referrer`` and ``X-Frame-Options: DENY``; an exception that escapes a route becomes a JSON 500 here, with
  the headers, its traceback logged and never sent.
- With ``allowed_hosts`` (``claimwatch serve`` on a loopback address passes the loopback names) a request for
  another ``Host`` is refused: a web page that rebinds its own domain name to 127.0.0.1 cannot read the API.
- Writes need ``Authorization: Bearer <token>``. Browsers never attach that header on their own (unlike a
  cookie), so another site cannot make a logged-in analyst's browser write: no CSRF token is needed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import Depends, HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store.tokens import verify_token

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class SecurityMiddleware:
    """ASGI middleware: the headers above on every HTTP response, the host check, a JSON 500 for escapes."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str] | None = None, max_body: int = 64 * 1024) -> None:
        self.app = app
        self.allowed_hosts = None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k.encode(), v.encode()) for k, v in HEADERS if k.encode() not in names)]
            await send(message)

        if not self._host_allowed(scope):
            await _json(send_with_headers, 400, {"error": "this Host is not served here", "detail": None})
            return
        if _header(scope, b"content-length").isdigit() and int(_header(scope, b"content-length")) > self.max_body:
            await _json(send_with_headers, 413, {"error": f"the body is over {self.max_body} bytes", "detail": None})
            return
        received = 0

        async def receive_bounded() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:  # a chunked body: FastAPI answers 400 (cannot parse the body)
                raise BodyTooLarge(f"the body is over {self.max_body} bytes")
            return message

        try:
            await self.app(scope, receive_bounded, send_with_headers)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _json(send_with_headers, 500, {"error": "internal error", "detail": None})

    def _host_allowed(self, scope: Scope) -> bool:
        if self.allowed_hosts is None:
            return True
        host = _header(scope, b"host")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in self.allowed_hosts


class BodyTooLarge(Exception):
    """A request body that goes past the limit while it is read."""


def _header(scope: Scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == name), "")


async def _json(send: Any, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, else None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def token_holder(request: Request) -> str:
    """The name of the valid token this request carries; 401 without one."""
    token = bearer(request)
    name = verify_token(request.app.state.store, token) if token else None
    if name is None:
        raise HTTPException(401, "this needs a valid bearer token (claimwatch token create --name NAME)",
                            headers={"WWW-Authenticate": "Bearer"})
    return name


def not_public(request: Request) -> None:
    """What names people (claims, stories, articles and their pages) is not served while the option ``public``
    is set: such a server shares the coarsened, name-scrubbed map (``/api/map``), the timeline's counts and the
    places, nothing that would give the names back."""
    if request.app.state.options.public:
        raise HTTPException(404, "not served while the option public is set: this server shares the public map "
                                 "only (/api/map, /api/timeline, /api/places)")


#: route dependencies: what names people is not served by a public server
NotPublic = [Depends(not_public)]


def reader(request: Request) -> None:
    """Reads are public unless the options say they need a token too."""
    if request.app.state.options.api_reads_need_token:
        token_holder(request)
