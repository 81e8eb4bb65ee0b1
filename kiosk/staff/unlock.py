"""Unlocking the assisted mode with a staff PIN, with growing waits after wrong PINs.

A six-digit PIN falls to guessing unless guesses cost time. After a few free
mistakes every further wrong PIN locks the terminal's staff unlock for twice as
long as the one before, up to a cap: guessing becomes hopeless, while a member of
staff who mistyped is never locked out for good. The count lives in the
database, so restarting the kiosk gives no fresh attempts, and a locked unlock
does not even check the PIN, so a locked terminal costs no scrypt work.

The audit log records every attempt by who and what happened, never the PIN.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Literal

from kiosk.session.clock import Clock
from kiosk.session.staff import StaffGrant
from kiosk.staff.directory import StaffDirectory
from kiosk.staff.records import PIN_MAX_DIGITS, PIN_MIN_DIGITS
from kiosk.store import Store

RefusalKind = Literal["wrong_pin", "locked", "no_staff"]

#: 2**64 times any sensible base is far past any cap; the exponent stops there so that
#: a huge failure count cannot overflow a float.
_MAX_EXPONENT = 64


@dataclass(frozen=True)
class LockoutPolicy:
    """How many wrong PINs are free, and how the wait grows after them."""

    free_attempts: int = 3
    base_seconds: float = 30.0
    cap_seconds: float = 900.0

    def __post_init__(self) -> None:
        if self.free_attempts < 0 or self.base_seconds <= 0:
            raise ValueError("free_attempts must be >= 0 and base_seconds > 0")
        if not (math.isfinite(self.cap_seconds) and self.cap_seconds > 0):
            raise ValueError("cap_seconds must be finite (no lock lasts for ever) and > 0")

    def lock_seconds(self, failures: int) -> float:
        """The wait after the *failures*-th wrong PIN in a row (0 within the free attempts)."""
        if failures <= self.free_attempts:
            return 0.0
        exponent = min(failures - self.free_attempts, _MAX_EXPONENT)
        return min(self.cap_seconds, self.base_seconds * 2.0**exponent)


class UnlockRefusedError(Exception):
    """The unlock was refused; *kind* says why, so the UI can say it in the staff's language.

    ``wrong_pin``: no account has this PIN; *wait_seconds* is the lock it caused (0
    within the free attempts). ``locked``: the PIN was not checked; *wait_seconds* is
    what is left of the lock. ``no_staff``: the terminal knows no staff account.
    """

    def __init__(self, kind: RefusalKind, wait_seconds: float = 0.0) -> None:
        super().__init__(f"staff unlock refused: {kind}, wait {wait_seconds:.0f} s")
        self.kind: RefusalKind = kind
        self.wait_seconds = wait_seconds


def clear_lockout(store: Store, *, at: float, actor: str) -> int:
    """Forget the wrong PINs so far (audited); the number of failures cleared."""
    failures = store.staff_lockout.get().failures
    store.staff_lockout.reset()
    store.audit.write(
        at=at, actor=actor, action="staff_lockout_reset", detail=f"{failures} failure(s) cleared"
    )
    return failures


class StaffUnlock:
    """Turns a staff PIN into a :class:`StaffGrant`, or refuses with a reason."""

    def __init__(
        self,
        store: Store,
        directory: StaffDirectory,
        clock: Clock,
        policy: LockoutPolicy | None = None,
    ) -> None:
        self.store = store
        self.directory = directory
        self.clock = clock
        self.policy = policy or LockoutPolicy()
        # one attempt at a time: parallel attempts would each pass the lock check first
        self._attempt = threading.Lock()

    def try_pin(self, pin: str) -> StaffGrant:
        """A grant for the staff member with this PIN; :class:`UnlockRefusedError` if not.

        Checking a PIN costs one scrypt per account; call it off the UI thread.
        """
        with self._attempt:
            now = self.clock.now()
            if not self.directory.accounts():
                self._audit(now, "unknown", "staff_unlock_no_staff")
                raise UnlockRefusedError("no_staff")
            failures, wait = self._state(now)
            if wait > 0:
                self._audit(now, "unknown", "staff_unlock_locked", f"{math.ceil(wait)} s left")
                raise UnlockRefusedError("locked", wait)
            if not (
                pin.isascii() and pin.isdigit() and PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS
            ):
                # no staff PIN looks like this: a visitor tapping the pad costs nobody a wait
                raise UnlockRefusedError("wrong_pin")
            account = self.directory.find(pin)
            now = self.clock.now()  # after the hashing, which takes a while
            if account is None:
                state = self.store.staff_lockout.record_failure(
                    now=now, lock_seconds=self.policy.lock_seconds
                )
                self._audit(now, "unknown", "staff_unlock_failed", f"attempt {state.failures}")
                raise UnlockRefusedError("wrong_pin", max(0.0, state.locked_until - now))
            if failures:
                self.store.staff_lockout.reset()
            self._audit(now, f"staff:{account.id}", "staff_unlock", account.role)
            return StaffGrant(staff_id=account.id, role=account.role, granted_at=now)

    def lockout_state(self) -> tuple[int, float]:
        """Wrong PINs in a row and the seconds the unlock still waits, for the staff screen."""
        with self._attempt:
            return self._state(self.clock.now())

    def reset_lockout(self, grant: StaffGrant) -> None:
        """An admin ends the wait at once (say, after a staff member forgot their PIN)."""
        grant.require("admin")
        clear_lockout(self.store, at=self.clock.now(), actor=f"staff:{grant.staff_id}")

    def _state(self, now: float) -> tuple[int, float]:
        state = self.store.staff_lockout.get()
        wait = state.locked_until - now
        if wait > self.policy.cap_seconds:
            # the wall clock went back: no lock may outlast the cap, or it could last for ever
            self.store.staff_lockout.shorten(now + self.policy.cap_seconds)
            wait = self.policy.cap_seconds
        return state.failures, max(0.0, wait)

    def _audit(self, at: float, actor: str, action: str, detail: str = "") -> None:
        self.store.audit.write(at=at, actor=actor, action=action, detail=detail)
