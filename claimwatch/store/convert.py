"""Converting stored rows in place, a batch at a time: what the data migrations share.

Reads and writes through a given connection (a migration's ``op.get_bind()``); nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

#: rows read and written per statement
BATCH = 1000


def batches(bind: sa.Connection, table: sa.TableClause, *columns: str) -> Iterator[Sequence[Any]]:
    """Every row of ``table`` (``id`` and ``columns``), in id order, a batch at a time."""
    last = 0
    while True:
        rows = bind.execute(sa.select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id > last)
                            .order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1].id
        yield rows


def update(bind: sa.Connection, table: sa.TableClause, values: list[dict[str, Any]]) -> None:
    """Set the columns of each ``values`` entry on the row whose id is its ``row_id``."""
    if values:
        names = [k for k in values[0] if k != "row_id"]
        bind.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                     .values({n: sa.bindparam(n) for n in names}), values)


def convert(bind: sa.Connection, table: sa.TableClause, columns: tuple[str, ...],
            change: Callable[[Any], dict[str, Any] | None]) -> None:
    """Rewrite every row of ``table`` that ``change`` (given the row's id and ``columns``) returns new values for."""
    for rows in batches(bind, table, *columns):
        update(bind, table, [{"row_id": r.id, **v} for r in rows if (v := change(r)) is not None])
