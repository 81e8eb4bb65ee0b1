"""The core thread: every call into the session and the store runs here, one after another.

Disk writes (autosave, submit, continue later) may take milliseconds or, on a
failing disk, much longer; none of it may stall the screen. The UI hands a
function to :meth:`CoreRunner.run` and gets its result (or error) back on the
UI thread through a queued signal. One thread also means the session is never
touched by two threads at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

Callback = Callable[[Any], None]
Errback = Callable[[BaseException], None]


class CoreRunner(QObject):
    _done = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._jobs: queue.Queue[tuple[Callable[[], Any], Callback | None, Errback | None] | None]
        self._jobs = queue.Queue()
        self._done.connect(self._deliver)
        self._thread = threading.Thread(target=self._work, name="kiosk-core", daemon=True)
        self._thread.start()
        self.pending = 0
        self._stopped = False

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Errback | None = None,
    ) -> None:
        self.pending += 1
        self._jobs.put((fn, on_done, on_error))

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn, on_done, on_error = job
            try:
                result: Any = fn()
            except BaseException as exc:  # delivered to the UI, never lost in the thread
                self._done.emit((on_error, exc, True))
            else:
                self._done.emit((on_done, result, False))

    @Slot(object)
    def _deliver(self, packet: tuple[Any, Any, bool]) -> None:
        callback, value, failed = packet
        self.pending -= 1
        if self._stopped:
            return  # the kiosk is shutting down: nobody is left to show a result to
        if callback is not None:
            callback(value)
        elif failed:
            raise value

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until every queued job ran (tests, shutdown); callbacks run on next event loop."""
        done = threading.Event()
        self._jobs.put((done.set, None, None))
        self.pending += 1
        done.wait(timeout)

    def stop(self) -> None:
        """Finish the queued jobs, then stop; results arriving after this are dropped."""
        self._stopped = True
        self._jobs.put(None)
        self._thread.join(timeout=5)
