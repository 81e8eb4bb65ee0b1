"""Time as the session sees it, injectable so that timeouts can be tested without waiting."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol

HOUR = 3600.0


class Clock(Protocol):
    def now(self) -> float:
        """Wall-clock seconds since the epoch (for expiry dates stored in the database)."""
        ...

    def monotonic(self) -> float:
        """Seconds that never jump (for idle timers and debouncing)."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self._now = start
        self._mono = 1000.0

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += seconds
        self._mono += seconds


def local_date(clock: Clock) -> dt.date:
    return dt.datetime.fromtimestamp(clock.now()).date()
