"""Sealing an application for its receiving office: JWE, RSA-OAEP-256 + A256GCM.

This is what FIT-Connect uses; once sealed, neither the terminal nor the
central server can read the application, only the holder of the office's
private key.
"""

from __future__ import annotations

import hashlib
import json
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


def seal(payload: dict[str, Any], public_pem: bytes, kid: str) -> str:
    """Compact JWE of the canonical JSON payload."""
    key = load_public_key(public_pem)
    plaintext = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    token = jwe.JWE(
        plaintext.encode("utf-8"),
        protected=json.dumps({"alg": ALG, "enc": ENC, "kid": kid, "cty": "application/json"}),
    )
    token.add_recipient(key)
    return str(token.serialize(compact=True))


def unseal(token: str, private_pem: bytes) -> dict[str, Any]:
    """The payload; raises ValueError for a wrong key or an altered token."""
    key = jwk.JWK.from_pem(private_pem)
    parsed = jwe.JWE()
    try:
        parsed.deserialize(token, key=key)
    except (JWException, ValueError) as exc:
        raise ValueError(f"cannot open the sealed application: {exc}") from None
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
