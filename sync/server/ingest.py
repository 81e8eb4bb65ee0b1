"""Storing a batch of sealed applications so that sending it twice changes nothing.

Each item is judged on its own: a damaged item is rejected, its neighbours
are stored. The insert is ``ON CONFLICT DO NOTHING`` on the application id,
so two terminals (or one terminal retrying while its first attempt is still
being committed) can never store an id twice; whatever did not insert is
then compared by hash: same hash is a duplicate (success for the terminal),
another hash a conflict kept for staff.
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
        if fresh:
            rows = [application_row(items[i], device_id, now) for i in fresh]
            statement = upsert_ignore(conn, applications).returning(applications.c.id)
            inserted = {str(r[0]) for r in conn.execute(statement, rows)}
        already = [i for i in first_of if i not in inserted]
        stored = {i: items[first_of[i]].sha256 for i in inserted}
        if already:
            found = conn.execute(
                sa.select(applications.c.id, applications.c.sha256).where(
                    applications.c.id.in_(already)
                )
            )
            stored.update({str(row.id): str(row.sha256) for row in found})
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
        if new_conflicts:
            conn.execute(upsert_ignore(conn, conflicts), new_conflicts)
    return [results[i] for i in range(len(items))]
