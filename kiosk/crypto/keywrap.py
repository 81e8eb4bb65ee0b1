"""Wrapping a session key under a secret only the visitor holds (resume code + PIN).

scrypt makes every guess expensive: with the database alone, an attacker must
pay one scrypt per (code, PIN) candidate, and the code alone carries 45 bits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kiosk.crypto.aead import decrypt, encrypt

SALT_BYTES = 16


@dataclass(frozen=True)
class ScryptParams:
    """Cost parameters; tests use cheaper ones, terminals the defaults (~64 MiB, ~0.1 s)."""

    n: int = 2**16
    r: int = 8
    p: int = 1


def derive(secret: str, salt: bytes, params: ScryptParams) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=params.n, r=params.r, p=params.p)
    return kdf.derive(secret.encode("utf-8"))


def wrap(key: bytes | bytearray, secret: str, params: ScryptParams, aad: bytes) -> bytes:
    """salt || AES-GCM(derived, key)."""
    salt = os.urandom(SALT_BYTES)
    return salt + encrypt(derive(secret, salt, params), bytes(key), aad)


def unwrap(blob: bytes, secret: str, params: ScryptParams, aad: bytes) -> bytearray:
    """The key, or :class:`kiosk.crypto.aead.DecryptionError` for a wrong secret."""
    salt, rest = blob[:SALT_BYTES], blob[SALT_BYTES:]
    return bytearray(decrypt(derive(secret, salt, params), rest, aad))
