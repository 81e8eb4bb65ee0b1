"""Resume tickets: a visit parked with "continue later", and the drafts it holds.

Parking hands a session's drafts to a ticket whose wrapped key only the
visitor's printed code and PIN open; redeeming gives them to a new session.
Each step moves drafts and ticket together in one transaction, so a draft is
never left with neither a session nor a ticket.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository


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


class Tickets(Repository):
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
