"""When a question shows its message: after the visitor answered and moved on, or after Next;
and once shown, it follows every change, so it never lags behind the answer."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import Kiosk
from ui.fields.frame import FieldFrame
from ui.screens.form import FormScreen


def typed(frame: FieldFrame, text: str) -> None:
    """Text typed into a field, as the keyboard delivers it (an edit per change)."""
    edit = frame.input.focus_widget()  # type: ignore[union-attr]
    edit.setText(text)  # type: ignore[attr-defined]
    frame.changed.emit(frame.path)


def left(frame: FieldFrame) -> None:
    frame.left.emit(frame.path)


def shown(frame: FieldFrame) -> str:
    return frame.errors.text() if frame.errors.isVisible() else ""


def test_a_question_skipped_without_touching_it_says_nothing_before_next(kiosk: Kiosk) -> None:
    kiosk.start("uk")
    form = kiosk.open_form("sozialticket")
    name = form.frames["family_name"]
    left(name)  # focus passed through it; nothing typed
    assert shown(name) == ""
    kiosk.click("next")
    assert "Bitte füllen Sie dieses Feld aus." in shown(name)


def test_a_message_on_screen_follows_every_change(kiosk: Kiosk) -> None:
    kiosk.start("de")
    form = kiosk.open_form("sozialticket")
    kiosk.click("next")  # every question of the page shows what is missing
    address = form.frames["address"]
    assert shown(address)
    parts = address.input.parts  # type: ignore[union-attr]
    for key, text in (("street", "Kampstraße"), ("house_number", "5"), ("postcode", "44137")):
        parts[key].set_value(text)
        parts[key].changed.emit()
    assert "Bitte geben Sie den Ort ein." in shown(address)
    parts["city"].set_value("Dortmund")
    parts["city"].changed.emit()  # typed, not yet left: the message goes at once
    assert shown(address) == ""
    phone = form.frames["phone"]
    typed(phone, "0231")
    left(phone)
    assert "Telefonnummer" in shown(phone)
    typed(phone, "0231 1234567")  # corrected: no stale message while still in the field
    assert shown(phone) == ""


def test_an_address_is_checked_when_the_visitor_leaves_it_not_between_its_boxes(
    kiosk: Kiosk,
) -> None:
    kiosk.start("de")
    form = kiosk.open_form("sozialticket")
    address = form.frames["address"]
    parts = address.input.parts  # type: ignore[union-attr]
    street = parts["street"].focus_widget()
    street.setFocus(Qt.FocusReason.MouseFocusReason)
    parts["street"].set_value("Kampstraße")
    parts["street"].changed.emit()
    parts["city"].focus_widget().setFocus(Qt.FocusReason.MouseFocusReason)  # on to the city
    kiosk.settle()
    assert shown(address) == ""  # no "enter the city" while the visitor is at the city
    form.frames["phone"].input.focus_widget().setFocus(Qt.FocusReason.MouseFocusReason)  # type: ignore[union-attr]
    kiosk.settle()
    assert "Ort" in shown(address) or "Hausnummer" in shown(address)


def test_letters_in_a_phone_number_get_their_own_message(kiosk: Kiosk) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("sozialticket")
    assert isinstance(form, FormScreen)
    phone = form.frames["phone"]
    typed(phone, "0231abc")
    left(phone)
    text = shown(phone)
    assert "Buchstaben" in text and text.splitlines()[0] != text.splitlines()[-1]
    assert "phone" not in form.answers or form.answers["phone"] == "0231abc"
