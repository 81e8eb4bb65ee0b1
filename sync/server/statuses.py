"""Status back to the visitor: the latest status of each application, served as a feed.

An application a terminal sent with a status key (what its receipt's secret opens) gets
a row in ``statuses`` when its office files it (``received``, the day of the
acknowledgement) and whenever the office sets another status. Terminals read the rows
as a feed, ``seq`` after ``seq``, each from the cursor it keeps; the row holds the key,
the office, the status and its day, nothing that names a person or the application.

How ``seq`` is given out, and why a reader never skips a row
------------------------------------------------------------
A reader asks for ``seq > cursor`` and moves its cursor to the last ``seq`` it got. That
is only safe if no row can become visible later with a ``seq`` at or below a cursor
already handed out. On PostgreSQL a sequence (or identity column) does not give that:
two transactions take 10 and 11, the one with 11 commits first, a reader sees 11 and
moves on, then 10 commits behind its back. Serving only rows older than a few seconds
narrows the window but does not close it (a transaction may take longer).

So numbers are given out in a serialised step: every transaction that writes statuses
first takes one lock (PostgreSQL: a transaction-level advisory lock; SQLite: the
database's write lock, which the first write of a transaction takes anyway), reads the
highest ``seq`` and numbers its rows above it, and keeps the lock until it commits.
Another writer numbers its rows only after that commit, so rows become visible in
``seq`` order, on one server and on several sharing one database: every snapshot a
reader takes holds a prefix of the feed. Writing a status is rare (an office files or
sets one), so the lock costs nothing that matters; the feed stays one indexed range
scan. A transaction that rolls back leaves nothing; its numbers are given out again.

Numbers start at the time in milliseconds (or one above the highest, whichever is
larger): a server restored from an older backup numbers its new rows above every cursor
its terminals got before, so they still read them.

A status set anew moves its row to the end of the feed; terminals keep the newest they
read for a key. The feed serves rows set within the last ``status_retention_days``
(180 by default), enough for a terminal set up today to catch up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import protocol as p
from sync.server.db import applications, statuses, upsert_ignore

log = logging.getLogger("kiosk.server")

STATUS_RETENTION_DAYS: Final = 180
# PostgreSQL's advisory lock for numbering statuses: the bytes of "kiosksts"
_LOCK_KEY: Final = 0x6B696F736B737473


def day_of(now: float) -> dt.date:
    """The day *now* falls on where the server runs (give the server the city's time
    zone): the day a visitor is told."""
    return dt.datetime.fromtimestamp(now).date()


def _lock_feed(conn: sa.Connection) -> None:
    """Hold the numbering until this transaction ends (see the module's docstring)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    # SQLite: pysqlite begins a transaction only at its first write; one that has not
    # written yet takes the write lock here, before the highest number is read
    elif conn.dialect.name == "sqlite" and not _sqlite_in_transaction(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_in_transaction(conn: sa.Connection) -> bool:
    driver = conn.connection.driver_connection
    return bool(getattr(driver, "in_transaction", False))


def _first_free(conn: sa.Connection, now: float) -> int:
    highest = conn.execute(sa.select(sa.func.max(statuses.c.seq))).scalar()
    return max(int(highest or 0) + 1, int(now * 1000))


def _number(
    conn: sa.Connection, rows: Sequence[dict[str, Any]], now: float
) -> list[dict[str, Any]]:
    """*rows* with their ``seq`` and ``set_at``; the caller writes them in this transaction."""
    _lock_feed(conn)
    first = _first_free(conn, now)
    return [{**row, "seq": first + n, "set_at": now} for n, row in enumerate(rows)]


def _upsert_changed(conn: sa.Connection) -> Any:
    """Insert, or replace the status of the application when it differs (a status set
    again as it was stays where it is in the feed)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(statuses)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[statuses.c.application_id],
        set_={
            "seq": new.seq,
            "status": new.status,
            "status_on": new.status_on,
            "set_at": new.set_at,
        },
        where=sa.or_(statuses.c.status != new.status, statuses.c.status_on != new.status_on),
    )


def record_received(
    conn: sa.Connection, filed: Iterable[tuple[str, str, str]], *, now: float
) -> None:
    """``received`` on the day of *now* for each (application id, status key, office) its
    office has just filed, in the caller's transaction; a status the office set before
    it filed stays."""
    rows = [
        {"application_id": i, "key": key, "office": office, "status": "received"}
        | {"status_on": day_of(now).isoformat()}
        for i, key, office in filed
    ]
    if rows:
        conn.execute(upsert_ignore(conn, statuses), _number(conn, rows, now))


def set_statuses(
    engine: Engine, office: str, updates: Sequence[p.StatusUpdate], *, now: float
) -> p.OfficeStatusReply:
    """Set the statuses *updates* asks for, only on *office*'s own applications that carry
    a status key; the later of two updates of one id counts."""
    wanted = {update.id: update for update in updates}
    with engine.begin() as conn:
        found = conn.execute(
            sa.select(applications.c.id, applications.c.status_key).where(
                applications.c.id.in_(list(wanted)), applications.c.office == office
            )
        ).all()
        keyed = [(row.id, row.status_key) for row in found if row.status_key is not None]
        rows = [
            {
                "application_id": application_id,
                "key": key,
                "office": office,
                "status": wanted[application_id].status,
                "status_on": (wanted[application_id].on or day_of(now)).isoformat(),
            }
            for application_id, key in keyed
        ]
        if rows:
            conn.execute(_upsert_changed(conn), _number(conn, rows, now))
    return p.OfficeStatusReply(
        office=office,
        updated=len(rows),
        unknown=len(wanted) - len(found),
        untracked=len(found) - len(keyed),
    )


def feed(
    engine: Engine, after: int, limit: int, *, now: float, retention_days: int
) -> p.StatusFeedReply:
    """The statuses after *after*, in ``seq`` order, set within the retention time."""
    query = (
        sa.select(
            statuses.c.seq,
            statuses.c.key,
            statuses.c.office,
            statuses.c.status,
            statuses.c.status_on,
        )
        .where(statuses.c.seq > after, statuses.c.set_at >= now - retention_days * 86400.0)
        .order_by(statuses.c.seq)
        .limit(limit + 1)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    page = rows[:limit]
    items = [record for record in map(_record, page) if record is not None]
    if len(items) < len(page):
        log.warning(
            "%d status row(s) this server cannot serve were skipped", len(page) - len(items)
        )
    # past every row read, served or not: a row no terminal can read never holds them up
    return p.StatusFeedReply(
        items=items, next=page[-1].seq if page else after, more=len(rows) > limit
    )


def _record(row: Any) -> p.StatusRecord | None:
    """The row as the feed serves it; None for one this server cannot (a status a newer
    server sharing the database knows, a row edited by hand)."""
    try:
        return p.StatusRecord(
            seq=row.seq,
            key=row.key,
            office=row.office,
            status=row.status,
            on=dt.date.fromisoformat(row.status_on),
        )
    except ValueError:  # pydantic's ValidationError is one
        return None


def counts(engine: Engine) -> dict[str, dict[str, int]]:
    """Per office, how many of its applications have each status (for admins)."""
    query = sa.select(statuses.c.office, statuses.c.status, sa.func.count()).group_by(
        statuses.c.office, statuses.c.status
    )
    found: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for office, status, count in conn.execute(query).all():
            found.setdefault(office, {})[status] = int(count)
    return found
