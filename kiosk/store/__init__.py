"""The terminal's local SQLite store: drafts, outbox, resume tickets, audit log, counters."""

from kiosk.store.database import Store
from kiosk.store.errors import StoreError

__all__ = ["Store", "StoreError"]
