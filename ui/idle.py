"""The "Are you still there?" warning: the whole window dimmed, a large countdown, one big
button that extends the visit (WCAG 2.2.1), in the visitor's language."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ui import texts
from ui.overlay import Layer, Overlay
from ui.tr import Tr
from ui.widgets import button, icon_disc, label


class IdleOverlay(Overlay):
    def __init__(self, parent: QWidget, on_here: Callable[[], None]) -> None:
        super().__init__(parent, "idle-overlay", Layer.IDLE, keep=True, dim=190, panel_width=0.6)
        self.on_here = on_here
        self.box.addWidget(icon_disc("wait", 96), 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = label("", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = label("", "countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = label("")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.here = button("", "still_here", primary=True, on_click=self.on_here)
        self.here.setMinimumSize(420, 120)
        for w in (self.title, self.countdown, self.text):
            self.box.addWidget(w)
        self.box.addWidget(self.here, 0, Qt.AlignmentFlag.AlignCenter)

    def show_warning(self, tr: Tr, seconds: float) -> None:
        left = max(0, int(seconds + 0.5))
        self.panel.setLayoutDirection(tr.direction)
        self.title.setText(tr(texts.STILL_THERE))
        self.countdown.setText(str(left))
        self.countdown.setAccessibleName(str(left))
        self.text.setText(tr.plural(texts.STILL_THERE_TEXT, left, seconds=left))
        self.here.setText(tr(texts.I_AM_HERE))
        self.here.setAccessibleName(tr(texts.I_AM_HERE))
        if not self.isVisible():
            self.present()
