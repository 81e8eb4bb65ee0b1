"""The first screen of a start: the kept picture of the welcome screen, else the boot window.

Which one a start paints, and keeping the picture for the next start once the kiosk
window shows its welcome screen (see :mod:`ui.snapshot` for the picture and what its
key holds, :mod:`ui.boot` for the boot window). Either notes a tap, which the kiosk
applies when it takes over.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from threading import Thread
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication

from kiosk.locales import LANGUAGE_PATTERN
from ui.snapshot import PictureWindow, keep_picture, load_picture, picture_key

if TYPE_CHECKING:
    from ui.boot import BootWindow
    from ui.window import KioskWindow

#: The size of the kiosk's window when it is not full screen (development, smoke runs).
WINDOWED_SIZE = (1280, 800)
#: How long after the handover the welcome screen's picture is taken: the layout has
#: settled on the screen's size by then (a scroll bar of the first moments must not be
#: in the picture), and the greeting has not yet moved on to its next language.
PICTURE_DELAY_MS = 1500
_LANGUAGE = re.compile(LANGUAGE_PATTERN)

log = logging.getLogger("kiosk.ui.start")


def first_window(
    boot: dict[str, Any], home: Path, windowed: bool
) -> tuple[BootWindow | PictureWindow, str | None, bool]:
    """The window to paint first, the key of this start's picture (None: no screen to
    key it by) and whether the window is the kept picture."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        key, picture, ratio = None, None, 1.0
    else:
        ratio = screen.devicePixelRatio()
        width, height = window_size(windowed)
        key = picture_key_for(boot, home, (width, height), ratio)
        in_device_pixels = (round(width * ratio), round(height * ratio))
        picture = load_picture(home / "cache", key, in_device_pixels)
    if picture is not None:
        log.info("first paint: the kept picture of the welcome screen")
        return PictureWindow(picture, ratio), key, True
    from ui.boot import BootWindow

    log.info("first paint: the boot window (no picture kept for this start)")
    return BootWindow(boot, lambda lang: None), key, False


def window_size(windowed: bool) -> tuple[int, int]:
    """The size ``show_kiosk`` gives a window."""
    screen = QGuiApplication.primaryScreen()
    if windowed or screen is None:
        return WINDOWED_SIZE
    size = screen.geometry().size()
    return size.width(), size.height()


def picture_key_for(boot: dict[str, Any], home: Path, size: tuple[int, int], ratio: float) -> str:
    """The key of the welcome screen's picture on this start, in a window of *size* on a
    screen of *ratio* device pixels per pixel."""
    from kiosk.paths import translations_dir

    try:
        settings = (home / "kiosk.toml").read_bytes()
    except OSError:
        settings = b""
    texts = [
        translations_dir() / str(lang) / "LC_MESSAGES" / "ui.mo"
        for lang in boot.get("languages", [])
        if isinstance(lang, str) and _LANGUAGE.match(lang)
    ]
    # what the screen shows of the boot file (which, read from the catalog's source on a
    # very first start, carries other fields than the one the cache holds afterwards)
    shown = {"languages": boot.get("languages"), "names": boot.get("names")}
    return picture_key(shown, size, ratio, settings, texts)


def keep_welcome_picture(window: KioskWindow, home: Path, key: str | None) -> Thread | None:
    """A picture of the welcome screen the kiosk window shows now, for the next start;
    none when a visitor has started or the greeting has moved on (the next start tries
    again)."""
    from ui.screens.welcome import WelcomeScreen
    from ui.theme import Theme

    screen = window.current
    if key is None or not isinstance(screen, WelcomeScreen) or screen.index != 0:
        return None
    if not window.isVisible() or window.visit.session is not None:
        return None
    if window.theme != Theme():
        return None  # larger text or contrast: a visitor's choice, not the welcome screen
    targets = screen.tap_targets()
    description = screen.greeting.accessibleDescription()
    return keep_picture(screen, window, targets, description, home / "cache", key)
