"""The staff accounts a terminal accepts: its own, and those of the installed signed bundle.

Admins manage staff centrally through the list in the signed catalog bundle; an
account added on the terminal itself covers the time before a bundle arrives or
a terminal that never syncs. The bundle wins for an id on both lists, so a
central change (a new PIN, a withdrawn admin role) is never undone by a stale
local copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from kiosk.logsetup import Count
from kiosk.staff.records import StaffRecord, pin_matches

log = logging.getLogger("kiosk.staff")


class LocalAccounts(Protocol):
    """Where the terminal keeps the accounts added on it (the store's staff table).

    Only this is asked of the store, so the staff package does not depend on it.
    """

    def all(self) -> list[StaffRecord]: ...


class StaffDirectory:
    def __init__(
        self, local: LocalAccounts, pepper: Callable[[], bytes | None] = lambda: None
    ) -> None:
        self._local = local
        # the deployment's, from enrolment (which may happen while the kiosk runs): read at
        # each unlock, it opens the peppered hashes of bundles
        self._pepper = pepper
        self._bundle: tuple[StaffRecord, ...] | None = None

    @property
    def bundle_staff(self) -> tuple[StaffRecord, ...] | None:
        """The installed bundle's list; None when the bundle carries none."""
        return self._bundle

    def set_bundle_staff(self, records: Sequence[StaffRecord] | None) -> None:
        """Called when a catalog bundle is installed, with its staff list or None."""
        self._bundle = None if records is None else tuple(records)

    def accounts(self) -> list[StaffRecord]:
        """The bundle's accounts in its order, then the local ones it does not override.

        Read from the store on every call, so an account added or removed from the
        command line counts at the next unlock without a restart.
        """
        bundle = list(self._bundle or ())
        taken = {record.id for record in bundle}
        local = [r for r in self._local.all() if r.id not in taken]
        return bundle + local

    def find(self, pin: str, *, admins_only: bool = False) -> StaffRecord | None:
        """The account whose PIN this is (among admins only, if asked), or None.

        Every account's hash is checked, whether or not an earlier one matched, so the
        time an unlock takes says nothing about which account (or how far down the list)
        a PIN belongs to. Should two accounts share a PIN (one on each list), the first
        in :meth:`accounts` order wins.
        """
        candidates = [r for r in self.accounts() if r.role == "admin" or not admins_only]
        pepper = self._pepper()
        matches = [record for record in candidates if pin_matches(pin, record.pin_hash, pepper)]
        if len(matches) > 1:
            log.warning(
                "%d staff accounts share one PIN; the first on the list is used",
                Count(len(matches)),
            )
        return matches[0] if matches else None
