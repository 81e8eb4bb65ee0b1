"""Authenticated encryption of drafts with a per-session key (AES-256-GCM).

The associated data binds each ciphertext to its row (session and form), so a
draft copied into another row fails to decrypt instead of showing one
visitor's answers to another.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """Wrong key, or data that was altered."""


def new_key() -> bytearray:
    """A fresh random key, in a mutable buffer so it can be wiped."""
    return bytearray(os.urandom(KEY_BYTES))


def wipe(buffer: bytearray) -> None:
    """Overwrite a key in place (best effort: Python may hold other copies)."""
    for i in range(len(buffer)):
        buffer[i] = 0


def encrypt(key: bytes | bytearray, plaintext: bytes, aad: bytes) -> bytes:
    """nonce || ciphertext+tag."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(bytes(key)).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes | bytearray, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError("ciphertext too short")
    try:
        return AESGCM(bytes(key)).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError("wrong key or altered data") from None
