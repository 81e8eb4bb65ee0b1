"""Answer widgets that are more than a box to type in: dates, addresses, consent,
signatures and documents. Each reads and writes the engine's raw value."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from ui import texts
from ui.fields.base import Input
from ui.fields.choice import ListChoiceInput, country_options
from ui.fields.date_picker import DatePicker, DateRange
from ui.fields.text import TextInput
from ui.glossary import term_label
from ui.keyboard import KeyboardKind
from ui.theme import current
from ui.tr import Tr
from ui.widgets import TileButton, button, german_label, icon_disc, label


class DateInput(Input):
    """A button showing the date; tapping it opens the touch date picker over the window."""

    def __init__(
        self, tr: Tr, name: str, bounds: DateRange, *, title: str = "", german: str = ""
    ) -> None:
        super().__init__()
        self.t, self.bounds, self.title, self.german = tr, bounds, title, german
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.button = button(tr(texts.CHOOSE_DATE), name, on_click=self.pick, icon="date")
        layout.addWidget(self.button)
        layout.addStretch(1)
        self._value: str | None = None
        self.picker: DatePicker | None = None

    def pick(self) -> None:
        current_value = dt.date.fromisoformat(self._value) if self._value else None
        picker = DatePicker(
            self.window(),
            self.t,
            current(),
            title=self.title or self.t(texts.CHOOSE_DATE),
            german=self.german,
            bounds=self.bounds,
            current=current_value,
            on_chosen=self._chosen,
        )
        self.picker = picker
        self.destroyed.connect(picker.dismiss)  # the field went away: so does its picker
        picker.present()

    def _chosen(self, day: dt.date) -> None:
        self.picker = None
        self.set_value(day.isoformat())
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
    """Street, house number, postcode, city, an extra line (and the country abroad), each
    with its German name beside; messages wait until the visitor leaves the whole address."""

    PARTS: tuple[tuple[str, str, str, KeyboardKind], ...] = (
        ("street", texts.STREET, "place", "latin"),
        ("house_number", texts.HOUSE_NUMBER, "text", "house"),
        ("postcode", texts.POSTCODE, "postcode", "digits"),
        ("city", texts.CITY, "place", "latin"),
        ("extra", texts.ADDRESS_EXTRA, "place", "latin"),
    )

    def __init__(self, tr: Tr, name: str, foreign: bool) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        self.parts: dict[str, TextInput | ListChoiceInput] = {}
        for row, (key, title, kind, keyboard) in enumerate(self.PARTS):
            if foreign and key == "postcode":
                kind, keyboard = "text", "latin"
            part = TextInput(kind, f"{name}.{key}", tr(title), keyboard=keyboard)
            part.changed.connect(self.changed.emit)
            part.left.connect(self.leave_when_focus_leaves)
            grid.addLayout(_part_label(tr, title), row, 0)
            grid.addWidget(part, row, 1)
            self.parts[key] = part
        if foreign:
            country = ListChoiceInput(country_options(tr, []), tr, f"{name}.country")
            country.changed.connect(self.changed.emit)
            country.left.connect(self.leave_when_focus_leaves)
            grid.addLayout(_part_label(tr, texts.COUNTRY), len(self.PARTS), 0)
            grid.addWidget(country, len(self.PARTS), 1)
            self.parts["country"] = country
        grid.setColumnStretch(1, 1)

    def value(self) -> Any:
        out = {k: v for k, p in self.parts.items() if (v := p.value()) is not None}
        return out or None

    def set_value(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        for key, part in self.parts.items():
            part.set_value(value.get(key))

    def focus_widget(self) -> QWidget:
        return self.parts["street"].focus_widget()


def _part_label(tr: Tr, msgid: str) -> QVBoxLayout:
    box = QVBoxLayout()
    box.setSpacing(0)
    box.addWidget(label(tr(msgid)))
    if not tr.shows_german:
        box.addWidget(german_label(msgid, tr))
    box.addStretch(1)
    return box


class ConsentInput(Input):
    def __init__(self, tr: Tr, text: str, name: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = term_label(text, tr, "consent")
        layout.addWidget(self.text)
        self.agree = TileButton(
            tr(texts.I_AGREE),
            name,
            german=None if tr.shows_german else texts.I_AGREE,
            checkable=True,
            rtl=tr.rtl,
        )
        self.agree.toggled.connect(self._finished)
        layout.addWidget(self.agree)

    def value(self) -> Any:
        return True if self.agree.isChecked() else None

    def set_value(self, value: Any) -> None:
        self.agree.blockSignals(True)
        self.agree.setChecked(value is True)
        self.agree._show_state(value is True)
        self.agree.blockSignals(False)


class SignaturePad(QWidget):
    """Draw with a finger; the strokes become a PNG for the application.

    It is a drawing surface (``kiosk_draws``): the page's kinetic scrolling lets go of
    a press that starts here (see :mod:`ui.touch`), so a quick stroke draws.
    """

    drawn = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(420, 200)
        self.setProperty("kiosk_draws", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.strokes: list[list[QPoint]] = []

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#5b616b"), 2))
        painter.drawRect(self.rect().adjusted(1, 1, -2, -2))
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
        if self.strokes:
            self.strokes[-1].append(event.position().toPoint())
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
        self.pad.setProperty("kiosk_id", name)
        self.pad.setAccessibleName(tr(texts.SIGN_HERE))
        self.pad.drawn.connect(self._finished)
        layout.addWidget(self.pad)
        clear = button(
            tr(texts.CLEAR_SIGNATURE), f"{name}.clear", on_click=self.clear, icon="clear"
        )
        layout.addWidget(clear, 0, Qt.AlignmentFlag.AlignLeading)
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
    """A document the office wants: the kiosk takes none from a file system (it shows
    none); the visitor hands it to staff or brings it, and the office copy says so."""

    def __init__(self, tr: Tr, name: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(icon_disc("info_sheet", 56), 0, Qt.AlignmentFlag.AlignTop)
        notice = label(tr(texts.BRING_DOCUMENT), "subtitle")
        notice.setProperty("kiosk_id", name)
        row.addWidget(notice, 1)

    def value(self) -> Any:
        return None

    def set_value(self, value: Any) -> None:
        return None
