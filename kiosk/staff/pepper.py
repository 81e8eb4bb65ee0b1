"""The deployment's staff pepper: the secret that keeps staff PIN verifiers useless alone.

Staff PIN verifiers travel in signed catalog bundles, which any enrolled
terminal's device token can fetch. Hashed with scrypt alone, a six-digit PIN
falls to 10^6 guesses offline. So verifiers in bundles are computed over
HMAC(pepper, PIN): the pepper is made once per deployment by the central server,
handed to a terminal only in the reply to its one-time enrolment, and to admins
by ``kiosk server staff-pepper``; it is never in a bundle. A device token alone,
or a bundle copied from the server, then gives nothing to guess against.

A terminal keeps the pepper in ``HOME/keys/staff.pepper`` (0600), so a copy of a
terminal's whole disk still allows guessing: the README says so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kiosk.private_files import write_private

PEPPER_BYTES = 32
_HEX = re.compile(r"[0-9a-f]{64}")


class PepperError(ValueError):
    """A pepper file that cannot be read or is not a pepper."""


def new_pepper() -> bytes:
    return os.urandom(PEPPER_BYTES)


def pepper_text(pepper: bytes) -> str:
    return pepper.hex()


def parse_pepper(text: str) -> bytes:
    value = text.strip().lower()
    if not _HEX.fullmatch(value):
        raise PepperError(f"a staff pepper is {2 * PEPPER_BYTES} hexadecimal characters")
    return bytes.fromhex(value)


def terminal_pepper_path(home: Path) -> Path:
    return home / "keys" / "staff.pepper"


def read_pepper_file(path: Path) -> bytes:
    """The pepper in *path*; :class:`PepperError` naming the file if it is missing or broken."""
    try:
        if path.stat().st_size > 1024:
            raise PepperError(f"{path}: not a staff pepper file (too large)")
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise PepperError(f"{path}: cannot read the staff pepper: {exc}") from None
    try:
        return parse_pepper(text)
    except PepperError as exc:
        raise PepperError(f"{path}: {exc}") from None


def write_pepper_file(path: Path, pepper: bytes) -> None:
    write_private(path, (pepper_text(pepper) + "\n").encode("ascii"))


def load_terminal_pepper(home: Path) -> bytes | None:
    """This terminal's pepper, None when it has none (not enrolled, or enrolled before)."""
    path = terminal_pepper_path(home)
    if not path.exists():
        return None
    return read_pepper_file(path)
