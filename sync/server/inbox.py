"""An office's view: its own applications, nothing else, and its acknowledgements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.protocol import InboxEntry
from sync.server.db import applications

_ENTRY_COLUMNS = [
    applications.c.id,
    applications.c.reference,
    applications.c.form_id,
    applications.c.form_version,
    applications.c.office,
    applications.c.application_date,
    applications.c.sha256,
    applications.c.size,
    applications.c.received_at,
    applications.c.acknowledged_at,
]


def timestamp(value: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, dt.UTC)


def _entry(row: Any) -> InboxEntry:
    return InboxEntry(
        id=row.id,
        reference=row.reference,
        form_id=row.form_id,
        form_version=row.form_version,
        office=row.office,
        application_date=dt.date.fromisoformat(row.application_date),
        sha256=row.sha256,
        size=row.size,
        received_at=timestamp(row.received_at),
        acknowledged=row.acknowledged_at is not None,
    )


def list_applications(
    engine: Engine, office: str, *, include_acknowledged: bool, limit: int, offset: int = 0
) -> list[InboxEntry]:
    query = sa.select(*_ENTRY_COLUMNS).where(applications.c.office == office)
    if not include_acknowledged:
        query = query.where(applications.c.acknowledged_at.is_(None))
    query = query.order_by(applications.c.received_at, applications.c.id)
    query = query.limit(limit).offset(offset)
    with engine.connect() as conn:
        return [_entry(row) for row in conn.execute(query)]


def get_application(
    engine: Engine, office: str, application_id: str
) -> tuple[InboxEntry, str] | None:
    """The entry and its sealed payload; None also for another office's application."""
    query = sa.select(*_ENTRY_COLUMNS, applications.c.payload).where(
        applications.c.id == application_id, applications.c.office == office
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return (_entry(row), row.payload) if row is not None else None


def acknowledge(
    engine: Engine, office: str, ids: Sequence[str], *, now: float
) -> tuple[list[str], list[str]]:
    """(acknowledged, unknown): acknowledging twice is fine; another office's id is unknown."""
    with engine.begin() as conn:
        found = set(
            conn.execute(
                sa.select(applications.c.id).where(
                    applications.c.id.in_(list(ids)), applications.c.office == office
                )
            ).scalars()
        )
        conn.execute(
            sa.update(applications)
            .where(
                applications.c.id.in_(list(found)),
                applications.c.office == office,
                applications.c.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=now)
        )
    ordered = list(dict.fromkeys(ids))
    return [i for i in ordered if i in found], [i for i in ordered if i not in found]
