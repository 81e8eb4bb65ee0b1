"""Two server processes on one PostgreSQL, behind a round-robin that fails in every way.

That is how a city grows the central server: more API processes, one database.
The server keeps no state of its own in a process, so requests of one terminal
may land on either, and either may be killed mid-request; every application
still arrives exactly once, byte for byte.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.store import Store
from kiosk.store.outbox import OutboxItem
from sync.client.credential import enrol, save_credential
from tests.pgcluster import PostgresCluster
from tests.sync.faultproxy import FAULTS, FaultProxy
from tests.sync.serverprocess import ServerProcess, admin
from tests.sync.test_fault_injection import office_view, random_faults, sync_until_done

N_APPLICATIONS = 600


@pytest.fixture
def two_servers(postgres: PostgresCluster, tmp_path: Path) -> Iterator[list[ServerProcess]]:
    url = postgres.new_database()
    servers = [
        ServerProcess(url, tmp_path / f"server-{n}.log")  # type: ignore[arg-type]
        for n in range(2)
    ]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


@pytest.mark.slow
def test_every_application_arrives_once_through_two_servers(
    tmp_path: Path,
    two_servers: list[ServerProcess],
    fill_outbox: Callable[[Store, int, str], list[OutboxItem]],
) -> None:
    home = tmp_path / "terminal"
    store = Store(home / "kiosk.sqlite3")
    sent = {i.id: i.payload for i in fill_outbox(store, N_APPLICATIONS, "jobcenter")}
    turns = itertools.cycle(two_servers)
    lock = threading.Lock()
    last: list[ServerProcess] = [two_servers[0]]

    def next_port() -> int:  # round robin, as a load balancer in front of both would
        with lock:
            last[0] = next(turns)
            return last[0].port

    def restart_one() -> None:
        last[0].restart()

    proxy = FaultProxy(next_port, random_faults(seed=20261207), restart=restart_one)
    # enrolled at one server directly (a dropped one-time token would be spent), then the
    # terminal talks to the round robin
    credential = enrol(home, two_servers[0].url, admin(two_servers[0], "enroll-device", "rr"))
    save_credential(home, dataclasses.replace(credential, server=proxy.url))
    try:
        sync_until_done(home, store, N_APPLICATIONS, max_items=25, seed=5)
    finally:
        proxy.close()

    assert set(proxy.seen) == set(FAULTS), proxy.seen
    assert store.outbox.counts_by_state() == {"done": N_APPLICATIONS}
    token = admin(two_servers[1], "office-token", "jobcenter")
    received = office_view(two_servers[1].url, token, sent)  # type: ignore[arg-type]
    assert set(received) == set(sent) and set(received.values()) == {1}
    store.close()
