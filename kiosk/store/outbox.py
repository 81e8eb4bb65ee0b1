"""The outbox: sealed applications on their way to the office, as a state machine.

The outbox is the terminal's source of truth for delivery: an application is
stored here, sealed, in the same transaction that drops its draft, and nothing
unsent ever leaves it. The sync client moves items through the states of
:class:`OutboxState`; only the server's answer for an item moves it on.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository, immediate


class OutboxState(StrEnum):
    """Where an application stands; the values are what the ``state`` column holds.

    ``pending`` waits to be sent, ``sending`` is on the wire, ``done`` was stored
    by the server, ``conflict`` and ``rejected`` wait for staff with their payload
    kept. ``at_office`` is never stored: it is how a ``done`` item the office has
    taken is counted (:meth:`Outbox.counts_by_state`). The values are what
    existing databases hold, ``kiosk status --json`` prints and heartbeats carry.
    """

    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    AT_OFFICE = "at_office"
    CONFLICT = "conflict"
    REJECTED = "rejected"


#: where each of the server's per-item answers leaves an item that was sent
_STATE_AFTER_ANSWER = {
    "accepted": OutboxState.DONE,
    "duplicate": OutboxState.DONE,
    "conflict": OutboxState.CONFLICT,
    "rejected": OutboxState.REJECTED,
}

_OUTBOX_COLUMNS = (
    "o.id, o.reference, o.form_id, o.form_version, o.office, o.application_date, o.created_at, "
    "p.payload, o.payload_sha256, o.state, o.attempts, o.last_error, o.sent_at, o.office_at, "
    "o.status_key"
)
_OUTBOX_FROM = "outbox o LEFT JOIN outbox_payloads p ON p.id = o.id"


@dataclass(frozen=True)
class OutboxItem:
    """A sealed application and where it stands on its way to the office.

    A ``done`` item keeps its payload until the office has taken the application
    (``office_at``) or the retention time has passed, so that what a server loses
    (a restored backup) is sent again.
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
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    last_error: str | None = None
    sent_at: float | None = None
    office_at: float | None = None
    #: where the office's status for this application will be found by whoever holds the
    #: receipt (see :mod:`kiosk.session.receipt_status`); sent to the server with it
    status_key: str | None = None


def _item(row: sqlite3.Row | tuple[Any, ...]) -> OutboxItem:
    """An item from a row of ``_OUTBOX_COLUMNS`` (in the order of its fields); only the
    state needs converting."""
    fields = list(row)
    fields[_STATE_COLUMN] = OutboxState(fields[_STATE_COLUMN])
    return OutboxItem(*fields)


#: where ``state`` stands among ``OutboxItem``'s fields (and so in ``_OUTBOX_COLUMNS``)
_STATE_COLUMN = [f.name for f in fields(OutboxItem)].index("state")


@dataclass(frozen=True)
class Delivered:
    """What a terminal can show about an application the server confirmed."""

    id: str
    reference: str
    sha256: str


class Outbox(Repository):
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
                    "application_date, created_at, payload_sha256, payload_bytes, state, "
                    "status_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                        item.status_key,
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
        return _item(row) if row else None

    @guarded
    def references(self) -> list[str]:
        return [str(r[0]) for r in self.db.execute("SELECT reference FROM outbox").fetchall()]

    @guarded
    def counts_by_state(self) -> dict[str, int]:
        """Items per :class:`OutboxState`; ``done`` items the office has taken count as
        ``at_office``."""
        rows = self.db.execute(
            "SELECT CASE WHEN state = ? AND office_at IS NOT NULL THEN ? "
            "ELSE state END AS shown, count(*) FROM outbox GROUP BY shown",
            [OutboxState.DONE, OutboxState.AT_OFFICE],
        ).fetchall()
        return {OutboxState(state): int(n) for state, n in rows}

    # ------------------------------------------------------------ delivery to the office
    @guarded
    def awaiting_office(self, limit: int, after: str = "") -> list[Delivered]:
        """Items the server confirmed whose payload is still here, by id after *after*."""
        rows = self.db.execute(
            "SELECT o.id, o.reference, o.payload_sha256 FROM outbox o "
            "JOIN outbox_payloads p ON p.id = o.id "
            "WHERE o.state = ? AND o.office_at IS NULL AND o.id > ? ORDER BY o.id LIMIT ?",
            [OutboxState.DONE, after, limit],
        ).fetchall()
        return [Delivered(str(i), str(r), str(h)) for i, r, h in rows]

    @guarded
    def at_office(self, taken: dict[str, float]) -> None:
        """The office has these applications (id -> when): their payloads can go."""
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE outbox SET office_at = ? WHERE id = ? AND state = ?",
                [(at, item_id, OutboxState.DONE) for item_id, at in taken.items()],
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
                "UPDATE outbox SET state = ?, last_error = ? "
                "WHERE id = ? AND state = ? AND office_at IS NULL "
                "AND id IN (SELECT id FROM outbox_payloads)",
                [(OutboxState.PENDING, note, item_id, OutboxState.DONE) for item_id in ids],
            )
            return int(cursor.rowcount)

    @guarded
    def drop_kept_payloads(self, *, sent_before: float) -> int:
        """Payloads of confirmed items past the retention time: the office has had long
        enough, and a terminal must not keep sealed applications for ever."""
        with self.db.atomic():
            cursor = self.db.execute(
                "DELETE FROM outbox_payloads WHERE id IN (SELECT id FROM outbox "
                "WHERE state = ? AND office_at IS NULL AND sent_at < ?)",
                [OutboxState.DONE, sent_before],
            )
        return int(cursor.rowcount)

    @guarded
    def in_state(self, state: OutboxState, limit: int = 1000) -> list[OutboxItem]:
        rows = self.db.execute(
            f"SELECT {_OUTBOX_COLUMNS} FROM {_OUTBOX_FROM} WHERE o.state = ? "
            "ORDER BY o.created_at LIMIT ?",
            [state, limit],
        ).fetchall()
        return [_item(row) for row in rows]

    # ------------------------------------------------------------ the sync state machine
    @guarded
    def take_batch(self, max_items: int, max_bytes: int) -> list[OutboxItem]:
        """The oldest pending items within both bounds (at least one), now marked ``sending``."""
        with immediate(self.db):
            rows = self.db.execute(
                "SELECT id, payload_bytes FROM outbox WHERE state = ? "
                "ORDER BY created_at, id LIMIT ?",
                [OutboxState.PENDING, max_items],
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
            self.db.execute(
                f"UPDATE outbox SET state = ? WHERE id IN ({marks})",
                [OutboxState.SENDING, *chosen],
            )
            found = self.db.execute(
                f"SELECT {_OUTBOX_COLUMNS} FROM {_OUTBOX_FROM} WHERE o.id IN ({marks}) "
                "ORDER BY o.created_at, o.id",
                chosen,
            ).fetchall()
        return [_item(row) for row in found]

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
            stored: list[tuple[float, str]] = []
            kept: list[tuple[OutboxState, str, str]] = []
            unanswered: list[tuple[str, str]] = []
            for item_id in sent:
                status, reason = outcomes.get(item_id, (None, None))
                settled = _STATE_AFTER_ANSWER.get(status) if status is not None else None
                if settled is OutboxState.DONE:
                    stored.append((now, item_id))
                elif settled is not None:
                    kept.append((settled, reason or settled, item_id))
                else:
                    unanswered.append(("the server did not answer for this item", item_id))
            self.db.conn.executemany(
                "UPDATE outbox SET state = ?, sent_at = ?, "
                "last_error = NULL, attempts = attempts + 1 "
                "WHERE id = ? AND state = ?",
                [(OutboxState.DONE, at, item_id, OutboxState.SENDING) for at, item_id in stored],
            )
            self.db.conn.executemany(
                "UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1 "
                "WHERE id = ? AND state = ?",
                [(*one, OutboxState.SENDING) for one in kept],
            )
            self.db.conn.executemany(
                "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ? "
                "WHERE id = ? AND state = ?",
                [
                    (OutboxState.PENDING, error, item_id, OutboxState.SENDING)
                    for error, item_id in unanswered
                ],
            )

    @guarded
    def release(self, ids: list[str], error: str) -> None:
        """Sending failed as a whole: the items wait again, nothing is lost."""
        with self.db.atomic():
            for item_id in ids:
                self.db.execute(
                    "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ? "
                    "WHERE id = ? AND state = ?",
                    [OutboxState.PENDING, error, item_id, OutboxState.SENDING],
                )

    @guarded
    def put_back(self, ids: list[str]) -> None:
        """Items taken for a request that never went out: they wait again, their
        attempts and last error unchanged (nothing was tried)."""
        with self.db.atomic():
            for item_id in ids:
                self.db.execute(
                    "UPDATE outbox SET state = ? WHERE id = ? AND state = ?",
                    [OutboxState.PENDING, item_id, OutboxState.SENDING],
                )

    @guarded
    def requeue_interrupted(self) -> int:
        """Items left ``sending`` by a process that stopped mid-request go out again;
        the server recognises any it already has as duplicates."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE outbox SET state = ? WHERE state = ?",
                [OutboxState.PENDING, OutboxState.SENDING],
            )
        return int(cursor.rowcount)

    @guarded
    def retry(self, reference: str) -> bool:
        """Staff send a conflicted or rejected item once more (after fixing the cause)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE outbox SET state = ? WHERE reference = ? AND state IN (?, ?)",
                [OutboxState.PENDING, reference, OutboxState.CONFLICT, OutboxState.REJECTED],
            )
        return cursor.rowcount == 1
