"""Storing a batch of sealed applications so that sending it twice changes nothing.

Each item is judged on its own: a damaged item is rejected, its neighbours
are stored. Only ids not stored yet are inserted (on PostgreSQL ``ON CONFLICT DO
NOTHING``, on SQLite under the write lock taken first), so two terminals (or one
terminal retrying while its first attempt is still being committed) can never store
an id twice; whatever did not insert is then compared by hash: same hash is a
duplicate (success for the terminal), another hash a conflict kept for staff.

A batch is one transaction with a fixed number of statements, whatever its size:
one select of stored hashes, one insert of all its new rows (on SQLite a few
multi-row statements), on PostgreSQL one more select (see
:func:`_insert_under_write_lock` and :func:`_insert_then_compare`), and, only when
there are conflicts, one insert of those.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import weakref
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.protocol import MAX_ITEM_BYTES, ApplicationIn, ItemResult
from sync.server.db import applications, conflicts, upsert_ignore


def _precheck(item: ApplicationIn, max_item_bytes: int) -> str | None:
    """Why the item can never be stored, or None."""
    data = item.payload.encode()
    if len(data) > max_item_bytes:
        return f"the sealed application has {len(data)} bytes; the limit is {max_item_bytes}"
    if hashlib.sha256(data).hexdigest() != item.sha256:
        return "the payload does not match its SHA-256: it was damaged on the way"
    return None


#: the ``applications`` columns a new row fills, in the order :func:`application_row` sets
#: them (the office's acknowledgement, quarantine and status come later)
ROW_COLUMNS = (
    "id",
    "sha256",
    "reference",
    "form_id",
    "form_version",
    "office",
    "application_date",
    "device_id",
    "received_at",
    "size",
    "payload",
    "status_key",
)


def application_row(item: ApplicationIn, device_id: str, now: float) -> dict[str, Any]:
    """The ``applications`` row for one item, column for column (:data:`ROW_COLUMNS`)."""
    return {
        "id": item.id,
        "sha256": item.sha256,
        "reference": item.reference,
        "form_id": item.form_id,
        "form_version": item.form_version,
        "office": item.office,
        "application_date": item.application_date.isoformat(),
        "device_id": device_id,
        "received_at": now,
        "size": len(item.payload),
        "payload": item.payload,
        "status_key": item.status_key,
    }


Stored = dict[str, str]  # application id -> SHA-256 of what the database holds

_sqlite_writers: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_sqlite_writers_lock = threading.Lock()


def _writer(engine: Engine) -> AbstractContextManager[object]:
    """SQLite takes one writer at a time; batches of this process queue here for it
    (woken the moment it is free) rather than in SQLite's busy handler, which sleeps
    in steps of up to 100 ms. Other processes on the same file still meet that handler;
    PostgreSQL needs no queue."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _sqlite_writers_lock:
        return _sqlite_writers.setdefault(engine, threading.Lock())


def _hashes(conn: sa.Connection, ids: list[str], per_statement: int | None = None) -> Stored:
    """The stored hashes of *ids*, asked *per_statement* ids at a time (all at once
    when None): an old SQLite takes at most 999 parameters in one statement."""
    step = max(1, per_statement or len(ids))
    stored: Stored = {}
    for start in range(0, len(ids), step):
        found = conn.execute(
            sa.select(applications.c.id, applications.c.sha256).where(
                applications.c.id.in_(ids[start : start + step])
            )
        )
        stored.update((str(row.id), str(row.sha256)) for row in found)
    return stored


def _insert_under_write_lock(
    conn: sa.Connection, rows: list[dict[str, Any]]
) -> tuple[set[str], Stored]:
    """SQLite: the write lock first (``BEGIN IMMEDIATE``), then the hashes of the ids
    stored already, then the others in multi-row ``INSERT`` statements.

    Under the write lock nobody else can insert, so every row not found is inserted by
    this transaction and needs no ``RETURNING``. The lock comes first on purpose: a read
    first would start a snapshot that a concurrent commit makes stale, and SQLite
    refuses to upgrade a stale snapshot to a write (``SQLITE_BUSY``, with no waiting).
    A plain insert, not ``ON CONFLICT DO NOTHING``: a row that is there after all would
    be an error to hear of, not to hide.
    """
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    stored = _hashes(conn, [row["id"] for row in rows], _parameter_limit(conn))
    new = [row for row in rows if row["id"] not in stored]
    if new:
        _insert_rows(conn, new)
        stored.update((row["id"], row["sha256"]) for row in new)
    return {row["id"] for row in new}, stored


def _insert_rows(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """*rows* in as few multi-row ``INSERT`` statements as SQLite's parameter limit allows.

    Why not ``executemany``: Python's sqlite3 lets go of the interpreter lock for every
    row it steps, and takes it back before the next; while another request is being
    read or checked on another thread, each taking back waits for that thread's turn to
    end (up to 5 ms), and a batch of 1,000 rows took twice as long as alone (measured).
    One statement of many rows is one step: SQLite writes them all while the other
    request is read and checked.
    """
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in ROW_COLUMNS)
    marks = "(" + ", ".join("?" * len(ROW_COLUMNS)) + ")"
    per_statement = max(1, _parameter_limit(conn) // len(ROW_COLUMNS))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = tuple(row[name] for row in chunk for name in ROW_COLUMNS)
        conn.exec_driver_sql(
            f"INSERT INTO applications ({names}) VALUES {', '.join([marks] * len(chunk))}",
            values,
        )


def _parameter_limit(conn: sa.Connection) -> int:
    """The most ``?`` one statement may have on this SQLite (999 before 3.32)."""
    dbapi = conn.connection.dbapi_connection
    limit = getattr(dbapi, "getlimit", None)
    return int(limit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) if limit is not None else 999


def _insert_then_compare(
    conn: sa.Connection, rows: list[dict[str, Any]]
) -> tuple[set[str], Stored]:
    """PostgreSQL: the hashes of the ids stored already, a plain ``executemany`` of the
    other rows (``ON CONFLICT DO NOTHING``; psycopg pipelines it and parses its short
    statement once), and the hashes of those rows read back.

    A multi-row ``RETURNING`` statement would name a dozen parameters per row, which
    psycopg parses anew for every batch (measured: a third slower). Reading back is
    what keeps a race honest: a row another transaction committed first with other
    content reads back with the other hash and becomes a conflict; with the same
    content it reads as stored, which is all the terminal needs to know.
    """
    stored = _hashes(conn, [row["id"] for row in rows])
    new = [row for row in rows if row["id"] not in stored]
    if not new:
        return set(), stored
    conn.execute(upsert_ignore(conn, applications), new)
    landed = _hashes(conn, [row["id"] for row in new])
    stored.update(landed)
    return {row["id"] for row in new if landed.get(row["id"]) == row["sha256"]}, stored


def store_batch(
    engine: Engine,
    device_id: str,
    items: Sequence[ApplicationIn],
    *,
    now: float,
    max_item_bytes: int = MAX_ITEM_BYTES,
) -> list[ItemResult]:
    """Each item's answer, in order. Only the database's work is done while holding the
    write lock (see :func:`_writer`): checking and building rows come before it, the
    answers after."""
    results: dict[int, ItemResult] = {}
    first_of: dict[str, int] = {}
    fresh: list[int] = []
    for index, item in enumerate(items):
        reason = _precheck(item, max_item_bytes)
        if reason is not None:
            results[index] = ItemResult(id=item.id, status="rejected", reason=reason)
        elif item.id in first_of:
            continue  # judged against the first copy below
        else:
            first_of[item.id] = index
            fresh.append(index)
    # in id order: two batches that share ids take their locks in the same order and so
    # cannot deadlock on each other
    rows = sorted((application_row(items[i], device_id, now) for i in fresh), key=_row_id)
    judged = [index for index in range(len(items)) if index not in results]

    with _writer(engine), engine.begin() as conn:
        inserted: set[str] = set()
        stored: Stored = {}
        if rows:
            insert = (
                _insert_then_compare
                if conn.dialect.name == "postgresql"
                else _insert_under_write_lock
            )
            inserted, stored = insert(conn, rows)
        new_conflicts = [
            {
                "application_id": items[i].id,
                "sha256": items[i].sha256,
                "device_id": device_id,
                "received_at": now,
                "payload": items[i].payload,
            }
            for i in judged
            if stored.get(items[i].id) != items[i].sha256
        ]
        if new_conflicts:  # in key order too, for the same reason as the rows above
            new_conflicts.sort(key=lambda c: (c["application_id"], c["sha256"]))
            conn.execute(upsert_ignore(conn, conflicts), new_conflicts)

    for index in judged:
        item = items[index]
        if item.id in inserted and first_of[item.id] == index:
            results[index] = ItemResult(id=item.id, status="accepted")
        elif stored.get(item.id) == item.sha256:
            results[index] = ItemResult(id=item.id, status="duplicate")
        else:
            results[index] = ItemResult(id=item.id, status="conflict", reason=CONFLICT)
    return [results[i] for i in range(len(items))]


CONFLICT = "an application with this id but other content is already stored"


def _row_id(row: dict[str, Any]) -> str:
    return str(row["id"])
