"""Compiled catalogs kept for the drafts that were started on them.

A catalog update must not change a form under a visitor who parked it or whose
kiosk crashed: the draft reopens on the catalog it was begun with, which is
kept here until no draft needs it any more.
"""

from __future__ import annotations

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository


class CatalogSnapshots(Repository):
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
