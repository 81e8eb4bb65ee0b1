"""Staff accounts kept on this terminal, beside those the signed bundle brings.

``kiosk staff`` on a terminal writes here. Rows are read back through the same
validating record as the bundle's, and a damaged row is skipped rather than
keeping every colleague from unlocking.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from kiosk.staff.records import StaffRecord
from kiosk.store.errors import guarded
from kiosk.store.repository import Repository

log = logging.getLogger("kiosk.store")


class StaffAccounts(Repository):
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
