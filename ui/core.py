"""The core thread: every call into the session and the store runs here, one after another.

Disk writes (autosave, submit, continue later) may take milliseconds or, on a
failing disk, much longer; none of it may stall the screen. The UI hands an
*operation* to :meth:`Lane.run` and gets its result (or error) back on the UI
thread through a queued signal. One thread also means the session is never
touched by two threads at once.

An operation receives the lane's context (the terminal, for the core lane; the
printers, for printing) and nothing else: what it works on is handed to it, never
taken from the screen, and its success and failure callbacks are typed against
its result, so mypy checks that the screen receives what the core returned.

Two rules keep a slow result from acting on a screen it no longer belongs to:

* a job may carry a :class:`Scope` (the visit it was started for); when the
  visit ends before the result arrives, the result is dropped, so a timer's
  answer about an ended session can never wipe the next visitor's screen;
* a job may carry a *key*; while one job with that key waits in the queue, the
  same key is not queued again, so a poll every 400 ms cannot pile up behind a
  stalled disk.

A dropped result that holds something (a session just opened for a visit that
ended meanwhile) is handed to *on_dropped*, back on the core thread, to be
closed properly instead of lingering with its key in memory.

A failure nobody asked for (no *on_error*), or one raised by a callback itself,
goes to one handler, which logs it and keeps the kiosk running; it is never
raised inside a Qt slot.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    from kiosk.session.terminal import Terminal

log = logging.getLogger("kiosk.ui.core")

T = TypeVar("T")
C = TypeVar("C")
Errback = Callable[[BaseException], None]
#: What runs off the UI thread: given the lane's context, it returns a result or raises.
Operation = Callable[[C], T]


class Scope:
    """The lifetime of what a job's result is for (one visit); closed when that ends."""

    __slots__ = ("_open", "name")

    def __init__(self, name: str = "visit") -> None:
        self.name = name
        self._open = True

    @property
    def open(self) -> bool:
        return self._open

    def close(self) -> None:
        self._open = False


@dataclass
class _Job(Generic[C, T]):
    fn: Callable[[C], T]
    on_done: Callable[[T], None] | None
    on_error: Errback | None
    scope: Scope | None
    key: str | None
    on_dropped: Callable[[T], None] | None = None


@dataclass
class _Outcome:
    job: _Job[Any, Any]
    value: Any
    failed: bool
    ran: bool = True


def _log_dispose_failure(error: BaseException) -> None:
    """Closing a result nobody saw failed: the log says so; no visitor's screen does."""
    log.error("closing a dropped result failed: %s", type(error).__name__, exc_info=error)


class Lane(QObject, Generic[C]):
    """Runs operations on one worker thread and delivers their outcomes on the UI thread.

    Signals:
        idle(): the queue ran empty and every outcome has been delivered (tests wait on it).
    """

    idle = Signal()
    _done = Signal(object)

    def __init__(
        self, context: C, *, name: str = "kiosk-core", on_unhandled: Errback | None = None
    ) -> None:
        super().__init__()
        self._context = context
        self._jobs: queue.Queue[_Job[C, Any] | None] = queue.Queue()
        self._queued_keys: set[str] = set()
        self._keys_lock = threading.Lock()
        self._done.connect(self._deliver)
        self.on_unhandled = on_unhandled
        self.pending = 0
        self._stopped = False
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def run(
        self,
        fn: Operation[C, T],
        on_done: Callable[[T], None] | None = None,
        on_error: Errback | None = None,
        *,
        scope: Scope | None = None,
        key: str | None = None,
        on_dropped: Callable[[T], None] | None = None,
    ) -> bool:
        """Queue *fn*, to be called with the lane's context; False when a job with the same
        *key* is still waiting (nothing queued)."""
        if key is not None:
            with self._keys_lock:
                if key in self._queued_keys:
                    return False
                self._queued_keys.add(key)
        self.pending += 1
        self._jobs.put(_Job(fn, on_done, on_error, scope, key, on_dropped))
        return True

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if job.key is not None:
                with self._keys_lock:
                    self._queued_keys.discard(job.key)  # running now: the next one may queue
            if job.scope is not None and not job.scope.open:
                self._done.emit(_Outcome(job, None, False, ran=False))  # its visit is over
                continue
            try:
                result: Any = job.fn(self._context)
            except BaseException as exc:  # delivered to the UI, never lost in the thread
                self._done.emit(_Outcome(job, exc, True))
            else:
                self._done.emit(_Outcome(job, result, False))

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        self.pending -= 1
        try:
            self._hand_over(outcome)
        finally:
            if self.pending == 0:
                self.idle.emit()

    def _hand_over(self, outcome: _Outcome) -> None:
        job = outcome.job
        if self._stopped or (job.scope is not None and not job.scope.open):
            # nobody is left to show this to; what it holds is closed on the core thread
            dispose, value = job.on_dropped, outcome.value
            if dispose is not None and outcome.ran and not outcome.failed and not self._stopped:
                self.run(lambda _: dispose(value), on_error=_log_dispose_failure)
            return
        try:
            if outcome.failed:
                if job.on_error is not None:
                    job.on_error(outcome.value)
                else:
                    self._unhandled(outcome.value)
            elif job.on_done is not None:
                job.on_done(outcome.value)
        except Exception as exc:  # a callback's own bug: logged and handled, never a crash
            self._unhandled(exc)

    def _unhandled(self, error: BaseException) -> None:
        log.error("core job failed and nobody handled it: %s", type(error).__name__, exc_info=error)
        if self.on_unhandled is not None:
            self.on_unhandled(error)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until every queued job ran (tests, shutdown); callbacks run on next event loop."""
        done = threading.Event()
        self.run(lambda _: done.set())
        done.wait(timeout)

    def stop(self) -> None:
        """Finish the queued jobs, then stop; results arriving after this are dropped."""
        self._stopped = True
        self._jobs.put(None)
        self._thread.join(timeout=5)


class CoreRunner(Lane["Terminal"]):
    """The core lane: every operation receives the terminal (store, session, catalog)."""

    def __init__(self, terminal: Terminal, on_unhandled: Errback | None = None) -> None:
        super().__init__(terminal, name="kiosk-core", on_unhandled=on_unhandled)
