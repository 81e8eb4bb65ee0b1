"""Choosing Qt's input method, which must happen before the application object exists.

Apart from :mod:`ui.keyboard` because the kiosk does it before its first paint, when
every import counts (see :mod:`ui.boot`): only the standard library and the environment.

Keyboard layouts. Qt Virtual Keyboard has none for Pashto, Sorani, Kurmanji, Somali or
Tigrinya; the kiosk brings its own in ``ui/qml/layouts/<locale>/``, and Qt reads layouts
from the file system only through ``QT_VIRTUALKEYBOARD_LAYOUT_PATH``. That variable does
not add a folder: it *replaces* the built-in one (``resetLayoutPath()`` in Qt's
``qquickvirtualkeyboardsettings.cpp`` keeps a single ``layoutPath``, which a
``FolderListModel`` in ``Keyboard.qml`` lists; tried: with it set, the keyboard knows only
the folder's locales). So for each of Qt's layouts the kiosk's languages use, its folder
holds a pointer of its own: a ``KeyboardLayoutLoader`` that loads Qt's file from the
keyboard module's resources, where Qt keeps it (and empty ``.fallback`` markers where Qt
has them), so the kiosk carries no copy of Qt's layouts and always shows the installed
Qt's. ``tests/ui/test_keyboard_layouts.py`` fails when an upgraded Qt adds or drops a
layout file, and ``python -m tests.ui.qt_layouts`` writes the pointers afresh.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.settings_file import keyboard_override

#: The keyboard layouts the kiosk offers: its own and the copies of Qt's (see above).
LAYOUTS = Path(__file__).with_name("qml") / "layouts"


def prepare_environment(enabled: bool | None = None) -> bool:
    """Call before QApplication exists; False where no keyboard can be shown (headless) or
    none is wanted (*enabled*: ``keyboard.enabled`` of the settings; left out,
    ``$KIOSK_KEYBOARD``)."""
    wanted = enabled if enabled is not None else keyboard_override()
    if wanted is False:
        return False
    if os.environ.get("QT_QPA_PLATFORM", "") in {"offscreen", "minimal"}:
        return False
    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "1")
    use_kiosk_layouts()
    return os.environ["QT_IM_MODULE"] == "qtvirtualkeyboard"


def use_kiosk_layouts() -> None:
    """Point Qt's keyboard at :data:`LAYOUTS`; before its first QML loads (Qt reads the
    variable once). Set, not defaulted: a folder from elsewhere would take away the
    keyboards of the kiosk's own layouts."""
    os.environ["QT_VIRTUALKEYBOARD_LAYOUT_PATH"] = str(LAYOUTS)
