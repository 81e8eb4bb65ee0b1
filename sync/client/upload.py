"""Sending the outbox batch by batch, two requests on the way and the next batch made
ready meanwhile.

A batch costs the terminal its share (taking the items, building and compressing the
request, recording the answers) and the server its share (reading, checking,
storing). Done strictly one after the other, each side waits for the other half of
the time. Here a second request is on the way while the server stores the first (it
reads and checks the one while it writes the other), the next batch is taken and
encoded meanwhile, and it goes out as soon as the oldest answer is in, before that
answer is recorded: both sides, and both halves of the server, work at once.

What does not change: answers are recorded in the order the batches went out, only a
per-item answer settles an item, and every item taken is settled, put back or released
before :func:`upload` returns or raises. A batch made ready but never sent goes back
untouched (no attempt counted); when the server's answer changes the batch size (too
large, server busy), the batch made ready at the old size goes back and is taken
again at the new one. A batch already on the way when the pass stops, after a
failure, still has its answer recorded.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from pydantic import ValidationError

from kiosk.store.outbox import Outbox, OutboxItem
from sync import protocol as p
from sync.client.transport import (
    BatchRefusedError,
    DeviceTransport,
    ServerBusyError,
    SyncError,
)

log = logging.getLogger("kiosk.sync")

Outcomes = dict[str, tuple[str, str | None]]  # id -> (status, reason)
Answer = p.BatchReply | SyncError | None  # None: nothing in the batch could be sent


@dataclass
class BatchLimits:
    """The batch size of this terminal against this server; halved when refused."""

    items: int
    bytes: int


@dataclass
class UploadCounts:
    sent: int = 0
    stored: int = 0
    conflicts: int = 0
    rejected: int = 0
    #: set when the server answered a batch without a result for any item
    error: str | None = None


@dataclass
class _Batch:
    items: list[OutboxItem]
    wire: list[p.ApplicationIn]
    refused: Outcomes  # not sendable as they are: rejected without asking the server
    body: bytes | None
    taken_at: float
    future: Future[p.BatchReply] | None = field(default=None)

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.items]


ToWire = Callable[[OutboxItem], p.ApplicationIn]


def upload(
    outbox: Outbox,
    transport: DeviceTransport,
    limits: BatchLimits,
    counts: UploadCounts,
    *,
    to_wire: ToWire,
    clock: Callable[[], float] = time.time,
    in_flight: int = 1,
) -> None:
    """Send everything pending until done, until a batch gets no answer for any item,
    or until a failure of the request as a whole (raised as :class:`SyncError` after
    the items are back). At most *in_flight* requests are on the way at once."""
    if in_flight < 1:
        raise ValueError("at least one request must be allowed on the way")
    _Upload(outbox, transport, limits, counts, to_wire, clock, in_flight).run()


class _Upload:
    def __init__(
        self,
        outbox: Outbox,
        transport: DeviceTransport,
        limits: BatchLimits,
        counts: UploadCounts,
        to_wire: ToWire,
        clock: Callable[[], float],
        in_flight: int,
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.limits = limits
        self.counts = counts
        self.to_wire = to_wire
        self.clock = clock
        self.in_flight = in_flight

    def run(self) -> None:
        with ThreadPoolExecutor(
            max_workers=self.in_flight, thread_name_prefix="kiosk-upload"
        ) as pool:
            open_batches: list[_Batch] = []  # taken and not yet settled, put back or released
            try:
                self._loop(pool, open_batches)
            finally:
                for batch in open_batches:  # only after a failure (the loop empties it)
                    self._close_quietly(batch)

    def _loop(self, pool: ThreadPoolExecutor, open_batches: list[_Batch]) -> None:
        flights: deque[_Batch] = deque()  # sent, oldest first
        ready: _Batch | None = None  # taken and encoded, not yet sent

        def take() -> _Batch | None:
            batch = self._take()
            if batch is not None:
                open_batches.append(batch)
            return batch

        def done(batch: _Batch | None) -> None:
            if batch is not None:
                open_batches.remove(batch)

        def top_up() -> None:
            nonlocal ready
            while len(flights) < self.in_flight:
                batch, ready = ready or take(), None
                if batch is None:
                    return
                flights.append(self._launch(pool, batch))

        top_up()
        while flights:
            if ready is None:
                ready = take()  # made ready while the batches before it are on the way
            flight = flights.popleft()
            answer = _answer(flight)
            if isinstance(answer, SyncError):
                self._put_back(ready)  # taken at a size the answer may change
                done(ready)
                ready = None
            else:
                top_up()  # out before the answer is recorded: both sides work at once
            done(flight)
            try:
                go_on = self._settle(flight, answer)
            except SyncError:
                self._close_following(flights, done)
                raise
            if not go_on:
                self._close_following(flights, done)
                return
            top_up()

    def _close_following(
        self, flights: deque[_Batch], done: Callable[[_Batch | None], None]
    ) -> None:
        """The batches already on the way when the pass stops: their answers are still
        recorded (what the server stored must not go out again needlessly)."""
        while flights:
            batch = flights.popleft()
            self._close_quietly(batch)
            done(batch)

    def _close_quietly(self, batch: _Batch) -> None:
        """A batch the pass leaves behind when it stops (after a failure, the first
        failure is the one reported, never hidden): record the answer of one that went
        out, put back one that did not. What stays ``sending`` goes out again next pass,
        and the server knows it."""
        try:
            if batch.future is None:
                self._put_back(batch)
                return
            answer = _answer(batch)
            self._settle(batch, answer)
        except SyncError as exc:
            log.info("a batch on the way when the pass failed was not taken: %s", exc.message)
        except Exception as exc:  # the first failure is the one raised
            log.warning("a batch could not be recorded after a failure: %s", type(exc).__name__)
            with contextlib.suppress(Exception):
                self.outbox.release(batch.ids, f"not sent: {type(exc).__name__}")

    def _take(self) -> _Batch | None:
        items = self.outbox.take_batch(self.limits.items, self.limits.bytes)
        if not items:
            return None
        taken_at = self.clock()
        wire: list[p.ApplicationIn] = []
        refused: Outcomes = {}
        for item in items:
            try:
                wire.append(self.to_wire(item))
            except ValidationError as exc:
                refused[item.id] = ("rejected", f"not sendable: {exc.errors()[0]['msg']}")
        try:
            body = self.transport.encode_batch(wire) if wire else None
        except BaseException:
            self.outbox.put_back([item.id for item in items])
            raise
        return _Batch(items, wire, refused, body, taken_at)

    def _launch(self, pool: ThreadPoolExecutor, batch: _Batch) -> _Batch:
        if batch.body is not None:
            batch.future = pool.submit(self.transport.post_batch, batch.body)
        return batch

    def _put_back(self, batch: _Batch | None) -> None:
        if batch is not None:
            self.outbox.put_back(batch.ids)

    def _settle(self, batch: _Batch, answer: Answer) -> bool:
        """Record *answer* for *batch*; False when the pass should stop (no progress
        possible). Raises the answer's :class:`SyncError` when the request failed as a
        whole, after the items are back."""
        outcomes: Outcomes = dict(batch.refused)
        ids = batch.ids
        sent = batch.wire
        if isinstance(answer, BatchRefusedError):
            if len(sent) > 1:
                self.outbox.release(ids, answer.message)
                self.limits.items = max(1, len(sent) // 2)
                return True
            outcomes[sent[0].id] = ("rejected", answer.message)
        elif isinstance(answer, ServerBusyError):
            self.outbox.release(ids, f"not sent: {answer.message}")
            # smaller batches next time: a server short of room may still take them
            self.limits.items = max(1, len(sent) // 2)
            self.limits.bytes = max(1, sum(len(w.payload) for w in sent) // 2)
            raise answer
        elif isinstance(answer, SyncError):
            self.outbox.release(ids, f"not sent: {answer.message}")
            raise answer
        elif answer is not None:
            wanted = {item.id for item in sent}
            for result in answer.results:
                if result.id in wanted:
                    outcomes.setdefault(result.id, (result.status, result.reason))
        self.outbox.settle(outcomes, sent=ids, now=batch.taken_at)
        self.counts.sent += len(sent)
        statuses = [status for status, _ in outcomes.values()]
        self.counts.stored += sum(s in ("accepted", "duplicate") for s in statuses)
        self.counts.conflicts += statuses.count("conflict")
        self.counts.rejected += statuses.count("rejected")
        if not outcomes:
            self.counts.error = "the server answered without a result for any item"
            return False
        return True


def _answer(batch: _Batch) -> Answer:
    """The server's answer to *batch*, or the failure of its request."""
    if batch.future is None:
        return None
    try:
        return batch.future.result()
    except SyncError as exc:
        return exc
