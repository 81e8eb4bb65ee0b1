"""One staff member as terminals know them, from the local list or the signed catalog bundle.

A PIN is kept only as an scrypt hash in a self-describing string, so a terminal
can check PINs hashed with older cost parameters after the defaults change.
Hashes that travel inside signed bundles are *peppered* (``pscrypt$``): scrypt
over HMAC(deployment pepper, PIN), so that they are useless without the pepper
(see :mod:`kiosk.staff.pepper`); a terminal's own accounts are peppered when the
terminal has the pepper.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from pathlib import Path
from typing import Annotated, Literal

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from kiosk.crypto.keywrap import ScryptParams
from kiosk.private_files import write_private

PIN_MIN_DIGITS = 6
PIN_MAX_DIGITS = 12
#: An admin's PIN also lifts a PIN pad that waits after wrong PINs (see
#: kiosk/session/unlock.py), so it must be far harder to guess than a staff PIN.
ADMIN_PIN_MIN_DIGITS = 10
SALT_BYTES = 16
HASH_BYTES = 32

#: [p]scrypt$<log2 n>$<r>$<p>$<salt>$<hash>, salt and hash in unpadded URL-safe base64
#: ("pscrypt": peppered); n up to 2**16, so a hash from a bundle can never ask a terminal
#: for more than 128 MiB.
PIN_HASH_PATTERN = (
    r"^p?scrypt\$(1[0-6])\$([1-9]|1[0-6])\$[1-4]\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$"
)
PEPPERED = "pscrypt"
STAFF_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,39}$"

#: What staff PINs cost to check on a terminal (~16 MiB, a few tens of milliseconds): an
#: unlock checks the PIN against each account, so this stays below the visitor-side keywrap.
STAFF_SCRYPT = ScryptParams(n=2**14, r=8, p=1)

Role = Literal["staff", "admin"]


class StaffRecord(BaseModel):
    """A staff member: a short id for the audit log, a display name, a role and the PIN hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=STAFF_ID_PATTERN)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    role: Role = "staff"
    pin_hash: Annotated[str, StringConstraints(pattern=PIN_HASH_PATTERN)]


class PinPolicyError(ValueError):
    """The PIN does not meet the rules (digits only, at least six)."""


def check_pin_policy(pin: str, role: Role = "staff") -> None:
    if not (pin.isascii() and pin.isdigit()):
        raise PinPolicyError("a staff PIN has digits only")
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise PinPolicyError(f"a staff PIN has {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits")
    if role == "admin" and len(pin) < ADMIN_PIN_MIN_DIGITS:
        raise PinPolicyError(f"an admin PIN has {ADMIN_PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits")
    if len(set(pin)) == 1 or pin in "01234567890123" or pin in "98765432109876":
        raise PinPolicyError("a staff PIN must not be one digit repeated or a simple sequence")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(pin: str, salt: bytes, params: ScryptParams, pepper: bytes | None) -> bytes:
    secret = pin.encode() if pepper is None else hmac.digest(pepper, pin.encode(), hashlib.sha256)
    return Scrypt(salt=salt, length=HASH_BYTES, n=params.n, r=params.r, p=params.p).derive(secret)


def hash_pin(pin: str, params: ScryptParams = STAFF_SCRYPT, *, pepper: bytes | None = None) -> str:
    """The storable hash of a PIN that passed :func:`check_pin_policy`, peppered if given."""
    check_pin_policy(pin)  # the role's rules are the caller's (the admin tool checks them)
    salt = os.urandom(SALT_BYTES)
    log_n = params.n.bit_length() - 1
    digest = _derive(pin, salt, params, pepper)
    kind = "scrypt" if pepper is None else PEPPERED
    return f"{kind}${log_n}${params.r}${params.p}${_b64(salt)}${_b64(digest)}"


def is_peppered(stored: str) -> bool:
    return stored.startswith(PEPPERED + "$")


def pin_matches(pin: str, stored: str, pepper: bytes | None = None) -> bool:
    """True when *pin* hashes to *stored*; False for a wrong PIN, a malformed hash, or a
    peppered hash on a terminal without the pepper."""
    if not re.fullmatch(PIN_HASH_PATTERN, stored):
        return False
    kind, log_n, r, p, salt, digest = stored.split("$")
    if kind == PEPPERED and pepper is None:
        return False
    params = ScryptParams(n=2 ** int(log_n), r=int(r), p=int(p))
    candidate = _derive(pin, _unb64(salt), params, pepper if kind == PEPPERED else None)
    # compared as text: a hash string whose unused last bits differ is not this hash
    return hmac.compare_digest(_b64(candidate), digest)


class StaffList(BaseModel):
    """The staff list file an admin keeps for bundles: ``{"staff": [...]}``."""

    model_config = ConfigDict(extra="forbid")

    staff: list[StaffRecord] = []


def load_staff_list(path: Path) -> list[StaffRecord]:
    """The records in a staff list file; ValueError naming the file and the entry if broken."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the staff list: {exc.strerror}") from None
    try:
        records = StaffList.model_validate_json(data).staff
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{path}: {where}: {first['msg']}") from None
    ids = [r.id for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{path}: staff ids appear more than once: {', '.join(dupes)}")
    return records


def save_staff_list(path: Path, records: list[StaffRecord]) -> None:
    """Write the file whole or not at all, readable by its owner only."""
    body = StaffList(staff=sorted(records, key=lambda r: r.id)).model_dump_json(indent=2)
    write_private(path, (body + "\n").encode("utf-8"))
