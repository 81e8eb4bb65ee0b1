"""`/health` tells whether the server can store anything, and every 503 names its reason.

A full disk is simulated for real: ``PRAGMA max_page_count`` on every connection of the
server's SQLite stops the file from growing, and SQLite answers SQLITE_FULL exactly as
it does when the disk is full.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import protocol as p
from sync.client.transport import ServerBusyError, raise_for_status
from sync.client.worker import to_wire
from sync.server import health
from sync.server.db import open_engine
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer, enrol_device, sealed_application


def test_health_reports_database_and_disk(server: EmbeddedServer, engine: Engine) -> None:
    answer = httpx.get(f"{server.url}{p.API}/health")
    assert answer.status_code == 200
    found = p.Health.model_validate_json(answer.content)
    assert (found.status, found.database) == ("ok", "ok")
    if engine.dialect.name == "sqlite":
        assert found.disk == "ok" and found.disk_free_bytes is not None
        assert found.disk_free_bytes > health.FULL_BYTES
    else:  # PostgreSQL's disk is not the server's to see
        assert found.disk is None and found.disk_free_bytes is None


def _full_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA max_page_count = 1")  # = the pages the file has now
    cursor.close()


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[tuple[Engine, Tokens]]:
    """A server database that cannot grow by a single page any more."""
    engine = open_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    device_id, device = enrol_device(engine)
    tokens = Tokens(device=device, device_id=device_id, offices={}, admin="")
    sa.event.listen(engine, "connect", _full_on_connect)
    engine.dispose()  # every connection from now on is a full one
    yield engine, tokens
    engine.dispose()


def test_a_full_disk_makes_health_503_with_the_reason(
    full_disk: tuple[Engine, Tokens], office_keys: Path
) -> None:
    engine, tokens = full_disk
    with EmbeddedServer(engine) as server:
        answer = httpx.get(f"{server.url}{p.API}/health")
        assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
        reply = p.ErrorReply.model_validate_json(answer.content)
        assert reply.error == "disk_full" and reply.health is not None
        assert (reply.health.status, reply.health.database) == ("down", "full")

        # storing fails with the same reason, in the reply every terminal reads
        public = (office_keys / "jobcenter.pub.pem").read_bytes()
        items = [
            to_wire(sealed_application("jobcenter", public, filler=20_000)).model_dump(mode="json")
            for _ in range(3)
        ]
        batch = httpx.post(
            f"{server.url}{p.API}/applications/batch",
            json={"items": items},
            headers=bearer(tokens.device),
            timeout=30,
        )
        assert batch.status_code == 503 and batch.json()["error"] == "disk_full"
        assert set(batch.json()) == {"protocol", "error", "message"}
        assert int(batch.headers["Retry-After"]) > 0
        with pytest.raises(ServerBusyError):
            raise_for_status(batch)

        # what needs no writing still works
        assert httpx.get(f"{server.url}{p.API}/info").status_code == 200


def test_a_database_that_is_gone_is_503_database_unavailable(tmp_path: Path) -> None:
    """Even the token check before the body answers with the reason, not a bare 500."""
    folder = tmp_path / "db"
    engine = open_engine(f"sqlite:///{folder / 'server.sqlite3'}")
    _id, device = enrol_device(engine)
    with EmbeddedServer(engine) as server:
        engine.dispose()
        shutil.rmtree(folder)
        answer = httpx.get(f"{server.url}{p.API}/health")
        assert answer.status_code == 503
        reply = p.ErrorReply.model_validate_json(answer.content)
        assert reply.error == "database_unavailable" and reply.health is not None
        assert reply.health.database == "unavailable" and reply.health.status == "down"
        beat = httpx.post(
            f"{server.url}{p.API}/heartbeat", json={"app_version": "1"}, headers=bearer(device)
        )
        assert beat.status_code == 503 and beat.json()["error"] == "database_unavailable"
        assert beat.headers["Retry-After"]
    engine.dispose()


def test_a_low_disk_is_degraded_but_answers_200(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    free = health.free_bytes(Path(str(engine.url.database)).parent)
    report = health.check(engine, low=free * 2, full=1)
    assert report.reason is None
    assert (report.health.status, report.health.disk) == ("degraded", "low")
    report = health.check(engine, low=free * 4, full=free * 2)
    assert report.reason == "disk_full" and report.health.status == "down"
    assert health.disk_state(10, low=100, full=20) == "full"
    assert health.disk_state(50, low=100, full=20) == "low"
    assert health.disk_state(500, low=100, full=20) == "ok"
    engine.dispose()


def test_a_locked_database_is_busy_not_down(tmp_path: Path) -> None:
    """A writer holding the lock (a long publish) makes the check wait at most a second,
    then say ``busy``: degraded, still 200."""
    path = tmp_path / "server.sqlite3"
    engine = open_engine(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        report = health.check(engine)
        assert report.health.database == "busy" and report.health.status == "degraded"
        assert report.reason is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
    assert health.check(open_engine(f"sqlite:///{path}")).health.status == "ok"


def test_database_failures_map_to_reasons(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.commit()
    conn.execute("PRAGMA max_page_count = 1")
    with pytest.raises(sqlite3.OperationalError) as full:
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    conn.close()
    assert health.failure_reason(full.value) == "disk_full"
    wrapped = sa.exc.OperationalError("INSERT", {}, full.value)
    assert health.failure_reason(wrapped) == "disk_full"

    first = sqlite3.connect(path, isolation_level=None)
    second = sqlite3.connect(path, timeout=0, isolation_level=None)
    first.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        second.execute("BEGIN IMMEDIATE")
    first.execute("ROLLBACK")
    first.close()
    second.close()
    assert health.failure_reason(locked.value) == "busy"

    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            super().__init__("could not extend file: No space left on device")
            self.sqlstate = sqlstate

    assert health.failure_reason(PgError("53100")) == "disk_full"
    assert health.failure_reason(PgError("53300")) == "busy"
    assert health.failure_reason(PgError("08006")) == "database_unavailable"
    assert health.failure_reason(RuntimeError("?")) == "database_unavailable"
