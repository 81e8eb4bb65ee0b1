"""Moving the outbox to the central server: one pass, and the loop that repeats it.

The outbox is the source of truth. Items go ``pending`` -> ``sending`` before
a request, and only a per-item answer from the server moves them on: stored
(``accepted``/``duplicate``) -> ``done`` with the payload wiped, ``conflict``
or ``rejected`` -> kept for staff. Any failure of the request as a whole puts
its items back to ``pending``; an item left ``sending`` by a crash goes out
again and the server recognises it. Nothing unsent is ever deleted.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kiosk import __version__
from kiosk.catalog.install import CatalogInstaller
from kiosk.store import Store, StoreError
from kiosk.store.outbox import OutboxItem
from sync import protocol as p
from sync.client import delivery
from sync.client.backoff import Backoff
from sync.client.catalog_pull import PullResult, installer_for, pull_catalog
from sync.client.credential import load_credential
from sync.client.status import heartbeat_delivered, heartbeat_for, record_attempt
from sync.client.status_feed import FeedPull, cursor, pull_statuses
from sync.client.tls import TLSSettingsError
from sync.client.transport import AuthRefusedError, DeviceTransport, SyncError
from sync.client.upload import BatchLimits, UploadCounts, upload

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
    #: how often to ask the server about applications it confirmed (see delivery.py)
    delivery_interval: float = 300.0
    #: gzip each batch (see DeviceTransport): for a slow or metered link only
    compress: bool = False
    #: batch requests on the way at once, each on a keep-alive connection of its own:
    #: the server reads and checks one while it stores the other, and a slow link's
    #: round trip is paid once for two batches
    in_flight: int = 2


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
    delivery: delivery.DeliveryCheck | None = None
    delivery_error: str | None = None
    statuses: FeedPull | None = None
    status_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def to_wire(item: OutboxItem, *, status_key: bool = True) -> p.ApplicationIn:
    """The item as it goes up; *status_key* False leaves its key out, for a server from
    before statuses (it would refuse the field)."""
    return p.ApplicationIn(
        id=item.id,
        sha256=item.payload_sha256,
        reference=item.reference,
        form_id=item.form_id,
        form_version=item.form_version,
        office=item.office,
        application_date=item.application_date,
        payload=item.payload or "",
        status_key=item.status_key if status_key else None,
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
        #: whether the server has the status feed (and takes status keys); None: not
        #: known yet, asked before the first batch
        self.status_feed: bool | None = None

    def _learn_limits(self) -> None:
        if self._limits_known:
            return
        limits = self.transport.info().limits
        self.max_items = max(1, min(self.max_items, limits.max_batch_items))
        # leave room for the JSON around the payloads
        self.max_bytes = max(1, min(self.max_bytes, limits.max_batch_bytes * 9 // 10))
        self._limits_known = True

    def run_pass(self, *, check_delivery: bool | None = None) -> PassReport:
        """Send everything pending, batch by batch, until done or the first failure.

        First, when due (or when *check_delivery* says so), ask the server about the
        applications it confirmed: what it lost goes out again in this very pass.
        """
        report = PassReport()
        outbox = self.store.outbox
        outbox.requeue_interrupted()
        try:
            self._learn_limits()
            now = self.clock()
            if check_delivery or (
                check_delivery is None
                and delivery.due(self.store, now=now, interval=self.settings.delivery_interval)
            ):
                try:
                    report.delivery = delivery.check_delivery(self.store, self.transport, now=now)
                except SyncError as exc:  # an older server, or a hiccup: sending goes on
                    report.delivery_error = exc.message
                    log.info("delivery check failed: %s", exc.message)
            if self.status_feed is None and outbox.counts_by_state().get("pending"):
                self.status_feed = self.transport.status_page(cursor(self.store), 1) is not None
            self._upload(report)
            self._pull_statuses(report)
        except SyncError as exc:
            report.error = exc.message
            report.retry_after = exc.retry_after
            report.auth_refused = isinstance(exc, AuthRefusedError)
        report.counts = outbox.counts_by_state()
        record_attempt(self.store, now=self.clock(), error=report.error)
        return report

    def _pull_statuses(self, report: PassReport) -> None:
        """The statuses offices set, after the applications went: a failure here is no
        failure of the pass (the applications are what must not wait)."""
        try:
            report.statuses = pull_statuses(self.store, self.transport, now=self.clock())
        except SyncError as exc:
            report.status_error = exc.message
            log.info("status feed failed: %s", exc.message)
            return
        self.status_feed = report.statuses.served

    def _upload(self, report: PassReport) -> None:
        """Everything pending, batch by batch (see upload.py); the batch size learnt
        from the server's answers is kept for the next pass."""
        limits = BatchLimits(self.max_items, self.max_bytes)
        counts = UploadCounts()
        status_key = self.status_feed is not False
        try:
            upload(
                self.store.outbox,
                self.transport,
                limits,
                counts,
                to_wire=lambda item: to_wire(item, status_key=status_key),
                clock=self.clock,
                in_flight=max(1, self.settings.in_flight),
            )
        finally:
            self.max_items, self.max_bytes = limits.items, limits.bytes
            report.sent += counts.sent
            report.stored += counts.stored
            report.conflicts += counts.conflicts
            report.rejected += counts.rejected
            if counts.error is not None:
                report.error = counts.error

    def heartbeat(self) -> None:
        self.transport.heartbeat(heartbeat_for(self.store, app_version=__version__))
        heartbeat_delivered(self.store)

    def pull_catalog(self, installer: CatalogInstaller | None) -> PullResult:
        if installer is None:
            return PullResult("not_configured")
        return pull_catalog(self.store, self.transport, installer)


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
        self._store: Store | None = None
        self._last_beat = 0.0
        #: batch bounds carried from pass to pass: halved after a 503, doubled back after
        #: a pass that went through
        self._max_items = self.settings.max_items
        self._max_bytes = self.settings.max_bytes
        self._status_feed: bool | None = None  # carried too: asked once, then known
        self.last_report: PassReport | None = None
        self.last_pull: PullResult | None = None

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
        try:
            while not self._stop.is_set():
                self._wait(self._cycle())
        finally:
            if self._store is not None:
                self._store.close()

    def _cycle(self) -> float:
        """One pass (and heartbeat); returns how long to wait. Never raises: a sync thread
        that died quietly would leave applications on the terminal until a restart."""
        try:
            with sync_lock(self.home) as mine:
                credential = load_credential(self.home) if mine else None
                if credential is None:
                    return self.settings.idle_interval
                if self._store is None:
                    self._store = Store(self.home / "kiosk.sqlite3")
                report = self._pass(
                    self._store, credential.server, credential.token, ca_file=credential.ca_file
                )
        except StoreError as exc:
            log.warning("sync paused, the terminal's database is unavailable: %s", exc.kind)
            return self._backoff.next_delay()
        except Exception as exc:  # a damaged credential, a bad URL, a bug
            log.warning("sync failed unexpectedly: %s", type(exc).__name__)
            if self._store is not None:
                with contextlib.suppress(Exception):
                    record_attempt(self._store, now=time.time(), error=f"{type(exc).__name__}")
            return self._backoff.next_delay()
        self.last_report = report
        if report.ok:
            self._backoff.reset()
            return self.settings.idle_interval
        log.info("sync failed: %s", report.error)
        if report.auth_refused:
            return self.settings.backoff_cap
        return self._backoff.next_delay(report.retry_after)

    def _pass(
        self, store: Store, server: str, token: str, *, ca_file: Path | None = None
    ) -> PassReport:
        try:
            transport = DeviceTransport(
                server,
                token,
                timeout=self.settings.timeout,
                ca_file=ca_file,
                compress=self.settings.compress,
            )
        except TLSSettingsError as exc:  # an http:// URL beyond this machine, a lost CA file
            record_attempt(store, now=time.time(), error=exc.message)
            return PassReport(error=exc.message, counts=store.outbox.counts_by_state())
        try:
            sync = OutboxSync(store, transport, settings=self.settings)
            sync.max_items, sync.max_bytes = self._max_items, self._max_bytes
            sync.status_feed = self._status_feed
            report = sync.run_pass()
            self._status_feed = sync.status_feed
            if report.ok:
                self._max_items = min(self.settings.max_items, sync.max_items * 2)
                self._max_bytes = min(self.settings.max_bytes, sync.max_bytes * 2)
            else:
                self._max_items, self._max_bytes = sync.max_items, sync.max_bytes
            if report.ok:
                try:
                    self.last_pull = sync.pull_catalog(installer_for(self.home))
                except SyncError as exc:
                    log.info("catalog check failed: %s", exc.message)
            now = time.monotonic()
            beat_due = now - self._last_beat > self.settings.heartbeat_interval
            if report.ok and (report.sent or beat_due):
                try:
                    sync.heartbeat()
                    self._last_beat = now
                except SyncError as exc:
                    log.info("heartbeat failed: %s", exc.message)
            return report
        finally:
            transport.close()


@contextlib.contextmanager
def sync_lock(home: Path) -> Iterator[bool]:
    """True when this process may sync: one sync per terminal (the kiosk's loop or
    `kiosk sync`), so one cannot take back items the other has in flight."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / "sync.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
