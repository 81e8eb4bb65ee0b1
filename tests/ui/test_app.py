"""The first screens, driven as a visitor would: language in its own script, RTL mirroring."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from ui.app import KioskWindow, native_name


def test_languages_in_their_own_names(qtbot: QtBot, demo: CompiledCatalog) -> None:
    window = KioskWindow(demo)
    qtbot.addWidget(window)
    names = {b.text() for b in window.languages.findChildren(QPushButton)}
    assert {
        "Deutsch",
        "English",
        "Українська",
        "Русский",
        "العربية",
        "فارسی",
        "Türkçe",
        "Română",
    } <= names
    assert native_name("fa") == "فارسی"


def test_choosing_arabic_mirrors_and_translates(qtbot: QtBot, demo: CompiledCatalog) -> None:
    window = KioskWindow(demo)
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    button = window.languages.findChild(QPushButton, "lang-ar")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.currentWidget() is window.offices
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    label = window.offices.findChild(QLabel, "office-jobcenter")
    assert label is not None
    arabic_name = demo.t("ar", "office:jobcenter:name", "Jobcenter")
    assert arabic_name in label.text() and "(Jobcenter)" in label.text()
    back = [b for b in window.offices.findChildren(QPushButton)]
    qtbot.mouseClick(back[-1], Qt.MouseButton.LeftButton)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.currentWidget() is window.languages
