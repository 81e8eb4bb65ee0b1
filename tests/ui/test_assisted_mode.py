"""The assisted mode on a real window: the hidden corner, the staff PIN, help, and locking again."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.crypto.keywrap import ScryptParams
from kiosk.crypto.sealing import unseal
from kiosk.staff.records import StaffRecord, hash_pin
from tests.ui.conftest import Kiosk
from ui.screens.form import FormScreen

CHEAP = ScryptParams(n=2**10)
ANNA_PIN, OMAR_PIN = "482913", "705118"
ROOT_PIN = "5820417396"  # an admin's long PIN: it also opens a waiting PIN pad


@pytest.fixture
def staffed(kiosk: Kiosk) -> Kiosk:
    store, now = kiosk.terminal.store, kiosk.clock.now()
    store.staff_accounts.add(
        StaffRecord(id="anna", name="Anna K.", pin_hash=hash_pin(ANNA_PIN, CHEAP)), now=now
    )
    store.staff_accounts.add(
        StaffRecord(id="omar", name="Omar S.", role="admin", pin_hash=hash_pin(OMAR_PIN, CHEAP)),
        now=now,
    )
    store.staff_accounts.add(
        StaffRecord(id="root", name="Ruth A.", role="admin", pin_hash=hash_pin(ROOT_PIN, CHEAP)),
        now=now,
    )
    kiosk.window.staff.hold.setInterval(100)
    return kiosk


def long_press_corner(kiosk: Kiosk, qtbot: QtBot, at: QPoint | None = None) -> None:
    """The discreet control: hold the top-left corner, as staff do."""
    window = kiosk.window
    at = at or QPoint(10, 10)
    target = window.childAt(at) or window
    spot = target.mapFrom(window, at)
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: window.staff.unlock.isVisible() or window.staff.panel is not None)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=spot)
    kiosk.settle()


def enter_pin(kiosk: Kiosk, pin: str) -> None:
    for digit in pin:
        kiosk.click(f"staff-pin-{digit}")
    kiosk.click("staff-pin-ok")
    kiosk.settle()


def unlock(kiosk: Kiosk, qtbot: QtBot, pin: str = ANNA_PIN) -> None:
    long_press_corner(kiosk, qtbot)
    enter_pin(kiosk, pin)
    assert kiosk.window.staff.active


def audit(kiosk: Kiosk) -> list[dict[str, object]]:
    return kiosk.terminal.store.audit.entries()


def message(kiosk: Kiosk) -> str:
    return kiosk.window.staff.unlock.message.text()


def test_a_short_tap_in_the_corner_does_nothing(staffed: Kiosk, qtbot: QtBot) -> None:
    window = staffed.window
    qtbot.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.wait(300)
    assert not window.staff.unlock.isVisible()


def test_the_right_pin_unlocks_with_banner_and_german_beside(staffed: Kiosk, qtbot: QtBot) -> None:
    staffed.start("uk")
    unlock(staffed, qtbot)
    window = staffed.window
    assert not window.staff.unlock.isVisible()
    banner = window.staff.banner
    assert banner.isVisible() and "Anna K." in banner.text.text()
    assert "Sie bekommen Hilfe vom Personal" in banner.text.text()  # German beside Ukrainian
    # every text of the visitor's screen now carries its German original
    labels = [w.text() for w in window.current.findChildren(QLabel) if w.isVisibleTo(window)]
    assert any("Wobei brauchen Sie Hilfe?" in text and "\n" in text for text in labels)
    assert [e["action"] for e in audit(staffed)].count("staff_unlock") == 1
    assert any(e["actor"] == "staff:anna" for e in audit(staffed))


def test_the_banner_follows_the_language_chosen_after_staff_unlocked(
    staffed: Kiosk, qtbot: QtBot
) -> None:
    unlock(staffed, qtbot)  # staff come first; the visitor then chooses Persian
    staffed.start("fa")
    text = staffed.window.staff.banner.text.text()
    persian, german = text.split("\n")
    assert (
        "Anna K." in persian and persian != "Sie bekommen Hilfe vom Personal: \u2068Anna K.\u2069"
    )
    assert german == "\u2066Sie bekommen Hilfe vom Personal: \u2068Anna K.\u2069\u2069"


def countdown(kiosk: Kiosk) -> str:
    label = kiosk.window.staff.unlock.countdown
    return label.text() if label.isVisible() else ""


def test_wrong_pins_make_the_pad_wait_with_a_live_countdown(staffed: Kiosk, qtbot: QtBot) -> None:
    long_press_corner(staffed, qtbot)
    for _ in range(3):
        enter_pin(staffed, "111112")
        assert message(staffed) == "Die PIN ist falsch."
        assert countdown(staffed) == ""
    enter_pin(staffed, "111112")  # the fourth: the pad waits a minute
    assert "Das Terminal wartet" in message(staffed)
    assert countdown(staffed) == "Nächster Versuch mit Personal-PIN in 1:00"
    qtbot.waitUntil(lambda: countdown(staffed).endswith("0:59"), timeout=3000)  # live
    enter_pin(staffed, ANNA_PIN)  # even the right PIN waits
    assert not staffed.window.staff.active
    staffed.clock.advance(61)
    enter_pin(staffed, ANNA_PIN)
    assert staffed.window.staff.active
    staffed.window.staff.lock("manual")
    # the right PIN did not wipe the count: the next wrong one waits two minutes at once
    long_press_corner(staffed, qtbot)
    enter_pin(staffed, "111112")
    assert countdown(staffed) == "Nächster Versuch mit Personal-PIN in 2:00"
    actions = [e["action"] for e in audit(staffed)]
    assert actions.count("staff_unlock_failed") == 5
    assert actions.count("staff_unlock_locked") == 1
    flat = json.dumps(audit(staffed))
    assert ANNA_PIN not in flat and "111112" not in flat


def test_a_visitors_wrong_pins_cannot_keep_an_admin_out(staffed: Kiosk, qtbot: QtBot) -> None:
    """Anyone can find the pad and make it wait; an admin's long PIN still opens it, and the
    admin lifts the wait for everybody from the staff menu."""
    long_press_corner(staffed, qtbot)
    for wait in (0, 0, 0, 60, 120):  # the visitor waits out every wait, and tries again
        enter_pin(staffed, "111112")
        staffed.clock.advance(wait + 1)
    enter_pin(staffed, "111112")
    assert countdown(staffed).endswith("4:00")
    enter_pin(staffed, "123456")  # a staff-length PIN during the wait is not even checked
    for _ in range(8):  # the visitor mashes long numbers too: the admin path never locks
        enter_pin(staffed, "5820417390")
        staffed.clock.advance(10)
    assert not staffed.window.staff.active
    enter_pin(staffed, ROOT_PIN)
    assert staffed.window.staff.active and staffed.window.staff.grant is not None
    assert staffed.window.staff.grant.staff_id == "root"
    staffed.click("staff-menu")
    staffed.click("staff-reset-lockout")
    assert staffed.window.staff.panel is not None
    assert staffed.window.staff.panel.message.text() == "Die PIN-Sperre ist aufgehoben."
    staffed.click("staff-panel-lock")
    unlock(staffed, qtbot, ANNA_PIN)  # staff get in again at once
    actions = [e["action"] for e in audit(staffed)]
    assert "staff_lockout_reset" in actions
    details = [e["detail"] for e in audit(staffed) if e["action"] == "staff_unlock"]
    assert "admin during a wait" in details


def test_staff_menu_shows_no_reset_for_staff(staffed: Kiosk, qtbot: QtBot) -> None:
    unlock(staffed, qtbot, ANNA_PIN)
    staffed.click("staff-menu")
    names = {w.property("kiosk_id") for w in staffed.window.findChildren(QWidget)}
    assert "staff-reset-lockout" not in names and "staff-sync" in names


def test_relocks_after_the_idle_time_and_at_the_end_of_the_session(
    staffed: Kiosk, qtbot: QtBot
) -> None:
    idle = 20.0  # shorter than the visitor's own idle time, which would end the session first
    staffed.terminal.config = replace(staffed.terminal.config, staff_idle_seconds=idle)
    staffed.start("ar")
    unlock(staffed, qtbot)
    staffed.clock.advance(idle - 5)
    staffed.window.poll()
    assert staffed.window.staff.active
    staffed.clock.advance(10)
    staffed.window.poll()
    staffed.settle()
    assert not staffed.window.staff.active
    assert not staffed.window.staff.banner.isVisible()

    unlock(staffed, qtbot)
    staffed.start_over()
    assert not staffed.window.staff.active
    reasons = [e["detail"] for e in audit(staffed) if e["action"] == "staff_lock"]
    assert reasons == ["timeout", "session_end"]


def test_assisted_fill_in_is_recorded_in_the_application(
    staffed: Kiosk, qtbot: QtBot, office_keys: Path
) -> None:
    staffed.start("fa")
    unlock(staffed, qtbot)
    reference = staffed.fill_and_submit("kita_place")
    item = staffed.terminal.store.outbox.get(reference)
    assert item is not None and item.payload is not None
    office = staffed.terminal.catalog.catalog.form("kita_place").office
    payload = unseal(item.payload, (office_keys / f"{office}.key.pem").read_bytes())
    assert payload["assisted"] is True and payload["assisted_by"] == ["anna"]
    fills = [e for e in audit(staffed) if e["action"] == "assisted_fill"]
    assert fills == [
        {
            "at": fills[0]["at"],
            "actor": "staff:anna",
            "action": "assisted_fill",
            "detail": "kita_place",
        }
    ]


def test_a_visitor_alone_is_not_recorded_as_assisted(staffed: Kiosk, office_keys: Path) -> None:
    staffed.start("en")
    reference = staffed.fill_and_submit("kita_place")
    item = staffed.terminal.store.outbox.get(reference)
    assert item is not None and item.payload is not None
    office = staffed.terminal.catalog.catalog.form("kita_place").office
    payload = unseal(item.payload, (office_keys / f"{office}.key.pem").read_bytes())
    assert payload["assisted"] is False and payload["assisted_by"] == []


def test_staff_menu_shows_status_and_audits_actions(staffed: Kiosk, qtbot: QtBot) -> None:
    synced: list[bool] = []
    passes = {"at": "2026-11-21T09:00:00+00:00", "error": "HTTP 503"}

    def sync_pass() -> None:  # what the background sync does when nudged: one pass
        synced.append(True)
        passes.update(at="2026-11-21T10:00:02+00:00", error="")

    staffed.window.staff.sync_now_hook = sync_pass
    staffed.window.staff.status_source = lambda: {
        "catalog_version": "migrado_dortmund 1 (" + "ab12" * 16 + ")",
        "outbox": {"pending": 2, "sending": 0, "done": 40, "conflict": 0, "rejected": 0},
        "last_sync_at": None,
        "last_attempt_at": passes["at"],
        "last_error": passes["error"],
        "enrolled": True,
        "disk_free_bytes": 12_000_000_000,
        "disk_total_bytes": 64_000_000_000,
    }
    unlock(staffed, qtbot)
    staffed.click("staff-menu")
    panel = staffed.window.staff.panel
    assert panel is not None and panel.isVisible()
    staffed.settle()
    lines = {key: lab.text() for key, lab in panel.status_lines.items()}
    assert lines["catalog"] == "Katalog: migrado_dortmund 1 (ab12ab12ab12…)"
    assert lines["outbox"] == (
        "Ausgang: wartet: 2, wird gesendet: 0, übertragen: 40, Konflikt: 0, abgelehnt: 0"
    )
    assert lines["last_sync"] == "Letzte Übertragung: noch nie"
    assert lines["last_error"] == "Letzter Fehler: HTTP 503"
    assert lines["printer"].startswith("Drucker: ")
    assert lines["disk"] == "Freier Speicher: 12.0 GB von 64.0 GB"
    staffed.click("staff-sync")
    assert synced == [True]
    qtbot.waitUntil(lambda: "Übertragung beendet" in panel.message.text(), timeout=5000)
    assert panel.message.text() == "Übertragung beendet. Noch nicht übertragen: 2"
    staffed.click("staff-reprint")  # no visitor yet: nothing to print, and it says so
    assert "noch kein Antrag" in panel.message.text()
    staffed.click("staff-recover")
    assert panel.message.text() == "Es gibt keine Sitzung zum Wiederherstellen."
    staffed.click("staff-back")
    assert staffed.window.staff.panel is None
    actions = [e["action"] for e in audit(staffed)]
    assert {"staff_unlock", "status_viewed", "sync_now"} <= set(actions)


def test_only_an_admin_can_exit_the_kiosk(staffed: Kiosk, qtbot: QtBot) -> None:
    exits: list[bool] = []
    staffed.window.staff.on_exit = lambda: exits.append(True)
    staffed.window._close_allowed = False  # as in kiosk mode
    unlock(staffed, qtbot)
    staffed.click("staff-menu")
    names = {w.property("kiosk_id") for w in staffed.window.findChildren(QWidget)}
    assert "staff-exit" not in names  # staff: no exit button at all
    with pytest.raises(PermissionError):
        staffed.window.staff.exit_kiosk()
    assert exits == []
    staffed.click("staff-panel-lock")
    assert not staffed.window.staff.active

    unlock(staffed, qtbot, OMAR_PIN)
    staffed.click("staff-menu")
    staffed.click("staff-exit")  # asks for an admin PIN once more
    assert exits == [] and staffed.window.staff.unlock.isVisible()
    enter_pin(staffed, ANNA_PIN)  # a staff member's PIN does not do
    assert exits == [] and message(staffed) == "Die PIN ist falsch."
    enter_pin(staffed, OMAR_PIN)
    assert exits == [True]
    assert staffed.window._close_allowed
    exit_entries = [e for e in audit(staffed) if e["action"] == "exit_kiosk"]
    assert [e["actor"] for e in exit_entries] == ["staff:omar"]


def test_reprint_of_the_current_visitors_receipt(staffed: Kiosk, qtbot: QtBot) -> None:
    printed: list[int] = []

    def fake_print(make: object, *, scope: object = None) -> None:
        documents = make()  # type: ignore[operator]
        printed.append(len(documents))
        assert all(doc.startswith(b"%PDF") for doc in documents)

    staffed.start("ru")
    reference = staffed.fill_and_submit("kita_place")
    staffed.window.printer.print_documents = fake_print  # type: ignore[method-assign]
    unlock(staffed, qtbot)
    staffed.click("staff-menu")
    staffed.click("staff-reprint")
    assert printed == [2]
    assert any(
        e["action"] == "reprint" and e["detail"] == reference and e["actor"] == "staff:anna"
        for e in audit(staffed)
    )


def first_name_field(form: FormScreen) -> str:
    """The first question that takes a typed name (the form opens with a yes/no)."""
    return next(key for key, frame in form.frames.items() if frame.field.type == "person_name")


def test_crash_recovery_through_the_staff_menu(staffed: Kiosk, qtbot: QtBot) -> None:
    staffed.start("tr")
    form = staffed.open_form("kita_place")
    first = first_name_field(form)
    staffed.set_answer(form, first, "Test")
    staffed.clock.advance(1)
    staffed.settle()
    session = staffed.window.visit.session
    assert session is not None
    session.flush()
    # the process dies: the session stays 'active' in the store; a new terminal starts
    staffed.window.visit.session = None
    staffed.window.visit.open = None
    staffed.terminal._leftovers.add(session.id)
    staffed.terminal.forget(session)
    staffed.window.show_welcome()
    unlock(staffed, qtbot)
    staffed.click("staff-menu")
    staffed.click("staff-recover")
    assert isinstance(staffed.window.current, FormScreen)
    assert staffed.window.current.answers.get(first) == "Test"
    assert staffed.window.visit.lang == "tr"  # the visitor's own language, not the welcome's German
    assert (
        staffed.window.visit.session is not None and staffed.window.visit.session.language == "tr"
    )
    assert any(e["action"] == "crash_recovery" for e in audit(staffed))


def test_the_long_press_does_not_also_tap_what_lies_beneath(staffed: Kiosk, qtbot: QtBot) -> None:
    staffed.start("en")
    window = staffed.window
    corner = QPoint(40, 40)
    beneath = window.childAt(corner)
    assert isinstance(beneath, QPushButton)  # the language button reaches into the corner
    assert beneath.property("kiosk_id") == "language"
    long_press_corner(staffed, qtbot, corner)
    assert window.staff.unlock.isVisible()
    assert staffed.screen.name == "home"  # the release did not choose "language"
    assert not beneath.isDown()


def test_sliding_out_of_the_corner_is_no_long_press(staffed: Kiosk, qtbot: QtBot) -> None:
    window = staffed.window
    target = window.childAt(QPoint(10, 10)) or window
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, QPoint(10, 10)))
    qtbot.mouseMove(target, target.mapFrom(window, QPoint(400, 300)))
    qtbot.wait(300)
    assert not window.staff.unlock.isVisible()
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton)


def test_a_busy_terminal_still_locks_after_the_longest_unlock(staffed: Kiosk, qtbot: QtBot) -> None:
    unlock(staffed, qtbot)
    config = staffed.terminal.config
    for _ in range(int(config.staff_max_seconds // 60) + 1):
        staffed.clock.advance(60)
        staffed.window.staff.last_activity = staffed.clock.monotonic()  # someone keeps tapping
        staffed.window.staff.poll()
    staffed.settle()
    assert not staffed.window.staff.active
    assert [e["detail"] for e in audit(staffed) if e["action"] == "staff_lock"] == ["max_time"]


def test_a_tap_on_the_pad_that_is_no_pin_costs_staff_no_wait(staffed: Kiosk, qtbot: QtBot) -> None:
    long_press_corner(staffed, qtbot)
    for _ in range(10):
        enter_pin(staffed, "12")  # a visitor playing with the pad
    enter_pin(staffed, ANNA_PIN)
    assert staffed.window.staff.active


def test_help_given_before_continue_later_stays_on_record(
    staffed: Kiosk, qtbot: QtBot, office_keys: Path
) -> None:
    staffed.start("uk")
    unlock(staffed, qtbot)
    form = staffed.open_form("kita_place")
    first = first_name_field(form)
    staffed.set_answer(form, first, "Test")
    staffed.settle()
    staffed.click("continue_later")
    code = staffed.choose_pin("2468")
    assert not staffed.window.staff.active  # the visitor's session ended: staff locked too
    staffed.click("finish")
    staffed.click("have_code")
    resumed = staffed.terminal.resume(code, "2468", "uk")
    assert resumed.current is not None and resumed.current.assisted_by == {"anna"}
    resumed.end("test")


def test_a_staged_catalog_is_installed_on_the_welcome_screen_only(
    staffed: Kiosk, qtbot: QtBot, demo: object, home: Path
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk.catalog.bundle import build_bundle, sign_bundle
    from kiosk.catalog.install import CatalogInstaller, save_trust
    from kiosk.crypto.signing import public_key_pem
    from tests.catalog.office_keys import with_office_keys
    from tests.session.test_catalog_update import version_of

    key = Ed25519PrivateKey.generate()
    header = staffed.terminal.catalog.catalog.header
    trust = save_trust(home, header.id, [public_key_pem(key.public_key())])
    installer = CatalogInstaller(home, trust)
    staffed.terminal.installer = installer
    new = with_office_keys(version_of(staffed.terminal.catalog, 2, title="Neuer Titel"))

    staffed.start("ru")
    form = staffed.open_form("kita_place")
    staffed.set_answer(form, first_name_field(form), "Test")
    staffed.click("continue_later")
    staffed.choose_pin("2468")
    installer.stage(sign_bundle(build_bundle(new), key))
    staffed.window.poll()  # the code is on screen: it stays there
    staffed.settle()
    assert staffed.screen.name == "continue_later"
    assert staffed.terminal.bundle_version is None
    staffed.click("finish")
    assert staffed.screen.name == "welcome"
    staffed.window.poll()
    staffed.settle()
    assert staffed.terminal.bundle_version == 2
    assert staffed.window.catalog is staffed.terminal.catalog
    assert staffed.screen.name == "welcome"
