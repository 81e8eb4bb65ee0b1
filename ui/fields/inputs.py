"""Input widgets, one per kind of answer; each reads and writes the engine's raw value.

Touch first: choices are big buttons, dates come from a picker (no typing),
numbers, phone numbers and IBANs ask the keyboard for digits and stay
left-to-right in right-to-left layouts.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import mimetypes
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog.codelists import country_names
from ui import texts
from ui.tr import Tr
from ui.widgets import button, label

#: Keyboard hints per field type (the virtual keyboard picks its layout from them).
HINTS = {
    "integer": Qt.InputMethodHint.ImhDigitsOnly,
    "postcode": Qt.InputMethodHint.ImhDigitsOnly,
    "decimal": Qt.InputMethodHint.ImhFormattedNumbersOnly,
    "money": Qt.InputMethodHint.ImhFormattedNumbersOnly,
    "phone": Qt.InputMethodHint.ImhDialableCharactersOnly,
    "iban": Qt.InputMethodHint.ImhPreferNumbers
    | Qt.InputMethodHint.ImhPreferUppercase
    | Qt.InputMethodHint.ImhNoPredictiveText,
    "email": Qt.InputMethodHint.ImhEmailCharactersOnly | Qt.InputMethodHint.ImhNoAutoUppercase,
    "person_name": Qt.InputMethodHint.ImhNoPredictiveText,
}
ALWAYS_LTR = frozenset({"integer", "postcode", "decimal", "money", "phone", "iban", "email"})


class Input(QWidget):
    """Base: ``changed`` on every edit, ``left`` when the visitor moves on."""

    changed = Signal()
    left = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self

    def _finished(self, *_: object) -> None:
        self.changed.emit()
        self.left.emit()


class _LineEdit(QLineEdit):
    left = Signal()

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.left.emit()


class TextInput(Input):
    def __init__(self, kind: str, name: str, accessible: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.multiline = kind == "long_text"
        self.edit: QLineEdit | QPlainTextEdit
        if self.multiline:
            self.edit = QPlainTextEdit()
            self.edit.setMinimumHeight(140)
            self.edit.textChanged.connect(self.changed.emit)
        else:
            self.edit = _LineEdit()
            self.edit.textEdited.connect(lambda _: self.changed.emit())
            self.edit.left.connect(self.left.emit)
            self.edit.setInputMethodHints(HINTS.get(kind, Qt.InputMethodHint.ImhNone))
        if kind in ALWAYS_LTR:
            self.edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            if isinstance(self.edit, QLineEdit):
                self.edit.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
        self.edit.setObjectName(name)
        self.edit.setAccessibleName(accessible)
        layout.addWidget(self.edit)

    def value(self) -> Any:
        text = (
            self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()
        )
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if isinstance(self.edit, QPlainTextEdit):
            if self.edit.toPlainText() != text:
                self.edit.setPlainText(text)
        elif self.edit.text() != text:
            self.edit.setText(text)

    def focus_widget(self) -> QWidget:
        return self.edit

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.left.emit()


class ChoiceInput(Input):
    """Big buttons, one per option; several may be on for multiple choice."""

    def __init__(self, options: list[tuple[str, str]], multiple: bool, name: str) -> None:
        super().__init__()
        self.multiple = multiple
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(not multiple)
        self.buttons: dict[str, Any] = {}
        columns = 2 if len(options) > 3 else 1
        for index, (value, text) in enumerate(options):
            b = button(text, f"{name}.{value}", checkable=True)
            b.setProperty("option", value)
            self.group.addButton(b)
            self.buttons[value] = b
            grid.addWidget(b, index // columns, index % columns)
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
        super().__init__([("yes", tr(texts.YES)), ("no", tr(texts.NO))], False, name)

    def value(self) -> Any:
        chosen = super().value()
        return None if chosen is None else chosen == "yes"

    def set_value(self, value: Any) -> None:
        super().set_value(None if value is None else ("yes" if value else "no"))


class ListChoiceInput(Input):
    """Long option lists (countries, code lists): a search box and a list to tap."""

    def __init__(self, options: list[tuple[str, str]], tr: Tr, name: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr(texts.SEARCH_COUNTRY))
        self.search.setAccessibleName(tr(texts.SEARCH_COUNTRY))
        self.search.setObjectName(f"{name}.search")
        self.search.textEdited.connect(self._filter)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setObjectName(name)
        self.list.setAccessibleName(name)
        self.list.setMinimumHeight(220)
        for value, text in options:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.list.addItem(item)
        self.list.currentItemChanged.connect(self._picked)
        layout.addWidget(self.list)

    def _picked(self, *_: object) -> None:
        self.changed.emit()
        self.left.emit()

    def _filter(self, text: str) -> None:
        needle = text.casefold().strip()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

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


def country_options(lang: str, extra: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return extra + list(country_names(lang).items())


class DatePicker(QDialog):
    """Day, month and year as lists to tap: a date without typing."""

    def __init__(
        self, tr: Tr, current: dt.date, low: dt.date, high: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setWindowTitle(tr(texts.CHOOSE_DATE))
        self.setLayoutDirection(tr.direction)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.day, self.month, self.year = QListWidget(), QListWidget(), QListWidget()
        months = tr.qlocale
        for d in range(1, 32):
            self.day.addItem(str(d))
        for m in range(1, 13):
            self.month.addItem(f"{m} · {months.standaloneMonthName(m)}")
        self.years = list(range(high.year, low.year - 1, -1))
        for y in self.years:
            self.year.addItem(str(y))
        for lst, title, name in (
            (self.day, texts.DAY, "day"),
            (self.month, texts.MONTH, "month"),
            (self.year, texts.YEAR, "year"),
        ):
            col = QVBoxLayout()
            col.addWidget(label(tr(title), "subtitle"))
            lst.setObjectName(f"date.{name}")
            lst.setAccessibleName(tr(title))
            lst.setMinimumHeight(320)
            lst.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            col.addWidget(lst)
            row.addLayout(col)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addWidget(button(tr(texts.CANCEL), "date.cancel", on_click=self.reject))
        buttons.addWidget(button(tr(texts.OK), "date.ok", primary=True, on_click=self.accept))
        layout.addLayout(buttons)
        self.set_date(current)

    def set_date(self, value: dt.date) -> None:
        self.day.setCurrentRow(value.day - 1)
        self.month.setCurrentRow(value.month - 1)
        if value.year in self.years:
            self.year.setCurrentRow(self.years.index(value.year))

    def date(self) -> dt.date | None:
        try:
            return dt.date(
                self.years[self.year.currentRow()],
                self.month.currentRow() + 1,
                self.day.currentRow() + 1,
            )
        except (ValueError, IndexError):
            return None  # 31 February: the engine's message explains


class DateInput(Input):
    def __init__(self, tr: Tr, name: str, low: dt.date, high: dt.date, today: dt.date) -> None:
        super().__init__()
        self.t, self.low, self.high, self.today = tr, low, high, today
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.button = button(tr(texts.CHOOSE_DATE), name, on_click=self.pick)
        self.button.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self._value: str | None = None

    def pick(self) -> None:
        start = (
            dt.date.fromisoformat(self._value)
            if self._value
            else min(max(self.today, self.low), self.high)
        )
        dialog = DatePicker(self.t, start, self.low, self.high, self.window())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            chosen = dialog.date()
            self.set_value(chosen.isoformat() if chosen else None)
            self.changed.emit()
            self.left.emit()

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = str(value) if value else None
        if self._value:
            day = dt.date.fromisoformat(self._value)
            self.button.setText(self.t.date(day))
        else:
            self.button.setText(self.t(texts.CHOOSE_DATE))
        self.button.setAccessibleName(self.button.text())


class AddressInput(Input):
    PARTS = (
        ("street", texts.STREET, "place"),
        ("house_number", texts.HOUSE_NUMBER, "postcode"),
        ("postcode", texts.POSTCODE, "postcode"),
        ("city", texts.CITY, "place"),
        ("extra", texts.ADDRESS_EXTRA, "place"),
    )

    def __init__(self, tr: Tr, name: str, foreign: bool) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.parts: dict[str, TextInput | ListChoiceInput] = {}
        for row, (key, title, kind) in enumerate(self.PARTS):
            kind = "text" if (foreign and key in {"postcode", "house_number"}) else kind
            part = TextInput(kind, f"{name}.{key}", tr(title))
            part.changed.connect(self.changed.emit)
            part.left.connect(self.left.emit)
            grid.addWidget(label(tr(title)), row, 0)
            grid.addWidget(part, row, 1)
            self.parts[key] = part
        if foreign:
            country = ListChoiceInput(country_options(tr.lang, []), tr, f"{name}.country")
            country.changed.connect(self.changed.emit)
            grid.addWidget(label(tr(texts.COUNTRY)), len(self.PARTS), 0)
            grid.addWidget(country, len(self.PARTS), 1)
            self.parts["country"] = country

    def value(self) -> Any:
        out = {k: v for k, p in self.parts.items() if (v := p.value()) is not None}
        return out or None

    def set_value(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        for key, part in self.parts.items():
            part.set_value(value.get(key))

    def focus_widget(self) -> QWidget:
        return self.parts["street"].focus_widget()


class ConsentInput(Input):
    def __init__(self, tr: Tr, text: str, name: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = label(text, "consent", selectable=True)
        layout.addWidget(self.text)
        self.agree = button(tr(texts.I_AGREE), name, checkable=True)
        self.agree.toggled.connect(self._finished)
        layout.addWidget(self.agree)

    def value(self) -> Any:
        return True if self.agree.isChecked() else None

    def set_value(self, value: Any) -> None:
        self.agree.blockSignals(True)
        self.agree.setChecked(value is True)
        self.agree.blockSignals(False)


class SignaturePad(QWidget):
    """Draw with a finger; the strokes become a PNG for the application."""

    drawn = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(420, 180)
        self.strokes: list[list[QPoint]] = []

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#888888"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(20, self.height() - 40, self.width() - 20, self.height() - 40)
        painter.setPen(QPen(QColor("black"), 3))
        for stroke in self.strokes:
            for a, b in itertools.pairwise(stroke):
                painter.drawLine(a, b)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.strokes.append([event.position().toPoint()])
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self.strokes:
            self.strokes[-1].append(event.position().toPoint())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.drawn.emit()

    def png_data_url(self) -> str | None:
        if not any(len(s) > 1 for s in self.strokes):
            return None
        image = QImage(self.size(), QImage.Format.Format_RGB32)
        self.render(image)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # stub lacks (QIODevice, str)
        return "data:image/png;base64," + base64.b64encode(bytes(data.data())).decode()


class SignatureInput(Input):
    def __init__(self, tr: Tr, name: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label(tr(texts.SIGN_HERE), "muted"))
        self.pad = SignaturePad()
        self.pad.setObjectName(name)
        self.pad.setAccessibleName(tr(texts.SIGN_HERE))
        self.pad.drawn.connect(self._finished)
        layout.addWidget(self.pad)
        layout.addWidget(button(tr(texts.CLEAR_SIGNATURE), f"{name}.clear", on_click=self.clear))
        self._value: str | None = None

    def clear(self) -> None:
        self.pad.strokes.clear()
        self.pad.update()
        self._value = None
        self.changed.emit()

    def value(self) -> Any:
        drawn = self.pad.png_data_url()
        return drawn or self._value

    def set_value(self, value: Any) -> None:
        self._value = value if isinstance(value, str) else None


class AttachmentInput(Input):
    def __init__(self, tr: Tr, name: str, accept: list[str]) -> None:
        super().__init__()
        self.t, self.accept = tr, accept
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.button = button(tr(texts.ADD_FILE), name, on_click=self.pick)
        layout.addWidget(self.button)
        self._value: dict[str, Any] | None = None

    def pick(self) -> None:
        patterns = " ".join(
            f"*{ext}" for t in self.accept for ext in mimetypes.guess_all_extensions(t)
        )
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.t(texts.ADD_FILE),
            "",
            patterns,
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.set_file(Path(path))

    def set_file(self, path: Path) -> None:
        data = path.read_bytes()
        media, _ = mimetypes.guess_type(path.name)
        self.set_value(
            {
                "filename": path.name,
                "media_type": media or "application/octet-stream",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
        self.changed.emit()
        self.left.emit()

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value if isinstance(value, dict) else None
        name = self._value.get("filename") if self._value else None
        self.button.setText(self.t(texts.FILE_ADDED, name=name) if name else self.t(texts.ADD_FILE))
