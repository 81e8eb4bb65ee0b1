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

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QScrollArea, QVBoxLayout, QWidget

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
    """The embedded keyboard; shows itself while a text field has focus.

    Signals:
        shown(bool): the keyboard appeared or went away (screens make room for it).
    """

    shown = Signal(bool)

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
        # follow the input method rather than polling QML properties: reading a QML bool
        # through QObject.property() has crashed PySide6 here (a refcount bug)
        self.input_method = QGuiApplication.inputMethod()
        self.input_method.visibleChanged.connect(self._follow)
        self.setVisible(False)

    def set_locale(self, locale: str) -> None:
        root = self.view.rootObject()
        if root is not None:
            root.setProperty("locale", locale)

    def _follow(self) -> None:
        visible = self.input_method.isVisible()
        if visible:
            # the panel's height follows from its width (the style's aspect ratio); start
            # from a typical ratio, then take the real height once QML has laid it out
            self.setFixedHeight(max(240, int(self.width() / 2.6)))
            QTimer.singleShot(30, self._fit)
        self.setVisible(visible)
        self.shown.emit(visible)

    def _fit(self) -> None:
        root = self.view.rootObject()
        height = float(root.property("implicitHeight") or 0) if root is not None else 0.0
        if height > 0:
            self.setFixedHeight(int(height))
        focus = QApplication.focusWidget()
        area = focus.parentWidget() if focus is not None else None
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if isinstance(area, QScrollArea) and focus is not None:
            area.ensureWidgetVisible(focus, 0, 40)
