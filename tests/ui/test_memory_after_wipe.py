"""After the wipe, nothing in the kiosk process still refers to what the visitor typed.

Python cannot overwrite an immutable string, and Qt frees its buffers without
zeroing them, so the bytes of a freed answer may linger in free memory until it
is reused (core dumps and debuggers are off, see kiosk.hardening). What the kiosk
controls is that no object keeps an answer alive: no session, draft, widget,
undo stack, message or cache. That is what this test checks, by walking every
object the garbage collector knows and every widget Qt has.
"""

from __future__ import annotations

import gc
import random
import string

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.ui.conftest import Kiosk
from tests.ui.test_journey import all_texts


def referrers_of_text(secret: str) -> list[str]:
    """Type names of the objects that hold a string (or bytes) containing *secret*."""
    utf8, utf16 = secret.encode(), secret.encode("utf-16-le")
    holders = []
    for obj in gc.get_objects():
        for ref in gc.get_referents(obj):
            if ref is secret:
                continue
            if (isinstance(ref, str) and secret in ref) or (
                isinstance(ref, bytes | bytearray) and (utf8 in ref or utf16 in ref)
            ):
                holders.append(type(obj).__name__)
    return holders


def end_visit(kiosk: Kiosk, how: str) -> None:
    if how == "idle":
        kiosk.advance(91)
        kiosk.advance(31)
    elif how == "start_over":
        kiosk.start_over()
    elif how == "continue_later":
        kiosk.click("continue_later")
        kiosk.choose_pin("2468")
        kiosk.click("finish")
    assert kiosk.screen.name == "welcome", kiosk.screen.name


@pytest.mark.parametrize("how", ["idle", "start_over", "continue_later"])
def test_no_object_holds_a_typed_answer_after_the_visit(kiosk: Kiosk, how: str) -> None:
    secret = "Q" + "".join(random.choices(string.ascii_lowercase, k=14))
    kiosk.start("uk")
    form = kiosk.open_form("sozialticket")
    box = form.frames["family_name"].findChild(QLineEdit)
    assert box is not None
    box.setFocus()
    kiosk.qtbot.keyClicks(box, secret)  # typed key by key: undo stack, input events
    kiosk.qtbot.keyClick(box, Qt.Key.Key_Tab)
    kiosk.settle()
    kiosk.advance(0.5)  # autosaved
    assert secret in all_texts(kiosk.window)
    assert referrers_of_text(secret)  # the check finds it while the visit lasts
    del form, box  # the test's own references to the screen

    end_visit(kiosk, how)
    kiosk.flush_deleted()
    QApplication.processEvents()
    gc.collect()
    assert secret not in all_texts(kiosk.window)
    assert not any(
        secret in w.text() for w in QApplication.allWidgets() if isinstance(w, QLineEdit)
    )
    assert referrers_of_text(secret) == []
