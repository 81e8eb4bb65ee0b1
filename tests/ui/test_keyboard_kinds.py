"""Which keyboard each answer asks for: Latin letters where a passport or a German
address must match, digits for numbers, the dial pad for phones, the visitor's own
script for free text."""

from __future__ import annotations

from typing import get_args

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from ui.fields.by_type import keyboard_for
from ui.fields.inputs import AddressInput
from ui.keyboard import KIND_HINTS, KeyboardKind, keyboard_locales
from ui.tr import Tr

Hint = Qt.InputMethodHint

KEYBOARD_FOR_FIELD = [
    # field type, pattern, keyboard
    ("person_name", None, "latin"),
    ("place", None, "latin"),
    ("iban", None, "code"),
    ("email", None, "email"),
    ("postcode", None, "digits"),
    ("money", None, "number"),  # with a decimal separator for the cents
    ("decimal", None, "number"),
    ("integer", None, "digits"),
    ("phone", None, "phone"),
    ("text", None, "native"),
    ("long_text", None, "native"),
    ("text", "^[A-Za-z0-9/ .-]*$", "latin"),  # a file number: no Arabic letters fit
    ("text", "^[0-9]*$", "native"),  # no letter range: the visitor's own script
    ("a_type_no_one_knows", None, "native"),
]


@pytest.mark.parametrize(("field_type", "pattern", "kind"), KEYBOARD_FOR_FIELD)
def test_each_field_type_asks_for_its_keyboard(
    field_type: str, pattern: str | None, kind: str
) -> None:
    assert keyboard_for(field_type, pattern) == kind


def test_every_keyboard_kind_has_its_input_hints() -> None:
    assert set(KIND_HINTS) == set(get_args(KeyboardKind))


LAYOUTS = [
    # visitor's language, own layout, Latin layout
    ("de", "de_DE", "de_DE"),
    ("tr", "tr_TR", "tr_TR"),  # a Latin script: the own layout serves for names
    ("ar", "ar_AR", "en_GB"),
    ("uk", "uk_UA", "en_GB"),
]


@pytest.mark.parametrize(("lang", "own", "latin"), LAYOUTS)
def test_visitors_in_another_script_get_a_latin_layout_beside_their_own(
    lang: str, own: str, latin: str
) -> None:
    assert keyboard_locales(lang) == (own, latin)


def test_the_house_number_asks_for_latin_letters_and_prefers_numbers(
    qtbot: QtBot, demo: CompiledCatalog
) -> None:
    address = AddressInput(Tr("ar", demo), "address", foreign=False)
    qtbot.addWidget(address)
    house = address.findChild(QLineEdit, "address.house_number")
    assert house is not None
    assert house.property("kiosk_keyboard") == "house"
    hints = house.inputMethodHints()
    for wanted in (Hint.ImhPreferNumbers, Hint.ImhLatinOnly, Hint.ImhNoPredictiveText):
        assert hints & wanted, wanted
    street = address.findChild(QLineEdit, "address.street")
    assert street is not None and street.property("kiosk_keyboard") == "latin"
    postcode = address.findChild(QLineEdit, "address.postcode")
    assert postcode is not None and postcode.inputMethodHints() & Hint.ImhDigitsOnly
