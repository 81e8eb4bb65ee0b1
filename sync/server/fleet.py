"""What admins see: terminals, their last heartbeat, and counts of applications.

Everything a terminal reports is neutralised (``sync.server.text``) before it is
stored, and again when it is read, for rows stored before that: the fleet list
ends up in admins' shells, where an escape sequence would act.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.protocol import Heartbeat, Stats, TerminalStatus
from sync.server.db import applications, conflicts, devices
from sync.server.inbox import quarantined_counts, timestamp
from sync.server.statuses import counts as status_counts
from sync.server.text import neutralise, neutralise_optional

SHORT_TEXT = 500  # the columns' size (db.devices)
VERSION_TEXT = 40


def record_heartbeat(engine: Engine, device_id: str, beat: Heartbeat, *, now: float) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.update(devices)
            .where(devices.c.id == device_id)
            .values(
                last_seen_at=now,
                catalog_version=neutralise_optional(beat.catalog_version, SHORT_TEXT),
                outbox={neutralise(k): v for k, v in beat.outbox.items()},
                last_error=neutralise_optional(beat.last_error, SHORT_TEXT),
                last_sync_at=beat.last_sync_at.timestamp() if beat.last_sync_at else None,
                app_version=neutralise(beat.app_version, VERSION_TEXT),
            )
        )


def touch(engine: Engine, device_id: str, *, now: float) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(devices).where(devices.c.id == device_id).values(last_seen_at=now))


def _maybe_time(value: float | None) -> Any:
    return timestamp(value) if value is not None else None


def _state(row: Any) -> str:
    if row.revoked_at is not None:
        return "revoked"
    return "active" if row.enrolled_at is not None else "waiting_for_enrolment"


def terminals(engine: Engine) -> list[TerminalStatus]:
    from sync.server.delivery import last_gaps

    with engine.connect() as conn:
        rows = conn.execute(sa.select(devices).order_by(devices.c.name)).all()
        held: dict[str, int] = dict(
            conn.execute(
                sa.select(applications.c.device_id, sa.func.count()).group_by(
                    applications.c.device_id
                )
            ).all()
        )
    gaps = last_gaps(engine)
    return [
        TerminalStatus(
            device_id=row.id,
            name=neutralise(row.name),
            state=_state(row),
            enrolled_at=_maybe_time(row.enrolled_at),
            last_seen_at=_maybe_time(row.last_seen_at),
            catalog_version=neutralise_optional(row.catalog_version),
            outbox={neutralise(str(k)): v for k, v in (row.outbox or {}).items()},
            last_error=neutralise_optional(row.last_error),
            last_sync_at=_maybe_time(row.last_sync_at),
            app_version=neutralise_optional(row.app_version),
            held=int(held.get(row.id, 0)),
            gap_found_at=_maybe_time(gaps[row.id][0]) if row.id in gaps else None,
            gap_missing=gaps[row.id][1] if row.id in gaps else 0,
        )
        for row in rows
    ]


def stats(engine: Engine) -> Stats:
    state = sa.case((applications.c.acknowledged_at.is_(None), "new"), else_="acknowledged")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(applications.c.office, state.label("state"), sa.func.count())
            .group_by(applications.c.office, state)
            .order_by(applications.c.office)
        ).all()
        n_conflicts = conn.execute(sa.select(sa.func.count()).select_from(conflicts)).scalar_one()
    per_office: dict[str, dict[str, int]] = {}
    for office, label, count in rows:
        per_office.setdefault(office, {"new": 0, "acknowledged": 0})[label] = int(count)
    by_state: dict[str, int] = {"waiting_for_enrolment": 0, "active": 0, "revoked": 0}
    for terminal in terminals(engine):
        by_state[terminal.state] += 1
    return Stats(
        applications=per_office,
        conflicts=int(n_conflicts),
        terminals=by_state,
        quarantined=quarantined_counts(engine),
        statuses=status_counts(engine),
    )
