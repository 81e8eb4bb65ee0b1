"""Qt's own keyboard layouts, as the installed Qt carries them, and the kiosk's pointers to them.

The kiosk points ``QT_VIRTUALKEYBOARD_LAYOUT_PATH`` at ``ui/qml/layouts``, which hides the
layouts built into Qt (see :mod:`ui.input_method`). So for each of Qt's layouts its
languages use, that folder holds a pointer of its own: a ``KeyboardLayoutLoader`` that
loads Qt's file from the keyboard module's resources, where Qt keeps it (the kiosk carries
no copy of Qt's layouts). ``python -m tests.ui.qt_layouts [FOLDER...]`` writes the
pointers afresh for the folders named, or for those there are, after a Qt upgrade that
adds or drops a file (``tests/ui/test_keyboard_layouts.py`` says when).
"""

from __future__ import annotations

import shutil
import sys

from PySide6.QtCore import QDir, QDirIterator, QFile, QIODevice
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlComponent, QQmlEngine

from ui.input_method import LAYOUTS

#: Where the keyboard's QML module keeps its built-in layouts (Qt's resource system).
QT_LAYOUTS = ":/qt-project.org/imports/QtQuick/VirtualKeyboard/Layouts"

POINTER = """\
// Qt's own layout, loaded from where Qt's keyboard module keeps it: the kiosk's layout
// folder replaces Qt's, so it names each of Qt's layouts it offers (ui/input_method.py).
import QtQuick.VirtualKeyboard.Components

KeyboardLayoutLoader {{
    source: "{root}/{path}"
}}
"""


def qt_layout_files() -> dict[str, bytes]:
    """Every file of Qt's built-in layouts by its path below the layouts folder
    (``de_DE/main.qml``). Needs a QGuiApplication."""
    engine = QQmlEngine()
    loader = QQmlComponent(engine)
    # importing the module loads the plug-in whose resources hold the layouts
    loader.setData(b"import QtQuick.VirtualKeyboard.Layouts\nimport QtQml\nQtObject {}", "")
    assert loader.isReady(), loader.errorString()
    files: dict[str, bytes] = {}
    found = QDirIterator(QT_LAYOUTS, QDirIterator.IteratorFlag.Subdirectories)
    while found.hasNext():
        path = found.next()
        if QDir(path).exists():
            continue
        resource = QFile(path)
        assert resource.open(QIODevice.OpenModeFlag.ReadOnly), path
        relative = path[len(QT_LAYOUTS) + 1 :]
        if "/" in relative:  # the module's own qmldir is no layout
            files[relative] = bytes(resource.readAll().data())
    return files


def qt_folders(files: dict[str, bytes]) -> set[str]:
    return {path.split("/", 1)[0] for path in files}


def pointer(path: str) -> bytes:
    """What the kiosk's folder holds for Qt's file *path*: a loader for a layout, the
    same empty marker for a ``.fallback``."""
    if path.endswith(".qml"):
        return POINTER.format(root="qrc" + QT_LAYOUTS, path=path).encode()
    return b""


def pointed_folders() -> set[str]:
    """The folders of ``ui/qml/layouts`` that point at Qt's (the others are the kiosk's)."""
    qt = qt_folders(qt_layout_files())
    return {folder.name for folder in LAYOUTS.iterdir() if folder.name in qt}


def write_pointers(folders: set[str]) -> None:
    """Point ``ui/qml/layouts/<folder>`` at Qt's layouts of each of *folders* afresh."""
    files = qt_layout_files()
    for folder in folders:
        shutil.rmtree(LAYOUTS / folder, ignore_errors=True)
    for path in files:
        if path.split("/", 1)[0] in folders and path.endswith((".qml", ".fallback")):
            target = LAYOUTS / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(pointer(path))


def main(argv: list[str]) -> int:
    """``python -m tests.ui.qt_layouts [FOLDER...]``: the pointers afresh (all, or those named)."""
    app = QGuiApplication.instance() or QGuiApplication(["qt_layouts"])
    folders = set(argv) or pointed_folders()
    write_pointers(folders)
    print("pointing at Qt's layouts:", " ".join(sorted(folders)))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
