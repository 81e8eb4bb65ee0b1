"""Qt keeps nothing on disk for the kiosk: no settings file, no history between visitors.

Qt's own dialogs and some of its modules remember things through ``QSettings``
under the organisation "QtProject" (``~/.config/QtProject.conf``: file dialog
history, recent folders). The kiosk opens no such dialog, but a module that
does it quietly would leave one visitor's traces for the next, readable from the
disk. So every ``QSettings`` scope and format is pointed at a place where no file
can be created: writes fail silently and nothing is read back.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

#: /proc allows no new files or folders, for any user
NOWHERE = "/proc/kiosk-keeps-no-settings"


def keep_qt_settings_off_disk() -> None:
    """Call before the QApplication exists."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, NOWHERE)
