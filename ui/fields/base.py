"""What every answer widget is: ``changed`` on every edit, ``left`` when the visitor moves on.

Text boxes here are kiosk text boxes: no desktop context menu (select all, copy,
paste) and no middle-click paste, so nothing of a previous visitor's clipboard
can reach the next visitor's form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget


class Input(QWidget):
    """Base: ``changed`` on every edit, ``left`` when the visitor moves on."""

    changed = Signal()
    left = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self

    def _finished(self, *_: object) -> None:
        self.changed.emit()
        self.left.emit()

    def leave_when_focus_leaves(self) -> None:
        """For inputs of several boxes (an address): ``left`` only when the focus goes
        somewhere outside the whole input, not from street to house number."""
        QTimer.singleShot(0, self._maybe_left)

    def _maybe_left(self) -> None:
        try:
            focus = QApplication.focusWidget()
            if focus is None or not self.isAncestorOf(focus):
                self.left.emit()
        except RuntimeError:  # the screen went away meanwhile
            return


class FingerOnly(QObject):
    """Only the left button (a finger) acts on a kiosk text box: a middle click would paste
    the X selection, a right one open a menu. Watches the widget that gets the mouse."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        buttons = (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
        )
        if event.type() in buttons and isinstance(event, QMouseEvent):
            return event.button() != Qt.MouseButton.LeftButton
        return False


def lock_down(box: QWidget, surface: QWidget) -> None:
    """No context menu on *box*, and only a finger on *surface* (where its mouse goes)."""
    box.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    surface.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    surface.installEventFilter(FingerOnly(box))


class KioskLineEdit(QLineEdit):
    """A line edit without context menu or middle-click paste; ``left`` on focus out."""

    left = Signal()

    def __init__(self) -> None:
        super().__init__()
        lock_down(self, self)
        self.setDragEnabled(False)
        # the keyboard's Enter means "done with this box": the keyboard goes, the page's
        # buttons come back, and the answer is checked as when the visitor moves on
        self.returnPressed.connect(self.clearFocus)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.left.emit()


class KioskTextEdit(QPlainTextEdit):
    """The multi-line text box, with the same restrictions."""

    left = Signal()

    def __init__(self) -> None:
        super().__init__()
        lock_down(self, self.viewport())  # a text edit's mouse goes to its viewport

    def insertFromMimeData(self, source: Any) -> None:  # noqa: N802 - Qt override
        return None  # no paste of any kind

    def canInsertFromMimeData(self, source: Any) -> bool:  # noqa: N802 - Qt override
        return False

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.left.emit()
