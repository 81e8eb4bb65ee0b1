"""The statuses offices set, as the terminal keeps them for visitors who ask.

Each row is a status key (which only a receipt's secret opens, see
:mod:`kiosk.session.receipt_status`), the office, the status and the day it was set:
nothing that names a person or an application. The server sends the rows of the
whole deployment; the newest status for a key replaces the older one, and rows older
than the retention time go.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository

#: where the server's status feed stands for this terminal (its cursor)
STATUS_CURSOR_SETTING = "status.cursor"


@dataclass(frozen=True)
class StatusRow:
    key: str
    office: str
    status: str
    #: the day the office set the status (ISO date)
    status_on: str


class ReceiptStatuses(Repository):
    @guarded
    def put_many(self, rows: Iterable[StatusRow], *, now: float) -> int:
        """Store *rows* (a newer status for a key replaces the older); returns how many."""
        count = 0
        with self.db.atomic():
            for row in rows:
                self.db.execute(
                    "INSERT INTO receipt_status (key, office, status, status_on, stored_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                    "office = excluded.office, status = excluded.status, "
                    "status_on = excluded.status_on, stored_at = excluded.stored_at",
                    [row.key, row.office, row.status, row.status_on, now],
                )
                count += 1
        return count

    @guarded
    def get(self, key: str) -> StatusRow | None:
        found = self.db.execute(
            "SELECT key, office, status, status_on FROM receipt_status WHERE key = ?", [key]
        ).fetchone()
        return StatusRow(*found) if found is not None else None

    @guarded
    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM receipt_status").fetchone()[0])

    @guarded
    def purge_stored_before(self, cutoff: float) -> int:
        """Forget statuses stored before *cutoff* (the retention time has passed)."""
        with self.db.atomic():
            cursor = self.db.execute("DELETE FROM receipt_status WHERE stored_at < ?", [cutoff])
        return int(cursor.rowcount)
