"""Can the server take an application right now? Disk, database, and why not.

``GET /health`` used to run ``SELECT 1``, which a database on a full disk still
answers. What matters to a terminal is whether the server can *write*, so the
check on SQLite opens a write transaction, creates a scratch table (SQLite has
to allocate a page for it, which fails with SQLITE_FULL once the file cannot
grow) and rolls it back: nothing is ever committed and nothing reaches the disk.
Beside it, the free space of the database's folder is read; below
:data:`FULL_BYTES` not even one large batch would fit.

On PostgreSQL the server does not own the disk: the check is the database's
own (a query, and whether the session could write at all).

:func:`failure_reason` turns any database failure into one of the reasons a
503 names, so a terminal, a proxy and an admin see the same word everywhere.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.protocol import Health

Reason = Literal["disk_full", "database_unavailable", "busy"]
DatabaseState = Literal["ok", "full", "busy", "read_only", "unavailable"]
DiskState = Literal["ok", "low", "full"]

MiB = 1024 * 1024
#: below this a batch of the largest size (32 MiB, once in the WAL and once in the
#: table) would not fit: the server says it is down instead of failing half-way
FULL_BYTES = 64 * MiB
#: below this an admin should act, while everything still works
LOW_BYTES = 1024 * MiB
#: how long the write check waits for another writer (a publish holds the write lock
#: for a while): a health check must answer quickly, not after the 30 s busy timeout
PROBE_WAIT_MS = 1000

#: a 503 asks for a retry after this many seconds, per reason
RETRY_AFTER: dict[Reason, int] = {"disk_full": 60, "database_unavailable": 5, "busy": 5}
MESSAGES: dict[Reason, str] = {
    "disk_full": "the database is full (no room on the server's disk); try again later",
    "database_unavailable": "the database is unavailable",
    "busy": "the server is busy; the request can be repeated in a few seconds",
}

# SQLite's primary result codes (the low byte of an extended code)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_FULL = 5, 6, 8, 13
# PostgreSQL's SQLSTATE classes and codes
PG_DISK_FULL = "53100"
PG_INSUFFICIENT_RESOURCES = "53"
PG_TOO_MANY_CONNECTIONS = "53300"
PG_LOCK_TIMEOUTS = ("55P03", "40001", "40P01")


@dataclass(frozen=True)
class Report:
    """The answer of ``GET /health`` and, when down, the reason its 503 names."""

    health: Health
    reason: Reason | None


def failure_reason(exc: BaseException) -> Reason:
    """The 503 reason for a failure of the database (or of the disk beneath it)."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary == SQLITE_FULL:
            return "disk_full"
        if primary in (SQLITE_BUSY, SQLITE_LOCKED):
            return "busy"
        return "database_unavailable"
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str):
        if state == PG_DISK_FULL:
            return "disk_full"
        if state == PG_TOO_MANY_CONNECTIONS or state in PG_LOCK_TIMEOUTS:
            return "busy"
        if state.startswith(PG_INSUFFICIENT_RESOURCES):
            return "disk_full" if "disk" in str(orig).lower() else "busy"
    if isinstance(orig, OSError) and orig.errno == 28:  # ENOSPC
        return "disk_full"
    return "database_unavailable"


def database_folder(engine: Engine) -> Path | None:
    """The folder of an SQLite file; None for PostgreSQL and in-memory databases."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name).resolve().parent


def free_bytes(folder: Path) -> int:
    """Bytes an unprivileged process may still write in *folder* (root's reserve excluded)."""
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def disk_state(free: int, *, low: int = LOW_BYTES, full: int = FULL_BYTES) -> DiskState:
    if free < full:
        return "full"
    return "low" if free < low else "ok"


def _sqlite_can_write(engine: Engine) -> DatabaseState:
    """Open a write transaction, make SQLite allocate a page, roll back: the cheapest
    write that fails as a real one would (SQLITE_FULL, a lock, a read-only file)."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if not isinstance(raw, sqlite3.Connection):  # pragma: no cover - other drivers
            conn.execute(sa.select(1))
            return "ok"
        waited = raw.execute("PRAGMA busy_timeout").fetchone()
        raw.execute(f"PRAGMA busy_timeout = {PROBE_WAIT_MS}")
        try:
            raw.execute("BEGIN IMMEDIATE")
            try:
                raw.execute(f"CREATE TABLE health_probe_{secrets.token_hex(8)} (x INTEGER)")
            finally:
                raw.rollback()
        except sqlite3.Error as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code == SQLITE_FULL:
                return "full"
            if code in (SQLITE_BUSY, SQLITE_LOCKED):
                return "busy"
            if code == SQLITE_READONLY:
                return "read_only"
            return "unavailable"
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(waited[0]) if waited else 30000}")
    return "ok"


def _postgres_can_write(engine: Engine) -> DatabaseState:
    with engine.connect() as conn:
        read_only = conn.execute(sa.text("SELECT current_setting('transaction_read_only')"))
        return "read_only" if read_only.scalar() == "on" else "ok"


def database_state(engine: Engine) -> DatabaseState:
    try:
        if engine.dialect.name == "sqlite":
            return _sqlite_can_write(engine)
        return _postgres_can_write(engine)
    except sa.exc.SQLAlchemyError as exc:
        reason = failure_reason(exc)
    if reason == "disk_full":
        return "full"
    return "busy" if reason == "busy" else "unavailable"


def check(engine: Engine, *, low: int = LOW_BYTES, full: int = FULL_BYTES) -> Report:
    """The state of the database and of its disk. ``down`` (a reason given) when nothing
    could be stored; ``degraded`` when it still works but someone should look."""
    database = database_state(engine)
    folder = database_folder(engine)
    free: int | None = None
    disk: DiskState | None = None
    if folder is not None:
        try:
            free = free_bytes(folder)
            disk = disk_state(free, low=low, full=full)
        except OSError:
            disk = None
    reason: Reason | None = None
    if database == "full" or disk == "full":
        reason = "disk_full"
    elif database in ("unavailable", "read_only"):
        reason = "database_unavailable"
    if reason is not None:
        status: Literal["ok", "degraded", "down"] = "down"
    elif database == "busy" or disk == "low":
        status = "degraded"
    else:
        status = "ok"
    health = Health(status=status, database=database, disk=disk, disk_free_bytes=free)
    return Report(health=health, reason=reason)
