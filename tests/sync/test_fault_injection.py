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
from kiosk.store.outbox import OutboxItem
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


def sync_until_done(home: Path, store: Store, n: int, *, max_items: int, seed: int) -> None:
    """The product's background loop, quick on its feet, until all *n* are done (or 5 min)."""
    settings = SyncSettings(
        max_items=max_items,
        idle_interval=0.02,
        heartbeat_interval=0.0,
        backoff_base=0.02,
        backoff_cap=0.3,
        timeout=5.0,
    )
    loop = SyncLoop(home, settings=settings, rng=random.Random(seed))
    loop.start()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if store.outbox.counts_by_state() == {"done": n}:
                break
            time.sleep(0.1)
    finally:
        loop.stop()


def office_view(url: str, token: str, sent: dict[str, str]) -> dict[str, int]:
    """How often each application is in the office's inbox, each checked byte for byte."""
    received: dict[str, int] = {}
    with httpx.Client(base_url=f"{url}{p.API}", headers=bearer(token)) as client:
        offset = 0
        while page := client.get(
            "/inbox/applications",
            params={"include_acknowledged": True, "limit": 500, "offset": offset},
        ).json()["applications"]:
            offset += len(page)
            for entry in page:
                received[entry["id"]] = received.get(entry["id"], 0) + 1
                body = client.get(f"/inbox/applications/{entry['id']}").json()
                assert body["payload"] == sent[entry["id"]], "bytes differ"
    return received


@pytest.mark.slow
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
    sync_until_done(home, store, N_APPLICATIONS, max_items=40, seed=3)
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
        received.update(office_view(server_process.url, token, sent))
    assert set(received) == set(sent)
    assert set(received.values()) == {1}
    store.close()
