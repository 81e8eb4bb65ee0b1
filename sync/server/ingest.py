"""Storing a batch of sealed applications so that sending it twice changes nothing.

Each item is judged on its own: a damaged item is rejected, its neighbours
are stored. The insert is ``ON CONFLICT DO NOTHING`` on the application id,
so two terminals (or one terminal retrying while its first attempt is still
being committed) can never store an id twice; whatever did not insert is
then compared by hash: same hash is a duplicate (success for the terminal),
another hash a conflict kept for staff.

A batch is one transaction with a fixed number of statements, whatever its size:
one insert of all its new rows and one or two selects of stored hashes (which
differ by backend, see :func:`_insert_returning` and :func:`_insert_then_compare`),
and, only when there are conflicts, one insert of those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
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


def application_row(item: ApplicationIn, device_id: str, now: float) -> dict[str, Any]:
    """The ``applications`` row for one item, column for column."""
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


def _hashes(conn: sa.Connection, ids: list[str]) -> Stored:
    found = conn.execute(
        sa.select(applications.c.id, applications.c.sha256).where(applications.c.id.in_(ids))
    )
    return {str(row.id): str(row.sha256) for row in found}


def _insert_returning(conn: sa.Connection, rows: list[dict[str, Any]]) -> tuple[set[str], Stored]:
    """SQLite: one multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` (SQLAlchemy's
    "insertmanyvalues"), then the hashes of the ids that did not go in.

    The insert comes first on purpose: it takes the write lock at once. A read first
    would start a snapshot that a concurrent commit makes stale, and SQLite refuses
    to upgrade a stale snapshot to a write (``SQLITE_BUSY``, with no waiting).
    """
    statement = upsert_ignore(conn, applications).returning(applications.c.id)
    inserted = {str(r[0]) for r in conn.execute(statement, rows)}
    stored = {row["id"]: row["sha256"] for row in rows if row["id"] in inserted}
    already = [row["id"] for row in rows if row["id"] not in inserted]
    if already:
        stored.update(_hashes(conn, already))
    return inserted, stored


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

    with engine.begin() as conn:
        inserted: set[str] = set()
        stored: Stored = {}
        if fresh:
            # in id order: two batches that share ids take their locks in the same order
            # and so cannot deadlock on each other
            rows = sorted(
                (application_row(items[i], device_id, now) for i in fresh), key=lambda r: r["id"]
            )
            insert = (
                _insert_then_compare if conn.dialect.name == "postgresql" else _insert_returning
            )
            inserted, stored = insert(conn, rows)
        new_conflicts = []
        for index, item in enumerate(items):
            if index in results:
                continue
            if item.id in inserted and first_of[item.id] == index:
                results[index] = ItemResult(id=item.id, status="accepted")
            elif stored.get(item.id) == item.sha256:
                results[index] = ItemResult(id=item.id, status="duplicate")
            else:
                results[index] = ItemResult(
                    id=item.id,
                    status="conflict",
                    reason="an application with this id but other content is already stored",
                )
                new_conflicts.append(
                    {
                        "application_id": item.id,
                        "sha256": item.sha256,
                        "device_id": device_id,
                        "received_at": now,
                        "payload": item.payload,
                    }
                )
        if new_conflicts:  # in key order too, for the same reason as the rows above
            new_conflicts.sort(key=lambda c: (c["application_id"], c["sha256"]))
            conn.execute(upsert_ignore(conn, conflicts), new_conflicts)
    return [results[i] for i in range(len(items))]
