"""What the kiosk does when something breaks that nobody caught: log it, wipe the visit.

An exception nobody caught (in a Qt slot, where PySide hands it to
:data:`sys.excepthook`, or in a thread) leaves the program in a state nobody
planned; the one state known to be safe is the welcome screen with nothing of the
visit left. So the hooks installed here log the exception (its type and frames;
its message only where :mod:`kiosk.logsetup` knows it cannot quote an answer) and,
for a crash on the GUI thread, have the recovery the application registered run
there. The process keeps running: a kiosk that quits leaves the next visitor a
desktop.

Three rules keep the recovery from making things worse:

- PySide does not hand a slot's exception back to the code that emitted the signal:
  it calls the hook and goes on. The recovery (a wipe) emits signals itself, so a
  handler that fails during it would call the hook again, wipe again, and so on
  until the stack overflows. A crash that arrives while a recovery is pending or
  running is therefore only logged, and the recovery is delivered queued
  (:class:`OnGuiThread`): it runs after the failing event, never inside the hook.
- A recovery that itself crashed, or more than :data:`CRASH_BUDGET` crashes within
  :data:`CRASH_WINDOW_SECONDS`, means the safe state cannot be reached reliably: after
  wiping as far as that still works, the kiosk stops serving (the application shows a
  screen that asks for staff) and later crashes are only logged.
- A thread other than the GUI thread (the sync, the demo server) holds no visit: its
  crash is logged and the visitor's visit goes on. The core and print lanes catch
  what their jobs raise and hand it to the GUI thread themselves.

A hard crash (a segfault in a native library, an abort) cannot be caught;
:mod:`faulthandler` then writes the Python stacks of every thread to
``HOME/logs/fatal.log`` (file names, functions and lines: no values).

Only :class:`OnGuiThread` needs Qt; the hooks themselves are plain Python.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.private_log_files import log_folder, open_private

FATAL_LOG = "fatal.log"
#: More crashes than this within :data:`CRASH_WINDOW_SECONDS` and the kiosk stops serving.
CRASH_BUDGET = 5
CRASH_WINDOW_SECONDS = 60.0

log = logging.getLogger("kiosk.crash")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]
Action = Callable[[], None]
#: Runs an action, now or later (:class:`OnGuiThread` runs it queued on the GUI thread).
Deliver = Callable[[Action], None]


def at_once(action: Action) -> None:
    """The delivery without Qt: the action runs inside the hook."""
    action()


def log_exception(
    logger: logging.Logger, level: int, error: BaseException, msg: str, *args: object
) -> None:
    """:func:`kiosk.logsetup.log_exception`, loaded when first needed: the guard is set
    before the first paint, the log's machinery after it."""
    from kiosk.logsetup import log_exception as log_safely

    log_safely(logger, level, error, msg, *args)


class CrashGuard:
    """The process's exception hooks and fault handler, for one kiosk home."""

    def __init__(
        self,
        home: Path,
        *,
        budget: int = CRASH_BUDGET,
        window_seconds: float = CRASH_WINDOW_SECONDS,
    ) -> None:
        self.home = home
        self.fatal_log = log_folder(home) / FATAL_LOG
        self.budget = budget
        self.window_seconds = window_seconds
        self._recover: Action | None = None
        self._deliver: Deliver = at_once
        self._stop_serving: Action | None = None
        self._fatal_file: IO[str] | None = None
        self._previous_hook: ExceptHook | None = None
        self._previous_thread_hook: Callable[[threading.ExceptHookArgs], object] | None = None
        self._gui_thread = threading.get_ident()
        #: from the moment a recovery is handed over until it has run
        self._recovering = False
        #: while the recovery runs: whether a crash arrived meanwhile
        self._recovery_running = False
        self._recovery_crashed = False
        self._recent: deque[float] = deque()
        self.crashes = 0
        self.recoveries = 0
        self.out_of_service = False

    def install(self) -> CrashGuard:
        """Install the hooks; the thread that calls this is the GUI thread."""
        self._gui_thread = threading.get_ident()
        self._fatal_file = open_private(self.fatal_log)
        faulthandler.enable(file=self._fatal_file, all_threads=True)
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception
        return self

    def recover_with(self, recover: Action | None, *, deliver: Deliver = at_once) -> None:
        """After a crash on the GUI thread, have *deliver* run *recover* (the kiosk passes an
        :class:`OnGuiThread`, so the recovery runs after the failing event); None: only log."""
        self._recover = recover
        self._deliver = deliver

    def stop_serving_with(self, stop_serving: Action | None) -> None:
        """*stop_serving* puts the kiosk on a screen that serves nobody; it runs once, after
        the last recovery, when crashes go on (see the module's docstring)."""
        self._stop_serving = stop_serving

    def uninstall(self) -> None:
        """Put back the hooks found at :meth:`install` (faulthandler to stderr)."""
        if self._previous_hook is not None:
            sys.excepthook = self._previous_hook
        if self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook
        self._previous_hook = self._previous_thread_hook = None
        if self._fatal_file is not None:
            faulthandler.disable()
            if sys.__stderr__ is not None:
                faulthandler.enable(file=sys.__stderr__)
            self._fatal_file.close()
            self._fatal_file = None

    # ---------------------------------------------------------------- the hooks
    def _on_exception(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl-C on a development terminal
            sys.__excepthook__(kind, error, tb)
            return
        on_gui_thread = threading.get_ident() == self._gui_thread
        self._crashed(error, tb, threading.current_thread().name, on_gui_thread=on_gui_thread)

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return  # a thread ending itself (what Python's own hook ignores too)
        name = args.thread.name if args.thread is not None else "a thread"
        self._crashed(args.exc_value, args.exc_traceback, name, on_gui_thread=False)

    def _crashed(
        self, error: BaseException, tb: TracebackType | None, thread: str, *, on_gui_thread: bool
    ) -> None:
        self.crashes += 1
        if error.__traceback__ is None and tb is not None:
            error = error.with_traceback(tb)
        recovery: Action | None = None
        if not on_gui_thread:
            outcome = "logged only, the visit goes on (not the GUI thread)"
        elif self.out_of_service:
            outcome = "logged only, out of service"
        elif self._recovering:
            self._recovery_crashed = self._recovery_crashed or self._recovery_running
            outcome = "logged only, a recovery is under way"
        elif self._recover is None:
            outcome = "no window to recover yet"
        else:
            stop_after_wipe = self._over_budget()
            recovery = partial(self._recovery, self._recover, stop_after_wipe)
            outcome = "wiping the visit" + (
                f", then out of service: more than {self.budget} crashes within "
                f"{self.window_seconds:g} s"
                if stop_after_wipe
                else ""
            )
        log_exception(
            log,
            logging.CRITICAL,
            error,
            "unhandled %s in thread %s: %s",
            type(error).__qualname__,
            thread,
            outcome,
        )
        if recovery is not None:
            self._hand_over(recovery)

    def _over_budget(self) -> bool:
        now = time.monotonic()
        self._recent.append(now)
        while self._recent and now - self._recent[0] > self.window_seconds:
            self._recent.popleft()
        return len(self._recent) > self.budget

    def _hand_over(self, recovery: Action) -> None:
        self._recovering = True
        try:
            self._deliver(recovery)
        except Exception as failed:  # never a crash in the crash hook
            self._recovering = False
            log_exception(log, logging.CRITICAL, failed, "recovery could not be started")

    def _recovery(self, recover: Action, stop_after_wipe: bool) -> None:
        """The recovery itself: the wipe, then, if it failed or crashes go on, the end of
        serving. Whatever fails in here is logged; nothing recovers again while it runs."""
        self.recoveries += 1
        self._recovery_running, self._recovery_crashed = True, False
        try:
            failed = False
            try:
                recover()
            except Exception as error:
                failed = True
                log_exception(log, logging.CRITICAL, error, "recovery failed")
            if failed or self._recovery_crashed:
                self._go_out_of_service("the recovery itself failed")
            elif stop_after_wipe:
                self._go_out_of_service("crashes go on")
        finally:
            self._recovery_running = self._recovering = False

    def _go_out_of_service(self, why: str) -> None:
        self.out_of_service = True
        stop = self._stop_serving
        log.critical(
            "out of service until restarted (%s): %s",
            why,
            "a screen asks for staff" if stop is not None else "no screen to show that yet",
        )
        if stop is None:
            return
        try:
            stop()
        except Exception as failed:
            log_exception(log, logging.CRITICAL, failed, "the out-of-service screen failed")


class OnGuiThread(QObject):
    """A :data:`Deliver` that runs actions on the thread this object was made on (the GUI
    thread), always queued: after the event being handled has finished, never inside it,
    so an action that makes a handler fail cannot re-enter the code that called it."""

    _post = Signal(object)

    def __init__(self) -> None:
        from PySide6.QtCore import Qt  # its enums cost a start 12 ms: made after the paint

        super().__init__()
        self._post.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def __call__(self, action: Action) -> None:
        self._post.emit(action)

    @Slot(object)
    def _run(self, action: Action) -> None:
        try:
            action()
        except Exception as failed:  # the hook is no place for it: it would run it again
            log_exception(log, logging.CRITICAL, failed, "an action on the GUI thread failed")
