"""In-window overlays: everything that would be a dialog elsewhere.

A dialog is a window of its own: a window manager may put it behind the kiosk,
its ``exec()`` runs a nested event loop that keeps running while the visit it
belongs to is wiped, and a tap on it afterwards reaches a deleted screen. An
overlay is a child of the kiosk window instead: it covers the window with a
dimmed backdrop, shows a panel in the middle, and the wipe closes it with the
rest of the visit. Nothing waits for it; it calls back when the visitor chose.

Layers, bottom to top: the screen, the keyboard, a visit's overlay (date
picker, confirmation), the idle warning, the staff's overlays.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QFrame, QVBoxLayout, QWidget


class Layer(IntEnum):
    """How high an overlay sits; a higher layer is raised over a lower one."""

    VISIT = 10  # belongs to the visitor's task: closed when the visit ends
    IDLE = 20  # the "are you still there?" warning
    STAFF = 30  # staff's PIN pad and menu


class Overlay(QWidget):
    """A full-window cover with a dimmed backdrop and a centred panel.

    Subclasses fill :attr:`box` (the panel's layout). :meth:`present` shows it over
    its parent window; :meth:`dismiss` hides it and, unless *keep* was given, deletes
    it. A tap on the backdrop does nothing: only the panel's own buttons act, so a
    stray touch never chooses for the visitor.
    """

    def __init__(
        self,
        parent: QWidget,
        name: str,
        layer: Layer,
        *,
        keep: bool = False,
        dim: int = 150,
        panel_width: float = 0.7,
        fixed_width: bool = False,
        tall: float = 0.0,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("kiosk_id", name)
        self.setProperty("overlay", int(layer))
        self.layer = layer
        self.keep = keep
        self.dim = dim
        self.panel_width = panel_width
        self.fixed_width = fixed_width  # the same width whatever the panel shows (steps)
        self.tall = tall  # at least this share of the window's height (lists, menus)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        self.panel = QFrame()
        self.panel.setObjectName("overlay-panel")
        self.panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.box = QVBoxLayout(self.panel)
        self.box.setContentsMargins(32, 28, 32, 28)
        self.box.setSpacing(16)
        outer.addWidget(self.panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    # ---------------------------------------------------------------- showing
    def present(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self._cover_parent(parent)
        focus = QApplication.focusWidget()
        if focus is not None and not self.isAncestorOf(focus):
            focus.clearFocus()  # the keyboard goes away: nothing behind the cover is typed in
        self.show()
        restack(parent)

    def dismiss(self) -> None:
        if not self.isVisible() and not self.keep:
            self.deleteLater()
            return
        self.hide()
        if not self.keep:
            self.deleteLater()

    def _cover_parent(self, parent: QWidget) -> None:
        self.setGeometry(parent.rect())
        portrait = parent.height() > parent.width()
        share = max(self.panel_width, 0.88) if portrait else self.panel_width
        width = max(320, min(parent.width() - 48, int(parent.width() * share)))
        self.panel.setMaximumWidth(width)
        least = width if self.fixed_width else max(320, int(parent.width() * 0.45))
        self.panel.setMinimumWidth(min(width, least))
        self.panel.setMaximumHeight(parent.height() - 48)
        self.panel.setMinimumHeight(min(parent.height() - 48, int(parent.height() * self.tall)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and self.isVisible():
            parent = self.parentWidget()
            if parent is not None:
                self._cover_parent(parent)
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, self.dim))
        painter.end()


def overlays(window: QWidget) -> list[Overlay]:
    """The overlays of *window* that are shown, lowest layer first."""
    shown = [
        child
        for child in window.findChildren(Overlay, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if child.isVisible()
    ]
    return sorted(shown, key=lambda o: o.layer)


def restack(window: QWidget) -> None:
    """Raise the shown overlays in layer order, so a higher layer is always on top."""
    for overlay in overlays(window):
        overlay.raise_()


def dismiss_visit_overlays(window: QWidget) -> None:
    """The visit is over: close whatever belonged to it (pickers, confirmations)."""
    for child in window.findChildren(Overlay, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if child.layer is Layer.VISIT:
            child.dismiss()
