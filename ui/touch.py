"""Kinetic scrolling that lets go of drawing surfaces.

Pages scroll by dragging (QScroller). The scroller holds a press back for a
moment to see whether it becomes a drag; on a signature pad that swallows every
quick stroke. This filter sees a press before it reaches any widget (it watches
the window, which receives the event first) and, when the press lands on a
widget marked ``kiosk_draws``, takes the scroller off that page until the finger
is lifted; then scrolling works as before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QMouseEvent, QTouchEvent, QWindow
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScroller, QWidget


class DrawGuard(QObject):
    """Install on the application; one per kiosk."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._released: list[QWidget] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not isinstance(watched, QWindow):
            return False
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            spot = _global_point(event)
            if spot is not None:
                self._let_go(QApplication.widgetAt(spot))
        elif kind in (
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            self._restore()
        return False

    def _let_go(self, widget: QWidget | None) -> None:
        probe = widget
        while probe is not None and not probe.property("kiosk_draws"):
            probe = probe.parentWidget()
        if probe is None:
            return
        area = probe.parentWidget()
        while area is not None:
            if isinstance(area, QAbstractScrollArea) and QScroller.hasScroller(area.viewport()):
                QScroller.ungrabGesture(area.viewport())
                self._released.append(area.viewport())
            area = area.parentWidget()

    def _restore(self) -> None:
        released, self._released = self._released, []
        for viewport in released:
            try:
                QScroller.grabGesture(
                    viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture
                )
            except RuntimeError:  # the page went away meanwhile
                continue


def _global_point(event: QEvent) -> QPoint | None:
    if isinstance(event, QMouseEvent):
        return event.globalPosition().toPoint()
    if isinstance(event, QTouchEvent) and event.points():
        return event.points()[0].globalPosition().toPoint()
    return None
