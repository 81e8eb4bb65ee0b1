"""The boot screen: the language choice painted before the kiosk is loaded."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from ui.boot import BootWindow


def test_boot_window_shows_every_language_and_remembers_a_choice(qtbot: QtBot) -> None:
    chosen: list[str] = []
    boot = {
        "languages": ["de", "ar", "uk"],
        "names": {"de": "Deutsch", "ar": "العربية", "uk": "Українська"},
    }
    window = BootWindow(boot, chosen.append)
    qtbot.addWidget(window)
    buttons = {b.property("kiosk_id"): b for b in window.findChildren(QPushButton)}
    assert buttons["lang-ar"].text() == "العربية"
    assert buttons["lang-uk"].accessibleName() == "Українська"
    buttons["lang-ar"].click()
    assert window.pending == "ar" and chosen == ["ar"]
    buttons["have_code"].click()
    assert window.pending == "@code"


def test_the_first_paint_and_the_fatal_screen_cannot_be_closed(qtbot: QtBot) -> None:
    """With a window manager, a close button or Alt+F4 must not reveal the desktop."""
    from ui.app import FatalScreen

    boot = BootWindow({"languages": ["de"], "names": {"de": "Deutsch"}}, lambda _: None)
    qtbot.addWidget(boot)
    boot.show()
    assert not boot.close() and boot.isVisible()
    boot.release()  # the kiosk window has taken over
    assert not boot.isVisible()
    fatal = FatalScreen("Das Terminal kann nicht starten.", "StoreError: disk full")
    qtbot.addWidget(fatal)
    fatal.show()
    assert not fatal.close() and fatal.isVisible()
    fatal.hide()
