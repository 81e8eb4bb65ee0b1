"""Wrong PINs counted on the disk, so that a restart does not reset the wait.

Guessing a staff PIN or a resume PIN must cost time; a counter kept in memory
would be forgotten by pulling the plug. Each pad has its own row, updated in
one transaction that holds the write lock from its first statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kiosk.store.errors import guarded
from kiosk.store.repository import Repository

LockoutPath = Literal["pin", "admin", "resume"]


@dataclass(frozen=True)
class LockoutState:
    failures: int
    locked_until: float
    last_failure_at: float | None


class PinLockout(Repository):
    """Wrong PINs on this terminal, and until when a pad waits: one counter for the staff
    PIN pad (``pin``), one for the admin path during its wait (``admin``), one for
    resuming a parked visit (``resume``)."""

    @guarded
    def get(self, path: LockoutPath = "pin") -> LockoutState:
        row = self.db.execute(
            "SELECT failures, locked_until, last_failure_at FROM pin_lockout WHERE path = ?",
            [path],
        ).fetchone()
        if row is None:
            return LockoutState(0, 0.0, None)
        failures, locked_until, last = row
        return LockoutState(
            int(failures), float(locked_until), None if last is None else float(last)
        )

    @guarded
    def record_failure(
        self,
        *,
        now: float,
        lock_seconds: Callable[[int], float],
        forgive: Callable[[int, float], int] | None = None,
        path: LockoutPath = "pin",
    ) -> LockoutState:
        """Count one more wrong PIN and lock for *lock_seconds(failures)*, in one transaction.

        *forgive(failures, seconds since the last failure)* gives the count that still
        stands before this failure is added (old mistakes fade). The row is written
        before it is read, so the transaction holds the write lock from its first
        statement and no other connection can slip in between.
        """
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO pin_lockout (path) VALUES (?) "
                "ON CONFLICT(path) DO UPDATE SET failures = failures",
                [path],
            )
            failures, last = self.db.execute(
                "SELECT failures, last_failure_at FROM pin_lockout WHERE path = ?", [path]
            ).fetchone()
            failures = int(failures)
            if forgive is not None and last is not None:
                failures = forgive(failures, max(0.0, now - float(last)))
            failures += 1
            locked_until = now + lock_seconds(failures)
            self.db.execute(
                "UPDATE pin_lockout SET failures = ?, locked_until = ?, last_failure_at = ? "
                "WHERE path = ?",
                [failures, locked_until, now, path],
            )
        return LockoutState(failures, locked_until, now)

    @guarded
    def shorten(self, latest: float, path: LockoutPath = "pin") -> None:
        """End the lock by *latest* at the latest (after the wall clock went back)."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE pin_lockout SET locked_until = ? WHERE path = ? AND locked_until > ?",
                [latest, path, latest],
            )

    @guarded
    def reset(self, path: LockoutPath | None = None) -> None:
        """Forget the wrong PINs of *path* (of every pad when None: staff lift them all)."""
        paths: list[LockoutPath] = ["pin", "admin", "resume"] if path is None else [path]
        with self.db.atomic():
            for one in paths:
                self.db.execute(
                    "INSERT INTO pin_lockout (path) VALUES (?) ON CONFLICT(path) DO UPDATE SET "
                    "failures = 0, locked_until = 0, last_failure_at = NULL",
                    [one],
                )
