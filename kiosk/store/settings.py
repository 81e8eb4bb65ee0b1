"""The terminal's small facts as key/value pairs: its id, the catalog it runs, sync times.

A table of its own keeps such facts out of the tables with visitor data, and
lets any layer remember one value without a migration.
"""

from __future__ import annotations

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository

CATALOG_SETTING = "catalog.current"  # what the terminal runs, for status and heartbeat
#: days a terminal keeps a sealed application its office has not taken (the catalog's)
RETENTION_SETTING = "outbox.retention_days"


class Settings(Repository):
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
