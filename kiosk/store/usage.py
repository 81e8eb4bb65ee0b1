"""Usage statistics as counts, so the service center learns what is used without
learning who used it.

A count per day, event, language, form and office is all that is kept: no
time of day, no session, nothing that could single out a visitor.
"""

from __future__ import annotations

from typing import Any

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository


class UsageCounters(Repository):
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
