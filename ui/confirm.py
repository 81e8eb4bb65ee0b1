"""A question before something that cannot be undone ("delete everything and start over?").

The safe answer is the big one and comes first in the reading direction; the
destructive one says exactly what it does. Both are in the visitor's language.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ui.overlay import Layer, Overlay
from ui.tr import Tr
from ui.widgets import TileButton, icon_disc, label


class Confirm(Overlay):
    """*name*.yes and *name*.no are the two buttons; *on_yes* runs after it closed."""

    def __init__(
        self,
        parent: QWidget,
        tr: Tr,
        name: str,
        *,
        title: str,
        text: str,
        yes: str,
        no: str,
        on_yes: Callable[[], None],
    ) -> None:
        super().__init__(parent, f"confirm-{name}", Layer.VISIT, panel_width=0.6)
        self.on_yes = on_yes
        self.panel.setLayoutDirection(tr.direction)
        self.box.addWidget(icon_disc("warning", 88), 0, Qt.AlignmentFlag.AlignHCenter)
        heading = label(title, "title")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(heading)
        body = label(text)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(body)
        row = QHBoxLayout()
        row.setSpacing(16)
        keep = TileButton(no, f"{name}.no", primary=True, on_click=self.dismiss)
        drop = TileButton(yes, f"{name}.yes", icon="remove", on_click=self._yes)
        for b in (keep, drop):
            b.setMinimumHeight(80)
            b.main.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(keep, 1)
        row.addWidget(drop, 1)
        self.box.addLayout(row)

    def _yes(self) -> None:
        callback = self.on_yes
        self.dismiss()
        callback()
