"""Opening a sealed application with the office's keys: the header first, cheaply.

The protected header of a compact JWE names the key it was sealed for (``kid``,
the RFC 7638 thumbprint of the office's public key). Comparing it with the
thumbprints of the keys given tells, without any RSA work, whether this office
can open it at all: a wrong key file is found at the first application instead
of after a failed decryption of each. The header is also held to exactly what
terminals write (no compression, whose inflation has no bound, no extensions),
and the ciphertext's length bounds the plaintext before anything is decrypted.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from jwcrypto import jwe, jwk

from kiosk.crypto.sealing import ALG, ENC, OfficeKeyError
from sync.client.office_payload import MAX_PLAINTEXT_BYTES, UnfitError, parse_json

THUMBPRINT: Final = re.compile(r"^[A-Za-z0-9_-]{43}$")
_PART: Final = re.compile(r"^[A-Za-z0-9_-]*$")
_HEADER_MEMBERS: Final = frozenset({"alg", "enc", "kid", "cty"})
MAX_HEADER: Final = 4096


@dataclass(frozen=True)
class OfficeKeys:
    """The office's private keys (the current one, and older ones during a key change)."""

    keys: tuple[jwk.JWK, ...]
    thumbprints: tuple[str, ...]

    @classmethod
    def load(cls, pems: bytes | Sequence[bytes]) -> OfficeKeys:
        """Each PEM must be an RSA private key; :class:`OfficeKeyError` says which is not."""
        given = [pems] if isinstance(pems, bytes) else list(pems)
        keys = []
        for number, pem in enumerate(given, start=1):
            try:
                key = jwk.JWK.from_pem(pem)
            except Exception:  # jwcrypto and cryptography raise many kinds for a bad file
                raise OfficeKeyError(f"key {number} is not a key in PEM form") from None
            if key.get("kty") != "RSA" or not key.has_private:
                raise OfficeKeyError(f"key {number} is not an RSA private key")
            keys.append(key)
        if not keys:
            raise OfficeKeyError("no key given")
        return cls(tuple(keys), tuple(str(k.thumbprint()) for k in keys))

    def by_thumbprint(self, kid: str | None) -> jwk.JWK | None:
        for key, thumbprint in zip(self.keys, self.thumbprints, strict=True):
            if kid == thumbprint:
                return key
        return None

    def describe(self) -> str:
        return ", ".join(self.thumbprints)


@dataclass(frozen=True)
class Foreign:
    """Sealed for a key that is not among the office's keys given."""

    kid: str | None

    def reason(self, keys: OfficeKeys) -> str:
        if self.kid is not None and THUMBPRINT.match(self.kid):
            return (
                f"sealed for key {self.kid}, which is not among the office keys given "
                f"({keys.describe()}); open it with that key"
            )
        return f"it does not open with any of the office keys given ({keys.describe()})"


def _unpadded(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def read_kid(token: str, *, max_plaintext: int = MAX_PLAINTEXT_BYTES) -> str | None:
    """The ``kid`` of *token* (None for applications sealed before keys were named),
    after checking the header and the sizes; :class:`UnfitError` for anything else."""
    parts = token.split(".")
    if len(parts) != 5 or not all(_PART.match(part) for part in parts):
        raise UnfitError("not a sealed application (no compact JWE)")
    head, wrapped_key, iv, ciphertext, tag = parts
    if not 0 < len(head) <= MAX_HEADER or len(wrapped_key) > 2048:
        raise UnfitError("the seal's header or key part has an impossible length")
    if len(iv) > 64 or len(tag) > 64:
        raise UnfitError("the seal's nonce or tag has an impossible length")
    if len(ciphertext) * 3 // 4 > max_plaintext:
        raise UnfitError(
            f"the sealed data is about {len(ciphertext) * 3 // 4} bytes, more than the "
            f"{max_plaintext} this office tool opens"
        )
    try:
        header = parse_json(_unpadded(head), max_depth=2)
    except (ValueError, UnfitError):  # binascii.Error is a ValueError
        raise UnfitError("the seal's header is not readable") from None
    if not isinstance(header, dict):
        raise UnfitError("the seal's header is not an object")
    unexpected = set(header) - _HEADER_MEMBERS
    if unexpected:
        named = ", ".join(sorted(n for n in unexpected if re.fullmatch(r"[a-z0-9]{1,10}", n)))
        raise UnfitError(
            f"the seal's header has members terminals never write ({named or 'unnamed'})"
        )
    if header.get("alg") != ALG or header.get("enc") != ENC:
        raise UnfitError(f"not sealed with {ALG} and {ENC}")
    if header.get("cty", "application/json") != "application/json":
        raise UnfitError("the sealed content is not declared as JSON")
    kid = header.get("kid")
    if kid is not None and not (isinstance(kid, str) and 0 < len(kid) <= 200):
        raise UnfitError("the seal's key id is not a short text")
    return kid


def _decrypt(token: str, key: jwk.JWK) -> bytes | None:
    sealed = jwe.JWE()
    try:
        sealed.deserialize(token, key=key)
        plaintext = sealed.payload
    except Exception:  # untrusted input into a third-party parser: any failure means closed
        return None
    return plaintext if isinstance(plaintext, bytes) else None


def open_sealed(
    token: str, keys: OfficeKeys, *, max_plaintext: int = MAX_PLAINTEXT_BYTES
) -> bytes | Foreign:
    """The plaintext, or :class:`Foreign` when none of *keys* is the one it was sealed for.

    :class:`UnfitError` when it names one of *keys* but does not open with it: damaged or
    altered, since only the terminal's sealing could have named that key.
    """
    kid = read_kid(token, max_plaintext=max_plaintext)
    named = keys.by_thumbprint(kid)
    if named is not None:
        plaintext = _decrypt(token, named)
        if plaintext is None:
            raise UnfitError(
                "it names this office's key but does not open with it (damaged or altered)"
            )
        return plaintext
    if kid is not None and THUMBPRINT.match(kid):
        return Foreign(kid)
    for key in keys.keys:  # sealed before keys were named by thumbprint
        plaintext = _decrypt(token, key)
        if plaintext is not None:
            return plaintext
    return Foreign(kid)
