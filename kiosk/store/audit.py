"""The audit log: who did what on this terminal, and when.

Submissions, resumed and ended visits and staff actions are recorded so that
an incident can be traced afterwards; the log takes ids and actions only, never
what a visitor answered.
"""

from __future__ import annotations

from typing import Any

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository


class AuditLog(Repository):
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
