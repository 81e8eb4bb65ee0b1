"""A parked visit is found only by code and PIN together, never by the code alone."""

from __future__ import annotations

import pytest

from kiosk.crypto import aead, keywrap
from kiosk.crypto.keywrap import ScryptParams
from kiosk.session.codes import check_char
from kiosk.session.resume_gate import ResumeError
from kiosk.session.terminal import Terminal
from kiosk.session.tickets import (
    LEGACY_LOOKUP,
    CodeAttempts,
    CodeState,
    legacy_ticket_aad,
    legacy_ticket_id,
    ticket_secret,
)
from tests.conftest import FAST
from tests.session.test_resume_and_recovery import park

CHEAP = ScryptParams(n=2**10)
SALT = b"s" * 16
CODE = "G0D7N7A2TAP"


@pytest.mark.parametrize(
    ("code", "pin", "salt", "params", "same_id"),
    [
        (CODE, "4711", SALT, CHEAP, True),  # the same inputs find the same ticket
        (CODE, "4712", SALT, CHEAP, False),  # another PIN: another id, nothing to sweep
        ("G0D7N7A2TAQ", "4711", SALT, CHEAP, False),  # another code
        (CODE, "4711", b"t" * 16, CHEAP, False),  # another terminal's salt
        (CODE, "4711", SALT, ScryptParams(n=2**11), False),  # the id costs the scrypt
    ],
)
def test_the_ticket_id_takes_code_pin_salt_and_scrypt(
    code: str, pin: str, salt: bytes, params: ScryptParams, same_id: bool
) -> None:
    reference = ticket_secret(CODE, "4711", SALT, CHEAP)
    other = ticket_secret(code, pin, salt, params)
    assert (other.ticket_id == reference.ticket_id) is same_id
    assert (other.wrap_key == reference.wrap_key) is same_id
    assert reference.ticket_id != legacy_ticket_id(CODE)


def test_a_wrong_pin_cannot_unwrap() -> None:
    key = aead.new_key()
    wrapped = ticket_secret(CODE, "4711", SALT, CHEAP).wrap(key)
    assert ticket_secret(CODE, "4711", SALT, CHEAP).unwrap(wrapped) == key
    with pytest.raises(aead.DecryptionError):
        ticket_secret(CODE, "4712", SALT, CHEAP).unwrap(wrapped)


def test_the_database_holds_nothing_the_code_alone_gives(terminal: Terminal) -> None:
    ticket, _ = park(terminal, pin="4711")
    plain = ticket.code.replace("-", "")
    (stored,) = [r[0] for r in terminal.store.db.execute("SELECT id FROM resume_tickets")]
    assert stored == terminal.ticket_secret(plain, "4711").ticket_id
    assert stored != legacy_ticket_id(plain)
    assert all(stored != terminal.ticket_secret(plain, pin).ticket_id for pin in ("0000", "4712"))


def test_per_code_counts_are_bounded() -> None:
    attempts = CodeAttempts(limit=3)
    for n in range(5):
        attempts.set(f"CODE{n}", CodeState(n + 1, 0.0))
    assert attempts.get("CODE0") == CodeState() and attempts.get("CODE4").failures == 5
    assert len(attempts._states) == 3


def test_a_ticket_parked_before_the_joint_lookup_still_resumes(terminal: Terminal) -> None:
    """Tickets written by the earlier scheme are redeemed (once) until they expire."""
    session = terminal.start_session("uk")
    session.open_form("sozialticket")
    session.answer("family_name", "Shevchenko")
    session.flush()
    plain = "G0D7N7A2TA" + check_char("G0D7N7A2TA")
    key = session._live_key()
    terminal.store.tickets.park(
        ticket_id=legacy_ticket_id(plain),
        session_id=session.id,
        wrapped_key=keywrap.wrap(key, f"{plain}:4711", FAST.scrypt, legacy_ticket_aad(plain)),
        now=terminal.clock.now(),
        expires_at=terminal.clock.now() + 3600,
        lookup=LEGACY_LOOKUP,
    )
    session.end("continue_later")
    with pytest.raises(ResumeError):
        terminal.resume(plain, "4712", "uk")
    resumed = terminal.resume(plain, "4711", "uk")
    assert resumed.current is not None and resumed.current.answers["family_name"] == "Shevchenko"
