"""Opening the store: private files, pragmas, migrations, and the repositories.

One :class:`Store` per process holds the connection and one repository per
table (:mod:`kiosk.store.drafts`, :mod:`kiosk.store.outbox`, ...). Opening checks
the file, so a damaged database, or one a newer version wrote, is refused with a
:class:`~kiosk.store.errors.StoreError` instead of being used.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from kiosk.store.audit import AuditLog
from kiosk.store.drafts import Drafts
from kiosk.store.errors import StoreError, guarded, translated_errors
from kiosk.store.lockout import PinLockout
from kiosk.store.migrations import LATEST, MIGRATIONS
from kiosk.store.outbox import Outbox
from kiosk.store.receipt_status import ReceiptStatuses
from kiosk.store.repository import immediate
from kiosk.store.settings import Settings
from kiosk.store.snapshots import CatalogSnapshots
from kiosk.store.staff_accounts import StaffAccounts
from kiosk.store.tickets import Tickets
from kiosk.store.usage import UsageCounters

JOURNAL_SIZE_LIMIT = 1 << 20


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
        self.receipt_statuses = ReceiptStatuses(self.db)
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
