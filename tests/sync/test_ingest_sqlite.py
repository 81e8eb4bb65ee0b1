"""SQLite's way of storing a batch: the write lock first, then the new rows in multi-row
statements that never exceed the parameter limit of the SQLite at hand (999 before
3.32), with every answer as truthful as on PostgreSQL."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import protocol as p
from sync.server import ingest
from sync.server.db import applications, conflicts, open_engine
from tests.sync.test_server_api import wire

#: small enough that a batch of a few items needs several statements
VARIABLE_LIMIT = 30
ROWS_PER_STATEMENT = VARIABLE_LIMIT // len(ingest.ROW_COLUMNS)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A server database whose connections allow only VARIABLE_LIMIT parameters."""
    engine = open_engine(str(tmp_path / "server.sqlite3"))

    def small_limit(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, VARIABLE_LIMIT)

    sa.event.listen(engine, "connect", small_limit)
    engine.dispose()  # connections made before the listener go
    yield engine
    engine.dispose()


def items_of(dicts: list[dict[str, Any]]) -> list[p.ApplicationIn]:
    return [p.ApplicationIn.model_validate(d) for d in dicts]


def inserts_seen(engine: Engine) -> list[tuple[str, int]]:
    """Every INSERT into applications from now on: (statement, parameter count)."""
    seen: list[tuple[str, int]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.startswith("INSERT INTO applications"):
            seen.append((statement, len(parameters)))

    sa.event.listen(engine, "before_cursor_execute", note)
    return seen


def stored_rows(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {row["id"]: dict(row) for row in conn.execute(sa.select(applications)).mappings()}


def test_the_row_columns_are_the_tables_and_the_rows(office_keys: Path) -> None:
    item = items_of([wire("jobcenter", office_keys)])[0]
    # the SQLite insert takes the values by these names, in this order: a key of the row
    # that were not among them would be left out without a word
    assert tuple(ingest.application_row(item, "device-1", 1.0)) == ingest.ROW_COLUMNS
    assert set(ingest.ROW_COLUMNS) <= set(applications.columns.keys())
    assert len(set(ingest.ROW_COLUMNS)) == len(ingest.ROW_COLUMNS)
    # every column a new row must fill is among them
    required = {c.name for c in applications.columns if not c.nullable and c.default is None}
    assert required <= set(ingest.ROW_COLUMNS)


def test_a_batch_goes_in_within_the_parameter_limit_and_every_row_is_whole(
    engine: Engine, office_keys: Path
) -> None:
    sent = [wire("jobcenter", office_keys) for _ in range(7)]
    seen = inserts_seen(engine)
    results = ingest.store_batch(engine, "device-1", items_of(sent), now=1_700_000_000.0)
    assert [(r.id, r.status) for r in results] == [(d["id"], "accepted") for d in sent]
    assert len(seen) == math.ceil(len(sent) / ROWS_PER_STATEMENT)
    assert all(count <= VARIABLE_LIMIT for _, count in seen)
    rows = stored_rows(engine)
    assert set(rows) == {d["id"] for d in sent}
    for d in sent:
        row = rows[d["id"]]
        assert (row["sha256"], row["payload"], row["reference"]) == (
            d["sha256"],
            d["payload"],
            d["reference"],
        )
        assert (row["office"], row["form_id"], row["form_version"]) == (
            d["office"],
            d["form_id"],
            d["form_version"],
        )
        assert row["application_date"] == d["application_date"]
        assert row["status_key"] == d.get("status_key")
        assert (row["device_id"], row["received_at"]) == ("device-1", 1_700_000_000.0)
        assert row["size"] == len(d["payload"]) and row["acknowledged_at"] is None


def test_stored_ids_copies_and_conflicts_are_told_apart_across_statements(
    engine: Engine, office_keys: Path
) -> None:
    first = [wire("jobcenter", office_keys) for _ in range(4)]
    ingest.store_batch(engine, "device-1", items_of(first[:2]), now=1.0)
    other = wire("jobcenter", office_keys, id=first[1]["id"], reference=first[1]["reference"])
    batch = [first[0], other, first[2], first[2], first[3]]
    results = ingest.store_batch(engine, "device-2", items_of(batch), now=2.0)
    assert [r.status for r in results] == [
        "duplicate",  # stored by the batch before
        "conflict",  # the same id with other content: the first version stays
        "accepted",
        "duplicate",  # the second copy in the same batch
        "accepted",
    ]
    rows = stored_rows(engine)
    assert {i: r["sha256"] for i, r in rows.items()} == {d["id"]: d["sha256"] for d in first}
    assert rows[first[2]["id"]]["device_id"] == "device-2"
    with engine.connect() as conn:
        kept = conn.execute(sa.select(conflicts.c.application_id, conflicts.c.sha256)).all()
    assert kept == [(other["id"], other["sha256"])]


def test_a_batch_with_more_ids_than_parameters_is_judged_whole(
    engine: Engine, office_keys: Path
) -> None:
    """More ids than one statement may carry (an old SQLite allows 999, a batch has up to
    1,000): the stored ones are looked up in parts too, and each answer is right."""
    sent = [wire("jobcenter", office_keys) for _ in range(VARIABLE_LIMIT + 5)]
    early = sent[::4]
    ingest.store_batch(engine, "device-1", items_of(early), now=1.0)
    results = ingest.store_batch(engine, "device-1", items_of(sent), now=2.0)
    earlier = {d["id"] for d in early}
    assert [(r.id, r.status) for r in results] == [
        (d["id"], "duplicate" if d["id"] in earlier else "accepted") for d in sent
    ]
    assert set(stored_rows(engine)) == {d["id"] for d in sent}
