"""Pictograms for the kiosk's buttons and tiles, drawn from bundled SVG files.

One icon set (Tabler's outline icons, ``ui/icons/``) for every picture on
screen, coloured like the text beside it, so a tile reads the same in normal
and high-contrast mode. Icons that point (back, next, delete a digit) are
mirrored for right-to-left languages, where "back" points right.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap, QTransform
from PySide6.QtSvg import QSvgRenderer

FOLDER = Path(__file__).with_name("icons")

#: Names used by the catalog (topics and offices) and by the screens -> SVG file.
ICONS: dict[str, str] = {
    # the catalog's vocabulary (kiosk/definition/model.py: icon)
    "passport": "id",
    "money": "cash",
    "house": "home",
    "child": "baby-carriage",
    "school": "school",
    "briefcase": "briefcase",
    "bus": "bus",
    "change": "refresh",
    "info": "info-circle",
    "office": "building-bank",
    "health": "stethoscope",
    "learning": "book",
    "registration": "map-pin",
    "family": "users",
    # the screens
    "language": "language",
    "larger_text": "text-size",
    "contrast": "contrast",
    "read_aloud": "volume",
    "stop_speaking": "player-stop",
    "say_again": "repeat",
    "quieter": "volume-2",
    "louder": "volume",
    "start_over": "arrow-back-up",
    "code": "key",
    "back": "arrow-left",
    "next": "arrow-right",
    "ok": "check",
    "cancel": "x",
    "delete_digit": "backspace",
    "date": "calendar",
    "search": "search",
    "print": "printer",
    "add": "plus",
    "remove": "trash",
    "info_sheet": "file-text",
    "continue_later": "clock-pause",
    "lock": "lock",
    "unlock": "lock-open",
    "warning": "alert-triangle",
    "clear": "eraser",
    "signature": "signature",
    "staff": "user-shield",
    "exit": "door-exit",
    "help": "help",
    "done": "circle-check",
    "keyboard": "keyboard",
    "latin": "abc",
    "script": "world",
    "wait": "hourglass",
    "qr": "qrcode",
    "edit": "pencil",
    "sync": "cloud-upload",
}

#: Icons that point along the reading direction: mirrored in right-to-left layouts.
DIRECTIONAL = frozenset({"back", "next", "delete_digit", "start_over"})


def known(name: str) -> bool:
    return name in ICONS


@lru_cache(maxsize=512)
def pixmap(name: str, color: str, size: int, mirrored: bool = False) -> QPixmap:
    """The icon *name* in *color* at *size* px (a blank pixmap for an unknown name)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    file = ICONS.get(name)
    if file is not None:
        svg = (FOLDER / f"{file}.svg").read_text(encoding="utf-8").replace("currentColor", color)
        renderer = QSvgRenderer(QByteArray(svg.encode()))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
    if mirrored and name in DIRECTIONAL:
        image = image.transformed(QTransform().scale(-1, 1))
    return QPixmap.fromImage(image)


def icon(name: str, color: str, size: int = 32, mirrored: bool = False) -> QIcon:
    """A QIcon for buttons; the same picture when the button is disabled, only fainter."""
    result = QIcon()
    result.addPixmap(pixmap(name, color, size, mirrored))
    result.addPixmap(pixmap(name, color, size * 2, mirrored))
    return result
