"""The "Are you still there?" overlay: full window, large, counting down, one tap extends."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui import texts
from ui.tr import Tr
from ui.widgets import button, label


class IdleOverlay(QWidget):
    def __init__(self, parent: QWidget, on_here: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setObjectName("idle-overlay")
        self.setAutoFillBackground(True)
        self.on_here = on_here
        self.box = QVBoxLayout(self)
        self.box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = label("", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = label("", "reference")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = label("")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.here = button("", "still_here", primary=True, on_click=self.on_here)
        self.here.setMinimumSize(420, 120)
        for w in (self.title, self.countdown, self.text):
            self.box.addWidget(w)
        self.box.addWidget(self.here, 0, Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def show_warning(self, tr: Tr, seconds: float) -> None:
        left = max(0, int(seconds + 0.5))
        self.setLayoutDirection(tr.direction)
        self.title.setText(tr(texts.STILL_THERE))
        self.countdown.setText(str(left))
        self.text.setText(tr(texts.STILL_THERE_TEXT, seconds=left))
        self.here.setText(tr(texts.I_AM_HERE))
        self.here.setAccessibleName(tr(texts.I_AM_HERE))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
