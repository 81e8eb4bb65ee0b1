"""Which of a terminal's applications the server holds, and whether their office took them.

A terminal keeps every sealed application until its office has it. It asks here,
now and then, about those it still holds: the server answers for each one, only
for that terminal's own applications (a terminal learns nothing about another's).
An application the server once confirmed but no longer has was lost on the server
side, typically by restoring its database from a backup; the terminal sends it
again, and the server records the gap so that an admin sees it in the fleet view
and in its log.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import protocol as p
from sync.server.db import applications, delivery_gaps, devices
from sync.server.inbox import timestamp

log = logging.getLogger("kiosk.server")


def delivery(engine: Engine, device_id: str, ids: list[str], *, now: float) -> p.DeliveryReply:
    """Per asked id: stored, at the office (since when), or missing."""
    wanted = list(dict.fromkeys(ids))
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(applications.c.id, applications.c.acknowledged_at).where(
                applications.c.id.in_(wanted), applications.c.device_id == device_id
            )
        ).all()
    held = {row.id: row.acknowledged_at for row in rows}
    results = [
        p.DeliveryResult(id=i, status="missing")
        if i not in held
        else p.DeliveryResult(id=i, status="stored")
        if held[i] is None
        else p.DeliveryResult(id=i, status="at_office", at=timestamp(float(held[i])))
        for i in wanted
    ]
    missing = sum(r.status == "missing" for r in results)
    if missing:
        _record_gap(engine, device_id, missing, now)
    return p.DeliveryReply(results=results)


def _record_gap(engine: Engine, device_id: str, missing: int, now: float) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(delivery_gaps).values(device_id=device_id, found_at=now, missing=missing)
        )
        name = conn.execute(sa.select(devices.c.name).where(devices.c.id == device_id)).scalar()
    log.warning(
        "terminal %s: %d application(s) this server had confirmed are missing (was the "
        "database restored from a backup?); the terminal sends them again",
        name or device_id,
        missing,
    )


def last_gaps(engine: Engine) -> dict[str, tuple[float, int]]:
    """Per terminal, its latest gap: (when found, how many were missing)."""
    latest = (
        sa.select(delivery_gaps.c.device_id, sa.func.max(delivery_gaps.c.found_at).label("at"))
        .group_by(delivery_gaps.c.device_id)
        .subquery()
    )
    joined = delivery_gaps.join(
        latest,
        sa.and_(
            latest.c.device_id == delivery_gaps.c.device_id,
            latest.c.at == delivery_gaps.c.found_at,
        ),
    )
    query = sa.select(
        delivery_gaps.c.device_id, delivery_gaps.c.found_at, delivery_gaps.c.missing
    ).select_from(joined)
    with engine.connect() as conn:
        return {
            row.device_id: (float(row.found_at), int(row.missing)) for row in conn.execute(query)
        }
