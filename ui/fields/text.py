"""Typed answers: names, places, numbers, amounts, phone numbers, IBANs, free text.

Each kind of answer asks for its own keyboard (see :mod:`ui.keyboard`): Latin
letters for what must match a passport or a German address, digits for
numbers, the dial pad for phone numbers, the visitor's script for free text;
which one is written in the table of inputs (:mod:`ui.fields.by_type`).
Numbers, phone numbers and IBANs stay left to right in right-to-left layouts, as
the core's field types say (:data:`kiosk.engine.field_types.ALWAYS_LTR_TYPES`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout

from kiosk.engine.field_types import ALWAYS_LTR_TYPES
from ui.fields.base import Input, KioskLineEdit, KioskTextEdit
from ui.keyboard import KeyboardKind, mark_keyboard


class TextInput(Input):
    """A text box for an answer of field type *kind* (or an address's part of that type)."""

    def __init__(self, kind: str, name: str, accessible: str, *, keyboard: KeyboardKind) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.multiline = kind == "long_text"
        self._setting = False  # set_value at work: what changes is not the visitor's edit
        self.edit: KioskLineEdit | KioskTextEdit
        if self.multiline:
            self.edit = KioskTextEdit()
            self.edit.setMinimumHeight(140)
            self.edit.setTabChangesFocus(True)
            # a plain-text box has no signal for the visitor's edits alone (a line edit
            # has textEdited): what set_value puts in is not an edit of the visitor's
            self.edit.textChanged.connect(self._text_changed)
        else:
            self.edit = KioskLineEdit()
            self.edit.textEdited.connect(lambda _: self.changed.emit())
        self.edit.left.connect(self.left.emit)
        mark_keyboard(self.edit, keyboard)
        if kind in ALWAYS_LTR_TYPES:
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
        """Show *value* (a loaded or resumed answer): no ``changed``, as for every input."""
        text = "" if value is None else str(value)
        if isinstance(self.edit, KioskTextEdit):
            if self.edit.toPlainText() != text:
                self._setting = True
                try:
                    self.edit.setPlainText(text)
                finally:
                    self._setting = False
        elif self.edit.text() != text:
            self.edit.setText(text)

    def _text_changed(self) -> None:
        if not self._setting:
            self.changed.emit()

    def focus_widget(self) -> KioskLineEdit | KioskTextEdit:
        return self.edit
