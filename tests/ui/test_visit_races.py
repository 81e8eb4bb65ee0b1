"""Answers that arrive after their visit ended never act on the screen.

The core thread answers in order; a poll of the idle timer queued behind
"continue later" (or behind resuming another visit) reports an ended session.
Such an answer belongs to a visit that is over: it must not wipe the code just
shown, nor end the visit that has just begun.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kiosk.session.visitor import VisitorSession
from tests.ui.conftest import Kiosk
from ui.core import CoreRunner, Scope


def shown_code(kiosk: Kiosk) -> str | None:
    return next(
        (
            str(w.property("resume_code"))
            for w in kiosk.window.findChildren(QWidget)
            if w.property("resume_code") and w.isVisibleTo(kiosk.window)
        ),
        None,
    )


def park(kiosk: Kiosk, pin: str) -> str:
    """Park the open form, with the idle timer's poll queued right behind the parking."""
    kiosk.click("continue_later")
    for digit in pin:
        kiosk.click(f"pin-{digit}")
    kiosk.click("pin-ok")
    for digit in pin[:-1]:
        kiosk.click(f"pin-{digit}")
    kiosk.click(f"pin-{pin[-1]}")
    kiosk.find("pin-ok").click()  # the second PIN: parking starts on the core thread ...
    kiosk.window.poll()  # ... and the timer's poll of the same session queues behind it
    kiosk.settle()
    code = shown_code(kiosk)
    assert code is not None, f"no code on {kiosk.screen.name}"
    return code


def test_the_code_stays_on_screen_after_continue_later(kiosk: Kiosk) -> None:
    kiosk.start("fa")
    form = kiosk.open_form("sozialticket")
    kiosk.set_answer(form, "family_name", "Ahmadi")
    code = park(kiosk, "1357")
    for _ in range(5):  # more polls, as the timer goes on
        kiosk.window.poll()
        kiosk.settle()
    assert kiosk.screen.name == "continue_later" and shown_code(kiosk) == code
    assert kiosk.terminal.store.tickets.count() == 1


def test_resuming_after_choosing_a_language_keeps_the_draft(kiosk: Kiosk) -> None:
    kiosk.start("de")
    form = kiosk.open_form("sozialticket")
    kiosk.set_answer(form, "family_name", "Popescu")
    code = park(kiosk, "2468")
    kiosk.click("finish")
    kiosk.start("ar")  # a language first, then "I have a code"
    kiosk.click("have_code")
    kiosk.type_code(code)
    for digit in "2468":
        kiosk.click(f"resume-pin-{digit}")
    kiosk.find("resume-pin-ok").click()  # resuming ends the visit begun with the language ...
    kiosk.window.poll()  # ... and a poll of that ended visit queues behind it
    kiosk.settle()
    kiosk.window.poll()
    kiosk.settle()
    assert kiosk.screen.name == "form"
    assert kiosk.screen.frames["family_name"].value() == "Popescu"
    session = kiosk.window.session
    assert isinstance(session, VisitorSession) and not session.ended
    actions = [e["action"] for e in kiosk.terminal.store.audit.entries()]
    assert actions[-2:] != ["session_end", "session_end"]
    ends = [e["detail"] for e in kiosk.terminal.store.audit.entries() if e["action"] == "session_end"]
    assert "timeout" not in ends


def test_a_result_for_a_closed_visit_is_dropped_and_what_it_holds_is_closed(qtbot: object) -> None:
    import threading

    core = CoreRunner()
    try:
        visit = Scope()
        shown: list[str] = []
        closed: list[str] = []
        opened = threading.Event()

        def open_session() -> str:
            opened.set()
            return "session"

        core.run(open_session, shown.append, scope=visit, on_dropped=closed.append)
        assert opened.wait(5)
        visit.close()  # the visit ended after the work, before its answer was shown
        core.wait_idle()
        qtbot.waitUntil(lambda: closed == ["session"], timeout=2000)  # type: ignore[attr-defined]
        assert shown == []
    finally:
        core.stop()


def test_polls_do_not_pile_up_behind_a_slow_disk(qtbot: object) -> None:
    import threading

    core = CoreRunner()
    gate = threading.Event()
    try:
        core.run(gate.wait)  # the disk is stuck
        queued = [core.run(lambda: None, key="poll") for _ in range(50)]
        assert queued.count(True) == 1  # one poll waits; the other 49 were not queued
        gate.set()
        core.wait_idle()
    finally:
        gate.set()
        core.stop()


def test_a_failure_nobody_handles_is_logged_not_raised(qtbot: object) -> None:
    seen: list[BaseException] = []
    core = CoreRunner(on_unhandled=seen.append)
    try:

        def broken() -> None:
            raise ValueError("disk said no")

        core.run(broken)
        core.wait_idle()
        qtbot.waitUntil(lambda: bool(seen), timeout=2000)  # type: ignore[attr-defined]
        assert isinstance(seen[0], ValueError)
    finally:
        core.stop()
