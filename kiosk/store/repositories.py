"""One small class per table; each method is a complete, atomic step.

Nothing here sees plaintext answers: drafts arrive encrypted, applications
arrive sealed, and the audit log and counters take only ids and counts.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import sqlite_utils
from pydantic import ValidationError

from kiosk.staff.records import StaffRecord
from kiosk.store.database import guarded, immediate

log = logging.getLogger("kiosk.store")


class _Repo:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db


CATALOG_SETTING = "catalog.current"  # what the terminal runs, for status and heartbeat
#: days a terminal keeps a sealed application its office has not taken (the catalog's)
RETENTION_SETTING = "outbox.retention_days"


class Settings(_Repo):
    @guarded
    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return str(row[0]) if row else default

    @guarded
    def set(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )


@dataclass(frozen=True)
class DraftRow:
    id: str
    session_id: str
    form_id: str
    form_version: int
    catalog_hash: str
    state: str
    blob: bytes
    created_at: float
    updated_at: float
    recovery_wrap: bytes | None
    ticket_id: str | None


_DRAFT_COLUMNS = (
    "id, session_id, form_id, form_version, catalog_hash, state, blob, created_at, updated_at, "
    "recovery_wrap, ticket_id"
)


def _draft(row: sqlite3.Row | tuple[Any, ...]) -> DraftRow:
    return DraftRow(*row)


class Drafts(_Repo):
    @guarded
    def save(
        self,
        *,
        draft_id: str,
        session_id: str,
        form_id: str,
        form_version: int,
        catalog_hash: str,
        blob: bytes,
        recovery_wrap: bytes | None,
        now: float,
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO drafts (id, session_id, form_id, form_version, catalog_hash, state, "
                "blob, created_at, updated_at, recovery_wrap) "
                "VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET blob = excluded.blob, "
                "updated_at = excluded.updated_at, recovery_wrap = excluded.recovery_wrap",
                [
                    draft_id,
                    session_id,
                    form_id,
                    form_version,
                    catalog_hash,
                    blob,
                    now,
                    now,
                    recovery_wrap,
                ],
            )

    @guarded
    def get(self, draft_id: str) -> DraftRow | None:
        row = self.db.execute(
            f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE id = ?", [draft_id]
        ).fetchone()
        return _draft(row) if row else None

    @guarded
    def for_session(self, session_id: str) -> list[DraftRow]:
        rows = self.db.execute(
            f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE session_id = ? ORDER BY created_at",
            [session_id],
        ).fetchall()
        return [_draft(r) for r in rows]

    @guarded
    def for_ticket(self, ticket_id: str) -> list[DraftRow]:
        rows = self.db.execute(
            f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE ticket_id = ? ORDER BY created_at",
            [ticket_id],
        ).fetchall()
        return [_draft(r) for r in rows]

    @guarded
    def active(self) -> list[DraftRow]:
        """Drafts of sessions that never ended: what an unclean stop left behind."""
        rows = self.db.execute(
            f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE state = 'active' ORDER BY updated_at DESC"
        ).fetchall()
        return [_draft(r) for r in rows]

    @guarded
    def delete_session(self, session_id: str) -> int:
        with self.db.atomic():
            cur = self.db.execute(
                "DELETE FROM drafts WHERE session_id = ? AND state = 'active'", [session_id]
            )
            return int(cur.rowcount)

    @guarded
    def delete(self, draft_id: str) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])

    @guarded
    def delete_older_active(self, before: float) -> int:
        """Crash leftovers past the recovery window."""
        with self.db.atomic():
            cur = self.db.execute(
                "DELETE FROM drafts WHERE state = 'active' AND updated_at < ?", [before]
            )
            return int(cur.rowcount)

    @guarded
    def count(self, state: str | None = None) -> int:
        if state is None:
            return int(self.db.execute("SELECT count(*) FROM drafts").fetchone()[0])
        return int(
            self.db.execute("SELECT count(*) FROM drafts WHERE state = ?", [state]).fetchone()[0]
        )


@dataclass(frozen=True)
class TicketRow:
    id: str
    session_id: str
    wrapped_key: bytes
    created_at: float
    expires_at: float
    failures: int
    locked_until: float
    locked: bool
    lookup: int


class Tickets(_Repo):
    @guarded
    def park(
        self,
        *,
        ticket_id: str,
        session_id: str,
        wrapped_key: bytes,
        now: float,
        expires_at: float,
        lookup: int,
    ) -> int:
        """Create the ticket and hand it the session's drafts, in one transaction."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO resume_tickets "
                "(id, session_id, wrapped_key, created_at, expires_at, lookup) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [ticket_id, session_id, wrapped_key, now, expires_at, lookup],
            )
            cur = self.db.execute(
                "UPDATE drafts SET state = 'parked', ticket_id = ?, recovery_wrap = NULL "
                "WHERE session_id = ? AND state = 'active'",
                [ticket_id, session_id],
            )
            return int(cur.rowcount)

    @guarded
    def get(self, ticket_id: str, lookup: int) -> TicketRow | None:
        """The ticket stored under *ticket_id* by the *lookup* scheme."""
        row = self.db.execute(
            "SELECT id, session_id, wrapped_key, created_at, expires_at, failures, locked_until, "
            "locked, lookup FROM resume_tickets WHERE id = ? AND lookup = ?",
            [ticket_id, lookup],
        ).fetchone()
        if row is None:
            return None
        tid, session_id, wrapped, created, expires, failures, locked_until, locked, kind = row
        return TicketRow(
            str(tid),
            str(session_id),
            bytes(wrapped),
            float(created),
            float(expires),
            int(failures),
            float(locked_until),
            bool(locked),
            int(kind),
        )

    @guarded
    def record_failure(self, ticket_id: str, *, locked_until: float, locked: bool) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE resume_tickets SET failures = failures + 1, locked_until = ?, locked = ? "
                "WHERE id = ?",
                [locked_until, int(locked), ticket_id],
            )

    @guarded
    def redeem(self, ticket_id: str, new_session_id: str, *, recovery_wrap: bytes) -> None:
        """The drafts become the new session's active drafts, with its crash-recovery
        wrap; the ticket is spent."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE drafts SET state = 'active', ticket_id = NULL, session_id = ?, "
                "recovery_wrap = ? WHERE ticket_id = ?",
                [new_session_id, recovery_wrap, ticket_id],
            )
            self.db.execute("DELETE FROM resume_tickets WHERE id = ?", [ticket_id])

    @guarded
    def purge_expired(self, now: float) -> int:
        """Expired tickets and their drafts: gone for good."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM drafts WHERE ticket_id IN "
                "(SELECT id FROM resume_tickets WHERE expires_at <= ?)",
                [now],
            )
            cur = self.db.execute("DELETE FROM resume_tickets WHERE expires_at <= ?", [now])
            return int(cur.rowcount)

    @guarded
    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM resume_tickets").fetchone()[0])


OUTBOX_STATES = ("pending", "sending", "done", "conflict", "rejected")
_OUTBOX_COLUMNS = (
    "o.id, o.reference, o.form_id, o.form_version, o.office, o.application_date, o.created_at, "
    "p.payload, o.payload_sha256, o.state, o.attempts, o.last_error, o.sent_at, o.office_at"
)
_OUTBOX_FROM = "outbox o LEFT JOIN outbox_payloads p ON p.id = o.id"


@dataclass(frozen=True)
class OutboxItem:
    """A sealed application and where it stands on its way to the office.

    ``pending`` waits to be sent, ``sending`` is on the wire, ``done`` was
    stored by the server, ``conflict`` and ``rejected`` wait for staff with their
    payload kept. A ``done`` item keeps its payload until the office has taken the
    application (``office_at``) or the retention time has passed, so that what a
    server loses (a restored backup) is sent again.
    """

    id: str
    reference: str
    form_id: str
    form_version: int
    office: str
    application_date: str
    created_at: float
    payload: str | None
    payload_sha256: str
    state: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    sent_at: float | None = None
    office_at: float | None = None


@dataclass(frozen=True)
class Delivered:
    """What a terminal can show about an application the server confirmed."""

    id: str
    reference: str
    sha256: str


class Outbox(_Repo):
    @guarded
    def add(self, item: OutboxItem, *, remove_draft: str | None) -> None:
        """Store a sealed application and drop its draft, durably, in one transaction."""
        if item.payload is None:
            raise ValueError("an application enters the outbox with its sealed payload")
        self.db.execute("PRAGMA synchronous = FULL")
        try:
            with self.db.atomic():
                self.db.execute(
                    "INSERT INTO outbox (id, reference, form_id, form_version, office, "
                    "application_date, created_at, payload_sha256, payload_bytes, state) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        item.id,
                        item.reference,
                        item.form_id,
                        item.form_version,
                        item.office,
                        item.application_date,
                        item.created_at,
                        item.payload_sha256,
                        len(item.payload.encode()),
                        item.state,
                    ],
                )
                self.db.execute(
                    "INSERT INTO outbox_payloads (id, payload) VALUES (?, ?)",
                    [item.id, item.payload],
                )
                if remove_draft is not None:
                    self.db.execute("DELETE FROM drafts WHERE id = ?", [remove_draft])
        finally:
            self.db.execute("PRAGMA synchronous = NORMAL")

    @guarded
    def get(self, reference: str) -> OutboxItem | None:
        row = self.db.execute(
            f"SELECT {_OUTBOX_COLUMNS} FROM {_OUTBOX_FROM} WHERE o.reference = ?", [reference]
        ).fetchone()
        return OutboxItem(*row) if row else None

    @guarded
    def references(self) -> list[str]:
        return [str(r[0]) for r in self.db.execute("SELECT reference FROM outbox").fetchall()]

    @guarded
    def counts_by_state(self) -> dict[str, int]:
        """Items per state; ``done`` items the office has taken count as ``at_office``."""
        rows = self.db.execute(
            "SELECT CASE WHEN state = 'done' AND office_at IS NOT NULL THEN 'at_office' "
            "ELSE state END AS shown, count(*) FROM outbox GROUP BY shown"
        ).fetchall()
        return {str(state): int(n) for state, n in rows}

    # ------------------------------------------------------------ delivery to the office
    @guarded
    def awaiting_office(self, limit: int, after: str = "") -> list[Delivered]:
        """Items the server confirmed whose payload is still here, by id after *after*."""
        rows = self.db.execute(
            "SELECT o.id, o.reference, o.payload_sha256 FROM outbox o "
            "JOIN outbox_payloads p ON p.id = o.id "
            "WHERE o.state = 'done' AND o.office_at IS NULL AND o.id > ? ORDER BY o.id LIMIT ?",
            [after, limit],
        ).fetchall()
        return [Delivered(str(i), str(r), str(h)) for i, r, h in rows]

    @guarded
    def at_office(self, taken: dict[str, float]) -> None:
        """The office has these applications (id -> when): their payloads can go."""
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE outbox SET office_at = ? WHERE id = ? AND state = 'done'",
                [(at, item_id) for item_id, at in taken.items()],
            )
            self.db.conn.executemany(
                "DELETE FROM outbox_payloads WHERE id = ? AND "
                "(SELECT office_at FROM outbox WHERE outbox.id = ?) IS NOT NULL",
                [(item_id, item_id) for item_id in taken],
            )

    @guarded
    def lost_by_server(self, ids: list[str], *, now: float) -> int:
        """The server no longer has these confirmed items: they go out again (payload kept)."""
        note = "the server no longer had it (restored from a backup?): sent again"
        with self.db.atomic():
            cursor = self.db.conn.executemany(
                "UPDATE outbox SET state = 'pending', last_error = ? "
                "WHERE id = ? AND state = 'done' AND office_at IS NULL "
                "AND id IN (SELECT id FROM outbox_payloads)",
                [(note, item_id) for item_id in ids],
            )
            return int(cursor.rowcount)

    @guarded
    def drop_kept_payloads(self, *, sent_before: float) -> int:
        """Payloads of confirmed items past the retention time: the office has had long
        enough, and a terminal must not keep sealed applications for ever."""
        with self.db.atomic():
            cursor = self.db.execute(
                "DELETE FROM outbox_payloads WHERE id IN (SELECT id FROM outbox "
                "WHERE state = 'done' AND office_at IS NULL AND sent_at < ?)",
                [sent_before],
            )
        return int(cursor.rowcount)

    @guarded
    def in_state(self, state: str, limit: int = 1000) -> list[OutboxItem]:
        rows = self.db.execute(
            f"SELECT {_OUTBOX_COLUMNS} FROM {_OUTBOX_FROM} WHERE o.state = ? "
            "ORDER BY o.created_at LIMIT ?",
            [state, limit],
        ).fetchall()
        return [OutboxItem(*row) for row in rows]

    # ------------------------------------------------------------ the sync state machine
    @guarded
    def take_batch(self, max_items: int, max_bytes: int) -> list[OutboxItem]:
        """The oldest pending items within both bounds (at least one), now marked ``sending``."""
        with immediate(self.db):
            rows = self.db.execute(
                "SELECT id, payload_bytes FROM outbox WHERE state = 'pending' "
                "ORDER BY created_at, id LIMIT ?",
                [max_items],
            ).fetchall()
            chosen: list[str] = []
            total = 0
            for item_id, size in rows:
                if chosen and total + size > max_bytes:
                    break
                chosen.append(item_id)
                total += size
            if not chosen:
                return []
            marks = ",".join("?" * len(chosen))
            self.db.execute(f"UPDATE outbox SET state = 'sending' WHERE id IN ({marks})", chosen)
            found = self.db.execute(
                f"SELECT {_OUTBOX_COLUMNS} FROM {_OUTBOX_FROM} WHERE o.id IN ({marks}) "
                "ORDER BY o.created_at, o.id",
                chosen,
            ).fetchall()
        return [OutboxItem(*row) for row in found]

    @guarded
    def settle(
        self, outcomes: dict[str, tuple[str, str | None]], *, sent: list[str], now: float
    ) -> None:
        """Apply the server's answer for the *sent* items in one transaction.

        *outcomes* maps id -> (status, reason) as the server said. Stored items
        (accepted, duplicate) become ``done``, their payload kept until the office has
        them (:meth:`at_office`); conflicts and rejections keep it for staff; a sent item
        the server did not mention goes back to ``pending``: only a per-item answer
        settles an item.

        WAL's ``NORMAL`` durability is enough here: should power loss undo this
        step, the items are still ``sending`` with their payload and go out again,
        and the server answers ``duplicate``.
        """
        with self.db.atomic():
            stored, kept, unanswered = [], [], []
            for item_id in sent:
                status, reason = outcomes.get(item_id, (None, None))
                if status in ("accepted", "duplicate"):
                    stored.append((now, item_id))
                elif status in ("conflict", "rejected"):
                    kept.append((status, reason or status, item_id))
                else:
                    unanswered.append(("the server did not answer for this item", item_id))
            self.db.conn.executemany(
                "UPDATE outbox SET state = 'done', sent_at = ?, "
                "last_error = NULL, attempts = attempts + 1 "
                "WHERE id = ? AND state = 'sending'",
                stored,
            )
            self.db.conn.executemany(
                "UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1 "
                "WHERE id = ? AND state = 'sending'",
                kept,
            )
            self.db.conn.executemany(
                "UPDATE outbox SET state = 'pending', attempts = attempts + 1, last_error = ? "
                "WHERE id = ? AND state = 'sending'",
                unanswered,
            )

    @guarded
    def release(self, ids: list[str], error: str) -> None:
        """Sending failed as a whole: the items wait again, nothing is lost."""
        with self.db.atomic():
            for item_id in ids:
                self.db.execute(
                    "UPDATE outbox SET state = 'pending', attempts = attempts + 1, last_error = ? "
                    "WHERE id = ? AND state = 'sending'",
                    [error, item_id],
                )

    @guarded
    def requeue_interrupted(self) -> int:
        """Items left ``sending`` by a process that stopped mid-request go out again;
        the server recognises any it already has as duplicates."""
        with self.db.atomic():
            cursor = self.db.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sending'")
        return int(cursor.rowcount)

    @guarded
    def retry(self, reference: str) -> bool:
        """Staff send a conflicted or rejected item once more (after fixing the cause)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE outbox SET state = 'pending' "
                "WHERE reference = ? AND state IN ('conflict', 'rejected')",
                [reference],
            )
        return cursor.rowcount == 1


class AuditLog(_Repo):
    """Who did what and when; never what a visitor answered."""

    @guarded
    def write(self, *, at: float, actor: str, action: str, detail: str = "") -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                [at, actor, action, detail],
            )

    @guarded
    def entries(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT at, actor, action, detail FROM audit_log ORDER BY id"))


class UsageCounters(_Repo):
    """Counts per day, event, language, form and office; nothing that identifies a person."""

    @guarded
    def bump(
        self, *, day: str, event: str, language: str, form_id: str = "", office: str = ""
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO usage_counters (day, event, language, form_id, office, count) "
                "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT(day, event, language, form_id, office) "
                "DO UPDATE SET count = count + 1",
                [day, event, language, form_id, office],
            )

    @guarded
    def rows(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM usage_counters ORDER BY day, event, language"))


class CatalogSnapshots(_Repo):
    """Compiled catalogs that open drafts were started on, so they reopen unchanged."""

    @guarded
    def keep(self, content_hash: str, data: bytes, now: float) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO catalog_snapshots (hash, data, stored_at) VALUES (?, ?, ?)",
                [content_hash, data, now],
            )

    @guarded
    def has(self, content_hash: str) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM catalog_snapshots WHERE hash = ?", [content_hash]
            ).fetchone()
            is not None
        )

    @guarded
    def get(self, content_hash: str) -> bytes | None:
        row = self.db.execute(
            "SELECT data FROM catalog_snapshots WHERE hash = ?", [content_hash]
        ).fetchone()
        return bytes(row[0]) if row else None

    @guarded
    def purge_unused(self, keep: str) -> int:
        """Snapshots no draft needs any more (the current catalog's is kept)."""
        with self.db.atomic():
            cur = self.db.execute(
                "DELETE FROM catalog_snapshots WHERE hash != ? AND hash NOT IN "
                "(SELECT DISTINCT catalog_hash FROM drafts)",
                [keep],
            )
            return int(cur.rowcount)


class StaffAccounts(_Repo):
    """Staff accounts added on this terminal (the signed bundle brings the others)."""

    _INSERT = (
        "INSERT INTO staff_accounts (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)"
    )

    @guarded
    def add(self, record: StaffRecord, *, now: float) -> bool:
        """Store a new account; False, with nothing changed, when the id is taken."""
        with self.db.atomic():
            cur = self.db.execute(
                self._INSERT + " ON CONFLICT(id) DO NOTHING",
                [record.id, record.name, record.role, record.pin_hash, now],
            )
        return cur.rowcount == 1

    @guarded
    def replace(self, record: StaffRecord, *, now: float) -> bool:
        """Store the account over any with the same id; True when one was replaced."""
        with self.db.atomic():
            existed = (
                self.db.execute("DELETE FROM staff_accounts WHERE id = ?", [record.id]).rowcount
                == 1
            )
            self.db.execute(
                self._INSERT, [record.id, record.name, record.role, record.pin_hash, now]
            )
        return existed

    @guarded
    def remove(self, staff_id: str) -> bool:
        with self.db.atomic():
            cur = self.db.execute("DELETE FROM staff_accounts WHERE id = ?", [staff_id])
        return cur.rowcount == 1

    @guarded
    def get(self, staff_id: str) -> StaffRecord | None:
        row = self.db.execute(
            "SELECT id, name, role, pin_hash FROM staff_accounts WHERE id = ?", [staff_id]
        ).fetchone()
        return _staff_record(row) if row else None

    @guarded
    def all(self) -> list[StaffRecord]:
        """Every readable account by id; a row damaged outside the kiosk is left out, so it
        cannot keep the others from unlocking."""
        rows = self.db.execute(
            "SELECT id, name, role, pin_hash FROM staff_accounts ORDER BY id"
        ).fetchall()
        return [record for record in map(_staff_record, rows) if record is not None]


def _staff_record(row: tuple[Any, ...]) -> StaffRecord | None:
    staff_id, name, role, pin_hash = row
    try:
        return StaffRecord(id=staff_id, name=name, role=role, pin_hash=pin_hash)
    except ValidationError:
        log.warning("a staff account row in the database is damaged and was skipped")
        return None


LockoutPath = Literal["pin", "admin", "resume"]


@dataclass(frozen=True)
class LockoutState:
    failures: int
    locked_until: float
    last_failure_at: float | None


class PinLockout(_Repo):
    """Wrong PINs on this terminal, and until when a pad waits: one counter for the staff
    PIN pad (``pin``), one for the admin path during its wait (``admin``), one for
    resuming a parked visit (``resume``)."""

    @guarded
    def get(self, path: LockoutPath = "pin") -> LockoutState:
        row = self.db.execute(
            "SELECT failures, locked_until, last_failure_at FROM pin_lockout WHERE path = ?",
            [path],
        ).fetchone()
        if row is None:
            return LockoutState(0, 0.0, None)
        failures, locked_until, last = row
        return LockoutState(
            int(failures), float(locked_until), None if last is None else float(last)
        )

    @guarded
    def record_failure(
        self,
        *,
        now: float,
        lock_seconds: Callable[[int], float],
        forgive: Callable[[int, float], int] | None = None,
        path: LockoutPath = "pin",
    ) -> LockoutState:
        """Count one more wrong PIN and lock for *lock_seconds(failures)*, in one transaction.

        *forgive(failures, seconds since the last failure)* gives the count that still
        stands before this failure is added (old mistakes fade). The row is written
        before it is read, so the transaction holds the write lock from its first
        statement and no other connection can slip in between.
        """
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO pin_lockout (path) VALUES (?) "
                "ON CONFLICT(path) DO UPDATE SET failures = failures",
                [path],
            )
            failures, last = self.db.execute(
                "SELECT failures, last_failure_at FROM pin_lockout WHERE path = ?", [path]
            ).fetchone()
            failures = int(failures)
            if forgive is not None and last is not None:
                failures = forgive(failures, max(0.0, now - float(last)))
            failures += 1
            locked_until = now + lock_seconds(failures)
            self.db.execute(
                "UPDATE pin_lockout SET failures = ?, locked_until = ?, last_failure_at = ? "
                "WHERE path = ?",
                [failures, locked_until, now, path],
            )
        return LockoutState(failures, locked_until, now)

    @guarded
    def shorten(self, latest: float, path: LockoutPath = "pin") -> None:
        """End the lock by *latest* at the latest (after the wall clock went back)."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE pin_lockout SET locked_until = ? WHERE path = ? AND locked_until > ?",
                [latest, path, latest],
            )

    @guarded
    def reset(self, path: LockoutPath | None = None) -> None:
        """Forget the wrong PINs of *path* (of every pad when None: staff lift them all)."""
        paths: list[LockoutPath] = ["pin", "admin", "resume"] if path is None else [path]
        with self.db.atomic():
            for one in paths:
                self.db.execute(
                    "INSERT INTO pin_lockout (path) VALUES (?) ON CONFLICT(path) DO UPDATE SET "
                    "failures = 0, locked_until = 0, last_failure_at = NULL",
                    [one],
                )
