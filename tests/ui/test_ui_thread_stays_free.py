"""The design's rule that slow work (database, files, programs, network, PDF, speech) never
runs on the UI thread, checked as the kiosk runs rather than by reading its code: whole
visits through the real window, with read-aloud and printing, while a watch (see
``ui_thread_watch``) notes every program started, connection made, file written and SQL
statement run on the UI thread. A visitor's screen that waits for a disk, a printer or
a voice is a screen that seems broken."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.speech.voices import installed_voices
from tests.ui.conftest import Kiosk, running_kiosk
from tests.ui.test_printing import use_printer
from tests.ui.test_status_lookup import (
    look_up,
    office_reports,
    open_lookup,
    status_code_on_screen,
)
from tests.ui.ui_thread_watch import UiThreadWatch, watching
from ui.printing import PrinterState, PrinterStatus
from ui.screens.form import FormScreen
from ui.speech import Speaker


@pytest.fixture
def speaking(qtbot: QtBot, home: Path, demo: CompiledCatalog) -> Iterator[Kiosk]:
    """The kiosk with real read-aloud where eSpeak NG is installed (CI installs it)."""
    engine = "espeak-ng" if installed_voices() else "mock"
    yield from running_kiosk(qtbot, home, demo, Speaker(engine))


def no_slow_work(watch: UiThreadWatch) -> None:
    assert not watch.found, "slow work on the UI thread:\n\n" + "\n\n".join(watch.found)


def test_a_visit_read_aloud_sent_and_printed_leaves_the_ui_thread_free(
    speaking: Kiosk, tmp_path: Path
) -> None:
    kiosk = speaking
    use_printer(kiosk, PrinterStatus(PrinterState.READY, "receipts"), tmp_path / "out.pdf")
    with watching(kiosk.terminal.store.db.conn) as watch:
        kiosk.start("ar")
        kiosk.click("read_aloud")  # made on the speech thread, played back from here
        kiosk.qtbot.wait(300)
        reference = kiosk.fill_and_submit("buergergeld")
        code = status_code_on_screen(kiosk)
        kiosk.click("print")
        screen = kiosk.screen
        kiosk.qtbot.waitUntil(lambda: screen.print.button.isEnabled(), timeout=30000)
        kiosk.click("finish")
        kiosk.settle()
        # the next visitor asks where an application stands
        with watch.looking_away():
            office_reports(kiosk, reference, code, "received")
        open_lookup(kiosk, "uk")
        assert "23" in look_up(kiosk, reference, code)
        kiosk.start_over()
        kiosk.settle()
    no_slow_work(watch)
    assert (tmp_path / "out.pdf").stat().st_size > 0  # it did print, off this thread


def test_continue_later_resume_and_the_idle_wipe_leave_the_ui_thread_free(
    kiosk: Kiosk,
) -> None:
    with watching(kiosk.terminal.store.db.conn) as watch:
        kiosk.start("uk")
        form = kiosk.open_form("sozialticket")
        kiosk.set_answer(form, "family_name", "Koval")
        kiosk.click("continue_later")
        code = kiosk.choose_pin("2468")
        kiosk.click("finish")
        kiosk.settle()
        kiosk.start("uk")
        kiosk.click("have_code")
        kiosk.type_code(code)
        for digit in "2468":
            kiosk.click(f"resume-pin-{digit}")
        kiosk.click("resume-pin-ok")
        kiosk.settle()
        assert isinstance(kiosk.screen, FormScreen)
        kiosk.advance(3600)  # the visitor walked away: warning, then the wipe
        kiosk.advance(3600)
        assert kiosk.screen.name == "welcome"
    no_slow_work(watch)


def test_the_watch_sees_programs_files_and_sql_on_the_ui_thread_only(
    kiosk: Kiosk, tmp_path: Path
) -> None:
    """The watch itself: what it is for is noted on the UI thread, and the same work on
    another thread (where it belongs) is not."""

    def slow_work() -> None:
        kiosk.terminal.store.outbox.counts_by_state()
        subprocess.run(["true"], check=True)
        (tmp_path / f"written-{threading.get_ident()}").write_text("x")

    with watching(kiosk.terminal.store.db.conn) as watch:
        elsewhere = threading.Thread(target=slow_work)
        elsewhere.start()
        elsewhere.join()
        assert watch.found == []
        slow_work()
        found = list(watch.found)
    assert any(f.startswith("SQL: SELECT") for f in found)
    assert any(f.startswith("subprocess.Popen") for f in found)
    assert any(f.startswith("a file opened for writing") for f in found)
    assert all("slow_work" in f for f in found)  # each names where it came from
