"""The welcome screen as the kiosk last drew it, shown in one step at the next start.

Even the boot window (:mod:`ui.boot`) costs a start some 50 ms of Python: building
and styling a screen of widgets, and PySide6 making the Python enums of every Qt class
it touches. Yet almost every start of a terminal shows the very welcome screen the
start before it showed: the same languages, screen, settings and version. So once the
kiosk has drawn its welcome screen, a picture of it is kept in the cache: its pixels
and where each of its buttons is. The next start shows that picture as soon as Qt is
up, notes a tap on it as the boot window does, and hands over to the kiosk window.

Anything that could make the picture differ from the screen is in its key: the boot
file (languages and their names), the settings file, the window's size and pixel
ratio, the kiosk's version and its own texts (``ui.mo``). With any other key the boot
window is built as before, and the kiosk keeps a new picture.

The welcome screen shows nothing of a visitor, and the picture is taken of that screen
alone, never of what lies over it (a dialog, the staff pad). A picture that is damaged
or of another shape is not shown; it is read with every size bounded.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:  # their enums would cost the first paint a millisecond and more
    from PySide6.QtGui import QCloseEvent, QMouseEvent, QPaintEvent

PICTURE = "welcome.picture"
INDEX = "welcome.picture.json"
#: no terminal screen is larger (4K, either way up); the index is a few kilobytes
MAX_SIDE = 4096
MAX_INDEX_BYTES = 256 * 1024
MAX_TARGETS = 64

Target = tuple[str, QRect]  # what a tap there means ("uk", "@code"), and where


def picture_key(
    boot: dict[str, Any],
    size: tuple[int, int],
    ratio: float,
    settings: bytes,
    texts: Sequence[Path],
) -> str:
    """The key a picture must carry to be shown on this start (see the module's text)."""
    from kiosk import __version__

    # the parts themselves, not a hash of them: no hash library (OpenSSL's takes a start
    # 3 ms to load), and a local file's change is told by its length and CRC
    parts = {
        "boot": boot,
        "size": list(size),
        "ratio": ratio,
        "settings": [len(settings), zlib.crc32(settings)],
        "version": __version__,
        "texts": {str(path): _mtime(path) for path in texts},
    }
    return json.dumps(parts, sort_keys=True, ensure_ascii=False)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


class Picture(NamedTuple):
    image: QImage
    pixels: bytes
    targets: list[Target]
    description: str


def load_picture(folder: Path, key: str, size: tuple[int, int]) -> Picture | None:
    """The kept picture when it carries *key* and has *size* (in device pixels); None
    otherwise, and for anything damaged: a first screen is a courtesy, never a reason
    for a start to fail."""
    try:
        index = json.loads(_read_at_most(folder / INDEX, MAX_INDEX_BYTES))
        if not isinstance(index, dict) or index.get("key") != key:
            return None
        shape = [
            n for n in (index.get(k) for k in ("width", "height", "stride")) if isinstance(n, int)
        ]
        if len(shape) != 3:
            return None
        width, height, stride = shape
        if (width, height) != size or not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
            return None
        if stride != width * 4:
            return None
        pixels = _read_at_most(folder / PICTURE, stride * height)
        if len(pixels) != stride * height:
            return None
        targets = [_target(entry) for entry in index["targets"][:MAX_TARGETS]]
        description = str(index.get("description", ""))[:2000]
    except Exception:
        return None
    # the image reads the bytes in place: the picture holds them as long as it lives
    image = QImage(pixels, width, height, stride, QImage.Format.Format_RGB32)
    return Picture(image, pixels, targets, description)


def _read_at_most(path: Path, limit: int) -> bytes:
    """A regular file's bytes, refused (ValueError) when it holds more than *limit*: one
    open, so the file cannot change between the look and the read, and never a device,
    a pipe or a link to one."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    with open(fd, "rb") as fh:  # noqa: PTH123 - an fd
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"{path.name} is not a regular file")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path.name} is larger than {limit} bytes")
    return data


def _target(entry: Any) -> Target:
    name, x, y, w, h = (entry[0], *(int(n) for n in entry[1:5]))
    if len(entry) != 5 or not all(0 <= n <= MAX_SIDE for n in (x, y, w, h)):
        raise ValueError("a tap target outside any screen")
    return str(name)[:40], QRect(x, y, w, h)


class FirstScreen(QWidget):
    """What a start paints before the kiosk is loaded (the kept picture, or the boot
    window): it notes a tap (``pending``), which the kiosk window applies when it takes
    over, and cannot be closed before that."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("boot-window")
        self.pending: str | None = None
        self._released = False

    def release(self) -> None:
        """The kiosk window has taken over: this one may close now."""
        self._released = True
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._released:
            event.ignore()  # a window manager's close must not reveal the desktop
            return
        super().closeEvent(event)


class PictureWindow(FirstScreen):
    """The kept picture, in place of the boot window; a tap on one of its buttons is
    noted as a tap on the button itself would be."""

    def __init__(self, picture: Picture, ratio: float = 1.0) -> None:
        """*ratio*: the screen's device pixels per pixel (the picture is in device pixels,
        its tap targets in pixels)."""
        super().__init__()
        self._targets = picture.targets
        self._pixmap = QPixmap.fromImage(picture.image)
        self._pixmap.setDevicePixelRatio(ratio)
        self.setAccessibleName(picture.description)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        QPainter(self).drawPixmap(0, 0, self._pixmap)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        event.accept()  # a widget ignores presses, and would then never see the release

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        point = event.position().toPoint()
        for name, rect in self._targets:
            if rect.contains(point):
                self.pending = name
                return


def keep_picture(
    screen: QWidget,
    window: QWidget,
    targets: list[Target],
    description: str,
    folder: Path,
    key: str,
) -> threading.Thread | None:
    """Keep a picture of *screen* (the welcome screen, filling *window*) under *key*.
    The pixels are taken here (on the UI thread, a few milliseconds); writing happens on
    a thread of its own, which is returned (a smoke run waits for it). Called only when
    this start showed no picture: the one kept had another key, or was damaged."""
    if screen.size() != window.size():
        return None
    image = screen.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    if image.bytesPerLine() != width * 4:
        return None
    pixels = bytes(image.constBits())
    index = {
        "key": key,
        "width": width,
        "height": height,
        "stride": width * 4,
        "targets": [[name, r.x(), r.y(), r.width(), r.height()] for name, r in targets],
        "description": description,
    }
    writer = threading.Thread(
        target=_write, args=(folder, pixels, index), name="kiosk-picture", daemon=True
    )
    writer.start()
    return writer


def _write(folder: Path, pixels: bytes, index: dict[str, Any]) -> None:
    """Both files replaced atomically, the index last: a reader finds the old picture
    with its old key, or the new one, or a key that matches nothing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / INDEX).unlink(missing_ok=True)
        # as they are: reading 4 MB (8 MB at 1920x1080) is quicker than inflating them
        _replace(folder / PICTURE, pixels)
        _replace(folder / INDEX, json.dumps(index).encode())
    except OSError:
        return  # no picture: the next start builds the boot window, as before


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    temporary.replace(path)
