"""The keys Qt's keyboard shows for each layout, read from the kiosk's own keyboard QML.

``python -m tests.ui.keyboard_keys LOCALE...`` (offscreen is fine) loads ``ui/qml/keyboard.qml``
with the kiosk's layout folder, as :class:`ui.keyboard.KeyboardPanel` does, focuses a text
field so that the keyboard comes up, switches to each locale in turn and prints one JSON
object: per locale, the locale the keyboard took (Qt falls back to another layout where a
locale has none), the labels of its keys and their long-press letters. A process of its
own: Qt reads the layout folder once, when its keyboard settings are first made, and the
input method must be chosen before the application exists.
"""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QLocale, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import QApplication, QLineEdit

from ui.input_method import use_kiosk_layouts
from ui.keyboard import QML


def pump(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def keys_of(root: QQuickItem) -> dict[str, list[str]]:
    labels: list[str] = []
    alternatives: list[str] = []
    stack = [root]
    while stack:
        item = stack.pop()
        if not item.isVisible():
            continue
        stack.extend(item.childItems())
        text = item.property("text")
        if isinstance(text, str) and text and item.property("key") is not None:
            labels.append(text)
            more = item.property("alternativeKeys")
            alternatives.extend(more if isinstance(more, (str, list)) else [])
    return {"keys": sorted(set(labels)), "alternatives": sorted(set(alternatives))}


def main(locales: list[str]) -> int:
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    use_kiosk_layouts()
    app = QApplication(["keyboard_keys"])
    view = QQuickWidget()
    view.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
    view.setSource(QUrl.fromLocalFile(str(QML)))
    view.resize(1080, 420)
    view.show()
    field = QLineEdit()
    field.show()
    field.activateWindow()
    field.setFocus()
    pump(app, 1.0)
    root = view.rootObject()
    assert root is not None, view.errors()
    found: dict[str, object] = {}
    for locale in locales:
        root.setProperty("activeLocales", [locale])
        root.setProperty("locale", locale)
        pump(app, 0.6)
        taken = QGuiApplication.inputMethod().locale().name()
        found[locale] = {"taken": taken, "wanted": QLocale(locale).name(), **keys_of(root)}
    print(json.dumps(found, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    os._exit(main(sys.argv[1:]))
