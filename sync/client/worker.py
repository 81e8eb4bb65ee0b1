"""Moving the outbox to the central server: one pass, and the loop that repeats it.

The outbox is the source of truth. Items go ``pending`` -> ``sending`` before
a request, and only a per-item answer from the server moves them on: stored
(``accepted``/``duplicate``) -> ``done`` with the payload wiped, ``conflict``
or ``rejected`` -> kept for staff. Any failure of the request as a whole puts
its items back to ``pending``; an item left ``sending`` by a crash goes out
again and the server recognises it. Nothing unsent is ever deleted.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from kiosk import __version__
from kiosk.store import Store, StoreError
from kiosk.store.repositories import OutboxItem
from sync import protocol as p
from sync.client.backoff import Backoff
from sync.client.credential import load_credential
from sync.client.status import record_attempt
from sync.client.transport import AuthRefusedError, BatchRefusedError, DeviceTransport, SyncError

log = logging.getLogger("kiosk.sync")


@dataclass(frozen=True)
class SyncSettings:
    max_items: int = p.MAX_BATCH_ITEMS
    max_bytes: int = 8 * 1024 * 1024
    idle_interval: float = 10.0
    heartbeat_interval: float = 60.0
    backoff_base: float = 2.0
    backoff_cap: float = 300.0
    timeout: float = 30.0


@dataclass
class PassReport:
    sent: int = 0
    stored: int = 0
    conflicts: int = 0
    rejected: int = 0
    error: str | None = None
    retry_after: float | None = None
    auth_refused: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def to_wire(item: OutboxItem) -> p.ApplicationIn:
    return p.ApplicationIn(
        id=item.id,
        sha256=item.payload_sha256,
        reference=item.reference,
        form_id=item.form_id,
        form_version=item.form_version,
        office=item.office,
        application_date=item.application_date,
        payload=item.payload or "",
    )


class OutboxSync:
    """One terminal's outbox against one server."""

    def __init__(
        self,
        store: Store,
        transport: DeviceTransport,
        *,
        settings: SyncSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.transport = transport
        self.settings = settings or SyncSettings()
        self.clock = clock
        self.max_items = self.settings.max_items
        self.max_bytes = self.settings.max_bytes
        self._limits_known = False

    def _learn_limits(self) -> None:
        if self._limits_known:
            return
        limits = self.transport.info().limits
        self.max_items = max(1, min(self.max_items, limits.max_batch_items))
        # leave room for the JSON around the payloads
        self.max_bytes = max(1, min(self.max_bytes, limits.max_batch_bytes * 9 // 10))
        self._limits_known = True

    def run_pass(self) -> PassReport:
        """Send everything pending, batch by batch, until done or the first failure."""
        report = PassReport()
        outbox = self.store.outbox
        outbox.requeue_interrupted()
        try:
            self._learn_limits()
            while True:
                batch = outbox.take_batch(self.max_items, self.max_bytes)
                if not batch:
                    break
                if not self._send(batch, report):
                    break
        except SyncError as exc:
            report.error = exc.message
            report.retry_after = exc.retry_after
            report.auth_refused = isinstance(exc, AuthRefusedError)
        report.counts = outbox.counts_by_state()
        record_attempt(self.store, now=self.clock(), error=report.error)
        return report

    def _send(self, batch: list[OutboxItem], report: PassReport) -> bool:
        """Send one batch; False when the pass should stop (no progress possible)."""
        outbox = self.store.outbox
        now = self.clock()
        wire: list[p.ApplicationIn] = []
        outcomes: dict[str, tuple[str, str | None]] = {}
        for item in batch:
            try:
                wire.append(to_wire(item))
            except ValidationError as exc:
                outcomes[item.id] = ("rejected", f"not sendable: {exc.errors()[0]['msg']}")
        ids = [item.id for item in batch]
        if wire:
            try:
                reply = self.transport.send_batch(wire)
            except BatchRefusedError as exc:
                if len(wire) > 1:
                    outbox.release(ids, exc.message)
                    self.max_items = max(1, len(wire) // 2)
                    return True
                outcomes[wire[0].id] = ("rejected", exc.message)
            except SyncError:
                outbox.release(ids, "not sent: the connection failed")
                raise
            else:
                sent = {item.id for item in wire}
                for result in reply.results:
                    if result.id in sent:
                        outcomes.setdefault(result.id, (result.status, result.reason))
        outbox.settle(outcomes, sent=ids, now=now)
        report.sent += len(wire)
        statuses = [status for status, _ in outcomes.values()]
        report.stored += sum(s in ("accepted", "duplicate") for s in statuses)
        report.conflicts += statuses.count("conflict")
        report.rejected += statuses.count("rejected")
        if not outcomes:
            report.error = "the server answered without a result for any item"
            return False
        return True

    def heartbeat(self) -> None:
        from sync.client.status import heartbeat_for

        self.transport.heartbeat(heartbeat_for(self.store, app_version=__version__))


class SyncLoop:
    """The background sync of a running terminal: a plain thread, no Qt.

    It opens its own connection to the terminal's database (SQLite in WAL mode
    lets it write while the kiosk writes), sends what is pending, then waits:
    ``idle_interval`` after success, an exponential backoff after failure, or
    less when :meth:`nudge` says a visitor just submitted.
    """

    def __init__(
        self,
        home: Path,
        *,
        settings: SyncSettings | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.home = home
        self.settings = settings or SyncSettings()
        self._backoff = Backoff(
            base=self.settings.backoff_base, cap=self.settings.backoff_cap, rng=rng
        )
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_report: PassReport | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="kiosk-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def nudge(self) -> None:
        self._wake.set()

    def _wait(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def run(self) -> None:
        last_beat = 0.0
        store: Store | None = None
        while not self._stop.is_set():
            credential = load_credential(self.home)
            if credential is None:
                self._wait(self.settings.idle_interval)
                continue
            try:
                if store is None:
                    store = Store(self.home / "kiosk.sqlite3")
                transport = DeviceTransport(
                    credential.server, credential.token, timeout=self.settings.timeout
                )
                try:
                    sync = OutboxSync(store, transport, settings=self.settings)
                    report = sync.run_pass()
                    self.last_report = report
                    now = time.monotonic()
                    if report.ok and (
                        report.sent or now - last_beat > self.settings.heartbeat_interval
                    ):
                        try:
                            sync.heartbeat()
                            last_beat = now
                        except SyncError as exc:
                            log.info("heartbeat failed: %s", exc.message)
                finally:
                    transport.close()
            except StoreError as exc:
                log.warning("sync paused, the terminal's database is unavailable: %s", exc.kind)
                self._wait(self._backoff.next_delay())
                continue
            if report.ok:
                self._backoff.reset()
                self._wait(self.settings.idle_interval)
            else:
                log.info("sync failed: %s", report.error)
                delay = self._backoff.next_delay(report.retry_after)
                if report.auth_refused:
                    delay = self.settings.backoff_cap
                self._wait(delay)
        if store is not None:
            store.close()
