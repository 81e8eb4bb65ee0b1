"""The terminal's device credential: which server, which device, which token.

Kept in HOME/keys/device.json, readable only by the kiosk user, like the
other terminal keys. The token never goes into the database (backups of it
travel further) nor into any log line.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from kiosk.private_files import write_private
from kiosk.staff.pepper import parse_pepper, terminal_pepper_path, write_pepper_file
from sync import protocol as p
from sync.client.transport import USER_AGENT, ProtocolError, read_reply

FILE = Path("keys") / "device.json"


class EnrolmentError(RuntimeError):
    pass


@dataclass(frozen=True)
class DeviceCredential:
    server: str
    device_id: str
    name: str
    token: str

    def __repr__(self) -> str:  # keeps the token out of tracebacks and debug output
        return f"DeviceCredential(server={self.server!r}, name={self.name!r})"


def credential_path(home: Path) -> Path:
    return home / FILE


def load_credential(home: Path) -> DeviceCredential | None:
    path = credential_path(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DeviceCredential(
            **{k: str(data[k]) for k in ("server", "device_id", "name", "token")}
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise EnrolmentError(f"{path} is damaged ({exc}); enrol the terminal again") from None


def save_credential(home: Path, credential: DeviceCredential) -> Path:
    path = credential_path(home)
    write_private(path, json.dumps(asdict(credential)).encode("utf-8"))
    return path


def enrol(home: Path, server: str, token: str, *, timeout: float = 15.0) -> DeviceCredential:
    """Trade the one-time enrolment token for this terminal's device credential."""
    server = server.rstrip("/")
    try:
        response = httpx.post(
            f"{server}{p.API}/enrolment",
            json={"token": token},
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
        )
    except httpx.HTTPError as exc:
        raise EnrolmentError(f"cannot reach {server}: {exc}") from None
    try:
        if response.status_code != 200:
            error = read_reply(response, p.ErrorReply)
            raise EnrolmentError(f"the server refused the enrolment: {error.message}")
        reply = read_reply(response, p.EnrolmentReply)
    except ProtocolError as exc:
        raise EnrolmentError(f"{server} is not a kiosk server: {exc}") from None
    credential = DeviceCredential(
        server=server, device_id=reply.device_id, name=reply.device_name, token=reply.device_token
    )
    if reply.staff_pepper is not None:  # before the credential: no enrolment without it
        write_pepper_file(terminal_pepper_path(home), parse_pepper(reply.staff_pepper))
    save_credential(home, credential)
    return credential
