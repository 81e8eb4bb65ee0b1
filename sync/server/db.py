"""The central server's tables (SQLAlchemy Core) and how to open them.

One schema for SQLite (the default, a file beside the server) and PostgreSQL
(production): only portable column types, and the two places where the
dialects differ (upsert, pragmas) are handled here and in ``ingest``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

# 2: published_catalogs and signing_keys; 3: delivery_gaps; 4: applications.quarantine_reason
SCHEMA_VERSION = 4

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
    sa.Index("applications_inbox", "office", "acknowledged_at", "received_at"),
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
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")  # a confirmed application survives power loss
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def open_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for *url* with the schema in place (created on first use)."""
    url = database_url(url)
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = sa.create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        ensure_schema(engine)
    return engine


class SchemaError(RuntimeError):
    """The database was made by a newer server."""


def _add_columns(conn: sa.Connection) -> None:
    """Columns added to tables that older schemas already have (``create_all`` makes
    missing tables only). ``IF NOT EXISTS`` on PostgreSQL, where two servers may start
    at once; SQLite has no such clause, and its write lock lets one server at a time."""
    for table, column in ((applications, applications.c.quarantine_reason),):
        if _has_column(conn, table, column):
            continue
        kind = column.type.compile(dialect=conn.dialect)
        guard = "IF NOT EXISTS " if conn.dialect.name == "postgresql" else ""
        try:
            conn.execute(
                sa.text(f"ALTER TABLE {table.name} ADD COLUMN {guard}{column.name} {kind}")
            )
        except OperationalError:
            if not _has_column(conn, table, column):  # not another server's addition
                raise


def _has_column(conn: sa.Connection, table: sa.Table, column: sa.Column[Any]) -> bool:
    return column.name in {c["name"] for c in sa.inspect(conn).get_columns(table.name)}


def ensure_schema(engine: Engine) -> None:
    """Create what is missing: new tables, and the columns of schema 4 in older tables.

    A database of an older schema gets the new tables and its new number, so an
    older server refuses it from then on instead of serving without them (schema 1
    had a ``catalog_bundles`` table that nothing reads any more; it stays, unused).
    """
    with engine.begin() as conn:
        if sa.inspect(conn).has_table("meta"):
            found = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema")).scalar()
            if found is not None and int(found) > SCHEMA_VERSION:
                raise SchemaError(
                    f"the server database has schema {found}; this server knows up to "
                    f"{SCHEMA_VERSION}: update the server"
                )
    metadata.create_all(engine)
    with engine.begin() as conn:
        _add_columns(conn)
        found = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema")).scalar()
        if found is None:
            conn.execute(sa.insert(meta).values(key="schema", value=str(SCHEMA_VERSION)))
        elif int(found) < SCHEMA_VERSION:
            conn.execute(
                sa.update(meta).where(meta.c.key == "schema").values(value=str(SCHEMA_VERSION))
            )


def upsert_ignore(engine_or_conn: sa.Connection, table: sa.Table) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the connection's dialect."""
    if engine_or_conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()
