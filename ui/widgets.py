"""Small building blocks shared by the screens: buttons, cards, labels, QR codes, the top bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui import texts
from ui.tr import Tr

ICONS = {
    "passport": "✈",
    "money": "€",
    "house": "⌂",
    "child": "☺",
    "school": "✎",
    "briefcase": "⚒",
    "bus": "⇄",
    "change": "↻",
    "info": "ℹ",
}


def button(
    text: str,
    name: str,
    *,
    primary: bool = False,
    checkable: bool = False,
    on_click: Callable[[], None] | None = None,
) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName("primary" if primary else name)
    b.setProperty("kiosk_id", name)
    b.setAccessibleName(text)
    b.setCheckable(checkable)
    b.setMinimumSize(48, 48)
    b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if on_click is not None:
        b.clicked.connect(lambda _=False: on_click())
    return b


def label(text: str, kind: str = "", *, wrap: bool = True, selectable: bool = False) -> QLabel:
    lab = QLabel(text)
    if kind:
        lab.setObjectName(kind)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setAccessibleName(text)
    if selectable:
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def german_label(text: str, tr: Tr) -> QLabel:
    """The official German term, small, aligned with the layout even inside right-to-left text."""
    lab = label(text, "german")
    if tr.rtl:
        lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
    return lab


def ltr_isolate(text: str) -> str:
    """Codes, numbers and IBANs stay left-to-right inside right-to-left text."""
    return f"\u2066{text}\u2069"


def scroll(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    return area


def qr_pixmap(payload: str, size: int = 240) -> QPixmap:
    """A QR code drawn with Qt from the qrcode library's module matrix (quiet zone included)."""
    import qrcode

    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    scale = max(1, size // n)
    image = QImage(n * scale, n * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect(x * scale, y * scale, scale, scale)
    painter.end()
    return QPixmap.fromImage(image)


class Card(QFrame):
    """A framed tile: icon, title, description; the whole card is one big button."""

    clicked = Signal()

    def __init__(
        self,
        name: str,
        icon: str,
        title: str,
        description: str,
        german: str | None = None,
        rtl: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setProperty("kiosk_id", name)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QHBoxLayout(self)
        glyph = QLabel(ICONS.get(icon, "•"))
        glyph.setObjectName("title")
        glyph.setFixedWidth(64)
        glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        glyph.setAccessibleName(icon)
        layout.addWidget(glyph)
        text = QVBoxLayout()
        head = label(title, "subtitle")
        text.addWidget(head)
        if german:
            lab = label(german, "german")
            if rtl:
                lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
            text.addWidget(lab)
        text.addWidget(label(description))
        layout.addLayout(text, 1)
        self.setAccessibleName(title)
        self.setMinimumHeight(96)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def mouseReleaseEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self.clicked.emit()


class TopBar(QWidget):
    """On every screen: language, larger text, high contrast, read aloud, start over."""

    def __init__(
        self,
        tr: Tr,
        *,
        large: bool,
        contrast: bool,
        speech: bool,
        on_language: Callable[[], None],
        on_large: Callable[[bool], None],
        on_contrast: Callable[[bool], None],
        on_speak: Callable[[], None],
        on_start_over: Callable[[], None] | None,
    ) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        lang = button(
            f"{texts_icon('lang')} {tr(texts.LANGUAGE)}", "language", on_click=on_language
        )
        row.addWidget(lang)
        self.large = button(tr(texts.LARGER_TEXT), "larger_text", checkable=True)
        self.large.setChecked(large)
        self.large.toggled.connect(on_large)
        row.addWidget(self.large)
        self.contrast = button(tr(texts.HIGH_CONTRAST), "high_contrast", checkable=True)
        self.contrast.setChecked(contrast)
        self.contrast.toggled.connect(on_contrast)
        row.addWidget(self.contrast)
        self.speak = button(tr(texts.READ_ALOUD), "read_aloud", on_click=on_speak)
        self.speak.setVisible(speech)
        row.addWidget(self.speak)
        row.addStretch(1)
        if on_start_over is not None:
            row.addWidget(button(tr(texts.START_OVER), "start_over", on_click=on_start_over))


def texts_icon(name: str) -> str:
    return {"lang": "Aa"}.get(name, "")


class PrintFeedback:
    """A Print button with its two messages: "printing, take it" or "photograph the QR code".

    Screens that print (done, continue later) place the parts and report through
    ``started``/``done``; the button is never left disabled.
    """

    def __init__(self, tr: Tr, on_print: Callable[[], None]) -> None:
        self.button = button(f"⎙ {tr(texts.PRINT)}", "print", on_click=on_print)
        self.unavailable = label(tr(texts.PRINT_UNAVAILABLE), "error")
        self.unavailable.setVisible(False)
        self.printing = label(tr(texts.PRINTING), "subtitle")
        self.printing.setVisible(False)

    def started(self) -> None:
        self.button.setEnabled(False)
        self.unavailable.setVisible(False)
        self.printing.setVisible(True)

    def done(self, printed: bool) -> None:
        self.button.setEnabled(True)
        self.printing.setVisible(printed)
        self.unavailable.setVisible(not printed)
