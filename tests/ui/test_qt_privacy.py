"""Qt writes no settings file (file dialog history and the like) anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

WRITER = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
if sys.argv[1] == "kiosk":
    from ui.qt_privacy import keep_qt_settings_off_disk
    keep_qt_settings_off_disk()
app = QApplication([])
for settings in (QSettings("QtProject", "QtProject"), QSettings()):
    settings.setValue("qt/filedialog/history", ["/home/visitor/passport.pdf"])
    settings.sync()
print(QSettings("QtProject", "QtProject").fileName())
"""


@pytest.mark.parametrize("mode", ["kiosk", "plain"])
def test_qt_settings_never_reach_the_disk(tmp_path: Path, mode: str) -> None:
    env = {
        **os.environ,
        "HOME": str(tmp_path / "user"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    subprocess.run(
        [sys.executable, "-c", WRITER, mode], env=env, check=True, timeout=120, capture_output=True
    )
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    if mode == "plain":  # the check is a real one: plain Qt does write the file
        assert written
    else:
        assert written == []
