"""Opening the store: pragmas, migrations, and errors a person can act on.

SQLite reports a full disk, a read-only file system or a damaged file as
generic exceptions; they are turned into :class:`StoreError` with a kind and a
plain message, so the kiosk can show staff what happened (and keep the
visitor's answers in memory) instead of a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import sqlite_utils

from kiosk.i18n import N_
from kiosk.store.migrations import LATEST, MIGRATIONS

P = ParamSpec("P")
JOURNAL_SIZE_LIMIT = 1 << 20
R = TypeVar("R")

MESSAGES = {
    "disk_full": N_("Der Speicher des Terminals ist voll. Bitte wenden Sie sich an das Personal."),
    "read_only": N_(
        "Das Terminal kann gerade nicht speichern. Bitte wenden Sie sich an das Personal."
    ),
    "corrupt": N_(
        "Die Datenbank des Terminals ist beschädigt. Bitte wenden Sie sich an das Personal."
    ),
    "newer_schema": N_(
        "Die Datenbank stammt von einer neueren Version der Kiosk-Software. "
        "Bitte wenden Sie sich an das Personal."
    ),
    "unavailable": N_(
        "Das Terminal kann gerade nicht speichern. Bitte wenden Sie sich an das Personal."
    ),
}


class StoreError(RuntimeError):
    """A storage problem with a kind (see MESSAGES) and technical detail for staff."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail

    @property
    def message(self) -> str:
        """German text for the screen; the UI translates it through gettext."""
        return MESSAGES[self.kind]


def classify(exc: sqlite3.Error) -> StoreError:
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL or "disk is full" in text or "database or disk is full" in text:
        return StoreError("disk_full", str(exc))
    if code == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return StoreError("read_only", str(exc))
    if (
        code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
        or "not a database" in text
        or ("malformed" in text)
    ):
        return StoreError("corrupt", str(exc))
    return StoreError("unavailable", str(exc))


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise classify(exc) from exc


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite errors in a store method into :class:`StoreError`."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translated_errors():
            return fn(*args, **kwargs)

    return wrapper


def connect(path: Path, *, read_only: bool = False) -> sqlite_utils.Database:
    """A connection with the pragmas the kiosk relies on."""
    uri = f"file:{path}?mode={'ro' if read_only else 'rwc'}"
    conn = sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    with translated_errors():
        db.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            db.execute("PRAGMA journal_mode = WAL")
        # drafts: durable against a crashed process; submits switch to FULL (see outbox)
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA secure_delete = ON")  # deleted drafts leave no old pages behind
        db.execute("PRAGMA temp_store = MEMORY")  # sorts and indexes never spill to /tmp
        # a checkpoint that could not truncate (a reader was busy) still cuts the log to this
        db.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
    return db


@contextlib.contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[None]:
    """A write transaction taken at once (``BEGIN IMMEDIATE``), for read-then-write steps.

    A deferred transaction that reads and then writes fails with SQLITE_BUSY when
    another connection (the UI, the sync thread) committed in between; an
    immediate one waits for the lock first, within the busy timeout.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, target: int = LATEST) -> int:
    """Bring *db* up to *target*; refuse a schema newer than this code knows."""
    with translated_errors():
        current = schema_version(db)
        if current > LATEST:
            raise StoreError(
                "newer_schema",
                f"database schema version {current}, this software knows up to {LATEST}",
            )
        for version in range(current + 1, target + 1):
            with immediate(db):
                # another process (the sync thread of the same kiosk) may have been first
                if schema_version(db) >= version:
                    continue
                MIGRATIONS[version - 1](db)
                db.execute(f"PRAGMA user_version = {version}")
        return schema_version(db)


def _private_files(path: Path) -> None:
    """The database and its log for the kiosk user alone, whatever the umask.

    SQLite creates the log files with the database file's mode, so the database is
    made 0600 before SQLite opens it; files an earlier version left readable are
    tightened."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for one in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            if one.exists() and one.stat().st_mode & 0o077:
                one.chmod(0o600)


class Store:
    """The open database with its repositories; one per process."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        from kiosk.store.repositories import (
            AuditLog,
            CatalogSnapshots,
            Drafts,
            Outbox,
            PinLockout,
            Settings,
            StaffAccounts,
            Tickets,
            UsageCounters,
        )

        self.path = path
        if not read_only:
            _private_files(path)
        self.db = connect(path, read_only=read_only)
        with translated_errors():
            verdict = self.db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            self.close()
            raise StoreError("corrupt", f"quick_check: {verdict}")
        if not read_only:
            migrate(self.db)
        else:
            with translated_errors():
                if schema_version(self.db) > LATEST:
                    raise StoreError("newer_schema", "database schema is newer than this software")
        self.settings = Settings(self.db)
        self.drafts = Drafts(self.db)
        self.outbox = Outbox(self.db)
        self.tickets = Tickets(self.db)
        self.audit = AuditLog(self.db)
        self.counters = UsageCounters(self.db)
        self.snapshots = CatalogSnapshots(self.db)
        self.staff_accounts = StaffAccounts(self.db)
        self.pin_lockout = PinLockout(self.db)

    @guarded
    def scrub_journal(self) -> bool:
        """Copy the write-ahead log into the database and cut it to nothing.

        Until then the log holds every version of every row written since the last
        checkpoint: the drafts and key wraps of visits that ended. Called when a visit
        ends; False when a reader (the sync thread) kept it from finishing, so the
        caller tries again later.
        """
        # a reader (the sync thread) may hold the log: wait a moment, not the usual 10 s on
        # the core thread; the next tick tries again
        self.db.execute("PRAGMA busy_timeout = 200")
        try:
            busy, _, _ = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            self.db.execute("PRAGMA busy_timeout = 10000")
        return int(busy) == 0

    @guarded
    def integrity_ok(self) -> bool:
        return bool(self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.conn.close()
