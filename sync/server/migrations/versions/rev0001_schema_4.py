"""Baseline: schema 4, the last one the server made by hand before Alembic.

A fresh database gets every table, as ``metadata.create_all`` made them up to then.
A database of the hand-made schemas 1 to 3 is not stamped but runs this revision
too: its tables stay as they are, and it gains what it lacks, exactly the steps the
hand-made code took: the tables of schemas 2 (``published_catalogs``,
``signing_keys``) and 3 (``delivery_gaps``), and the column of schema 4
(``applications.quarantine_reason``, where an office sets aside what it cannot
read). Schema 1's ``catalog_bundles`` stays, unused. A database of schema 4 is
stamped at this revision without running it.

The tables are written out here, not taken from ``sync.server.db``: this revision
must go on creating schema 4 after the models have moved on.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

SCHEMA = 4  # the number ``meta.schema`` carries, which servers before Alembic check


def _schema_4() -> sa.MetaData:
    tables = sa.MetaData()
    sa.Table(
        "meta",
        tables,
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    sa.Table(
        "devices",
        tables,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("enrolled_at", sa.Float),
        sa.Column("revoked_at", sa.Float),
        sa.Column("last_seen_at", sa.Float),
        sa.Column("catalog_version", sa.String(500)),
        sa.Column("outbox", sa.JSON),
        sa.Column("last_error", sa.String(500)),
        sa.Column("last_sync_at", sa.Float),
        sa.Column("app_version", sa.String(40)),
    )
    sa.Table(
        "credentials",
        tables,
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float),
        sa.Column("used_at", sa.Float),
        sa.Column("revoked_at", sa.Float),
        sa.Index("credentials_by_subject", "role", "subject"),
    )
    sa.Table(
        "applications",
        tables,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("form_id", sa.String(63), nullable=False),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("office", sa.String(63), nullable=False),
        sa.Column("application_date", sa.String(10), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("acknowledged_at", sa.Float),
        sa.Column("quarantine_reason", sa.String(500)),
        sa.Index("applications_inbox", "office", "acknowledged_at", "received_at"),
    )
    sa.Table(
        "conflicts",
        tables,
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    sa.Table(
        "delivery_gaps",
        tables,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("found_at", sa.Float, nullable=False),
        sa.Column("missing", sa.Integer, nullable=False),
        sa.Index("delivery_gaps_by_device", "device_id", "found_at"),
    )
    sa.Table(
        "published_catalogs",
        tables,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("deployment", sa.String(63), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("etag", sa.String(64), nullable=False, unique=True),
        sa.Column("catalog_hash", sa.String(71), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", sa.Float, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("deployment", "version", name="published_catalogs_version"),
    )
    sa.Table(
        "signing_keys",
        tables,
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("added_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float),
    )
    return tables


def upgrade() -> None:
    bind = op.get_bind()
    # what the hand-made code did at every start: create the tables that are missing
    _schema_4().create_all(bind, checkfirst=True)
    columns = {c["name"] for c in sa.inspect(bind).get_columns("applications")}
    if "quarantine_reason" not in columns:  # a database of schema 3 or older
        op.add_column("applications", sa.Column("quarantine_reason", sa.String(500)))
    _mark_schema(bind)


def _mark_schema(bind: sa.Connection) -> None:
    """``meta.schema`` = 4, as the hand-made code left it, so that a server from before
    Alembic still opens a database that has nothing newer (and refuses one that has)."""
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    found = bind.execute(sa.select(meta.c.value).where(meta.c.key == "schema")).scalar()
    if found is None:
        bind.execute(sa.insert(meta).values(key="schema", value=str(SCHEMA)))
    elif int(found) < SCHEMA:
        bind.execute(sa.update(meta).where(meta.c.key == "schema").values(value=str(SCHEMA)))


def downgrade() -> None:
    raise NotImplementedError("the server never goes back a schema: restore the backup instead")
