"""Small building blocks shared by the screens: buttons, tiles, labels, QR codes, the top bar."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QSize, Qt, QTimer, Signal
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
from ui.theme import show_icon
from ui.tr import Tr, ltr_isolate

#: The top-left square that staff hold to open their PIN pad (see ui/staff_mode.py); no
#: control that ends or changes a visit may sit there.
STAFF_CORNER_PX = 96


def button(
    text: str,
    name: str,
    *,
    primary: bool = False,
    checkable: bool = False,
    on_click: Callable[[], None] | None = None,
    icon: str | None = None,
) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName("primary" if primary else name)
    b.setProperty("kiosk_id", name)
    b.setAccessibleName(text)
    b.setCheckable(checkable)
    b.setMinimumSize(52, 52)
    b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if icon:
        show_icon(b, icon)
    if on_click is not None:
        b.clicked.connect(lambda _=False: on_click())
    return b


def icon_button(
    icon: str, name: str, accessible_name: str, *, checkable: bool = False
) -> QPushButton:
    """A square button that shows only a pictogram, such as a question's help sign.

    Its size comes from the theme's style sheet (``kiosk_shape="icon"``, larger with
    larger text), never from a fixed size in code: a fixed size smaller than the style's
    minimum leaves the layout reserving less room than the button takes, and the button
    then spills over the words beside it. Fixed in both directions, so a row gives the
    words all the room that is left.
    """
    b = button("", name, checkable=checkable, icon=icon)
    b.setAccessibleName(accessible_name)
    b.setProperty("kiosk_shape", "icon")
    b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return b


class TileButton(QPushButton):
    """A big button whose words wrap: an answer in the visitor's language, the German
    term below it in smaller letters, and a check mark when chosen (not colour alone)."""

    def __init__(
        self,
        text: str,
        name: str,
        *,
        german: str | None = None,
        icon: str | None = None,
        checkable: bool = False,
        primary: bool = False,
        rtl: bool = False,
        on_click: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("primary" if primary else "tile")
        self.setProperty("kiosk_id", name)
        self.setCheckable(checkable)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(f"{text} ({german})" if german else text)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(12)
        self.mark = QLabel()
        self.mark.setFixedSize(30, 30)
        self.mark.setProperty("kiosk_icon_size", 28)
        if icon or checkable:
            show_icon(self.mark, icon or "")
            row.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignVCenter)
        self._icon = icon
        column = QVBoxLayout()
        column.setSpacing(2)
        self.main = label(text, "tile-text")
        self.main.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        column.addWidget(self.main)
        self.german: QLabel | None = None
        if german:
            self.german = german_label(german, rtl)
            column.addWidget(self.german)
        row.addLayout(column, 1)
        for part in (self.mark, self.main, self.german):
            if part is not None:
                part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.toggled.connect(self._show_state)
        if on_click is not None:
            self.clicked.connect(lambda _=False: on_click())

    def text(self) -> str:  # the words, as a plain button has them
        return self.main.text()

    def _show_state(self, on: bool) -> None:
        if self._icon is None:
            show_icon(self.mark, "ok" if on else "")
            if not on:
                self.mark.clear()
        from ui.theme import paint_icons

        for part in (self.mark, self.main, self.german):
            if part is not None:
                part.setProperty("on", on)
                part.style().unpolish(part)
                part.style().polish(part)
        paint_icons(self)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        layout = self.layout()
        hint = layout.sizeHint() if layout is not None else QSize(100, 56)
        return hint.expandedTo(QSize(56, 60))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        layout = self.layout()
        hint = layout.minimumSize() if layout is not None else QSize(56, 56)
        return hint.expandedTo(QSize(56, 60))


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


def german_label(text: str, rtl: bool | Tr) -> QLabel:
    """The official German term, small: written left to right (its full stop at its end)
    but placed on the reading side of a right-to-left screen."""
    if isinstance(rtl, Tr):
        rtl = rtl.rtl
    lab = label(text, "german")
    lab.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    if rtl:
        lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
    return lab


def icon_disc(name: str, size: int = 64) -> QLabel:
    """A pictogram on a soft round background: the picture of a topic or an office."""
    disc = QLabel()
    disc.setObjectName("icon-disc")
    show_icon(disc, name)
    disc.setProperty("kiosk_icon_size", int(size * 0.6))
    disc.setFixedSize(size, size)
    disc.setStyleSheet(f"border-radius: {size // 2}px;")
    disc.setAlignment(Qt.AlignmentFlag.AlignCenter)
    disc.setAccessibleName(name)
    return disc


def scroll(inner: QWidget) -> QScrollArea:
    """*inner* in a scroll area a finger drags.

    The drag gesture is taken on the next turn of the event loop: the first one costs
    tens of milliseconds, which the first paint of the kiosk (:mod:`ui.boot`) must not
    wait for, and no finger can touch the area before the loop runs anyway."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    QTimer.singleShot(0, area, partial(_grab_drag, area))
    return area


def _grab_drag(area: QScrollArea) -> None:
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)


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


class CodeWithQr(QWidget):
    """A reference or a resume code in big letters beside its QR code, in the middle of the
    screen: what the visitor photographs or copies. *prop* names the property that carries
    the plain code (tests and assistive technology read it)."""

    def __init__(self, title: str, code: str, prop: str, qr_size: int = 240) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.addStretch(1)
        words = QVBoxLayout()
        words.addStretch(1)
        words.addWidget(label(title, "subtitle"))
        shown = label(ltr_isolate(code), "reference", wrap=False)
        shown.setAccessibleName(code)
        shown.setProperty(prop, code)
        words.addWidget(shown)
        words.addStretch(1)
        row.addLayout(words)
        row.addSpacing(32)
        self.qr = label("", "qr", wrap=False)
        self.qr.setPixmap(qr_pixmap(code, qr_size))
        self.qr.setAccessibleName(code)
        row.addWidget(self.qr)
        row.addStretch(1)


class Card(QFrame):
    """A framed tile: pictogram, title, description; the whole card is one big button."""

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
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(16)
        layout.addWidget(icon_disc(icon), 0, Qt.AlignmentFlag.AlignTop)
        self.text = QVBoxLayout()
        self.text.setSpacing(2)
        self.text.addWidget(label(title, "subtitle"))
        if german:
            self.text.addWidget(german_label(german, rtl))
        self.text.addWidget(label(description))
        layout.addLayout(self.text, 1)
        self.setAccessibleName(title)
        self.setAccessibleDescription(description)
        self.setMinimumHeight(96)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def mouseReleaseEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self.clicked.emit()


class TopBar(QWidget):
    """On every screen: language, larger text, high contrast, read aloud, start over.

    Start over sits at the far end of the reading direction; in a right-to-left
    language that is the left edge, so a gap keeps it out of the staff corner.
    """

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
        self.setObjectName("top-bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(10)
        self.language = button(
            tr(texts.LANGUAGE), "language", on_click=on_language, icon="language"
        )
        row.addWidget(self.language)
        self.large = button(
            tr(texts.LARGER_TEXT), "larger_text", checkable=True, icon="larger_text"
        )
        self.large.setChecked(large)
        self.large.toggled.connect(on_large)
        row.addWidget(self.large)
        self.contrast = button(
            tr(texts.HIGH_CONTRAST), "high_contrast", checkable=True, icon="contrast"
        )
        self.contrast.setChecked(contrast)
        self.contrast.toggled.connect(on_contrast)
        row.addWidget(self.contrast)
        self.speak = button(
            tr(texts.READ_ALOUD), "read_aloud", on_click=on_speak, icon="read_aloud"
        )
        self.speak.setVisible(speech)
        row.addWidget(self.speak)
        row.addStretch(1)
        if on_start_over is not None:
            row.addWidget(
                button(
                    tr(texts.START_OVER), "start_over", on_click=on_start_over, icon="start_over"
                )
            )
        if tr.rtl:
            row.addSpacing(STAFF_CORNER_PX)


class PrintFeedback:
    """A Print button with its two messages: "printing, take it" or "photograph the QR code".

    Screens that print (done, continue later) place the parts and report through
    ``started``/``done``; the button is never left disabled.
    """

    def __init__(self, tr: Tr, on_print: Callable[[], None]) -> None:
        self.button = button(tr(texts.PRINT), "print", on_click=on_print, icon="print")
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
