"""How long to wait after a failure: exponential, jittered, and never less than the server asked.

Terminals in one building lose the network together and get it back
together; without jitter they would all knock at the same second. "Equal
jitter" keeps at least half of the exponential wait, so a failing server is
never hammered, and spreads the rest.
"""

from __future__ import annotations

import random


class Backoff:
    def __init__(
        self, *, base: float = 2.0, cap: float = 300.0, rng: random.Random | None = None
    ) -> None:
        self.base = base
        self.cap = cap
        self.failures = 0
        self._rng = rng or random.Random()

    def reset(self) -> None:
        self.failures = 0

    def next_delay(self, retry_after: float | None = None) -> float:
        ceiling = min(self.cap, self.base * 2.0**self.failures)
        self.failures = min(self.failures + 1, 32)
        delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, 3600.0))
        return delay
