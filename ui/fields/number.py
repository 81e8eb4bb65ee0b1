"""Numbers and amounts as the visitor writes them, echoed back as the form understood them.

A visitor types "40.000" in German, "40,000" in English, "٤٠٬٠٠٠" in Arabic: the
box reads it with the separators of the visitor's language
(:func:`kiosk.engine.number_reading.read_number`) and says under it, at once, what
it understood: "= 40.000,00 €", "= €40,000.00". The form keeps the number
locale-neutral (:func:`~kiosk.engine.number_reading.canonical`: ``40000``), so
the answer means the same after a change of language or a resume. Text that
could mean two numbers ("40.000" in English) is kept as typed, and the form's
check refuses it naming both readings, rather than guessing.
"""

from __future__ import annotations

from typing import Any

from kiosk.engine.number_reading import NumberReading, canonical, read_number
from kiosk.localized import money, number, plain_number
from ui.fields.base import KioskLineEdit
from ui.fields.text import TextInput
from ui.keyboard import KeyboardKind
from ui.tr import Tr
from ui.widgets import label


class NumberInput(TextInput):
    """A text box for an ``integer``, ``decimal`` or ``money`` answer, with its echo line."""

    def __init__(
        self, kind: str, name: str, accessible: str, tr: Tr, *, keyboard: KeyboardKind
    ) -> None:
        super().__init__(kind, name, accessible, keyboard=keyboard)
        self.kind, self.visitor = kind, tr
        self.echo = label("", "muted")
        self.echo.setObjectName(f"{name}.echo")
        self.echo.setProperty("kiosk_id", f"{name}.echo")
        self.echo.setVisible(False)
        layout = self.layout()
        assert layout is not None  # TextInput lays out its box
        layout.addWidget(self.echo)
        assert isinstance(self.edit, KioskLineEdit)  # a number is one line
        self.line = self.edit
        self.line.textChanged.connect(self._show_understood)

    def text(self) -> str:
        return self.line.text()

    def reading(self) -> NumberReading:
        """What the box's text means to a visitor of this language."""
        return read_number(self.text(), self.visitor.lang)

    def value(self) -> Any:
        """The number as the form keeps it (``40000``), or the text as typed when it is
        not one (the form's check then says why)."""
        text = self.text()
        if not text.strip():
            return None
        understood = self.reading().value
        return text if understood is None else canonical(understood)

    def set_value(self, value: Any) -> None:
        """Show a kept answer; what the visitor is typing stays as typed when it means it."""
        if value is not None and value == self.value():
            return
        shown = "" if value is None else str(value)
        kept = read_number(shown, None).value  # the form keeps numbers as canonical text
        if kept is not None:
            shown = plain_number(kept, self.visitor.lang)  # "40000,5" in German: as typed there
            if read_number(shown, self.visitor.lang).value != kept:
                shown += "0"  # "0,125" would read as a thousands group: "0,1250"
        super().set_value(shown)
        self._show_understood()

    def understood(self) -> str:
        """The echo of the number in the box ("= €40,000.00"), or "" when it is none."""
        value = self.reading().value
        if value is None:
            return ""
        shown = (
            money(value, self.visitor.lang)
            if self.kind == "money"
            else number(value, self.visitor.lang)
        )
        return f"= \u2068{shown}\u2069"  # the amount in its own direction inside the line

    def _show_understood(self, *_: object) -> None:
        echo = self.understood()
        self.echo.setText(echo)
        self.echo.setAccessibleName(echo)
        self.echo.setVisible(bool(echo))
