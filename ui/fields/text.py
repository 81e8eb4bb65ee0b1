"""Typed answers: names, places, numbers, amounts, phone numbers, IBANs, free text.

Each kind of answer asks for its own keyboard (see :mod:`ui.keyboard`): Latin
letters for what must match a passport or a German address, digits for
numbers, the dial pad for phone numbers, the visitor's script for free text.
Numbers, phone numbers and IBANs stay left to right in right-to-left layouts.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout

from ui.fields.base import Input, KioskLineEdit, KioskTextEdit
from ui.keyboard import KeyboardKind, mark_keyboard

#: The keyboard each typed field type needs.
KEYBOARD_BY_TYPE: dict[str, KeyboardKind] = {
    "person_name": "latin",
    "place": "latin",
    "iban": "code",
    "email": "email",
    "postcode": "digits",
    "integer": "digits",
    "decimal": "digits",
    "money": "digits",
    "phone": "phone",
    "text": "native",
    "long_text": "native",
}
TEXT_TYPES = frozenset(KEYBOARD_BY_TYPE)
ALWAYS_LTR = frozenset({"integer", "postcode", "decimal", "money", "phone", "iban", "email"})
#: A pattern whose letters are all from ranges like A-Z or a-z wants Latin letters.
_LATIN_RANGE = re.compile(r"[A-Za-z]-[A-Za-z]")


def keyboard_for(field_type: str, pattern: str | None = None) -> KeyboardKind:
    kind = KEYBOARD_BY_TYPE.get(field_type, "native")
    if kind == "native" and pattern and pattern.isascii() and _LATIN_RANGE.search(pattern):
        return "latin"  # a file number like "^[A-Za-z0-9/ .-]*$": no Arabic letters fit
    return kind


class TextInput(Input):
    def __init__(
        self, kind: str, name: str, accessible: str, *, keyboard: KeyboardKind | None = None
    ) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.multiline = kind == "long_text"
        self.edit: KioskLineEdit | KioskTextEdit
        if self.multiline:
            self.edit = KioskTextEdit()
            self.edit.setMinimumHeight(140)
            self.edit.setTabChangesFocus(True)
            self.edit.textChanged.connect(self.changed.emit)
        else:
            self.edit = KioskLineEdit()
            self.edit.textEdited.connect(lambda _: self.changed.emit())
        self.edit.left.connect(self.left.emit)
        mark_keyboard(self.edit, keyboard or keyboard_for(kind))
        if kind in ALWAYS_LTR:
            self.edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            if isinstance(self.edit, QLineEdit):
                self.edit.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
        self.edit.setObjectName(name)
        self.edit.setProperty("kiosk_id", name)
        self.edit.setAccessibleName(accessible)
        layout.addWidget(self.edit)

    def value(self) -> Any:
        text = self.edit.toPlainText() if isinstance(self.edit, KioskTextEdit) else self.edit.text()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if isinstance(self.edit, KioskTextEdit):
            if self.edit.toPlainText() != text:
                self.edit.setPlainText(text)
        elif self.edit.text() != text:
            self.edit.setText(text)

    def focus_widget(self) -> KioskLineEdit | KioskTextEdit:
        return self.edit
