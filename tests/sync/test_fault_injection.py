"""2,000 applications through a network that fails in every way a public building's does.

A real server process on 127.0.0.1 (SQLite), a real terminal database, the
product's background sync loop, and between them the fault proxy choosing at
random for every request. The end state is read through the office API: every
application exactly once, byte for byte, nothing left pending on the terminal,
nothing marked done that the server does not have.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.store import Store
from kiosk.store.repositories import OutboxItem
from sync import protocol as p
from sync.client.credential import enrol
from sync.client.worker import SyncLoop, SyncSettings
from tests.sync.conftest import bearer
from tests.sync.faultproxy import FAULTS, FaultProxy
from tests.sync.serverprocess import ServerProcess, admin

N_APPLICATIONS = 2000
MAX_RESTARTS = 4


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path / "server.sqlite3", tmp_path / "server.log")
    server.start()
    yield server
    server.stop()


def random_faults(seed: int) -> Callable[[bytes], str]:
    rng = random.Random(seed)
    restarts = 0
    faults = [f for f in FAULTS if f != "pass"]

    def choose(_line: bytes) -> str:
        nonlocal restarts
        if rng.random() < 0.45:
            return "pass"
        fault = rng.choice(faults)
        if fault == "restart":
            if restarts >= MAX_RESTARTS:
                return "pass"
            restarts += 1
        return fault

    return choose


def test_two_thousand_applications_arrive_exactly_once(
    tmp_path: Path,
    server_process: ServerProcess,
    fill_outbox: Callable[[Store, int, str], list[OutboxItem]],
) -> None:
    home = tmp_path / "terminal"
    store = Store(home / "kiosk.sqlite3")
    sent: dict[str, str] = {}
    for office, n in (("jobcenter", N_APPLICATIONS // 2), ("sozialamt", N_APPLICATIONS // 2)):
        for item in fill_outbox(store, n, office):
            assert item.payload is not None
            sent[item.id] = item.payload
    assert store.outbox.counts_by_state() == {"pending": N_APPLICATIONS}

    proxy = FaultProxy(
        lambda: server_process.port, random_faults(seed=20261121), restart=server_process.restart
    )
    enrol(home, proxy.url, admin(server_process, "enroll-device", "fault-test"))
    settings = SyncSettings(
        max_items=40,
        idle_interval=0.02,
        heartbeat_interval=0.0,
        backoff_base=0.02,
        backoff_cap=0.3,
        timeout=5.0,
    )
    loop = SyncLoop(home, settings=settings, rng=random.Random(3))
    loop.start()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if store.outbox.counts_by_state() == {"done": N_APPLICATIONS}:
                break
            time.sleep(0.1)
    finally:
        loop.stop()
        proxy.close()

    # every kind of trouble happened at least once
    assert set(proxy.seen) == set(FAULTS), proxy.seen
    assert store.outbox.counts_by_state() == {"done": N_APPLICATIONS}
    # kept until the office has them (a restored server gets them again)
    assert all(i.payload for i in store.outbox.in_state("done", limit=N_APPLICATIONS))

    # the office's view, straight from the server
    received: dict[str, int] = {}
    for office in ("jobcenter", "sozialamt"):
        token = admin(server_process, "office-token", office)
        with httpx.Client(base_url=f"{server_process.url}{p.API}", headers=bearer(token)) as c:
            offset = 0
            while True:
                page = c.get(
                    "/inbox/applications",
                    params={"include_acknowledged": True, "limit": 500, "offset": offset},
                ).json()["applications"]
                if not page:
                    break
                offset += len(page)
                for entry in page:
                    received[entry["id"]] = received.get(entry["id"], 0) + 1
                    body = c.get(f"/inbox/applications/{entry['id']}").json()
                    assert body["payload"] == sent[entry["id"]], "bytes differ"
    assert set(received) == set(sent)
    assert set(received.values()) == {1}
    store.close()
