"""A server restored from a backup forgets what it confirmed; the terminals make it whole again.

The scenario: 150 applications reach the server, its database is backed up, 150
more arrive, the backup is restored. Terminals still hold every sealed payload
their office has not taken, so the next sync finds the 150 the server lost,
sends them again and says so (terminal status, server fleet view, a log line);
the office ends with all 300, each once. Then the office's acknowledgement lets
the terminal drop the payloads.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import Engine

from kiosk.store import Store
from kiosk.store.outbox import OutboxItem
from sync.client.delivery import last_gap
from sync.client.office import OfficeClient
from sync.client.transport import DeviceTransport
from sync.client.worker import OutboxSync, PassReport
from sync.server import accounts
from sync.server.db import open_engine
from sync.server.embedded import EmbeddedServer
from sync.server.fleet import terminals
from tests.pgcluster import PostgresCluster
from tests.sync.conftest import enrol_device


class Backend:
    """One server database that can be backed up and restored, as an operator would."""

    def __init__(self, url: str, backup: Callable[[], None], restore: Callable[[], None]) -> None:
        self.url, self.backup, self.restore = url, backup, restore


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        live, saved = tmp_path / "server.sqlite3", tmp_path / "backup.sqlite3"
        return Backend(
            f"sqlite:///{live}",
            lambda: shutil.copyfile(live, saved),
            lambda: shutil.copyfile(saved, live),
        )
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    name, copy = f"kiosk_{uuid.uuid4().hex[:10]}", f"kiosk_{uuid.uuid4().hex[:10]}"

    def admin(*statements: str) -> None:
        with psycopg.connect(f"{cluster.url}/postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    admin(f"CREATE DATABASE {name}")
    return Backend(
        f"{cluster.url}/{name}",
        lambda: admin(f"CREATE DATABASE {copy} TEMPLATE {name}"),
        lambda: admin(f"DROP DATABASE {name}", f"CREATE DATABASE {name} TEMPLATE {copy}"),
    )


@contextmanager
def serving(url: str) -> Iterator[tuple[Engine, EmbeddedServer]]:
    engine = open_engine(url)
    try:
        with EmbeddedServer(engine) as server:
            yield engine, server
    finally:
        engine.dispose()  # no connection may stay open across a backup or a restore


def sync_once(store: Store, url: str, token: str) -> PassReport:
    transport = DeviceTransport(url, token)
    try:
        return OutboxSync(store, transport).run_pass(check_delivery=True)
    finally:
        transport.close()


def test_a_restored_server_gets_back_what_it_lost_and_says_so(
    backend: Backend,
    tmp_path: Path,
    office_keys: Path,
    fill_outbox: Callable[[Store, int, str], list[OutboxItem]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = Store(tmp_path / "terminal" / "kiosk.sqlite3")
    first = fill_outbox(store, 150, "jobcenter")
    with serving(backend.url) as (engine, server):
        _, token = enrol_device(engine)
        office_token = accounts.issue_token(engine, "office", "jobcenter")
        assert sync_once(store, server.url, token).stored == 150
    backend.backup()
    second = fill_outbox(store, 150, "jobcenter")
    with serving(backend.url) as (engine, server):
        assert sync_once(store, server.url, token).stored == 150
    assert store.outbox.counts_by_state() == {"done": 300}
    backend.restore()

    caplog.set_level(logging.WARNING)
    with serving(backend.url) as (engine, server):
        report = sync_once(store, server.url, token)
        assert report.delivery is not None and report.delivery.missing == 150
        assert report.stored == 150  # sent again in the same pass
        fleet = terminals(engine)
        assert fleet[0].held == 300 and fleet[0].gap_missing == 150
        office = OfficeClient(server.url, office_token)
        key = (office_keys / "jobcenter.key.pem").read_bytes()
        filed = office.fetch(key, tmp_path / "inbox")
        office.close()
        assert sorted(filed.written) == sorted(i.reference for i in first + second)
        assert len(list((tmp_path / "inbox").glob("*.pdf"))) == 300  # each once

        report = sync_once(store, server.url, token)
        assert report.delivery is not None and report.delivery.at_office == 300
    assert "150 application(s) this server had confirmed are missing" in caplog.text
    gap = last_gap(store)
    assert gap is not None and gap["missing"] == 150
    assert store.outbox.counts_by_state() == {"at_office": 300}
    kept = store.db.execute("SELECT count(*) FROM outbox_payloads").fetchone()[0]
    assert kept == 0  # the office has them all: no sealed payload stays on the terminal
    store.close()


def test_payloads_go_after_the_retention_time_even_without_the_office(
    tmp_path: Path, fill_outbox: Callable[[Store, int, str], list[OutboxItem]]
) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    fill_outbox(store, 3, "jobcenter")
    engine = open_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    _, token = enrol_device(engine)
    with EmbeddedServer(engine) as server:
        sync_once(store, server.url, token)
        kept = "SELECT count(*) FROM outbox_payloads"
        assert store.db.execute(kept).fetchone()[0] == 3  # the office has not taken them
        store.settings.set("outbox.retention_days", "1")
        transport = DeviceTransport(server.url, token)
        sync = OutboxSync(store, transport, clock=lambda: 4e9)
        report = sync.run_pass(check_delivery=True)
        transport.close()
    engine.dispose()
    assert report.delivery is not None and report.delivery.dropped == 3
    assert store.db.execute(kept).fetchone()[0] == 0
    assert store.outbox.counts_by_state() == {"done": 3}
    store.close()


def test_a_terminal_learns_nothing_about_another_terminals_applications(
    engine: Engine,
    server: EmbeddedServer,
    tmp_path: Path,
    fill_outbox: Callable[[Store, int, str], list[OutboxItem]],
) -> None:
    mine, theirs = Store(tmp_path / "a.sqlite3"), Store(tmp_path / "b.sqlite3")
    _, token_a = enrol_device(engine, "eg-a")
    _, token_b = enrol_device(engine, "eg-b")
    items = fill_outbox(theirs, 2, "jobcenter")
    sync_once(theirs, server.url, token_b)
    transport = DeviceTransport(server.url, token_a)
    reply = transport.delivery([i.id for i in items])
    transport.close()
    assert {r.status for r in reply.results} == {"missing"}
    mine.close()
    theirs.close()
