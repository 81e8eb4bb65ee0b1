"""Room for the on-screen keyboard: the window keeps its size, the page above gets shorter.

The keyboard lies over the bottom of the window (see :mod:`ui.keyboard`). Whenever it
comes or goes, the window's content gets a bottom margin of its height, the screen
hides its top bar and headings (and, on a tight screen, its row of buttons until
typing is done), and the focused field is scrolled into view with its label and its
message; a search over a list is scrolled to the top so its results show below it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLayout, QScrollArea, QWidget

from ui.screens.base import Screen

#: Above the keyboard, less room than this keeps only the page (no row of buttons) in view.
TIGHT_PX = 480


class KeyboardRoom(QObject):
    """A child of the kiosk window (so the application's focus signal lets go of it with
    the window); *current* gives the screen shown now."""

    def __init__(
        self, window: QWidget, layout: QLayout, current: Callable[[], Screen | None]
    ) -> None:
        super().__init__(window)
        self.window, self.layout, self.current = window, layout, current
        self.height = 0
        self._pending: int | None = None

    def moved(self, height: int) -> None:
        """The keyboard now covers the bottom *height* px (0: gone).

        When it goes away because a finger pressed a button (the focus moved there), the
        page waits for that finger to lift before it moves: otherwise the button would
        slide away under the finger and the tap would do nothing."""
        if height == 0 and QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._pending = 0
            return
        self._pending = None
        self.height = height
        self.layout.setContentsMargins(0, 0, 0, height)
        screen = self.current()
        if screen is not None:
            self.fit(screen)
        if height > 0:
            QTimer.singleShot(0, self.focus_into_view)
            QTimer.singleShot(80, self.focus_into_view)

    def fit(self, screen: Screen) -> None:
        """Give *screen* (just shown, or shown when the keyboard moved) its compact form."""
        screen.set_compact(self.height > 0, tight=self.window.height() - self.height < TIGHT_PX)

    def event_seen(self, event: QEvent) -> None:
        """From the window's event filter: a lifted finger applies a waiting move."""
        released = event.type() in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd)
        if self._pending is not None and released:
            pending = self._pending
            QTimer.singleShot(0, lambda: self.moved(pending))

    def focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.window.isAncestorOf(new):
            QTimer.singleShot(0, self.focus_into_view)

    def focus_into_view(self) -> None:
        """Scroll the page so the focused field, its label and its message are in view."""
        focus = QApplication.focusWidget()
        if focus is None or not self.window.isAncestorOf(focus):
            return
        frame: QWidget | None = focus
        while frame is not None and frame.property("field_path") is None:
            frame = frame.parentWidget()
        area = focus.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if not isinstance(area, QScrollArea):
            return
        if focus.property("kiosk_results_below"):
            # a search over a list: the box at the top, so the results below it show too
            inner = area.widget()
            if inner is not None:
                top = focus.mapTo(inner, focus.rect().topLeft()).y()
                area.verticalScrollBar().setValue(max(0, top - 12))
            return
        target = frame if frame is not None else focus
        if target.height() + 24 <= area.viewport().height():
            area.ensureWidgetVisible(target, 0, 12)
        area.ensureWidgetVisible(focus, 0, 24)
