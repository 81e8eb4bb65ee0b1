"""A terminal's timings and limits, apart from the terminal that uses them.

Sessions, the resume gate and the staff unlock all read these (the PIN pads' lockout
policy among them); keeping them here
lets each of them depend on the numbers without depending on the terminal. A
deployment sets them in ``HOME/kiosk.toml`` (see :mod:`kiosk.settings`); the
launcher turns that file into this object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kiosk.crypto.keywrap import ScryptParams

#: beyond this many doublings a wait is the cap anyway; keeps 2**n finite
_MAX_EXPONENT = 64


@dataclass(frozen=True)
class LockoutPolicy:
    """How many wrong PINs are free, how the wait grows after them, how mistakes fade."""

    free_attempts: int = 3
    base_seconds: float = 30.0
    cap_seconds: float = 900.0
    forgive_seconds: float = 1800.0
    admin_interval_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.free_attempts < 0 or self.base_seconds <= 0:
            raise ValueError("free_attempts must be >= 0 and base_seconds > 0")
        if not (math.isfinite(self.cap_seconds) and self.cap_seconds > 0):
            raise ValueError("cap_seconds must be finite (no lock lasts for ever) and > 0")
        if not (math.isfinite(self.forgive_seconds) and self.forgive_seconds > 0):
            raise ValueError("forgive_seconds must be finite and > 0")
        if not (math.isfinite(self.admin_interval_seconds) and self.admin_interval_seconds > 0):
            raise ValueError("admin_interval_seconds must be finite and > 0")

    def lock_seconds(self, failures: int) -> float:
        """The wait after the *failures*-th counted wrong PIN (0 within the free attempts)."""
        if failures <= self.free_attempts:
            return 0.0
        exponent = min(failures - self.free_attempts, _MAX_EXPONENT)
        return min(self.cap_seconds, self.base_seconds * 2.0**exponent)

    def forgiven(self, failures: int, quiet_seconds: float) -> int:
        """The count that still stands after *quiet_seconds* without a wrong PIN."""
        return max(0, failures - int(quiet_seconds // self.forgive_seconds))


@dataclass(frozen=True)
class SessionConfig:
    """Timings and limits; every one can be set per deployment."""

    debounce_seconds: float = 0.3
    idle_seconds: float = 90.0
    warning_seconds: float = 30.0
    resume_days: float = 7.0
    recovery_window_seconds: float = 600.0
    pin_min: int = 4
    pin_max: int = 6
    free_pin_attempts: int = 3
    lockout_base_seconds: float = 30.0
    max_pin_attempts: int = 10
    scrypt: ScryptParams = field(default_factory=ScryptParams)
    staff_idle_seconds: float = 120.0  # the assisted mode locks itself after this
    staff_max_seconds: float = 1800.0  # ... and after this, however busy the terminal is
    staff_lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    #: failed resumes of the whole terminal, counted on disk: a restart forgets the
    #: per-code counts (they are kept in memory only), this keeps guessing slow anyway
    #: anyone can make it wait (codes with a valid check character are easy to make), so
    #: mistakes fade fast and staff lift the wait from the staff menu
    resume_lockout: LockoutPolicy = field(
        default_factory=lambda: LockoutPolicy(
            free_attempts=10, cap_seconds=900.0, forgive_seconds=300.0
        )
    )
