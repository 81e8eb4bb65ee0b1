"""Sealing an application for its receiving office: JWE, RSA-OAEP-256 + A256GCM.

This is what FIT-Connect uses; once sealed, neither the terminal nor the
central server can read the application, only the holder of the office's
private key.

The JWE's ``kid`` is the RFC 7638 thumbprint of the office's public key (SHA-256,
base64url), not the office's name: an office that rotates its key keeps the old
private key beside the new one, and each application says which of them opens it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwe, jwk
from jwcrypto.common import JWException

ALG = "RSA-OAEP-256"
ENC = "A256GCM"
MIN_RSA_BITS = 2048


class OfficeKeyError(ValueError):
    """An office key that cannot be used."""


def generate_office_key(bits: int = 3072) -> tuple[bytes, bytes]:
    """(private PEM, public PEM) for an office."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def load_public_key(pem: bytes) -> jwk.JWK:
    try:
        key = jwk.JWK.from_pem(pem)
    except (ValueError, TypeError, JWException) as exc:
        raise OfficeKeyError(f"not a PEM public key: {exc}") from None
    if key.get("kty") != "RSA" or key.has_private:
        raise OfficeKeyError("an office's sealing key must be an RSA public key")
    public = serialization.load_pem_public_key(pem)
    if not isinstance(public, rsa.RSAPublicKey) or public.key_size < MIN_RSA_BITS:
        raise OfficeKeyError(f"the RSA key must have at least {MIN_RSA_BITS} bits")
    return key


def key_thumbprint(pem: bytes) -> str:
    """RFC 7638 thumbprint (SHA-256) of the public part of an RSA key in PEM."""
    try:
        key = jwk.JWK.from_pem(pem)
    except (ValueError, TypeError, JWException) as exc:
        raise OfficeKeyError(f"not a PEM key: {exc}") from None
    return str(key.thumbprint())


def seal(payload: dict[str, Any], public_pem: bytes) -> str:
    """Compact JWE of the canonical JSON payload, for the holder of *public_pem*."""
    key = load_public_key(public_pem)
    plaintext = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    header = {"alg": ALG, "enc": ENC, "kid": str(key.thumbprint()), "cty": "application/json"}
    token = jwe.JWE(plaintext.encode("utf-8"), protected=json.dumps(header))
    token.add_recipient(key)
    return str(token.serialize(compact=True))


def sealed_kid(token: str) -> str | None:
    """The ``kid`` of a compact JWE, read without opening it (None if there is none)."""
    head = token.split(".", 1)[0]
    if not 0 < len(head) <= 4096:
        return None
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


def unseal(token: str, private_pems: bytes | Sequence[bytes]) -> dict[str, Any]:
    """The payload; raises ValueError for a wrong key or an altered token.

    *private_pems*: the office's key, or its keys old and new; the one whose thumbprint
    the token names is used (tokens from before thumbprints name the office: each key
    is tried then)."""
    pems = [private_pems] if isinstance(private_pems, bytes) else list(private_pems)
    keys = [jwk.JWK.from_pem(pem) for pem in pems]
    kid = sealed_kid(token)
    named = [k for k in keys if kid is not None and str(k.thumbprint()) == kid]
    problem: Exception | None = None
    for key in named or keys:
        parsed = jwe.JWE()
        try:
            parsed.deserialize(token, key=key)
            break
        except (JWException, ValueError) as exc:
            problem = exc
    else:
        raise ValueError(f"cannot open the sealed application: {problem}") from None
    protected = json.loads(parsed.objects["protected"])
    if protected.get("alg") != ALG or protected.get("enc") != ENC:
        raise ValueError("unexpected sealing algorithm")
    data = json.loads(parsed.payload)
    if not isinstance(data, dict):
        raise ValueError("the sealed payload is not an object")
    return data


def sha512_hex(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def write_key_pair(directory: Path, name: str, bits: int = 3072) -> tuple[Path, Path]:
    """Write NAME.key.pem (0600) and NAME.pub.pem into *directory*."""
    directory.mkdir(parents=True, exist_ok=True)
    private, public = generate_office_key(bits)
    private_path = directory / f"{name}.key.pem"
    public_path = directory / f"{name}.pub.pem"
    fd_path = private_path.with_suffix(".tmp")
    fd_path.write_bytes(b"")
    fd_path.chmod(0o600)
    fd_path.write_bytes(private)
    fd_path.replace(private_path)
    public_path.write_bytes(public)
    return private_path, public_path
