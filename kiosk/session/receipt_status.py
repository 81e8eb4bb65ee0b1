"""Where an application stands, for whoever holds its receipt, at any terminal.

An office marks an application received (and, if it likes, in progress, documents
missing, or decided with a letter by post); that status comes back to every terminal
of the deployment as a minimal record: a *status key*, the office, the status and its
date. No name, no reference, no form.

The status key is derived from the reference and a *receipt secret*: eight characters
printed on the receipt and carried in its QR code, never stored anywhere in clear.
Without the secret a key cannot be made, so a status lookup with a guessed reference
finds nothing, exactly as a lookup of a reference that does not exist; and a key on a
stolen disk or in the server's database says nothing unless the secret is guessed,
which scrypt makes slow (40 bits, about 50 ms per try on a terminal).

The key is the same at every terminal of a deployment (the salt is the deployment and
the reference), so a visitor can ask at any of them.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from typing import Final

from kiosk.session.codes import ALPHABET, REFERENCE_LENGTH, check_char, is_valid, normalise
from kiosk.store import Store
from kiosk.store.receipt_status import StatusRow

SECRET_LENGTH: Final = 8  # 40 bits, plus one check character against typos
#: scrypt cost of one key: n = 2**14 (16 MiB, ~50 ms); the same on every terminal
_SCRYPT_N: Final = 2**14
_SCRYPT_R: Final = 8
_SCRYPT_P: Final = 1
_CONTEXT: Final = b"kiosk-receipt-status/1\n"
#: what a receipt's QR code carries: the reference, then the secret
QR_PREFIX: Final = "MDSTATUS:"
_MAX_SCAN: Final = 200  # a scanner types at most this much before Enter
_KEY: Final = re.compile(r"^[0-9a-f]{64}$")


class Status(enum.StrEnum):
    """What an office says about an application; the values travel on the wire."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    DOCUMENTS_MISSING = "documents_missing"
    DECIDED_BY_POST = "decided_by_post"


def new_secret() -> str:
    """Like ``7K3Q-9XPF-H``: printed on the receipt beside the reference."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))
    plain = body + check_char(body)
    return f"{plain[:4]}-{plain[4:8]}-{plain[8:]}"


def reference_body(reference: str) -> str:
    """The reference's characters without the ``MD-`` prefix and separators, however it
    was typed (``MD-7K3Q-9XPF-H``, ``7k3q9xpfh``)."""
    plain = normalise(reference)
    if len(plain) == REFERENCE_LENGTH + 3 and plain.startswith("MD"):
        plain = plain[2:]
    return plain


def is_key(value: str) -> bool:
    """A well-formed status key (64 hex digits)."""
    return bool(_KEY.match(value))


def status_key(deployment: str, reference: str, secret: str) -> str:
    """The status key of an application: scrypt over the secret, salted with the
    deployment and the reference; the same at every terminal of the deployment."""
    salt = _CONTEXT + deployment.encode() + b"\n" + reference_body(reference).encode()
    derived = hashlib.scrypt(
        normalise(secret).encode(),
        salt=salt,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        maxmem=64 * 1024 * 1024,
        dklen=32,
    )
    return derived.hex()


def qr_text(reference: str, secret: str) -> str:
    """What the receipt's QR code carries: ``MDSTATUS:<reference>:<secret>``."""
    return f"{QR_PREFIX}MD{reference_body(reference)}:{normalise(secret)}"


def well_formed(reference: str, secret: str) -> bool:
    """Both parts have the right length and check character (typos caught before any
    scrypt; says nothing about whether such an application exists)."""
    return is_valid(reference_body(reference), REFERENCE_LENGTH) and is_valid(secret, SECRET_LENGTH)


def parse_scan(text: str) -> tuple[str, str] | None:
    """Reference and secret from what a scanner typed (the QR code's text), or None."""
    text = text.strip()[:_MAX_SCAN]
    if not text.upper().startswith(QR_PREFIX):
        return None
    parts = text[len(QR_PREFIX) :].split(":")
    if len(parts) != 2:
        return None
    reference, secret = parts
    return (reference, secret) if well_formed(reference, secret) else None


def find_status(store: Store, deployment: str, reference: str, secret: str) -> StatusRow | None:
    """The office's latest status for the receipt with *reference* and *secret*, or None:
    the same None for a typo, a wrong secret, an application unknown to this terminal and
    one no office has taken yet, so an answer never tells whether a reference exists."""
    if not well_formed(reference, secret):
        return None
    row = store.receipt_statuses.get(status_key(deployment, reference, secret))
    if row is None or row.status not in Status.__members__.values():
        return None
    return row
