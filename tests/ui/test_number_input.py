"""Amounts and numbers typed on the terminal: read in the visitor's language, echoed back.

A visitor types "40.000" in German and "40,000" in English and means the same; the
box says under it what the form understood ("= €40,000.00"), the form keeps
``40000`` whatever the language, and "40.000" typed in English (forty thousand
from a German paper, or forty?) is refused naming both, never guessed.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import FormField
from tests.conftest import TODAY
from ui.fields.by_type import FieldContext, make_input
from ui.fields.number import NumberInput
from ui.screens.base import ScreenEnv
from ui.screens.form import FormScreen
from ui.theme import Theme
from ui.tr import Tr

FSI, PDI, NBSP = "\u2068", "\u2069", "\u00a0"
KEPT_AS_TYPED = None  # the text stays as typed, and no echo: the form's check refuses it


def type_into(box: QLineEdit, text: str) -> None:
    """Type *text* as a keyboard commits it (non-Latin digits included)."""
    box.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(box, event)


def number_input(qtbot: QtBot, demo: CompiledCatalog, lang: str, kind: str) -> NumberInput:
    ctx = FieldContext(Tr(lang, demo), demo.catalog.forms[0], TODAY)
    made = make_input(FormField(id="f", type=kind, label="Betrag"), "f", ctx)
    assert isinstance(made, NumberInput)
    qtbot.addWidget(made)
    return made


#: (language, field type, typed) -> (what the form keeps, the line under the box)
TYPED = [
    ("de", "money", "40.000", "40000", f"= {FSI}40.000,00{NBSP}€{PDI}"),
    ("de", "money", "40000", "40000", f"= {FSI}40.000,00{NBSP}€{PDI}"),
    ("de", "money", "12,5", "12.5", f"= {FSI}12,50{NBSP}€{PDI}"),
    ("en", "money", "40,000", "40000", f"= {FSI}€40,000.00{PDI}"),
    ("en", "money", "40.5", "40.5", f"= {FSI}€40.50{PDI}"),
    ("en", "money", "40.000", KEPT_AS_TYPED, ""),
    ("ar", "money", "٤٠٬٠٠٠", "40000", f"= {FSI}\u200f40,000.00{NBSP}€{PDI}"),
    ("ar", "money", "٤٠٫٥", "40.5", f"= {FSI}\u200f40.50{NBSP}€{PDI}"),
    ("fa", "money", "۴۰٬۰۰۰", "40000", f"= {FSI}\u200e€{NBSP}40,000.00{PDI}"),
    ("fa", "money", "40.000", KEPT_AS_TYPED, ""),
    ("ru", "integer", "40 000", "40000", f"= {FSI}40{NBSP}000{PDI}"),
    ("uk", "decimal", "2,75", "2.75", f"= {FSI}2,75{PDI}"),
    ("de", "decimal", "1,500", KEPT_AS_TYPED, ""),
    ("de", "integer", "zwölf", KEPT_AS_TYPED, ""),
]


@pytest.mark.parametrize(("lang", "kind", "typed", "kept", "echo"), TYPED)
def test_what_a_visitor_types_is_kept_locale_neutral_and_echoed_back(
    qtbot: QtBot,
    demo: CompiledCatalog,
    lang: str,
    kind: str,
    typed: str,
    kept: str | None,
    echo: str,
) -> None:
    box = number_input(qtbot, demo, lang, kind)
    changes: list[None] = []
    box.changed.connect(lambda: changes.append(None))
    type_into(box.line, typed)
    assert box.line.text() == typed  # what the visitor typed stays as typed
    assert changes  # the form hears of it
    assert box.value() == (typed if kept is KEPT_AS_TYPED else kept)
    assert box.understood() == echo
    assert box.echo.isVisibleTo(box) == bool(echo)
    assert box.echo.accessibleName() == echo


#: (language, what the form kept) -> what the box shows when the visitor comes back,
#: and what it then means
SHOWN = [
    ("de", "40000.5", "40000,5", "40000.5"),
    ("en", "40000.5", "40000.5", "40000.5"),
    ("ar", "40000.5", "40000.5", "40000.5"),
    ("de", "0.1250", "0,1250", "0.1250"),  # "0,125" would read as a thousands group
    # typed before answers were kept canonical: shown as typed, read in the visitor's language
    ("de", "40.000", "40.000", "40000"),
]


@pytest.mark.parametrize(("lang", "kept", "shown", "value"), SHOWN)
def test_a_kept_number_is_shown_as_the_visitor_would_type_it(
    qtbot: QtBot, demo: CompiledCatalog, lang: str, kept: str, shown: str, value: str
) -> None:
    box = number_input(qtbot, demo, lang, "decimal")
    box.set_value(kept)
    assert box.line.text() == shown
    assert box.value() == value


def form_screen(qtbot: QtBot, demo: CompiledCatalog, lang: str) -> FormScreen:
    env = ScreenEnv.standalone(Tr(lang, demo), Theme())
    screen = FormScreen.standalone(env, demo, "housing_search", {}, TODAY)
    qtbot.addWidget(screen)
    screen.go_to("wishes")
    return screen


@pytest.mark.parametrize(
    ("lang", "typed"), [("de", "1.250"), ("en", "1,250"), ("ar", "١٬٢٥٠"), ("fa", "۱۲۵۰")]
)
def test_the_real_form_keeps_the_same_rent_in_every_language(
    qtbot: QtBot, demo: CompiledCatalog, lang: str, typed: str
) -> None:
    screen = form_screen(qtbot, demo, lang)
    frame = screen.frames["max_rent"]
    assert isinstance(frame.input, NumberInput)
    type_into(frame.input.line, typed)
    frame.left.emit(frame.path)
    assert screen.answers["max_rent"] == "1250"
    assert screen.state.values["max_rent"] == 1250
    assert not frame.errors.isVisible()  # nothing to refuse


def test_the_real_form_refuses_four_thousand_or_four_naming_both(
    qtbot: QtBot, demo: CompiledCatalog
) -> None:
    screen = form_screen(qtbot, demo, "en")
    frame = screen.frames["max_rent"]
    assert isinstance(frame.input, NumberInput)
    type_into(frame.input.line, "4.000")  # the rent is at most 5000
    frame.left.emit(frame.path)
    assert screen.state.values.get("max_rent") is None  # never read as forty
    message = frame.errors.text()
    assert frame.errors.isVisibleTo(screen) and "4000" in message
    assert re.search(r"(?<![\d.,])4(?![\d.,])", message)  # and four, on its own
    type_into(frame.input.line, ",00")  # "4.000,00": now it is clear
    assert screen.answers["max_rent"] == "4000"
    assert frame.errors.text() == ""
