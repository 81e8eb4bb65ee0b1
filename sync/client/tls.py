"""Which server URLs may carry a token, and which certificates a client trusts.

Every token the kiosk sends (a terminal's device token, the one-time enrolment token,
an office's or an admin's token) is a bearer secret: whoever reads it on the way can
act as its owner. So a client speaks plain ``http://`` only to its own machine (a
reverse proxy terminating TLS on 127.0.0.1, the demo's embedded server), and
``https://`` only with a verified certificate: the system's CA store by default, or a
PEM file given with ``--ca-file`` (a private CA, or the server's self-signed
certificate), which then is the only thing trusted. Every HTTP client of the kiosk
takes its URL check and its ``verify=`` from here, so no caller can turn either off.
"""

from __future__ import annotations

import functools
import ipaddress
import ssl
import urllib.parse
from pathlib import Path

import certifi
from cryptography import x509

#: Host names that always mean this machine, whatever the network says.
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})

LOCAL_ONLY = "127.0.0.1, ::1 or localhost"


class TLSSettingsError(ValueError):
    """A server URL or CA file no request may use; the message is one line for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 (also as ``[::1]`` or IPv4-mapped) and ``localhost``:
    traffic to these never leaves the machine, so no one on the network can read it."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_server_url(url: str) -> str:
    """*url* without a trailing slash, or :class:`TLSSettingsError` if a token sent there
    could be read on the way. Checked before any connection is made."""
    text = url.strip()
    try:
        parts = urllib.parse.urlsplit(text)
        scheme, host = parts.scheme.lower(), parts.hostname
        _ = parts.port  # raises on a port that is no number
    except ValueError:
        scheme, host = "", None
    if scheme not in ("http", "https") or not host or any(c.isspace() for c in text):
        raise TLSSettingsError(f"'{url}' is not a server URL (https://host[:port])")
    if scheme == "http" and not is_loopback(host):
        raise TLSSettingsError(
            f"refusing to send a token in clear to {text}: use https:// (plain http:// is "
            f"only for this machine: {LOCAL_ONLY})"
        )
    return text.rstrip("/")


@functools.cache
def _system_context() -> ssl.SSLContext:
    """The operating system's CA store (where a city adds its own CA for all programs);
    certifi's bundle only on a system that has none. Built once: loading it costs
    milliseconds, and a context is safe to share between threads."""
    context = ssl.create_default_context()
    found = ssl.get_default_verify_paths()
    if found.cafile is None and found.capath is None:
        context.load_verify_locations(cafile=certifi.where())
    return context


def ssl_context(ca_pem: bytes | None = None) -> ssl.SSLContext:
    """Certificates checked, host names checked, TLS 1.2 or newer: with *ca_pem* the
    server must chain to those certificates alone, otherwise to the system's CAs."""
    if ca_pem is None:
        return _system_context()
    try:
        return ssl.create_default_context(cadata=ca_pem.decode("ascii"))
    except (UnicodeDecodeError, ssl.SSLError) as exc:
        raise TLSSettingsError(f"not a usable PEM certificate ({exc})") from None


def read_ca_file(path: Path) -> bytes:
    """The PEM certificates in *path*, checked as a client will use them.

    A file that also holds a private key is refused: a terminal needs only the
    certificate, and a server key copied to terminals is a key no longer secret.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TLSSettingsError(f"{path}: cannot read the CA file ({exc.strerror})") from None
    if b"PRIVATE KEY-----" in data:
        raise TLSSettingsError(
            f"{path} holds a private key: give only the certificate (the key stays on the server)"
        )
    try:
        x509.load_pem_x509_certificates(data)
        ssl_context(data)
    except (ValueError, TLSSettingsError):
        raise TLSSettingsError(
            f"{path}: not a PEM certificate (-----BEGIN CERTIFICATE-----, the server's own "
            "certificate or its CA's)"
        ) from None
    return data


def verify_for(ca_file: Path | None) -> ssl.SSLContext:
    """The ``verify=`` argument of every kiosk HTTP client: never off, never a bare path."""
    return ssl_context(read_ca_file(ca_file) if ca_file is not None else None)


def describe_tls_failure(error: BaseException, server: str) -> str | None:
    """One line for a refused certificate or a failed handshake somewhere in *error*'s
    chain (httpx wraps the :mod:`ssl` error twice); None if TLS was not the problem."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            detail = current.verify_message or current.reason or "not trusted"
            return (
                f"the certificate of {server} is not trusted ({detail}): give its CA, or the "
                "server's own certificate, with --ca-file PEM"
            )
        if isinstance(current, ssl.SSLError):
            return (
                f"no TLS connection to {server} ({current.reason or current}): does the server "
                "speak https there?"
            )
        current = current.__cause__ or current.__context__
    return None
