"""Which input each field type gets: one row for every declared type, the visitor's own
keyboard exactly for the core's free text, and numbers and codes left to right in a
right-to-left layout as the core's table says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import Consent, FormField, Option
from kiosk.engine.field_types import ALWAYS_LTR_TYPES, FREE_TEXT_TYPES
from tests.engine.test_field_types import assert_covers_declared_types
from ui.fields.base import Input
from ui.fields.by_type import INPUT_FOR_TYPE, FieldContext, Typed, make_input
from ui.fields.choice import ChoiceInput, ListChoiceInput, YesNoInput
from ui.fields.inputs import AddressInput, AttachmentInput, ConsentInput, DateInput, SignatureInput
from ui.fields.number import NumberInput
from ui.fields.text import TextInput
from ui.tr import Tr

TODAY = dt.date(2026, 11, 21)


def test_every_declared_type_has_exactly_one_input() -> None:
    assert_covers_declared_types(INPUT_FOR_TYPE)


def test_the_visitors_own_keyboard_is_for_free_text_only() -> None:
    native = {
        t
        for t, make in INPUT_FOR_TYPE.items()
        if isinstance(make, Typed) and make.keyboard == "native"
    }
    assert native == FREE_TEXT_TYPES


def _field(type_: str, **extra: Any) -> FormField:
    if type_ in {"choice", "multi_choice"}:
        extra.setdefault("options", [Option(value="a", label="A"), Option(value="b", label="B")])
    if type_ == "consent":
        extra["consent"] = Consent(text="Ich stimme zu.", version="1")
    if type_ == "group":
        extra["fields"] = [FormField(id="child", type="text", label="Kind")]
    return FormField(id="f", type=type_, label="Frage", **extra)


MANY = [Option(value=f"o{n}", label=f"Antwort {n}") for n in range(12)]
INPUTS: list[tuple[FormField, type[Input] | None]] = [
    (_field("text"), TextInput),
    (_field("long_text"), TextInput),
    (_field("money"), NumberInput),  # read in the visitor's language, echoed back
    (_field("integer"), NumberInput),
    (_field("decimal"), NumberInput),
    (_field("iban"), TextInput),
    (_field("person_name"), TextInput),
    (_field("yes_no"), YesNoInput),
    (_field("choice"), ChoiceInput),
    (_field("choice", options=MANY), ListChoiceInput),  # too many for buttons: a list
    (_field("multi_choice", options=MANY), ChoiceInput),  # ticks stay buttons
    (_field("nationality"), ListChoiceInput),
    (_field("date"), DateInput),
    (_field("address"), AddressInput),
    (_field("consent"), ConsentInput),
    (_field("signature"), SignatureInput),
    (_field("attachment"), AttachmentInput),
    (_field("note"), None),
    (_field("group"), None),  # its questions are frames of their own
]


@pytest.fixture
def context(demo: CompiledCatalog) -> FieldContext:
    return FieldContext(Tr("ar", demo), demo.catalog.forms[0], TODAY)


@pytest.mark.parametrize(("f", "widget"), INPUTS, ids=lambda v: getattr(v, "type", ""))
def test_each_type_gets_its_input(
    qtbot: QtBot, context: FieldContext, f: FormField, widget: type[Input] | None
) -> None:
    made = make_input(f, "f", context)
    if widget is None:
        assert made is None
        return
    assert made is not None
    qtbot.addWidget(made)
    assert type(made) is widget


TYPED = sorted(t for t, make in INPUT_FOR_TYPE.items() if isinstance(make, Typed))


@pytest.mark.parametrize("type_", TYPED)
def test_numbers_and_codes_stay_left_to_right_in_arabic(
    qtbot: QtBot, context: FieldContext, type_: str
) -> None:
    made = make_input(_field(type_), "f", context)
    assert isinstance(made, TextInput)
    qtbot.addWidget(made)
    made.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    ltr = made.edit.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert ltr == (type_ in ALWAYS_LTR_TYPES)
