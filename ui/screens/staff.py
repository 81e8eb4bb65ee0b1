"""The assisted mode's widgets: the staff PIN pad, the banner the visitor sees, the staff menu.

The PIN pad and the menu are overlays over the visitor's screen (the highest
layer), so closing them returns to exactly where the visitor was. They speak
German (staff); the banner speaks the visitor's language with German beside, so
the visitor knows who is helping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from ui import texts
from ui.overlay import Layer, Overlay
from ui.pads import PinPad
from ui.screens.base import ScreenEnv
from ui.tr import Tr
from ui.widgets import button, label, scroll


def minutes_seconds(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


class StaffUnlockOverlay(Overlay):
    """The PIN pad behind the long press; it checks nothing itself (the core does).

    While the terminal waits after wrong PINs it counts down, live, and says that an
    admin's long PIN still opens it.
    """

    def __init__(
        self, parent: QWidget, env: ScreenEnv, on_pin: Callable[[str], None], on_cancel: Any
    ) -> None:
        super().__init__(parent, "staff-unlock", Layer.STAFF, keep=True, panel_width=0.5)
        self.panel.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # German, always
        t = env.tr
        self.t = t
        title = label(t(texts.STAFF_UNLOCK_TITLE), "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(title)
        self.message = label("", "error")
        self.message.setObjectName("staff-message")
        self.message.setProperty("kiosk_id", "staff-message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setVisible(False)
        self.box.addWidget(self.message)
        self.countdown = label("", "subtitle")
        self.countdown.setProperty("kiosk_id", "staff-countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown.setVisible(False)
        self.box.addWidget(self.countdown)
        self.pad = PinPad(env, on_pin, name="staff-pin", max_digits=12)
        self.box.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.box.addWidget(
            button(t(texts.CANCEL), "staff-cancel", on_click=on_cancel, icon="cancel"),
            0,
            Qt.AlignmentFlag.AlignHCenter,
        )
        self.wait_until = 0.0
        self.ticker = QTimer(self)
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self._tick)

    def open(self) -> None:
        self.message.setVisible(False)
        self.pad.digits = ""
        self.pad._show()
        self.pad.setEnabled(True)
        self.present()

    def checking(self, text: str) -> None:
        self.pad.setEnabled(False)
        self.say(text, error=False)

    def say(self, text: str, *, error: bool = True) -> None:
        self.pad.setEnabled(True)
        self.message.setProperty("kind", "error" if error else "info")
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.setVisible(True)

    def wait(self, seconds: float, now: float) -> None:
        """Count down *seconds* from *now* (monotonic), live; 0 hides the countdown."""
        self.wait_until = now + seconds
        if seconds > 0:
            self.ticker.start()
        self._tick()

    def _tick(self) -> None:
        left = self.wait_until - time.monotonic()
        if left <= 0:
            self.ticker.stop()
            self.countdown.setVisible(False)
            return
        text = self.t(texts.STAFF_WAIT, time=minutes_seconds(left))
        self.countdown.setText(text)
        self.countdown.setAccessibleName(text)
        self.countdown.setVisible(True)

    def dismiss(self) -> None:
        self.ticker.stop()
        super().dismiss()


class StaffBanner(QWidget):
    """Always in view while staff are unlocked: who helps, the menu, and lock."""

    def __init__(self, on_menu: Callable[[], None], on_lock: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("staff-banner")
        self.setProperty("kiosk_id", "staff-banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 8, 24, 8)
        self.text = label("", "subtitle")
        self.text.setObjectName("staff-banner-text")
        row.addWidget(self.text, 1)
        self.menu = button("", "staff-menu", on_click=on_menu, icon="staff")
        self.lock = button("", "staff-lock", on_click=on_lock, icon="lock")
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
    """What the menu's buttons do; the window runs them (and audits them) on the core.

    An action that is None has no button (exit and lifting the wait are for admins)."""

    recover: Callable[[], None]
    reprint: Callable[[], None]
    sync_now: Callable[[], None]
    exit_kiosk: Callable[[], None] | None
    reset_lockout: Callable[[], None] | None
    back: Callable[[], None]
    lock: Callable[[], None]


class StaffPanel(Overlay):
    """The staff menu: terminal status and the staff-only actions."""

    def __init__(self, parent: QWidget, t: Tr, name: str, actions: StaffActions) -> None:
        super().__init__(
            parent, "staff-panel", Layer.STAFF, dim=220, panel_width=0.9, fixed_width=True, tall=0.8
        )
        self.panel.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.t = t
        self.box.addWidget(label(t(texts.STAFF_PANEL_TITLE, name=name), "title"))
        self.message = label("", "subtitle")
        self.message.setObjectName("staff-panel-message")
        self.message.setProperty("kiosk_id", "staff-panel-message")
        self.message.setVisible(False)
        self.box.addWidget(self.message)
        inner = QWidget()
        self.status_box = QVBoxLayout(inner)
        self.status_box.addWidget(label(t(texts.STATUS_TITLE), "subtitle"))
        self.status_lines: dict[str, Any] = {}
        self.box.addWidget(scroll(inner), 1)
        grid = QGridLayout()
        entries: list[tuple[str, str, Callable[[], None] | None, str]] = [
            (texts.RECOVER_SESSION, "staff-recover", actions.recover, "start_over"),
            (texts.REPRINT_RECEIPT, "staff-reprint", actions.reprint, "print"),
            (texts.SYNC_NOW, "staff-sync", actions.sync_now, "sync"),
            (texts.RESET_LOCKOUT, "staff-reset-lockout", actions.reset_lockout, "unlock"),
            (texts.EXIT_KIOSK, "staff-exit", actions.exit_kiosk, "exit"),
        ]
        shown = [(msg, name_, act, icon) for msg, name_, act, icon in entries if act is not None]
        for index, (msgid, kiosk_id, action, icon) in enumerate(shown):
            assert action is not None
            grid.addWidget(
                button(t(msgid), kiosk_id, on_click=action, icon=icon), index // 3, index % 3
            )
        self.box.addLayout(grid)
        footer = QHBoxLayout()
        footer.addWidget(
            button(t(texts.STAFF_LOCK), "staff-panel-lock", on_click=actions.lock, icon="lock")
        )
        footer.addStretch(1)
        footer.addWidget(
            button(t(texts.BACK_TO_VISITOR), "staff-back", primary=True, on_click=actions.back)
        )
        self.box.addLayout(footer)

    def cover(self) -> None:
        self.present()

    def show_status(self, lines: list[tuple[str, str]]) -> None:
        """(key, text) pairs: one label each, kept by key so tests and staff can find them."""
        for key, text in lines:
            lab = self.status_lines.get(key)
            if lab is None:
                lab = label("", "")
                lab.setObjectName(f"status-{key}")
                lab.setProperty("kiosk_id", f"status-{key}")
                self.status_box.addWidget(lab)
                self.status_lines[key] = lab
            lab.setText(text)
            lab.setAccessibleName(text)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.setVisible(True)
