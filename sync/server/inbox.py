"""An office's view: its own applications, nothing else, and its acknowledgements
(filed, or set aside unread in the office's quarantine)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.protocol import InboxEntry
from sync.server.db import applications
from sync.server.statuses import record_received

log = logging.getLogger("kiosk.server")

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
    engine: Engine,
    office: str,
    ids: Sequence[str],
    *,
    now: float,
    quarantined: Mapping[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """(acknowledged, unknown): acknowledging twice is fine; another office's id is unknown.

    *quarantined* (id -> reason) are taken too, set aside by the office because it could
    not read or file them: the reason stays on the row for admins, and the server log
    names each one. The first acknowledgement of an application counts; repeating it,
    in either form, changes nothing. A filed application that carries a status key is
    ``received`` from then on, for its visitor to see (``statuses``); a quarantined one
    is not: its office could not read it.
    """
    reasons = dict(quarantined or {})
    wanted = list(dict.fromkeys([*ids, *reasons]))
    with engine.begin() as conn:
        rows = conn.execute(
            sa.select(
                applications.c.id,
                applications.c.reference,
                applications.c.acknowledged_at,
                applications.c.status_key,
            ).where(applications.c.id.in_(wanted), applications.c.office == office)
        ).all()
        found = {row.id for row in rows}
        fresh = {row.id: row.reference for row in rows if row.acknowledged_at is None}
        filed = [i for i in fresh if i not in reasons]
        if filed:
            conn.execute(
                sa.update(applications)
                .where(applications.c.id.in_(filed), applications.c.acknowledged_at.is_(None))
                .values(acknowledged_at=now)
            )
            keys = {row.id: row.status_key for row in rows if row.status_key is not None}
            received = [(i, keys[i], office) for i in filed if i in keys]
            record_received(conn, received, now=now)
        for application_id, reason in reasons.items():
            if application_id in fresh:
                conn.execute(
                    sa.update(applications)
                    .where(
                        applications.c.id == application_id,
                        applications.c.acknowledged_at.is_(None),
                    )
                    .values(acknowledged_at=now, quarantine_reason=reason)
                )
    for application_id, reason in reasons.items():
        if application_id in fresh:
            log.warning(
                "office %s quarantined application %s (%s): %s",
                office,
                fresh[application_id],
                application_id,
                reason,
            )
    return [i for i in wanted if i in found], [i for i in wanted if i not in found]


def quarantined_counts(engine: Engine) -> dict[str, int]:
    """Per office, how many applications it set aside unread (for the admin's view)."""
    query = (
        sa.select(applications.c.office, sa.func.count())
        .where(applications.c.quarantine_reason.is_not(None))
        .group_by(applications.c.office)
    )
    with engine.connect() as conn:
        return {office: int(count) for office, count in conn.execute(query).all()}
