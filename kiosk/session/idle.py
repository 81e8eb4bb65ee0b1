"""The idle timer: active, then a warning the visitor can extend, then the end.

WCAG 2.2.1 asks for a warning of at least 20 seconds that a single action
extends, as often as needed; the defaults give 90 s without a touch, then a
30 s countdown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kiosk.session.clock import Clock


class IdlePhase(enum.Enum):
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IdleState:
    phase: IdlePhase
    seconds_left: float  # until the warning (ACTIVE) or until the end (WARNING)


class IdleTimer:
    def __init__(self, clock: Clock, idle_seconds: float = 90.0, warning_seconds: float = 30.0):
        if warning_seconds < 20:
            raise ValueError("the warning must last at least 20 seconds (WCAG 2.2.1)")
        self.clock = clock
        self.idle_seconds = idle_seconds
        self.warning_seconds = warning_seconds
        self.last_activity = clock.monotonic()

    def touch(self) -> None:
        """The visitor did something: the countdown starts again."""
        self.last_activity = self.clock.monotonic()

    extend = touch

    def state(self) -> IdleState:
        quiet = self.clock.monotonic() - self.last_activity
        if quiet < self.idle_seconds:
            return IdleState(IdlePhase.ACTIVE, self.idle_seconds - quiet)
        if quiet < self.idle_seconds + self.warning_seconds:
            return IdleState(IdlePhase.WARNING, self.idle_seconds + self.warning_seconds - quiet)
        return IdleState(IdlePhase.EXPIRED, 0.0)
