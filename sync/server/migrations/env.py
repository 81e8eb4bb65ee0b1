"""Alembic's entry point: run the revisions on the connection ``sync.server.migrate`` holds.

There is no ``alembic.ini`` and no URL here: the caller has opened the database, taken
the lock and begun the one transaction every revision runs in, and hands that
connection over in ``config.attributes``; Alembic then neither commits nor rolls back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from sync.server.db import metadata

if context.is_offline_mode():
    raise RuntimeError("the server schema is upgraded on a live database, not as SQL text")

connection = context.config.attributes["connection"]
assert isinstance(connection, sa.Connection)
context.configure(
    connection=connection,
    target_metadata=metadata,  # what a new revision is drafted against (autogenerate)
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying a table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
