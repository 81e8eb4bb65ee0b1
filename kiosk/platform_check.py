"""Tell the person starting the kiosk exactly which system packages Qt is missing.

A fresh Debian or Ubuntu machine lacks the libraries Qt loads at run time; the
bare ImportError ("libGL.so.1: cannot open shared object file") does not say
what to install, so it is translated into one ``apt-get install`` line.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Mapping

#: Debian packages the kiosk needs to run Qt (offscreen, on X11 and for the keyboard).
QT_RUNTIME_PACKAGES = (
    "libglib2.0-0",
    "libgl1",
    "libegl1",
    "libxkbcommon0",
    "libx11-6",
    "libfreetype6",
    "libfontconfig1",
    "libdbus-1-3",
    "libxkbcommon-x11-0",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-util1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libpulse0",
    "fonts-noto-core",
    "fonts-dejavu-core",
    "espeak-ng",
)

#: Shared library -> the Debian package that ships it.
LIBRARY_PACKAGES = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libfreetype.so.6": "libfreetype6",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libpulse.so.0": "libpulse0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
}


def apt_line(packages: list[str] | tuple[str, ...] = tuple(QT_RUNTIME_PACKAGES)) -> str:
    return "sudo apt-get update && sudo apt-get install -y --no-install-recommends " + " ".join(
        packages
    )


def missing_qt_libraries_message(error: BaseException) -> str:
    """A message naming the package for the library in *error*, and the full line."""
    text = str(error)
    match = re.search(r"(lib[\w.+-]+\.so(?:\.\d+)*)", text)
    lib = match.group(1) if match else None
    package = LIBRARY_PACKAGES.get(lib or "")
    first = f"Qt cannot start: {text}"
    hint = f"\nThe library {lib} comes with the Debian package {package}." if package else ""
    return f"{first}{hint}\nInstall everything the kiosk needs with:\n  {apt_line()}"


def check_display(environ: Mapping[str, str]) -> str | None:
    """None when Qt has somewhere to draw; otherwise what to do about it."""
    if sys.platform != "linux":
        return None
    if environ.get("QT_QPA_PLATFORM") or environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "No display found (neither DISPLAY nor WAYLAND_DISPLAY is set). Start the kiosk "
        "from the terminal's graphical session, or for a check without a screen set "
        "QT_QPA_PLATFORM=offscreen."
    )


def check_qt() -> str | None:
    """None when Qt's widgets load; otherwise the message to print."""
    try:
        importlib.import_module("PySide6.QtWidgets")
    except ImportError as exc:
        return missing_qt_libraries_message(exc)
    return None
