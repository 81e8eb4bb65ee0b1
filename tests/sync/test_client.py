"""The terminal's sync client against a real server, through a proxy that misbehaves on cue."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from kiosk.store import Store
from kiosk.store.outbox import OutboxItem
from sync import protocol as p
from sync.client.backoff import Backoff
from sync.client.credential import DeviceCredential, save_credential
from sync.client.transport import DeviceTransport, retry_after
from sync.client.worker import OutboxSync, SyncLoop, SyncSettings
from sync.server import accounts
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer, sealed_application
from tests.sync.faultproxy import FaultProxy

Fill = Callable[[Store, int, str], list[OutboxItem]]


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The client does not care about the server's backend; SQLite keeps these fast."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "terminal" / "kiosk.sqlite3")
    yield s
    s.close()


MakeSync = Callable[..., OutboxSync]


@pytest.fixture
def make_sync() -> Iterator[MakeSync]:
    made: list[DeviceTransport] = []

    def make(url: str, token: str, store: Store, **settings: int) -> OutboxSync:
        made.append(DeviceTransport(url, token, timeout=10))
        return OutboxSync(store, made[-1], settings=SyncSettings(**settings))

    yield make
    for transport in made:
        transport.close()


def server_ids(engine: Engine) -> list[str]:
    from sqlalchemy import select

    from sync.server.db import applications

    with engine.connect() as conn:
        return sorted(conn.execute(select(applications.c.id)).scalars())


def scripted(*faults: str) -> Callable[[bytes], str]:
    """Faults for the batch requests in order, then 'pass'; other requests pass."""
    queue = list(faults)

    def choose(request_line: bytes) -> str:
        if b"/applications/batch" in request_line and queue:
            return queue.pop(0)
        return "pass"

    return choose


def test_everything_is_sent_and_payloads_stay_until_the_office_has_them(
    make_sync: MakeSync,
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
) -> None:
    items = fill_outbox(store, 7, "jobcenter")
    sync = make_sync(server.url, tokens.device, store, max_items=3)
    report = sync.run_pass()
    assert report.ok and report.sent == 7 and report.stored == 7
    assert store.outbox.counts_by_state() == {"done": 7}
    for item in items:
        kept = store.outbox.get(item.reference)
        assert kept is not None and kept.payload == item.payload and kept.sent_at is not None
    assert server_ids(engine) == sorted(i.id for i in items)
    sync.heartbeat()
    terminals = httpx.get(
        f"{server.url}{p.API}/admin/terminals", headers=bearer(tokens.admin)
    ).json()["terminals"]
    assert terminals[0]["outbox"] == {"done": 7}


@pytest.mark.parametrize("fault", ["html_200", "json_200", "502", "drop_before", "html_413"])
def test_a_failed_request_leaves_every_item_pending(
    make_sync: MakeSync,
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
    fault: str,
) -> None:
    fill_outbox(store, 3, "jobcenter")
    proxy = FaultProxy(lambda: server.port, lambda line: fault if b"batch" in line else "pass")
    report = make_sync(proxy.url, tokens.device, store).run_pass()
    assert not report.ok and report.stored == 0
    if fault.endswith("_200"):
        assert "not the kiosk protocol" in (report.error or "") or "login page" in (
            report.error or ""
        )
    assert store.outbox.counts_by_state() == {"pending": 3}
    assert all(i.attempts == 1 and i.last_error for i in store.outbox.in_state("pending"))
    assert server_ids(engine) == []
    proxy.close()


def test_an_answer_lost_after_the_server_stored_is_a_duplicate_next_time(
    make_sync: MakeSync,
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
) -> None:
    items = fill_outbox(store, 3, "jobcenter")
    proxy = FaultProxy(lambda: server.port, scripted("drop_after"))
    sync = make_sync(proxy.url, tokens.device, store)
    first = sync.run_pass()
    assert not first.ok and store.outbox.counts_by_state() == {"pending": 3}
    assert server_ids(engine) == sorted(i.id for i in items)  # stored, but the terminal can't know
    second = sync.run_pass()
    assert second.ok and second.stored == 3
    assert store.outbox.counts_by_state() == {"done": 3}
    proxy.close()


@pytest.mark.parametrize(
    ("fault", "at_least"),
    [("503_retry_after", 1.0), ("429_retry_after", 1.0), ("429_retry_after_date", 0.0)],
)
def test_retry_after_reaches_the_backoff(
    make_sync: MakeSync,
    server: EmbeddedServer,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
    fault: str,
    at_least: float,
) -> None:
    fill_outbox(store, 1, "jobcenter")
    proxy = FaultProxy(lambda: server.port, scripted(fault))
    report = make_sync(proxy.url, tokens.device, store).run_pass()
    assert report.retry_after is not None and at_least <= report.retry_after <= 2.0
    backoff = Backoff(base=0.01, cap=0.05, rng=random.Random(1))
    assert backoff.next_delay(report.retry_after) >= report.retry_after
    proxy.close()


def test_an_oversized_item_is_rejected_alone_and_does_not_block_the_queue(
    make_sync: MakeSync,
    engine: Engine,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
    office_keys: Path,
) -> None:
    limits = p.Limits(max_batch_items=50, max_batch_bytes=40_000, max_item_bytes=30_000)
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    big = sealed_application("jobcenter", public, filler=40_000)
    store.outbox.add(big, remove_draft=None)
    small = fill_outbox(store, 4, "jobcenter")
    with EmbeddedServer(engine, limits=limits) as server:
        report = make_sync(server.url, tokens.device, store).run_pass()
    assert report.ok, report.error
    assert store.outbox.counts_by_state() == {"done": 4, "rejected": 1}
    kept = store.outbox.get(big.reference)
    assert kept is not None and kept.payload == big.payload  # never deleted unsent
    assert kept.last_error and "413" in kept.last_error
    assert server_ids(engine) == sorted(i.id for i in small)
    # staff can send it again once the server allows larger items
    assert store.outbox.retry(big.reference)
    assert store.outbox.counts_by_state() == {"done": 4, "pending": 1}


def test_items_left_sending_by_a_crash_go_out_again(
    make_sync: MakeSync,
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
) -> None:
    items = fill_outbox(store, 4, "jobcenter")
    taken = store.outbox.take_batch(10, 10**9)
    assert len(taken) == 4 and store.outbox.counts_by_state() == {"sending": 4}
    report = make_sync(server.url, tokens.device, store).run_pass()  # a new process
    assert report.ok and store.outbox.counts_by_state() == {"done": 4}
    assert server_ids(engine) == sorted(i.id for i in items)


def test_only_a_per_item_answer_settles_an_item(store: Store, fill_outbox: Fill) -> None:
    a, b, c, d = fill_outbox(store, 4, "jobcenter")
    store.outbox.take_batch(10, 10**9)
    store.outbox.settle(
        {a.id: ("accepted", None), b.id: ("conflict", "other content"), c.id: ("rejected", "bad")},
        sent=[a.id, b.id, c.id, d.id],
        now=5.0,
    )
    states = {i.id: store.outbox.get(i.reference) for i in (a, b, c, d)}
    assert states[a.id].state == "done" and states[a.id].payload == a.payload  # type: ignore[union-attr]
    assert states[b.id].state == "conflict" and states[b.id].payload == b.payload  # type: ignore[union-attr]
    assert states[c.id].state == "rejected" and states[c.id].last_error == "bad"  # type: ignore[union-attr]
    assert states[d.id].state == "pending" and states[d.id].payload == d.payload  # type: ignore[union-attr]


def test_a_revoked_terminal_is_refused_and_keeps_its_outbox(
    make_sync: MakeSync,
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
) -> None:
    fill_outbox(store, 2, "jobcenter")
    assert accounts.revoke_device(engine, "terminal-1")
    report = make_sync(server.url, tokens.device, store).run_pass()
    assert report.auth_refused and "revoked" in (report.error or "")
    assert store.outbox.counts_by_state() == {"pending": 2}


def test_backoff_grows_jitters_caps_and_resets() -> None:
    backoff = Backoff(base=1.0, cap=30.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(8)]
    for n, delay in enumerate(delays):
        ceiling = min(30.0, 2.0**n)
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d, 6) for d in delays[-3:]}) == 3  # jittered even at the cap
    backoff.reset()
    assert backoff.next_delay() <= 1.0
    assert backoff.next_delay(retry_after=120) >= 120


def test_retry_after_header_forms() -> None:
    def header(value: str) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": value})

    assert retry_after(header("7")) == 7.0
    assert retry_after(header("Sat, 21 Nov 2026 10:00:30 GMT"), now=1795255200.0) == 30.0
    assert retry_after(header("soon")) is None
    assert retry_after(httpx.Response(503)) is None


def test_the_background_loop_sends_what_visitors_submit(
    server: EmbeddedServer, engine: Engine, tmp_path: Path, fill_outbox: Fill
) -> None:
    home = tmp_path / "terminal"
    store = Store(home / "kiosk.sqlite3")
    device_id, _name, token = accounts.enrol(engine, accounts.issue_enrolment(engine, "bg"))
    save_credential(home, DeviceCredential(server.url, device_id, "bg", token))
    loop = SyncLoop(home, settings=SyncSettings(idle_interval=0.05, heartbeat_interval=0.0))
    loop.start()
    try:
        items = fill_outbox(store, 5, "sozialamt")
        loop.nudge()
        deadline = time.monotonic() + 20
        while store.outbox.counts_by_state() != {"done": 5} and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.stop()
    assert store.outbox.counts_by_state() == {"done": 5}
    assert server_ids(engine) == sorted(i.id for i in items)
    assert store.settings.get("sync.last_error") == ""
    store.close()
