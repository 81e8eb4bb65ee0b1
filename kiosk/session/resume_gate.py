"""Who may try to resume a parked visit, and which ticket a code and PIN open.

Tickets are found by code and PIN together (see :mod:`kiosk.session.tickets`), so a
wrong PIN points to no ticket. Wrong attempts are therefore counted per code in
memory and for the whole terminal on disk; while either waits, no scrypt is spent.
"""

from __future__ import annotations

import enum
import os
import re
from typing import TYPE_CHECKING

from kiosk.crypto import aead, keywrap
from kiosk.session.clock import HOUR
from kiosk.session.tickets import (
    JOINT_LOOKUP,
    LEGACY_LOOKUP,
    CodeAttempts,
    CodeState,
    TicketSecret,
    legacy_ticket_aad,
    legacy_ticket_id,
    ticket_secret,
)
from kiosk.session.unlock import count_wrong_pin, lockout_wait
from kiosk.store import Store
from kiosk.store.tickets import TicketRow

if TYPE_CHECKING:
    from kiosk.session.config import SessionConfig

RESUME_SALT_SETTING = "resume.salt"  # salts every ticket lookup of this terminal


class ResumeProblem(enum.Enum):
    INVALID_CODE = "invalid_code"  # typo: the check character does not fit
    #: no ticket for this code and PIN: a wrong PIN, or a code unknown, used or purged
    #: (the terminal cannot tell which, see kiosk.session.tickets)
    NO_MATCH = "no_match"
    EXPIRED = "expired"
    LOCKED = "locked"  # too many wrong PINs for this code (remembered until a restart)
    WAIT = "wait"  # too many wrong PINs, for a while
    FORM_GONE = "form_gone"


class ResumeError(ValueError):
    def __init__(self, problem: ResumeProblem, *, seconds: float = 0, attempts_left: int = 0):
        super().__init__(problem.value)
        self.problem = problem
        self.seconds = seconds
        self.attempts_left = attempts_left


class ResumeGate:
    """The resume pad's checks, between the code and PIN typed and the ticket opened."""

    def __init__(self, store: Store, config: SessionConfig) -> None:
        self.store = store
        self.config = config
        self._salt = self._load_salt()
        self._attempts = CodeAttempts()

    def _load_salt(self) -> bytes:
        value = self.store.settings.get(RESUME_SALT_SETTING)
        if value is None or not re.fullmatch(r"[0-9a-f]{32}", value):
            value = os.urandom(16).hex()
            self.store.settings.set(RESUME_SALT_SETTING, value)
        return bytes.fromhex(value)

    def secret(self, plain_code: str, pin: str) -> TicketSecret:
        """Id and wrapping key of the ticket for this code and PIN (one scrypt: slow)."""
        return ticket_secret(plain_code, pin, self._salt, self.config.scrypt)

    def find(self, plain: str, pin: str) -> tuple[TicketRow, bytearray] | None:
        """The ticket this code and PIN open, with its session key; None for no ticket."""
        secret = self.secret(plain, pin)
        ticket = self.store.tickets.get(secret.ticket_id, JOINT_LOOKUP)
        if ticket is not None:
            try:
                return ticket, secret.unwrap(ticket.wrapped_key)
            except aead.DecryptionError:
                return None
        legacy = self.store.tickets.get(legacy_ticket_id(plain), LEGACY_LOOKUP)
        if legacy is None or legacy.locked:
            return None
        try:
            params, aad = self.config.scrypt, legacy_ticket_aad(plain)
            return legacy, keywrap.unwrap(legacy.wrapped_key, f"{plain}:{pin}", params, aad)
        except aead.DecryptionError:
            return None

    def refuse_while_waiting(self, plain: str, now: float) -> None:
        """No scrypt at all while this code, or the terminal as a whole, has to wait."""
        state = self._attempts.get(plain)
        if state.failures >= self.config.max_pin_attempts:
            raise ResumeError(ResumeProblem.LOCKED)
        terminal_wait = lockout_wait(self.store, self.config.resume_lockout, now, "resume")
        wait = max(state.locked_until - now, terminal_wait)
        if wait > 0:
            raise ResumeError(ResumeProblem.WAIT, seconds=wait)

    def failed(self, plain: str, now: float) -> ResumeError:
        """Count a code and PIN that open nothing: for the code (in memory) and the terminal."""
        cfg = self.config
        failures = self._attempts.get(plain).failures + 1
        locked = failures >= cfg.max_pin_attempts
        wait = 0.0
        if not locked and failures >= cfg.free_pin_attempts:
            wait = min(HOUR, cfg.lockout_base_seconds * 2 ** (failures - cfg.free_pin_attempts))
        self._attempts.set(plain, CodeState(failures, now + wait))
        _, terminal_wait = count_wrong_pin(self.store, cfg.resume_lockout, now, "resume")
        wait = max(wait, terminal_wait)
        self.store.audit.write(
            at=now, actor="visitor", action="resume_wrong_pin", detail=f"attempt {failures}"
        )
        if locked:
            return ResumeError(ResumeProblem.LOCKED)
        return ResumeError(
            ResumeProblem.NO_MATCH, seconds=wait, attempts_left=cfg.max_pin_attempts - failures
        )

    def succeeded(self, plain: str) -> None:
        self._attempts.forget(plain)
