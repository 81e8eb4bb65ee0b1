"""An answer the kiosk puts into a box (a resumed draft, the form rebuilt in another
language) is not an edit of the visitor's: it is not saved again, does not count as
edited, and does not re-evaluate the whole form once per box."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from tests.ui.conftest import Kiosk
from ui.fields.text import TextInput
from ui.screens.form import FormScreen

REMARKS = "Ich komme mit zwei kleinen Kindern und brauche einen Platz für den Kinderwagen."


def test_a_long_answer_set_by_the_kiosk_is_no_edit_and_one_typed_is(qtbot: QtBot) -> None:
    box = TextInput("long_text", "remarks", "Bemerkungen", keyboard="native")
    qtbot.addWidget(box)
    heard: list[str] = []
    box.changed.connect(lambda: heard.append("changed"))
    box.set_value(REMARKS)
    assert box.value() == REMARKS and heard == []
    box.edit.moveCursor(QTextCursor.MoveOperation.End)
    box.edit.insertPlainText(" Danke.")  # as the keyboard types
    assert heard == ["changed"] and box.value() == REMARKS + " Danke."


def test_a_language_switch_loads_a_long_answer_without_editing_it(kiosk: Kiosk) -> None:
    kiosk.start("de")
    form = kiosk.open_form("appointment_request")
    kiosk.set_answer(form, "remarks", REMARKS)
    assert "remarks" in form.edited  # the visitor's own edit
    kiosk.click("language")
    kiosk.click("lang-ar")
    kiosk.settle()
    rebuilt = kiosk.screen
    assert isinstance(rebuilt, FormScreen) and rebuilt is not form
    assert rebuilt.frames["remarks"].value() == REMARKS
    assert rebuilt.edited == set()  # loaded, not typed
