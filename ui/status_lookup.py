"""Where an application stands, asked with a receipt: not a visit, beside it.

Anyone holding a receipt may ask, from the welcome screen (no visit begins) or during a
visit. The answer is the status an office set, found with the receipt's reference and
status code (:mod:`kiosk.session.receipt_status`); the key costs ~50 ms of scrypt, so
it is made on the core thread. The answer belongs to whatever visit is on (or the
stretch between visits) and is dropped when that ends (start over, the idle wipe), as
every late answer is.

Signals:
    found(object): the :class:`~kiosk.store.receipt_status.StatusRow` an office set.
    not_found(str): no status to show; the text says what to do (the same for a wrong
        code, an unknown reference and no status yet; a typo is told at once, from the
        check characters alone).
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QObject, Signal

from kiosk.session.receipt_status import find_status, well_formed
from kiosk.store import StoreError
from kiosk.store.receipt_status import StatusRow
from ui import texts
from ui.visit_controller import VisitController

log = logging.getLogger("kiosk.ui")


class StatusLookup(QObject):
    found = Signal(object)
    not_found = Signal(str)

    def __init__(self, visit: VisitController) -> None:
        super().__init__(visit)
        self.visit = visit

    def look_up(self, reference: str, secret: str) -> None:
        """The status an office set for the receipt with *reference* and *secret*."""
        visit = self.visit
        if not well_formed(reference, secret):
            self.not_found.emit(visit.t(texts.STATUS_CODE_TYPO))
            return
        visit.core.run(
            lambda terminal: find_status(terminal.store, terminal.deployment, reference, secret),
            self._answered,
            self._failed,
            scope=visit.scope,
        )

    def _answered(self, row: StatusRow | None) -> None:
        if row is None or not _iso_day(row.status_on):
            self.not_found.emit(self.visit.t(texts.STATUS_NOT_FOUND))
            return
        self.found.emit(row)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, StoreError):
            self.not_found.emit(self.visit.t(error.message))
            return
        log.error("status lookup failed: %s", type(error).__name__, exc_info=error)
        self.not_found.emit(self.visit.t(texts.STAFF_NEEDED))


def _iso_day(text: str) -> bool:
    """A status's day as the feed sends it (``2026-11-23``); anything else is not shown."""
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
