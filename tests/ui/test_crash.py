"""An exception nobody caught: logged without the visitor's data, the visit wiped, the welcome
screen shown, and the kiosk still running. A crash in a background thread is logged and
leaves the visit alone. A wipe that fails, or crashes that go on, end on a screen that asks
for staff, never in a loop. A hard crash leaves the stacks in fatal.log."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.logsetup import LoggingSetup, configure_logging
from kiosk.session.visitor import VisitorSession
from tests.ui.conftest import Kiosk
from ui import texts
from ui.app import FatalScreen, stop_serving
from ui.crash import CRASH_BUDGET, FATAL_LOG, CrashGuard, OnGuiThread

SECRET = "Popescu-Vărzaru"  # typed by the visitor, and quoted by the failing code


@dataclass
class Guarded:
    kiosk: Kiosk
    guard: CrashGuard
    logs: LoggingSetup
    #: the screen the kiosk put up when it stopped serving, if it did
    stopped: list[FatalScreen] = field(default_factory=list)

    def log(self) -> str:
        for handler in self.logs.handlers:
            handler.flush()
        return self.logs.file.read_text(encoding="utf-8")

    def visit_with_an_answer(self) -> VisitorSession:
        self.kiosk.start("de")
        form = self.kiosk.open_form("sozialticket")
        self.kiosk.set_answer(form, "family_name", SECRET)
        self.kiosk.settle()
        session = self.kiosk.window.visit.session
        assert isinstance(session, VisitorSession) and not session.ended
        return session

    def ends(self) -> list[str]:
        entries = self.kiosk.terminal.store.audit.entries()
        return [e["detail"] for e in entries if e["action"] == "session_end"]


@pytest.fixture
def guarded(kiosk: Kiosk, home: Path) -> Iterator[Guarded]:
    """The kiosk window with the hooks `kiosk run` installs, logging as it logs."""
    logs = configure_logging(home)
    guard = CrashGuard(home).install()
    guarded = Guarded(kiosk, guard, logs)
    guard.recover_with(lambda: kiosk.window.wipe("crash"), deliver=OnGuiThread())
    guard.stop_serving_with(lambda: guarded.stopped.append(stop_serving(kiosk.window, True)))
    yield guarded
    guard.uninstall()
    logs.close()
    for screen in guarded.stopped:
        screen.hide()
        screen.deleteLater()


def raise_with_the_answer() -> None:
    raise ValueError(f"cannot use {SECRET!r}")


@pytest.mark.qt_no_exception_capture  # the kiosk's own hook is under test, not pytest-qt's
def test_an_exception_in_a_slot_wipes_the_visit_and_the_kiosk_goes_on(
    guarded: Guarded, qtbot: QtBot
) -> None:
    kiosk = guarded.kiosk
    session = guarded.visit_with_an_answer()
    assert kiosk.screen.name == "form"

    QTimer.singleShot(0, raise_with_the_answer)
    qtbot.waitUntil(lambda: guarded.guard.crashes == 1)
    kiosk.settle()

    assert kiosk.screen.name == "welcome"
    assert session.ended and guarded.ends() == ["crash"]
    assert kiosk.window.visit.session is None
    log = guarded.log()
    assert (
        "CRITICAL kiosk.crash: unhandled ValueError in thread MainThread: wiping the visit" in log
    )
    assert "in raise_with_the_answer" in log  # the frames say where
    assert "ValueError (message withheld)" in log
    assert SECRET not in log

    kiosk.start("de")  # the process lives on, and the next visitor starts afresh
    assert kiosk.screen.name == "home" and kiosk.window.isVisible()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_background_thread_is_logged_and_the_visit_goes_on(
    guarded: Guarded, qtbot: QtBot
) -> None:
    """The sync's or the demo server's thread holds no visit: wiping the visitor's answers
    for its failure would punish the visitor for the network."""
    kiosk = guarded.kiosk
    session = guarded.visit_with_an_answer()
    worker = threading.Thread(target=raise_with_the_answer, name="kiosk-sync")
    worker.start()
    worker.join(10)
    qtbot.waitUntil(lambda: guarded.guard.crashes == 1)
    kiosk.settle()

    assert kiosk.screen.name == "form" and not session.ended
    assert kiosk.window.visit.session is session and guarded.ends() == []
    assert guarded.guard.recoveries == 0 and not guarded.guard.out_of_service
    log = guarded.log()
    assert "unhandled ValueError in thread kiosk-sync: logged only, the visit goes on" in log
    assert "in raise_with_the_answer" in log and "ValueError (message withheld)" in log
    assert SECRET not in log


def test_a_recovery_that_fails_is_logged_once_and_never_loops(home: Path, qtbot: QtBot) -> None:
    logs = configure_logging(home)
    calls: list[str] = []

    def broken_wipe() -> None:
        calls.append("wipe")
        raise RuntimeError(f"still holding {SECRET}")

    stopped: list[str] = []
    guard = CrashGuard(home).install()
    guard.recover_with(broken_wipe, deliver=OnGuiThread())
    guard.stop_serving_with(lambda: stopped.append("out of service"))
    try:
        try:
            raise_with_the_answer()
        except ValueError:
            sys.excepthook(*sys.exc_info())
        assert calls == []  # queued: the recovery runs after the failing event, not in it
        qtbot.waitUntil(lambda: calls == ["wipe"])
        QApplication.processEvents()
    finally:
        guard.uninstall()
        logs.close()
    text = logs.file.read_text(encoding="utf-8")
    assert calls == ["wipe"] and guard.crashes == 1 and guard.recoveries == 1
    assert text.count("recovery failed") == 1 and "RuntimeError (message withheld)" in text
    # a wipe that cannot be done leaves no state known to be safe: the kiosk stops serving
    assert stopped == ["out of service"] and guard.out_of_service
    assert "out of service until restarted (the recovery itself failed)" in text
    assert SECRET not in text


@pytest.mark.qt_no_exception_capture
def test_a_failing_end_of_visit_handler_ends_out_of_service_not_in_a_loop(
    guarded: Guarded, qtbot: QtBot
) -> None:
    """PySide hands a slot's exception to the hook and goes on; a wipe whose `ended` handler
    fails once called the hook again, which wiped again, until the stack overflowed and the
    process died. Now the wipe runs once, and the kiosk stops serving."""
    kiosk = guarded.kiosk
    failures: list[str] = []

    def broken_handler(reason: str) -> None:
        failures.append(reason)
        raise RuntimeError(f"cannot forget {SECRET}")

    session = guarded.visit_with_an_answer()
    kiosk.window.visit.ended.connect(broken_handler)
    kiosk.window.wipe("start_over")  # the visitor starts over: the handler fails
    qtbot.waitUntil(lambda: guarded.guard.out_of_service)
    kiosk.settle()

    guard = guarded.guard
    assert failures == ["start_over", "crash"]  # the visitor's end, and one recovery's
    assert guard.crashes == 2 and guard.recoveries == 1
    assert session.ended and kiosk.window.visit.session is None  # wiped as far as it went
    assert len(guarded.stopped) == 1
    screen = guarded.stopped[0]
    assert screen.isVisible() and not kiosk.window.isVisible()
    assert texts.OUT_OF_SERVICE_TITLE in screen.text() and texts.STAFF_NEEDED in screen.text()
    log = guarded.log()
    assert "unhandled RuntimeError in thread MainThread: wiping the visit" in log
    assert "logged only, a recovery is under way" in log
    assert "out of service until restarted (the recovery itself failed)" in log
    assert SECRET not in log

    kiosk.window.wipe("timeout")  # later ends of visits fail too: logged, nothing more
    kiosk.settle()
    assert guard.recoveries == 1 and guard.crashes == 3 and len(guarded.stopped) == 1
    assert "logged only, out of service" in guarded.log()


@pytest.mark.qt_no_exception_capture
def test_crashes_that_go_on_put_the_kiosk_out_of_service_after_the_budget(
    guarded: Guarded, qtbot: QtBot
) -> None:
    """Each crash alone is recovered from; more than the budget within a minute means the
    safe state does not hold, and the kiosk stops serving after its last wipe."""
    kiosk = guarded.kiosk
    guard = guarded.guard

    def recovered(count: int) -> Callable[[], bool]:
        return lambda: guard.recoveries == count

    for crash in range(1, CRASH_BUDGET + 1):
        session = guarded.visit_with_an_answer()
        QTimer.singleShot(0, raise_with_the_answer)
        qtbot.waitUntil(recovered(crash))
        kiosk.settle()
        assert session.ended and kiosk.screen.name == "welcome" and not guard.out_of_service

    session = guarded.visit_with_an_answer()
    QTimer.singleShot(0, raise_with_the_answer)
    qtbot.waitUntil(lambda: guard.out_of_service)
    kiosk.settle()
    assert guard.recoveries == CRASH_BUDGET + 1 and session.ended  # wiped first, then stopped
    assert guarded.ends() == ["crash"] * (CRASH_BUDGET + 1)
    assert len(guarded.stopped) == 1 and guarded.stopped[0].isVisible()
    assert not kiosk.window.isVisible()
    log = guarded.log()
    assert f"then out of service: more than {CRASH_BUDGET} crashes within 60 s" in log
    assert "out of service until restarted (crashes go on)" in log
    assert SECRET not in log


def test_uninstall_puts_the_hooks_back(home: Path) -> None:
    before = (sys.excepthook, threading.excepthook)
    guard = CrashGuard(home).install()
    assert sys.excepthook != before[0] and threading.excepthook != before[1]
    guard.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_a_hard_crash_leaves_the_stacks_in_fatal_log(tmp_path: Path) -> None:
    script = (
        "import faulthandler, sys\n"
        "from pathlib import Path\n"
        "from ui.crash import CrashGuard\n"
        "CrashGuard(Path(sys.argv[1])).install()\n"
        "def deep_in_a_native_library():\n"
        "    faulthandler._sigsegv()\n"
        "deep_in_a_native_library()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode != 0
    fatal = tmp_path / "logs" / FATAL_LOG
    text = fatal.read_text(encoding="utf-8")
    assert "Segmentation fault" in text and "deep_in_a_native_library" in text
    assert stat.S_IMODE(fatal.stat().st_mode) == 0o600
    assert stat.S_IMODE(fatal.parent.stat().st_mode) == 0o700
