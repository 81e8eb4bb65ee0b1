"""Unlocking the assisted mode with a staff PIN, with growing waits after wrong PINs.

A six-digit PIN falls to guessing unless guesses cost time. After a few free
mistakes every further wrong PIN makes the terminal's PIN pad wait twice as long
as the one before, up to a cap. The count lives in the database, so restarting
the kiosk gives no fresh attempts; a waiting pad does not even check a staff PIN,
so a locked terminal costs no scrypt work. A right PIN does not wipe the count
(it would hand a guesser fresh free attempts after every staff login); old
mistakes fade instead, one for every quiet half hour.

Anyone can find the PIN pad, so a visitor can make it wait. That must not keep
staff from helping: while the pad waits, an admin's PIN (at least
:data:`~kiosk.staff.records.ADMIN_PIN_MIN_DIGITS` digits) is still checked,
against admin accounts only, and the admin can then lift the wait from the staff
menu. That path never locks (a visitor mashing long numbers could otherwise lock
out the admins too); it takes one attempt per ``admin_interval_seconds``
instead: at ten seconds, 8,640 guesses a day against at least 10^10 PINs.

The audit log records every attempt by who and what happened, never the PIN.
"""

from __future__ import annotations

import math
import threading
from typing import Literal

from kiosk.session.clock import Clock
from kiosk.session.config import LockoutPolicy
from kiosk.session.staff import StaffGrant
from kiosk.staff.directory import StaffDirectory
from kiosk.staff.records import ADMIN_PIN_MIN_DIGITS, PIN_MAX_DIGITS, PIN_MIN_DIGITS
from kiosk.store import Store
from kiosk.store.lockout import LockoutPath

RefusalKind = Literal["wrong_pin", "locked", "no_staff"]

#: 2**64 times any sensible base is far past any cap; the exponent stops there so that
#: a huge failure count cannot overflow a float.


class UnlockRefusedError(Exception):
    """The unlock was refused; *kind* says why, so the UI can say it in the staff's language.

    ``wrong_pin``: no account has this PIN; *wait_seconds* is the wait it caused (0
    within the free attempts). ``locked``: the PIN was not checked; *wait_seconds* is
    what is left of the wait. ``no_staff``: the terminal knows no staff account.
    """

    def __init__(self, kind: RefusalKind, wait_seconds: float = 0.0) -> None:
        super().__init__(f"staff unlock refused: {kind}, wait {wait_seconds:.0f} s")
        self.kind: RefusalKind = kind
        self.wait_seconds = wait_seconds


def clear_lockout(store: Store, *, at: float, actor: str) -> int:
    """Forget the wrong PINs so far on every pad, the resume pad too (audited); returns the
    staff PIN pad's count cleared."""
    failures = store.pin_lockout.get().failures
    store.pin_lockout.reset()
    store.audit.write(
        at=at, actor=actor, action="staff_lockout_reset", detail=f"{failures} failure(s) cleared"
    )
    return failures


def lockout_wait(store: Store, policy: LockoutPolicy, now: float, path: LockoutPath) -> float:
    """Seconds the pad of *path* still waits; a wait beyond the cap (the wall clock went
    back) is cut to it, or it could last for ever. Shared by the staff and resume pads."""
    wait = store.pin_lockout.get(path).locked_until - now
    if wait > policy.cap_seconds:
        store.pin_lockout.shorten(now + policy.cap_seconds, path)
        wait = policy.cap_seconds
    return max(0.0, wait)


def count_wrong_pin(
    store: Store, policy: LockoutPolicy, now: float, path: LockoutPath
) -> tuple[int, float]:
    """One more wrong PIN on the pad of *path*: (failures that count, seconds it waits)."""
    state = store.pin_lockout.record_failure(
        now=now, lock_seconds=policy.lock_seconds, forgive=policy.forgiven, path=path
    )
    return state.failures, max(0.0, state.locked_until - now)


def _well_formed(pin: str, min_digits: int) -> bool:
    return pin.isascii() and pin.isdigit() and min_digits <= len(pin) <= PIN_MAX_DIGITS


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
            accounts = self.directory.accounts()
            if not accounts:
                self._audit(now, "unknown", "staff_unlock_no_staff")
                raise UnlockRefusedError("no_staff")
            wait = self._wait(now, "pin")
            if wait > 0:
                admins = any(a.role == "admin" for a in accounts)
                if admins and _well_formed(pin, ADMIN_PIN_MIN_DIGITS):
                    return self._admin_during_wait(pin, now, wait)
                self._audit(now, "unknown", "staff_unlock_locked", f"{math.ceil(wait)} s left")
                raise UnlockRefusedError("locked", wait)
            if not _well_formed(pin, PIN_MIN_DIGITS):
                # no staff PIN looks like this: a visitor tapping the pad costs nobody a wait
                raise UnlockRefusedError("wrong_pin")
            account = self.directory.find(pin)
            now = self.clock.now()  # after the hashing, which takes a while
            if account is None:
                state = self._failure(now, "pin")
                self._audit(now, "unknown", "staff_unlock_failed", f"attempt {state[0]}")
                raise UnlockRefusedError("wrong_pin", state[1])
            self._audit(now, f"staff:{account.id}", "staff_unlock", account.role)
            return StaffGrant(staff_id=account.id, role=account.role, granted_at=now)

    def _admin_during_wait(self, pin: str, now: float, wait: float) -> StaffGrant:
        """The admin path: only admin accounts, only while the pad waits, one attempt per
        interval (its own row, never growing: nobody can lock the admins out)."""
        if self._wait(now, "admin") > 0:
            self._audit(now, "unknown", "staff_unlock_locked", "admin path: one try per interval")
            raise UnlockRefusedError("locked", wait)
        account = self.directory.find(pin, admins_only=True)
        now = self.clock.now()
        if account is None:
            interval = self.policy.admin_interval_seconds
            state = self.store.pin_lockout.record_failure(
                now=now, lock_seconds=lambda _: interval, path="admin"
            )
            self._audit(
                now, "unknown", "staff_unlock_failed", f"admin path, attempt {state.failures}"
            )
            raise UnlockRefusedError("wrong_pin", self._wait(now, "pin"))
        self._audit(now, f"staff:{account.id}", "staff_unlock", "admin during a wait")
        return StaffGrant(staff_id=account.id, role=account.role, granted_at=now)

    def lockout_state(self) -> tuple[int, float]:
        """Wrong PINs that count and the seconds the PIN pad still waits (staff screen)."""
        with self._attempt:
            now = self.clock.now()
            state = self.store.pin_lockout.get()
            quiet = now - state.last_failure_at if state.last_failure_at is not None else 0.0
            return self.policy.forgiven(state.failures, max(0.0, quiet)), self._wait(now, "pin")

    def reset_lockout(self, grant: StaffGrant) -> None:
        """An admin ends the wait at once (say, after a visitor played with the pad)."""
        grant.require("admin")
        clear_lockout(self.store, at=self.clock.now(), actor=f"staff:{grant.staff_id}")

    def _failure(self, now: float, path: LockoutPath) -> tuple[int, float]:
        return count_wrong_pin(self.store, self.policy, now, path)

    def _wait(self, now: float, path: LockoutPath) -> float:
        return lockout_wait(self.store, self.policy, now, path)

    def _audit(self, at: float, actor: str, action: str, detail: str = "") -> None:
        self.store.audit.write(at=at, actor=actor, action=action, detail=detail)
