"""Is anyone at the terminal? Taps and keys seen anywhere, a steady poll, and the wipe of a
screen nobody attends.

The session itself decides when a visit is idle (its clock, its warning); this monitor
feeds it: every tap counts as activity (told to the session at most once a second), a
poll every 400 ms asks the visit controller for the idle state and lets the terminal
work between visitors, and a screen that carries something of a visitor without a
session behind it (a code just given out, a message) goes after a minute untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

from ui.visit_controller import VisitController

POLL_MS = 400
NO_SESSION_TIMEOUT = 60.0  # a code or message left on screen goes away after a minute
ACTIVITY = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin})


class ActivityMonitor(QObject):
    def __init__(
        self,
        visit: VisitController,
        *,
        waiting: Callable[[], bool],
        also_poll: Callable[[], None] = lambda: None,
        parent: QObject | None = None,
    ) -> None:
        """*waiting*: whether the screen shown holds nothing of a visitor (welcome, out of
        service); *also_poll*: called on every tick first (the assisted mode's own timers)."""
        super().__init__(parent)
        self.visit = visit
        self.waiting = waiting
        self.also_poll = also_poll
        self.last_activity = time.monotonic()
        self._last_touch_sent = 0.0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        self.timer.start(POLL_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in ACTIVITY:
            self.last_activity = time.monotonic()
            if self.visit.session is not None and self.last_activity - self._last_touch_sent > 1:
                self._last_touch_sent = self.last_activity
                self.visit.touch()
        return False

    def poll(self) -> None:
        self.also_poll()
        waiting = self.waiting()
        self.visit.poll(waiting)
        if (
            self.visit.session is None
            and not waiting
            and time.monotonic() - self.last_activity > NO_SESSION_TIMEOUT
        ):
            self.visit.end("timeout")

    def stop(self) -> None:
        self.timer.stop()
