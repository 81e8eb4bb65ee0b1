"""Choosing Qt's input method, which must happen before the application object exists.

Apart from :mod:`ui.keyboard` because the kiosk does it before its first paint, when
every import counts (see :mod:`ui.boot`): only ``os`` and the environment here.
"""

from __future__ import annotations

import os

from kiosk.settings_file import keyboard_override


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
    return os.environ["QT_IM_MODULE"] == "qtvirtualkeyboard"
