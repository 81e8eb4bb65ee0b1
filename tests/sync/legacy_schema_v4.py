"""Server databases as the server made them before Alembic: a frozen copy of its tables.

Schema 4 was the last hand-made one: ``metadata.create_all`` of these tables and the
row ``meta.schema = 4``; schema 3 lacked ``applications.quarantine_reason``. Copied
here, not imported, so that these databases stay what those servers left behind
whatever ``sync.server.db`` becomes. Never change this file.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.server.db import database_url


def legacy_metadata(schema: int) -> sa.MetaData:
    """The tables of hand-made schema *schema* (3 or 4)."""
    assert schema in (3, 4)
    metadata = sa.MetaData()
    sa.Table(
        "meta",
        metadata,
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    sa.Table(
        "devices",
        metadata,
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
        metadata,
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float),
        sa.Column("used_at", sa.Float),
        sa.Column("revoked_at", sa.Float),
        sa.Index("credentials_by_subject", "role", "subject"),
    )
    quarantine = [sa.Column("quarantine_reason", sa.String(500))] if schema >= 4 else []
    sa.Table(
        "applications",
        metadata,
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
        *quarantine,
        sa.Index("applications_inbox", "office", "acknowledged_at", "received_at"),
    )
    sa.Table(
        "conflicts",
        metadata,
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    sa.Table(
        "delivery_gaps",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("found_at", sa.Float, nullable=False),
        sa.Column("missing", sa.Integer, nullable=False),
        sa.Index("delivery_gaps_by_device", "device_id", "found_at"),
    )
    sa.Table(
        "published_catalogs",
        metadata,
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
        metadata,
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("added_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float),
    )
    return metadata


def create_legacy_database(url: str, schema: int = 4) -> tuple[Engine, sa.MetaData]:
    """An empty database as a server of *schema* made it on its first start, with a plain
    engine (not ``open_engine``, which would upgrade it), and its tables to fill it."""
    engine = sa.create_engine(database_url(url))
    metadata = legacy_metadata(schema)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(metadata.tables["meta"]).values(key="schema", value=str(schema)))
    return engine, metadata
