"""Where a parked visit is found, and what opens it: both from the code *and* the PIN.

A resume code carries 50 bits and a PIN 13 to 20 more. If the database found a
ticket by a hash of the code alone, a copied disk would give the code away to a
fast hash sweep covering every ticket at once, and the PIN would then fall to
10^4 - 10^6 scrypt guesses. So the ticket's id and the key that unwraps its
session key both come from one scrypt over code and PIN together (salted per
terminal, so no table can be computed in advance): every guess of an attacker
costs one scrypt and is a guess at both at once, 2^50 x 10^4 = 2^63 of them for a
four-digit PIN. The terminal pays one scrypt per resume, as before.

The price: a wrong PIN finds no ticket, so the terminal cannot tell it from an
unknown code, and it counts wrong attempts per code in memory instead of on the
ticket (see :class:`CodeAttempts`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from dataclasses import dataclass

from kiosk.crypto import aead
from kiosk.crypto.keywrap import ScryptParams, derive

#: tickets written before lookups took the PIN: found by a hash of the code alone
LEGACY_LOOKUP = 1
#: found by scrypt(code + PIN)
JOINT_LOOKUP = 2


@dataclass(frozen=True)
class TicketSecret:
    """The ticket's row id and the key that wraps its session key."""

    ticket_id: str
    wrap_key: bytes

    @property
    def aad(self) -> bytes:
        return f"ticket:{self.ticket_id}".encode()

    def wrap(self, session_key: bytes | bytearray) -> bytes:
        return aead.encrypt(self.wrap_key, bytes(session_key), self.aad)

    def unwrap(self, wrapped: bytes) -> bytearray:
        """The session key, or :class:`kiosk.crypto.aead.DecryptionError`."""
        return bytearray(aead.decrypt(self.wrap_key, wrapped, self.aad))


def ticket_secret(plain_code: str, pin: str, salt: bytes, params: ScryptParams) -> TicketSecret:
    """One scrypt over code and PIN, split into a lookup id and a wrapping key."""
    master = derive(f"{plain_code}:{pin}", salt, params)
    lookup = hmac.new(master, b"kiosk resume ticket id", hashlib.sha256).hexdigest()
    wrap_key = hmac.new(master, b"kiosk resume ticket key", hashlib.sha256).digest()
    return TicketSecret(lookup, wrap_key)


def legacy_ticket_id(plain_code: str) -> str:
    """The id tickets parked before the joint lookup were stored under (still redeemable)."""
    return hashlib.sha256(f"resume:{plain_code}".encode()).hexdigest()


def legacy_ticket_aad(plain_code: str) -> bytes:
    return f"ticket:{legacy_ticket_id(plain_code)}".encode()


@dataclass
class CodeState:
    failures: int = 0
    locked_until: float = 0.0


class CodeAttempts:
    """Wrong PINs per resume code, kept in memory only.

    On disk a per-code counter would need a per-code id, the very thing that lets an
    attacker sweep the codes. In memory it stops a person who holds someone's code
    from trying PINs at the terminal; a restart forgets it, which is why the terminal
    also counts every failed resume in the database (the ``resume`` lockout row).
    Keys are hashes of the codes; the table is bounded, oldest entries go first.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._states: OrderedDict[str, CodeState] = OrderedDict()

    @staticmethod
    def _key(plain_code: str) -> str:
        return hashlib.sha256(f"attempts:{plain_code}".encode()).hexdigest()

    def get(self, plain_code: str) -> CodeState:
        found = self._states.get(self._key(plain_code))
        return CodeState(found.failures, found.locked_until) if found else CodeState()

    def set(self, plain_code: str, state: CodeState) -> None:
        key = self._key(plain_code)
        self._states.pop(key, None)
        self._states[key] = state
        while len(self._states) > self.limit:
            self._states.popitem(last=False)

    def forget(self, plain_code: str) -> None:
        self._states.pop(self._key(plain_code), None)
