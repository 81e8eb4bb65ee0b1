"""The central server's tables (SQLAlchemy Core) and how to open them.

One schema for SQLite (the default, a file beside the server) and PostgreSQL
(production): only portable column types, and the two places where the
dialects differ (upsert, pragmas) are handled here and in ``ingest``.

These tables are what the code reads and writes; the database gets them through
the Alembic revisions in ``migrations/`` (``migrate``). A change here needs a new
revision: ``tests/sync/test_migrations.py`` fails until the two agree.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

# ``meta.schema`` (2: published_catalogs and signing_keys; 3: delivery_gaps;
# 4: applications.quarantine_reason): counted by hand up to 4, Alembic's revisions since
from sync.server.migrate import SCHEMA_VERSION as SCHEMA_VERSION
from sync.server.migrate import SchemaError as SchemaError  # callers catch it from here
from sync.server.migrate import upgrade_to_head

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

devices = sa.Table(
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

# every secret the server hands out, by its SHA-256; the secret itself is never stored
credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(12), nullable=False),  # enrolment, device, office, admin
    sa.Column("subject", sa.String(100), nullable=False),  # device id, office id, admin name
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float),
    sa.Column("used_at", sa.Float),
    sa.Column("revoked_at", sa.Float),
    sa.Index("credentials_by_subject", "role", "subject"),
)

applications = sa.Table(
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
    # set when the office could not read or file it and set the sealed form aside
    sa.Column("quarantine_reason", sa.String(500)),
    # what the receipt's secret opens: the key the application's status is served under
    sa.Column("status_key", sa.String(64)),
    sa.Index("applications_inbox", "office", "acknowledged_at", "received_at"),
)

# the latest status of each application that carries a status key, numbered in the order
# it was set: terminals read it as a feed, from their cursor on (see statuses.py)
statuses = sa.Table(
    "statuses",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("office", sa.String(63), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_on", sa.String(10), nullable=False),
    sa.Column("set_at", sa.Float, nullable=False),
    sa.Index("statuses_feed", "seq", unique=True),
)

# the same id arrived again with other content: kept for staff, never overwrites the first
conflicts = sa.Table(
    "conflicts",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)

# confirmed applications a terminal still held but the server no longer had (a restored
# backup): the terminal sent them again; the fleet view shows each terminal's latest
delivery_gaps = sa.Table(
    "delivery_gaps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("found_at", sa.Float, nullable=False),
    sa.Column("missing", sa.Integer, nullable=False),
    sa.Index("delivery_gaps_by_device", "device_id", "found_at"),
)

# every catalog bundle ever published, kept so that any version can be looked at again;
# terminals get the highest version (of the one deployment this server serves)
published_catalogs = sa.Table(
    "published_catalogs",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("deployment", sa.String(63), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("etag", sa.String(64), nullable=False, unique=True),  # SHA-256 of the body
    sa.Column("catalog_hash", sa.String(71), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),  # the trusted key that signed it
    sa.Column("published_by", sa.String(100), nullable=False),  # the admin token's name
    sa.Column("published_at", sa.Float, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.UniqueConstraint("deployment", "version", name="published_catalogs_version"),
)

# the admins' Ed25519 public keys that catalog bundles must be signed with
signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("key_id", sa.String(16), primary_key=True),
    sa.Column("public_key", sa.Text, nullable=False),  # PEM, SubjectPublicKeyInfo
    sa.Column("added_at", sa.Float, nullable=False),
    sa.Column("revoked_at", sa.Float),
)


def database_url(value: str) -> str:
    """Accept a URL or a plain file path; ``postgresql://`` means the psycopg 3 driver."""
    if "://" not in value:
        return f"sqlite:///{Path(value).resolve()}"
    url = make_url(value)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous = FULL")  # a confirmed application survives power loss
    cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    """WAL, once per database file (it stays). Several servers starting on a new file at
    once: the switch needs the file to itself, and SQLite answers "locked" at once rather
    than wait (waiting could deadlock with a reader), so it is tried again, bounded."""
    for attempt in range(_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05)


_WAL_ATTEMPTS = 200  # 10 s: far longer than another server's first upgrade takes


def open_engine(url: str, *, upgrade: bool = True) -> Engine:
    """An engine for *url*, the schema upgraded to this server's (created on first use).

    Raises SchemaError, before anything is changed, for a database that a newer
    server has upgraded. *upgrade* False leaves the schema as found (``kiosk server
    migrate`` upgrades on its own, to tell what it did).
    """
    url = database_url(url)
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(url, **kwargs)
    except ModuleNotFoundError as exc:  # the terminal bundle carries no PostgreSQL driver
        raise ValueError(
            f"this installation has no driver for {make_url(url).get_backend_name()} "
            f"(missing: {exc.name}); run the central server from the Python package, "
            "which installs psycopg"
        ) from None
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    if upgrade:
        try:
            upgrade_to_head(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


def upsert_ignore(engine_or_conn: sa.Connection, table: sa.Table) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the connection's dialect."""
    if engine_or_conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()
