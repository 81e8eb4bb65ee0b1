"""The assisted mode's widgets: the staff PIN pad, the banner the visitor sees, the staff menu.

They sit over the visitor's screen as children of the kiosk window instead of
replacing it, so closing them returns to exactly where the visitor was. The
PIN pad and the menu speak German (staff); the banner speaks the visitor's
language with German beside, so the visitor knows who is helping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ui import texts
from ui.screens.base import ScreenEnv
from ui.screens.codes import PinPad
from ui.tr import Tr
from ui.widgets import button, label, scroll


class _Cover(QWidget):
    """A full-window panel over the current screen."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # German, whatever the visitor's
        self.hide()

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()


class StaffUnlockOverlay(_Cover):
    """The PIN pad behind the long press; it checks nothing itself (the core does)."""

    def __init__(
        self, parent: QWidget, env: ScreenEnv, on_pin: Callable[[str], None], on_cancel: Any
    ) -> None:
        super().__init__(parent, "staff-unlock")
        t = env.tr
        box = QVBoxLayout(self)
        box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = label(t(texts.STAFF_UNLOCK_TITLE), "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(title)
        self.message = label("", "error")
        self.message.setObjectName("staff-message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setVisible(False)
        box.addWidget(self.message)
        self.pad = PinPad(env, on_pin, name="staff-pin", max_digits=12)
        box.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(
            button(t(texts.CANCEL), "staff-cancel", on_click=on_cancel),
            0,
            Qt.AlignmentFlag.AlignHCenter,
        )

    def open(self) -> None:
        self.message.setVisible(False)
        self.pad.digits = ""
        self.pad._show()
        self.pad.setEnabled(True)
        self.cover()

    def checking(self, text: str) -> None:
        self.pad.setEnabled(False)
        self.say(text, error=False)

    def say(self, text: str, *, error: bool = True) -> None:
        self.pad.setEnabled(True)
        self.message.setProperty("kind", "error" if error else "info")
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.setVisible(True)


class StaffBanner(QWidget):
    """Always in view while staff are unlocked: who helps, the menu, and lock."""

    def __init__(self, on_menu: Callable[[], None], on_lock: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("staff-banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 8, 24, 8)
        self.text = label("", "subtitle")
        self.text.setObjectName("staff-banner-text")
        row.addWidget(self.text, 1)
        self.menu = button("", "staff-menu", on_click=on_menu)
        self.lock = button("", "staff-lock", on_click=on_lock)
        row.addWidget(self.menu)
        row.addWidget(self.lock)
        self.hide()

    def show_for(self, visitor: Tr, staff: Tr, name: str) -> None:
        """*visitor*: the visitor's language with German beside; *staff*: German."""
        self.setLayoutDirection(visitor.direction)
        # a Latin name inside Arabic or Persian text keeps its own direction
        text = visitor(texts.STAFF_HELPING, name=f"\u2068{name}\u2069")
        self.text.setText(text)
        self.text.setAccessibleName(text)
        self.menu.setText(staff(texts.STAFF_MENU))
        self.menu.setAccessibleName(staff(texts.STAFF_MENU))
        self.lock.setText(staff(texts.STAFF_LOCK))
        self.lock.setAccessibleName(staff(texts.STAFF_LOCK))
        self.show()


@dataclass(frozen=True)
class StaffActions:
    """What the menu's buttons do; the window runs them (and audits them) on the core."""

    recover: Callable[[], None]
    reprint: Callable[[], None]
    sync_now: Callable[[], None]
    exit_kiosk: Callable[[], None] | None  # None: not an admin, no button at all
    back: Callable[[], None]
    lock: Callable[[], None]


class StaffPanel(_Cover):
    """The staff menu: terminal status and the staff-only actions."""

    def __init__(self, parent: QWidget, t: Tr, name: str, actions: StaffActions) -> None:
        super().__init__(parent, "staff-panel")
        self.t = t
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        outer.addWidget(label(t(texts.STAFF_PANEL_TITLE, name=name), "title"))
        self.message = label("", "subtitle")
        self.message.setObjectName("staff-panel-message")
        self.message.setVisible(False)
        outer.addWidget(self.message)
        inner = QWidget()
        self.status_box = QVBoxLayout(inner)
        self.status_box.addWidget(label(t(texts.STATUS_TITLE), "subtitle"))
        self.status_lines: dict[str, Any] = {}
        outer.addWidget(scroll(inner), 1)
        grid = QHBoxLayout()
        grid.addWidget(button(t(texts.RECOVER_SESSION), "staff-recover", on_click=actions.recover))
        grid.addWidget(button(t(texts.REPRINT_RECEIPT), "staff-reprint", on_click=actions.reprint))
        grid.addWidget(button(t(texts.SYNC_NOW), "staff-sync", on_click=actions.sync_now))
        if actions.exit_kiosk is not None:
            grid.addWidget(button(t(texts.EXIT_KIOSK), "staff-exit", on_click=actions.exit_kiosk))
        outer.addLayout(grid)
        footer = QHBoxLayout()
        footer.addWidget(button(t(texts.STAFF_LOCK), "staff-panel-lock", on_click=actions.lock))
        footer.addStretch(1)
        footer.addWidget(
            button(t(texts.BACK_TO_VISITOR), "staff-back", primary=True, on_click=actions.back)
        )
        outer.addLayout(footer)

    def show_status(self, lines: list[tuple[str, str]]) -> None:
        """(key, text) pairs: one label each, kept by key so tests and staff can find them."""
        for key, text in lines:
            lab = self.status_lines.get(key)
            if lab is None:
                lab = label(text)
                lab.setObjectName(f"status-{key}")
                self.status_box.addWidget(lab)
                self.status_lines[key] = lab
            lab.setText(text)
            lab.setAccessibleName(text)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.setVisible(True)
