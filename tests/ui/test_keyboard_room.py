"""Room for the on-screen keyboard: the page above it shrinks, never the window; a button
pressed as the keyboard goes away stays under the finger until it is lifted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import Kiosk
from ui.room import TIGHT_PX


def bottom_margin(kiosk: Kiosk) -> int:
    return kiosk.window.outer.contentsMargins().bottom()


def test_the_page_makes_room_and_the_window_keeps_its_size(kiosk: Kiosk) -> None:
    kiosk.start("de")
    kiosk.open_form("sozialticket")
    size = kiosk.window.size()
    kiosk.window.room.moved(300)
    QApplication.processEvents()
    assert bottom_margin(kiosk) == 300 and kiosk.window.size() == size
    screen = kiosk.screen
    assert not screen.top.isVisible()  # the top bar gives its room to the page
    tight = kiosk.window.height() - 300 < TIGHT_PX
    assert screen.next.isVisible() is not tight
    kiosk.window.room.moved(0)
    QApplication.processEvents()
    assert bottom_margin(kiosk) == 0 and screen.top.isVisible() and screen.next.isVisible()


def test_a_pressed_button_does_not_slide_away_when_the_keyboard_goes(
    kiosk: Kiosk, qtbot: QtBot
) -> None:
    kiosk.start("de")
    kiosk.open_form("sozialticket")
    room = kiosk.window.room
    room.moved(300)
    qtbot.mousePress(kiosk.screen.next, Qt.MouseButton.LeftButton)
    room.moved(0)  # the keyboard goes as the finger presses "next" ...
    assert bottom_margin(kiosk) == 300  # ... but the page waits for the finger
    kiosk.window.staff._swallow_release = True  # a release staff's corner swallows ...
    qtbot.mouseRelease(kiosk.screen.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bottom_margin(kiosk) == 0, timeout=2000)  # ... still lifts it
