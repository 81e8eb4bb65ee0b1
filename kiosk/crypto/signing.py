"""The admins' Ed25519 keys that sign catalog bundles.

The private key stays with the admin (a file readable by its owner only); the
server and every terminal know only public keys, by a short key id, so that a
bundle names the key that signed it and a stolen key can be distrusted alone.
Ed25519 because its signatures are small and deterministic, and checking one
costs a fraction of a millisecond on a terminal.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

KEY_ID_CHARS = 16
PUBLIC_SUFFIX = ".pub"


class KeyFileError(ValueError):
    """A key that cannot be used; the message names the file and says why."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: short enough to read
    out over the phone, long enough that no two admins' keys share one by chance."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_CHARS]


def public_key_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_path_for(private: Path) -> Path:
    return private.with_name(private.name + PUBLIC_SUFFIX)


def _publish(path: Path, data: bytes, mode: int) -> None:
    """Write *data* under *path* in one step, never replacing a file that is there.

    The content goes to a temporary name first (created with *mode*, so a private key
    is never readable by others, not even for a moment), then gets its final name by
    a hard link, which fails if the name was taken meanwhile.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise KeyFileError(f"{path}: a file of that name appeared meanwhile") from None
        except OSError:  # a file system without hard links (a FAT memory stick)
            if path.exists():
                raise KeyFileError(f"{path}: a file of that name appeared meanwhile") from None
            tmp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def generate_key_pair(out: Path) -> tuple[Path, Path]:
    """Write a new private key to *out* (0600) and its public key to *out*.pub.

    Refuses to overwrite either file: a key replaced by accident is lost for good,
    and every terminal that pinned it would refuse the next catalog.
    """
    public = public_path_for(out)
    for path in (out, public):
        if path.exists() or path.is_symlink():
            raise KeyFileError(
                f"{path}: a file of that name is already there; keys are never overwritten "
                "(choose another name or move the old key away)"
            )
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _publish(out, private_pem, 0o600)
    except OSError as exc:
        raise KeyFileError(f"{exc.filename or out}: cannot write the key: {exc.strerror}") from None
    try:
        _publish(public, public_key_pem(key.public_key()), 0o644)
    except (OSError, KeyFileError) as exc:
        out.unlink()  # no private key without its public half: nothing could verify it
        if isinstance(exc, KeyFileError):
            raise
        raise KeyFileError(f"{public}: cannot write the key: {exc.strerror}") from None
    return out, public


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise KeyFileError(f"{path}: is a folder, not a {what} file") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the {what}: {exc.strerror}") from None


def _not_ed25519(key: object) -> str:
    kind = type(key).__name__.removesuffix("PrivateKey").removesuffix("PublicKey")
    return f"not an Ed25519 key but {kind} (make one with `kiosk catalog keygen`)"


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The admin's signing key from a PEM file as :func:`generate_key_pair` writes it."""
    data = _read(path, "private key")
    if b"PUBLIC KEY-----" in data:
        raise KeyFileError(f"{path}: holds a public key; signing needs the private key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise KeyFileError(
            f"{path}: the key is protected by a password; use a key "
            "without one, kept on the admin's own machine"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path}: not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: {_not_ed25519(key)}")
    return key


def load_public_key(data_or_path: bytes | Path) -> Ed25519PublicKey:
    """An admin's public key from a PEM file, or from PEM bytes (as the server stores it)."""
    if isinstance(data_or_path, Path):
        name, data = str(data_or_path), _read(data_or_path, "public key")
    else:
        name, data = "public key", data_or_path
    if b"PRIVATE KEY-----" in data:
        raise KeyFileError(
            f"{name}: holds a private key; give the public key (the .pub file) and keep "
            "the private one with the admin"
        )
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{name}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{name}: {_not_ed25519(key)}")
    return key
