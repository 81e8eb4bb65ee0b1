"""What every repository of the store stands on: the open database and its transactions.

Each table has a small repository class of its own (drafts, outbox, ...) whose
methods are complete, atomic steps. They share the connection :class:`Store`
opened, and read-then-write steps take the write lock up front
(:func:`immediate`), because the UI and the sync thread write to the same file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlite_utils


class Repository:
    """One table's operations over the store's connection."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db


@contextlib.contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[None]:
    """A write transaction taken at once (``BEGIN IMMEDIATE``), for read-then-write steps.

    A deferred transaction that reads and then writes fails with SQLITE_BUSY when
    another connection (the UI, the sync thread) committed in between; an
    immediate one waits for the lock first, within the busy timeout.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
