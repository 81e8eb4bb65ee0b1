"""The terminal's device credential: which server, which device, which token.

Kept in HOME/keys/device.json, readable only by the kiosk user, like the
other terminal keys. The token never goes into the database (backups of it
travel further) nor into any log line.

A terminal enrolled with ``--ca-file`` keeps that certificate beside it
(HOME/keys/server-ca.pem) and the credential names it, so every later request
of the terminal trusts that certificate alone, not whatever CA the system
store would accept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import httpx

from kiosk.private_files import write_private
from kiosk.staff.pepper import parse_pepper, terminal_pepper_path, write_pepper_file
from sync import protocol as p
from sync.client.tls import TLSSettingsError, check_server_url, read_ca_file
from sync.client.transport import ProtocolError, http_client, read_reply, unreachable

FILE = Path("keys") / "device.json"
CA_FILE = Path("keys") / "server-ca.pem"


class EnrolmentError(RuntimeError):
    pass


@dataclass(frozen=True)
class DeviceCredential:
    server: str
    device_id: str
    name: str
    token: str
    #: the pinned server certificate or private CA (PEM); None: the system's CA store
    ca_file: Path | None = None

    def __repr__(self) -> str:  # keeps the token out of tracebacks and debug output
        return f"DeviceCredential(server={self.server!r}, name={self.name!r})"


def credential_path(home: Path) -> Path:
    return home / FILE


def load_credential(home: Path) -> DeviceCredential | None:
    """The credential, its ``ca_file`` made absolute; files written before pinning
    existed have none and keep working with the system's CA store."""
    path = credential_path(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pinned = data.get("ca_file")
        return DeviceCredential(
            **{k: str(data[k]) for k in ("server", "device_id", "name", "token")},
            ca_file=home / str(pinned) if pinned else None,
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EnrolmentError(f"{path} is damaged ({exc}); enrol the terminal again") from None


def save_credential(home: Path, credential: DeviceCredential) -> Path:
    """Written with ``ca_file`` relative to *home*, so a home folder moved or restored
    elsewhere still finds its certificate."""
    path = credential_path(home)
    data: dict[str, str] = {
        "server": credential.server,
        "device_id": credential.device_id,
        "name": credential.name,
        "token": credential.token,
    }
    if credential.ca_file is not None:
        pinned = credential.ca_file
        data["ca_file"] = str(pinned.relative_to(home) if pinned.is_relative_to(home) else pinned)
    write_private(path, json.dumps(data).encode("utf-8"))
    return path


def enrol(
    home: Path,
    server: str,
    token: str,
    *,
    timeout: float = 15.0,
    ca_file: Path | None = None,
) -> DeviceCredential:
    """Trade the one-time enrolment token for this terminal's device credential.

    With *ca_file*, the server must present a certificate that chains to it (already for
    this request: the enrolment token is a secret too); a copy is kept in the home and
    used for every later request. Without it, the system's CA store decides.
    """
    try:
        server = check_server_url(server)
        pem = read_ca_file(ca_file) if ca_file is not None else None
        client = http_client(server, timeout=timeout, ca_file=ca_file)
    except TLSSettingsError as exc:
        raise EnrolmentError(exc.message) from None
    try:
        with client:
            response = client.post(f"{p.API}/enrolment", json={"token": token})
    except httpx.HTTPError as exc:
        raise EnrolmentError(unreachable(server, exc)) from None
    try:
        if response.status_code != 200:
            error = read_reply(response, p.ErrorReply)
            raise EnrolmentError(f"the server refused the enrolment: {error.message}")
        reply = read_reply(response, p.EnrolmentReply)
    except ProtocolError as exc:
        raise EnrolmentError(f"{server} is not a kiosk server: {exc}") from None
    pinned = home / CA_FILE if pem is not None else None
    credential = DeviceCredential(
        server=server,
        device_id=reply.device_id,
        name=reply.device_name,
        token=reply.device_token,
        ca_file=pinned,
    )
    if reply.staff_pepper is not None:  # before the credential: no enrolment without it
        write_pepper_file(terminal_pepper_path(home), parse_pepper(reply.staff_pepper))
    if pinned is not None and pem is not None:  # the certificate checked above
        write_private(pinned, pem)
    save_credential(home, credential)
    return credential
