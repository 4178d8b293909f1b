"""Bearer tokens of the HTTP API: made once, stored hashed, checked in constant time.

Reads and writes the ``tokens`` table (migration 0003). A token reads ``cw_<prefix>_<secret>``: the prefix (12
hex digits) is public and finds the row; the secret (256 random bits, URL-safe base64) is never stored, only its
scrypt hash with a per-token salt (``scrypt$n$r$p$salt$digest``, hex), and is compared with
:func:`hmac.compare_digest`. The token itself is shown once, when it is made (``claimwatch token create``).
Revoking deletes the row; corrections already made keep the name they were made under.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .engine import writer
from .schema import TokenRow, utcnow

if TYPE_CHECKING:
    from .store import Store

#: scrypt cost: 16 MiB and a few tens of milliseconds per check
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_PREFIX_HEX = 12
_TOKEN = re.compile(rf"cw_([0-9a-f]{{{_PREFIX_HEX}}})_([A-Za-z0-9_-]{{43}})")
_NAME = re.compile(r"[\w.@+-]{1,100}")
#: how stale ``last_used_at`` may get before a check writes it again
_TOUCH_AFTER = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What is shown of a token: never its secret."""

    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


def _hash(secret: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    digest = hashlib.scrypt(secret.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def _matches(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, _ = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _hash(secret, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(expected, stored)


def check_name(name: str) -> str:
    """``name`` when it can name a token holder (letters, digits and ``_.@+-``; at most 100), else ValueError."""
    if not _NAME.fullmatch(name):
        raise ValueError("a token name is 1-100 letters, digits or _.@+- (no spaces)")
    return name


def create_token(store: Store, name: str) -> str:
    """Make a token for ``name`` and return it (the only time it is ever shown); ValueError if the name is taken."""
    check_name(name)
    prefix = secrets.token_hex(_PREFIX_HEX // 2)
    secret = secrets.token_urlsafe(32)
    try:
        with Session(writer(store.engine)) as session, session.begin():
            session.add(TokenRow(name=name, prefix=prefix, hash=_hash(secret, secrets.token_bytes(16))))
    except IntegrityError:
        raise ValueError(f"a token named {name!r} exists already (revoke it first)") from None
    return f"cw_{prefix}_{secret}"


def verify_token(store: Store, token: str) -> str | None:
    """The name a valid ``token`` was made for, else None."""
    found = _TOKEN.fullmatch(token)
    if found is None:
        return None
    prefix, secret = found.groups()
    with Session(store.engine) as session:
        row = session.scalars(select(TokenRow).where(TokenRow.prefix == prefix)).one_or_none()
        if row is None or not _matches(secret, row.hash):
            return None
        name, last = row.name, row.last_used_at
    now = utcnow()
    if last is None or now - last > _TOUCH_AFTER:
        with Session(writer(store.engine)) as session, session.begin():
            touched = session.get(TokenRow, row.id)
            if touched is not None:
                touched.last_used_at = now
    return name


def list_tokens(store: Store) -> list[TokenInfo]:
    """Every token's holder, prefix, creation and last use, by name."""
    with Session(store.engine) as session:
        return [TokenInfo(r.name, r.prefix, r.created_at, r.last_used_at)
                for r in session.scalars(select(TokenRow).order_by(TokenRow.name))]


def revoke_token(store: Store, name: str) -> bool:
    """Delete ``name``'s token; False when there was none."""
    with Session(writer(store.engine)) as session, session.begin():
        return bool(session.execute(delete(TokenRow).where(TokenRow.name == name)).rowcount)  # type: ignore[attr-defined]
