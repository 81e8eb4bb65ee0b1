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
from ui.core import Lane, Scope


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


def parked_popescu(kiosk: Kiosk) -> str:
    """A form parked with the PIN 2468 by an earlier visitor; its code."""
    kiosk.start("de")
    form = kiosk.open_form("sozialticket")
    kiosk.set_answer(form, "family_name", "Popescu")
    code = park(kiosk, "2468")
    kiosk.click("finish")
    return code


def test_resuming_after_choosing_a_language_keeps_the_draft(kiosk: Kiosk) -> None:
    code = parked_popescu(kiosk)
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
    session = kiosk.window.visit.session
    assert isinstance(session, VisitorSession) and not session.ended
    actions = [e["action"] for e in kiosk.terminal.store.audit.entries()]
    assert actions[-2:] != ["session_end", "session_end"]
    ends = [
        e["detail"] for e in kiosk.terminal.store.audit.entries() if e["action"] == "session_end"
    ]
    assert "timeout" not in ends


def test_a_result_for_a_closed_visit_is_dropped_and_what_it_holds_is_closed(qtbot: object) -> None:
    import threading

    core = Lane(None)
    try:
        visit = Scope()
        shown: list[str] = []
        closed: list[str] = []
        opened = threading.Event()

        def open_session(_: None) -> str:
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

    core = Lane(None)
    gate = threading.Event()
    try:
        core.run(lambda _: gate.wait())  # the disk is stuck
        queued = [core.run(lambda _: None, key="poll") for _ in range(50)]
        assert queued.count(True) == 1  # one poll waits; the other 49 were not queued
        gate.set()
        core.wait_idle()
    finally:
        gate.set()
        core.stop()


def test_a_failure_nobody_handles_is_logged_not_raised(qtbot: object) -> None:
    seen: list[BaseException] = []
    core = Lane(None, on_unhandled=seen.append)
    try:

        def broken(_: None) -> None:
            raise ValueError("disk said no")

        core.run(broken)
        core.wait_idle()
        qtbot.waitUntil(lambda: bool(seen), timeout=2000)  # type: ignore[attr-defined]
        assert isinstance(seen[0], ValueError)
    finally:
        core.stop()


class StuckDisk:
    """Holds the core thread (a disk that hangs for a moment) until released."""

    def __init__(self, kiosk: Kiosk) -> None:
        import threading

        self.gate = threading.Event()
        kiosk.core.run(lambda _: self.gate.wait())

    def release(self) -> None:
        self.gate.set()


def test_a_visit_that_ends_while_it_is_being_opened_does_not_block_the_next(
    kiosk: Kiosk,
) -> None:
    disk = StuckDisk(kiosk)
    kiosk.find("lang-fa").click()  # the visit is being opened behind the stuck disk ...
    kiosk.window.wipe()  # ... and ends (the screen timed out) before it was shown
    disk.release()
    kiosk.settle()
    assert kiosk.window.visit.session is None and not kiosk.terminal._live  # closed, key gone
    kiosk.start("uk")  # the next visitor is not refused
    assert kiosk.screen.name == "home"


def test_a_resumed_visit_that_cannot_be_shown_goes_back_behind_its_code(kiosk: Kiosk) -> None:
    code = parked_popescu(kiosk)
    kiosk.click("have_code")
    kiosk.type_code(code)
    for digit in "2468":
        kiosk.click(f"resume-pin-{digit}")
    disk = StuckDisk(kiosk)
    kiosk.find("resume-pin-ok").click()  # opening waits behind the stuck disk ...
    kiosk.window.wipe()  # ... and the screen is wiped before the form could be shown
    disk.release()
    kiosk.settle()
    kiosk.settle()
    assert kiosk.terminal.store.tickets.count() == 1  # parked again, not deleted
    assert not kiosk.terminal._live
    kiosk.click("have_code")
    kiosk.type_code(code)  # the code on the visitor's receipt still opens it
    for digit in "2468":
        kiosk.click(f"resume-pin-{digit}")
    kiosk.click("resume-pin-ok")
    assert kiosk.screen.name == "form"
    assert kiosk.screen.frames["family_name"].value() == "Popescu"


def test_a_visit_being_opened_when_a_code_is_resumed_is_closed(kiosk: Kiosk) -> None:
    """A language tapped on a slow terminal, then "I have a code": the visit the language
    began is closed when the resumed one arrives, not left open with its key."""
    code = parked_popescu(kiosk)
    disk = StuckDisk(kiosk)
    kiosk.find("lang-ar").click()  # the visit is being opened behind the stuck disk ...
    kiosk.find("have_code").click()  # ... while the visitor goes on to their code
    for char in code.replace("-", ""):
        kiosk.find(f"resume-code-{char}").click()
    kiosk.find("resume-next").click()
    for digit in "2468":
        kiosk.find(f"resume-pin-{digit}").click()
    kiosk.find("resume-pin-ok").click()
    disk.release()
    kiosk.settle()
    kiosk.settle()
    assert kiosk.screen.name == "form"
    assert list(kiosk.terminal._live.values()) == [kiosk.window.visit.session]


def test_a_catalog_installed_as_a_visitor_starts_reaches_the_window(
    kiosk: Kiosk, home: object
) -> None:
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk.catalog.bundle import build_bundle, sign_bundle
    from kiosk.catalog.install import CatalogInstaller, save_trust
    from kiosk.crypto.signing import public_key_pem
    from tests.catalog.office_keys import with_office_keys
    from tests.session.test_catalog_update import version_of

    assert isinstance(home, Path)
    key = Ed25519PrivateKey.generate()
    header = kiosk.terminal.catalog.catalog.header
    trust = save_trust(home, header.id, [public_key_pem(key.public_key())])
    installer = CatalogInstaller(home, trust)
    kiosk.terminal.installer = installer
    new = with_office_keys(version_of(kiosk.terminal.catalog, 2))
    installer.stage(sign_bundle(build_bundle(new), key))
    disk = StuckDisk(kiosk)
    kiosk.window.poll()  # the install waits behind the stuck disk ...
    kiosk.find("lang-uk").click()  # ... while a visitor taps a language
    disk.release()
    kiosk.settle()
    kiosk.settle()
    assert kiosk.terminal.bundle_version == 2
    assert kiosk.window.catalog is kiosk.terminal.catalog  # not the old one for good


def test_a_callback_that_fails_is_handled_not_raised_in_the_slot(qtbot: object) -> None:
    seen: list[BaseException] = []
    core = Lane(None, on_unhandled=seen.append)
    try:

        def show(_: object) -> None:
            raise StopIteration  # say, a page the result names that is not there

        core.run(lambda _: "result", show)
        core.wait_idle()
        qtbot.waitUntil(lambda: bool(seen), timeout=2000)  # type: ignore[attr-defined]
        assert isinstance(seen[0], StopIteration)
    finally:
        core.stop()
