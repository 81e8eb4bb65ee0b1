"""What a visitor session may ask of the terminal it runs on, and nothing more.

A session saves drafts, seals applications, counts usage and tells the terminal
when it is over; it needs the store, the clock, the timings, the catalog, the
recovery keys and a few terminal services for that. Naming exactly these keeps the
session from reaching into the rest of the terminal (its installer, staff list,
resume gate, live sessions), and lets a test or a simulation give a session a
context of its own. :class:`kiosk.session.terminal.Terminal` is the one
implementation; mypy checks that it fits wherever it hands itself to a session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import Form, Office
from kiosk.session.clock import Clock
from kiosk.session.config import SessionConfig
from kiosk.session.recovery import RecoveryKeys
from kiosk.session.tickets import TicketSecret
from kiosk.store import Store

if TYPE_CHECKING:
    from kiosk.session.visitor import VisitorSession


class SessionContext(Protocol):
    store: Store
    clock: Clock
    config: SessionConfig
    catalog: CompiledCatalog
    recovery: RecoveryKeys
    terminal_id: str

    @property
    def deployment(self) -> str:
        """The deployment the terminal serves (receipt status keys are made for it)."""
        ...

    def ticket_secret(self, plain_code: str, pin: str) -> TicketSecret:
        """Id and wrapping key of the ticket for this code and PIN."""
        ...

    def office_public_key(self, office: Office) -> bytes:
        """The key the office's applications are sealed to."""
        ...

    def keep_catalog(self, catalog: CompiledCatalog) -> None:
        """Store the catalog a draft uses, so the draft can reopen on it later."""
        ...

    def count(self, event: str, language: str, form: Form) -> None:
        """Count a usage event (no personal data)."""
        ...

    def maybe_housekeeping(self) -> None:
        """The terminal's tick: recovery keys, the log, hourly purges."""
        ...

    def forget(self, session: VisitorSession) -> None:
        """The session is over: the terminal lets go of it and cuts the log."""
        ...
