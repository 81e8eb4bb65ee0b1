"""Choosing answers: big tiles for a few options, a searchable list for long ones.

Every option shows the German term under the visitor's words (the word on the
visitor's papers and in the office's letters), unless the visitor reads German
or staff's assisted mode already puts German beside every text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QGridLayout,
    QListWidget,
    QListWidgetItem,
    QScroller,
    QVBoxLayout,
)

from kiosk.definition.codelists import country_names
from ui import texts
from ui.fields.base import Input, KioskLineEdit
from ui.glossary import add_term_buttons, term_strip
from ui.keyboard import mark_keyboard
from ui.tr import Tr
from ui.widgets import TileButton

#: (value, text in the visitor's language, German text)
Option = tuple[str, str, str]


def german_or_none(tr: Tr, text: str, german: str) -> str | None:
    return None if tr.shows_german or text == german else german


class ChoiceInput(Input):
    """Big tiles, one per option; several may be on for multiple choice."""

    def __init__(self, options: list[Option], multiple: bool, name: str, tr: Tr) -> None:
        super().__init__()
        self.multiple = multiple
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self.group = QButtonGroup(self)
        self.group.setExclusive(not multiple)
        self.buttons: dict[str, TileButton] = {}
        columns = 2 if len(options) > 3 else 1
        for index, (value, text, german) in enumerate(options):
            b = TileButton(
                text,
                f"{name}.{value}",
                german=german_or_none(tr, text, german),
                checkable=True,
                rtl=tr.rtl,
            )
            b.setProperty("option", value)
            row = b.layout()
            if isinstance(row, QBoxLayout):  # the German terms of the option, each tappable
                add_term_buttons(row, tr, [(text, german)], f"{name}.{value}")
            self.group.addButton(b)
            self.buttons[value] = b
            grid.addWidget(b, index // columns, index % columns)
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, _: Any, checked: bool) -> None:
        if checked or self.multiple:
            self.changed.emit()
            self.left.emit()

    def value(self) -> Any:
        chosen = [v for v, b in self.buttons.items() if b.isChecked()]
        if self.multiple:
            return chosen or None
        return chosen[0] if chosen else None

    def set_value(self, value: Any) -> None:
        wanted = set(value) if isinstance(value, list) else {value}
        self.group.blockSignals(True)
        exclusive = self.group.exclusive()
        self.group.setExclusive(False)
        for v, b in self.buttons.items():
            b.setChecked(v in wanted)
        self.group.setExclusive(exclusive)
        self.group.blockSignals(False)


class YesNoInput(ChoiceInput):
    def __init__(self, tr: Tr, name: str) -> None:
        super().__init__(
            [("yes", tr(texts.YES), texts.YES), ("no", tr(texts.NO), texts.NO)], False, name, tr
        )

    def value(self) -> Any:
        chosen = super().value()
        return None if chosen is None else chosen == "yes"

    def set_value(self, value: Any) -> None:
        super().set_value(None if value is None else ("yes" if value else "no"))


class ListChoiceInput(Input):
    """Long option lists (countries, code lists): a search box and a list to tap.

    The search finds an option by its words in the visitor's language or in German.
    """

    def __init__(
        self, options: list[Option], tr: Tr, name: str, *, placeholder: str | None = None
    ) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = KioskLineEdit()
        prompt = placeholder or tr(texts.SEARCH_IN_LIST)
        self.search.setPlaceholderText(prompt)
        self.search.setAccessibleName(prompt)
        self.search.setObjectName(f"{name}.search")
        self.search.setProperty("kiosk_id", f"{name}.search")
        mark_keyboard(self.search, "native")
        self.search.setProperty("kiosk_results_below", True)  # scrolled to the top when typing
        self.search.textEdited.connect(self._filter)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setObjectName(name)
        self.list.setProperty("kiosk_id", name)
        self.list.setAccessibleName(name)
        self.list.setMinimumHeight(240)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(
            self.list.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )
        self.search_text: list[str] = []
        for value, text, german in options:
            beside = german_or_none(tr, text, german)
            item = QListWidgetItem(f"{text}\n{tr.german_fragment(beside)}" if beside else text)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole, f"{text} ({beside})" if beside else text
            )
            self.list.addItem(item)
            self.search_text.append(f"{text} {german}".casefold())
        self.list.currentItemChanged.connect(self._picked)
        layout.addWidget(self.list)
        terms = term_strip(tr, [(text, german) for _, text, german in options], name)
        if terms is not None:  # a row of the list holds no button: the terms stand below it
            layout.addWidget(terms)

    def _picked(self, *_: object) -> None:
        self.changed.emit()
        self.left.emit()

    def _filter(self, text: str) -> None:
        needle = text.casefold().strip()
        for i in range(self.list.count()):
            self.list.item(i).setHidden(bool(needle) and needle not in self.search_text[i])

    def value(self) -> Any:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def set_value(self, value: Any) -> None:
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == value:
                self.list.setCurrentRow(i)
                break
        else:
            self.list.setCurrentRow(-1)
        self.list.blockSignals(False)

    def focus_widget(self) -> KioskLineEdit:
        return self.search


def country_options(tr: Tr, extra: list[Option]) -> list[Option]:
    """Countries in the visitor's language, each with its German name."""
    german = country_names("de")
    return extra + [
        (code, name, german.get(code, name)) for code, name in country_names(tr.lang).items()
    ]
