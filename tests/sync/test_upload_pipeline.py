"""Batches on the way two at a time and the next one made ready meanwhile, against a
real server through a proxy: both sides work at once, never more requests at once than
allowed, answers recorded in order, and every item taken is settled, released or put
back untouched. One request at a time (``in_flight=1``) keeps the same promises."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.store import Store, StoreError
from kiosk.store.outbox import OutboxItem, OutboxState
from sync import protocol as p
from sync.client.transport import DeviceTransport, ServerBusyError
from sync.client.worker import OutboxSync, SyncSettings
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens
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


def sending_now(store: Store) -> int:
    """Items marked ``sending``, read the way another process would: its own connection."""
    with sqlite3.connect(f"file:{store.path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT count(*) FROM outbox WHERE state = 'sending'").fetchone()
    return int(row[0])


class CountingTransport(DeviceTransport):
    """The real transport on a slow link (each batch takes *delay* seconds before it
    reaches the server), noting how many batch requests are on the way at once, how
    many items each carried, and how many items the store had ``sending`` by the time
    each reached the server."""

    def __init__(self, url: str, token: str, store: Store, delay: float) -> None:
        super().__init__(url, token, timeout=10)
        self.store = store
        self.delay = delay
        self.lock = threading.Lock()
        self.on_the_way = 0
        self.most_at_once = 0
        self.sizes: list[int] = []
        self.sending_seen: list[int] = []

    def post_batch(self, body: bytes) -> p.BatchReply:
        with self.lock:
            self.on_the_way += 1
            self.most_at_once = max(self.most_at_once, self.on_the_way)
            self.sizes.append(len(json.loads(body)["items"]))
        try:
            time.sleep(self.delay)  # the terminal has long taken its next batch by now
            self.sending_seen.append(sending_now(self.store))
            return super().post_batch(body)
        finally:
            with self.lock:
                self.on_the_way -= 1


@pytest.mark.parametrize(
    ("in_flight", "sending_seen"),
    [
        # the batch on the way and the next one, ready; the last has nothing behind it
        (1, [6, 6, 3]),
        # two on the way and the third ready: all nine are taken before the first answer
        (2, [9, 9, 3]),
    ],
)
def test_the_next_batch_is_ready_while_others_are_on_the_way(
    server: EmbeddedServer,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
    in_flight: int,
    sending_seen: list[int],
) -> None:
    fill_outbox(store, 9, "jobcenter")
    transport = CountingTransport(server.url, tokens.device, store, delay=0.3)
    settings = SyncSettings(max_items=3, in_flight=in_flight)
    try:
        report = OutboxSync(store, transport, settings=settings).run_pass()
    finally:
        transport.close()
    assert report.ok and report.sent == 9 and report.stored == 9
    assert transport.sending_seen == sending_seen
    assert transport.most_at_once == in_flight and transport.sizes == [3, 3, 3]
    assert store.outbox.counts_by_state() == {OutboxState.DONE: 9}


def test_a_batch_made_ready_but_never_sent_goes_back_untouched(
    server: EmbeddedServer, tokens: Tokens, store: Store, fill_outbox: Fill
) -> None:
    items = fill_outbox(store, 9, "jobcenter")
    faults = ["pass", "503"]

    def second_busy(request_line: bytes) -> str:
        if b"/applications/batch" in request_line and faults:
            return faults.pop(0)
        return "pass"

    proxy = FaultProxy(lambda: server.port, second_busy)
    transport = DeviceTransport(proxy.url, tokens.device, timeout=10)
    settings = SyncSettings(max_items=3, in_flight=1)
    try:
        report = OutboxSync(store, transport, settings=settings).run_pass()
    finally:
        transport.close()
        proxy.close()
    assert not report.ok and report.stored == 3
    assert store.outbox.counts_by_state() == {OutboxState.DONE: 3, OutboxState.PENDING: 6}
    waiting = {i.id: i for i in store.outbox.in_state(OutboxState.PENDING)}
    tried, untouched = [items[i].id for i in (3, 4, 5)], [items[i].id for i in (6, 7, 8)]
    assert all(waiting[i].attempts == 1 and waiting[i].last_error for i in tried)
    assert all(waiting[i].attempts == 0 and waiting[i].last_error is None for i in untouched)


class FirstAnswerEmpty(DeviceTransport):
    """A server that answers the first batch with no result for any item (a fault of
    its own); every later batch goes to the real server."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token, timeout=10)
        self.calls = 0

    def post_batch(self, body: bytes) -> p.BatchReply:
        self.calls += 1
        if self.calls == 1:
            time.sleep(0.2)  # the next batch is made ready, and goes out, meanwhile
            return p.BatchReply(results=[])
        return super().post_batch(body)


def test_a_batch_on_the_way_when_the_pass_stops_is_still_recorded(
    server: EmbeddedServer, tokens: Tokens, store: Store, fill_outbox: Fill
) -> None:
    """An answer without a result for any item stops the pass; the batch already on its
    way by then is answered and recorded, not left ``sending`` for the next pass."""
    fill_outbox(store, 6, "jobcenter")
    transport = FirstAnswerEmpty(server.url, tokens.device)
    settings = SyncSettings(max_items=3, in_flight=1)
    try:
        report = OutboxSync(store, transport, settings=settings).run_pass()
    finally:
        transport.close()
    assert report.error == "the server answered without a result for any item"
    assert transport.calls == 2
    assert store.outbox.counts_by_state() == {OutboxState.DONE: 3, OutboxState.PENDING: 3}


class SecondRequestBreaks(DeviceTransport):
    """A fault of the program itself (not of the network) on the second batch."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token, timeout=10)
        self.calls = 0

    def post_batch(self, body: bytes) -> p.BatchReply:
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("a fault of the program")
        return super().post_batch(body)


@pytest.mark.parametrize(
    ("in_flight", "attempts_waiting"),
    [
        # the batch that broke waits with its attempt counted, the one made ready untouched
        (1, {3: 1, 4: 1, 5: 1, 6: 0, 7: 0, 8: 0}),
        # the third batch was on the way beside the broken one: it is stored and recorded
        (2, {3: 1, 4: 1, 5: 1}),
    ],
)
def test_a_fault_of_the_program_leaves_nothing_sending(
    server: EmbeddedServer,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
    in_flight: int,
    attempts_waiting: dict[int, int],
) -> None:
    """The fault is raised, not hidden; the batch that went out first is recorded."""
    items = fill_outbox(store, 9, "jobcenter")
    transport = SecondRequestBreaks(server.url, tokens.device)
    settings = SyncSettings(max_items=3, in_flight=in_flight)
    try:
        with pytest.raises(RuntimeError, match="a fault of the program"):
            OutboxSync(store, transport, settings=settings).run_pass()
    finally:
        transport.close()
    waiting = {i.id: i.attempts for i in store.outbox.in_state(OutboxState.PENDING)}
    assert waiting == {items[n].id: tries for n, tries in attempts_waiting.items()}
    assert store.outbox.counts_by_state() == {
        OutboxState.DONE: 9 - len(attempts_waiting),
        OutboxState.PENDING: len(attempts_waiting),
    }


class SecondRequestBusy(DeviceTransport):
    """The first batch takes its time at the real server; the second, sent meanwhile,
    finds the server busy (503); every later one goes to the real server."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token, timeout=10)
        self.lock = threading.Lock()
        self.calls = 0

    def post_batch(self, body: bytes) -> p.BatchReply:
        with self.lock:
            self.calls += 1
            call = self.calls
        if call == 1:
            time.sleep(0.2)
        if call == 2:
            raise ServerBusyError("the server is busy", retry_after=5)
        return super().post_batch(body)


def test_a_busy_answer_beside_another_request_loses_nothing(
    server: EmbeddedServer, tokens: Tokens, store: Store, fill_outbox: Fill
) -> None:
    """Two on the way, the second refused as busy: the first is recorded, the one that
    went out after it is recorded too, the busy one waits with its attempt counted, the
    one made ready goes back untouched, and the next pass sends smaller batches."""
    items = fill_outbox(store, 12, "jobcenter")
    transport = SecondRequestBusy(server.url, tokens.device)
    sync = OutboxSync(store, transport, settings=SyncSettings(max_items=3, in_flight=2))
    try:
        report = sync.run_pass()
    finally:
        transport.close()
    assert report.error == "the server is busy" and report.retry_after == 5
    assert report.stored == 6 and transport.calls == 3
    waiting = {i.id: i.attempts for i in store.outbox.in_state(OutboxState.PENDING)}
    assert waiting == {items[n].id: 1 if n < 6 else 0 for n in range(3, 6)} | {
        items[n].id: 0 for n in range(9, 12)
    }
    done = {i.id for i in store.outbox.in_state(OutboxState.DONE)}
    assert done == {items[n].id for n in (0, 1, 2, 6, 7, 8)}
    assert sync.max_items == 1


def test_a_store_fault_while_a_batch_is_on_the_way_still_records_its_answer(
    server: EmbeddedServer,
    tokens: Tokens,
    store: Store,
    fill_outbox: Fill,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill_outbox(store, 6, "jobcenter")
    take_batch = store.outbox.take_batch
    calls = 0

    def second_take_fails(max_items: int, max_bytes: int) -> list[OutboxItem]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise StoreError("busy", "the disk did not answer")
        return take_batch(max_items, max_bytes)

    monkeypatch.setattr(store.outbox, "take_batch", second_take_fails)
    transport = DeviceTransport(server.url, tokens.device, timeout=10)
    try:
        with pytest.raises(StoreError):
            OutboxSync(store, transport, settings=SyncSettings(max_items=3)).run_pass()
    finally:
        transport.close()
    assert store.outbox.counts_by_state() == {OutboxState.DONE: 3, OutboxState.PENDING: 3}
