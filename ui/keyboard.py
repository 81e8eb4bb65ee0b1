"""Qt Virtual Keyboard inside the kiosk window.

Widget applications normally get the keyboard as a separate top-level window,
which can end up behind a full-screen, stay-on-top kiosk. With the desktop
integration switched off, the one ``InputPanel`` that exists is this one, in a
QQuickWidget at the bottom of our own window; its layout follows the visitor's
language, and fields ask for digits through their input-method hints.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtWidgets import QVBoxLayout, QWidget

QML = Path(__file__).with_name("qml") / "keyboard.qml"


def prepare_environment() -> bool:
    """Call before QApplication exists; False where no keyboard can be shown (headless)."""
    if os.environ.get("KIOSK_KEYBOARD", "1") == "0":
        return False
    if os.environ.get("QT_QPA_PLATFORM", "") in {"offscreen", "minimal"}:
        return False
    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "1")
    return os.environ["QT_IM_MODULE"] == "qtvirtualkeyboard"


class KeyboardPanel(QWidget):
    """The embedded keyboard; shows itself while a text field has focus."""

    def __init__(self) -> None:
        super().__init__()
        from PySide6.QtQuickWidgets import QQuickWidget  # loaded only where a keyboard is wanted

        self.view = QQuickWidget()
        self.view.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        self.view.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setSource(QUrl.fromLocalFile(str(QML)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setMinimumHeight(0)
        self.ok = self.view.rootObject() is not None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._follow)
        self.timer.start(150)
        self.setVisible(False)

    def set_locale(self, locale: str) -> None:
        root = self.view.rootObject()
        if root is not None:
            root.setProperty("locale", locale)

    def _follow(self) -> None:
        root = self.view.rootObject()
        if root is None:
            return
        panel = root.findChild(QObject, "panel")
        if panel is None:
            return
        active = bool(panel.property("active"))
        if active != self.isVisible():
            self.setVisible(active)
            if active:
                self.setFixedHeight(int(panel.property("height") or 320))
