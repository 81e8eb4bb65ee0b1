"""Encrypted drafts of the forms a visitor is filling in, saved on every answer.

A draft arrives here already encrypted with its session's data key; the store
only keeps the blob with the ids it is found by. An ``active`` draft belongs to
a running (or crashed) session; a ``parked`` one waits for its resume ticket
(:mod:`kiosk.store.tickets`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository


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


class Drafts(Repository):
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
