"""Alembic environment for claimwatch's store.

Migrations are applied programmatically when a :class:`claimwatch.store.Store` opens (``migrate.upgrade``),
which hands the open connection over in ``config.attributes["connection"]``. Run by hand, e.g.
``alembic -x url=sqlite:///cw.db upgrade head`` with ``script_location`` pointing here, it builds its own engine.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from claimwatch.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the database: alembic -x url=sqlite:///claimwatch.db upgrade head")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
