"""Numbered schema migrations; ``PRAGMA user_version`` records how far a database is.

Never edit a released migration: add the next one. Every step runs in one
transaction, so a terminal that loses power mid-upgrade starts again from the
last complete version.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _v1(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        """CREATE TABLE drafts (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            form_id TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            catalog_hash TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('active', 'parked')),
            blob BLOB NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,
            form_id TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            office TEXT NOT NULL,
            application_date TEXT NOT NULL,
            created_at REAL NOT NULL,
            payload TEXT NOT NULL,
            payload_sha256 TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
        )"""
    )


def _v2(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE drafts ADD COLUMN recovery_wrap BLOB")
    db.execute("ALTER TABLE drafts ADD COLUMN ticket_id TEXT")
    db.execute(
        """CREATE TABLE resume_tickets (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            wrapped_key BLOB NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            locked_until REAL NOT NULL DEFAULT 0,
            locked INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        )"""
    )


def _v3(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE usage_counters (
            day TEXT NOT NULL,
            event TEXT NOT NULL,
            language TEXT NOT NULL,
            form_id TEXT NOT NULL,
            office TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (day, event, language, form_id, office)
        )"""
    )
    db.execute(
        """CREATE TABLE catalog_snapshots (
            hash TEXT PRIMARY KEY,
            data BLOB NOT NULL,
            stored_at REAL NOT NULL
        )"""
    )
    db.execute("ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE outbox ADD COLUMN last_error TEXT")
    db.execute("CREATE INDEX drafts_by_state ON drafts (state, updated_at)")
    db.execute("CREATE INDEX drafts_by_ticket ON drafts (ticket_id)")
    db.execute("CREATE INDEX outbox_by_state ON outbox (state)")


def _v4(db: sqlite_utils.Database) -> None:
    """The outbox becomes a state machine, and sealed payloads move to a table of their own.

    A state change rewrites a whole SQLite row, overflow pages included; with the
    payload (tens of KB) beside the state, every ``pending -> sending -> done``
    would copy it twice more. A confirmed item keeps its row and loses its payload.
    """
    db.execute(
        """CREATE TABLE outbox_v4 (
            id TEXT PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,
            form_id TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            office TEXT NOT NULL,
            application_date TEXT NOT NULL,
            created_at REAL NOT NULL,
            payload_sha256 TEXT NOT NULL,
            payload_bytes INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'done', 'conflict', 'rejected')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            sent_at REAL
        )"""
    )
    db.execute(
        """CREATE TABLE outbox_payloads (
            id TEXT PRIMARY KEY REFERENCES outbox_v4 (id),
            payload TEXT NOT NULL
        )"""
    )
    db.execute(
        "INSERT INTO outbox_v4 (id, reference, form_id, form_version, office, application_date, "
        "created_at, payload_sha256, payload_bytes, state, attempts, last_error) "
        "SELECT id, reference, form_id, form_version, office, application_date, created_at, "
        "payload_sha256, length(CAST(payload AS BLOB)), "
        "CASE WHEN state IN ('pending', 'sending', 'done', 'conflict', 'rejected') "
        "THEN state ELSE 'pending' END, attempts, last_error "
        "FROM outbox"
    )
    db.execute("INSERT INTO outbox_payloads (id, payload) SELECT id, payload FROM outbox")
    db.execute("DROP TABLE outbox")
    db.execute("ALTER TABLE outbox_v4 RENAME TO outbox")
    db.execute("CREATE INDEX outbox_by_state ON outbox (state, created_at)")


def _v5(db: sqlite_utils.Database) -> None:
    """Staff accounts added on this terminal, and the wrong-PIN lockout of the assisted mode.

    The lockout is a single row for the whole terminal, because a wrong PIN names no
    account; it lives in the database so that restarting the kiosk hands out no fresh
    attempts.
    """
    db.execute(
        """CREATE TABLE staff_accounts (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('staff', 'admin')),
            pin_hash TEXT NOT NULL,
            created_at REAL NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE staff_lockout (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            failures INTEGER NOT NULL DEFAULT 0,
            locked_until REAL NOT NULL DEFAULT 0,
            last_failure_at REAL
        )"""
    )
    db.execute("INSERT INTO staff_lockout (id) VALUES (1)")


def _v6(db: sqlite_utils.Database) -> None:
    """Two wrong-PIN counters: the staff PIN pad's, and the admin path's.

    A visitor who finds the PIN pad can make it wait; an admin's long PIN still gets
    through during that wait, one try per interval recorded on a row of its own, so the
    visitor's guesses cannot lock out the people who would lift the wait.
    """
    db.execute(
        """CREATE TABLE staff_lockout_v6 (
            path TEXT PRIMARY KEY CHECK (path IN ('pin', 'admin')),
            failures INTEGER NOT NULL DEFAULT 0,
            locked_until REAL NOT NULL DEFAULT 0,
            last_failure_at REAL
        )"""
    )
    db.execute(
        "INSERT INTO staff_lockout_v6 (path, failures, locked_until, last_failure_at) "
        "SELECT 'pin', failures, locked_until, last_failure_at FROM staff_lockout WHERE id = 1"
    )
    db.execute("INSERT OR IGNORE INTO staff_lockout_v6 (path) VALUES ('pin')")
    db.execute("INSERT INTO staff_lockout_v6 (path) VALUES ('admin')")
    db.execute("DROP TABLE staff_lockout")
    db.execute("ALTER TABLE staff_lockout_v6 RENAME TO staff_lockout")


def _v7(db: sqlite_utils.Database) -> None:
    """Tickets found by code and PIN together; one wrong-PIN counter table for every pad.

    Tickets parked before keep ``lookup = 1`` (found by a hash of the code) until they
    are redeemed or expire. The lockout table gains the resume pad's row: wrong PINs no
    longer point to a ticket, so the terminal counts them as a whole.
    """
    db.execute("ALTER TABLE resume_tickets ADD COLUMN lookup INTEGER NOT NULL DEFAULT 1")
    db.execute(
        """CREATE TABLE pin_lockout (
            path TEXT PRIMARY KEY CHECK (path IN ('pin', 'admin', 'resume')),
            failures INTEGER NOT NULL DEFAULT 0,
            locked_until REAL NOT NULL DEFAULT 0,
            last_failure_at REAL
        )"""
    )
    db.execute(
        "INSERT INTO pin_lockout (path, failures, locked_until, last_failure_at) "
        "SELECT path, failures, locked_until, last_failure_at FROM staff_lockout"
    )
    db.execute("INSERT OR IGNORE INTO pin_lockout (path) VALUES ('resume')")
    db.execute("DROP TABLE staff_lockout")


def _v8(db: sqlite_utils.Database) -> None:
    """When the office took an application: until then the terminal keeps its payload.

    The server can lose what it confirmed (a database restored from a backup); a
    terminal that still holds the sealed payload sends it again. It is dropped when
    the office has the application, or after the deployment's retention time.
    """
    db.execute("ALTER TABLE outbox ADD COLUMN office_at REAL")
    db.execute("CREATE INDEX outbox_unconfirmed ON outbox (state, office_at, sent_at)")


def _v9(db: sqlite_utils.Database) -> None:
    """Statuses offices set, for visitors who ask with their receipt at any terminal.

    An outbox item keeps the status key its receipt opens (sent to the server with
    the application); ``receipt_status`` holds what the server reports for every
    application of the deployment: the key, the office, the status and its day.
    Nothing in either names a person or an application.
    """
    db.execute("ALTER TABLE outbox ADD COLUMN status_key TEXT")
    db.execute(
        """CREATE TABLE receipt_status (
            key TEXT PRIMARY KEY,
            office TEXT NOT NULL,
            status TEXT NOT NULL,
            status_on TEXT NOT NULL,
            stored_at REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX receipt_status_age ON receipt_status (stored_at)")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1,
    _v2,
    _v3,
    _v4,
    _v5,
    _v6,
    _v7,
    _v8,
    _v9,
]
LATEST = len(MIGRATIONS)
