"""An office sets the status its visitors see: `kiosk office status`.

The server knows applications by id; people at an office know them by the reference
on the visitor's receipt and on the file. So the id can be given as such, or found
from the reference in the office's filed records (``OUT/REFERENCE.json``, as fetch
writes them): the record must be one of this office, under this reference.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from sync import protocol as p
from sync.client.office_http import OfficeApi

_REFERENCE: TypeAdapter[str] = TypeAdapter(p.Reference)
_ID: TypeAdapter[str] = TypeAdapter(p.ApplicationId)


class NotFiledError(Exception):
    """The reference names no application filed for this office in the folder."""


def as_reference(text: str) -> str | None:
    """*text* as a reference (``MD-7K3Q-9XPF-H``, however it was cased), or None."""
    try:
        return _REFERENCE.validate_python(text.strip().upper())
    except ValidationError:
        return None


def as_id(text: str) -> str | None:
    """*text* as an application id (a UUID, lower case), or None."""
    try:
        return _ID.validate_python(text.strip().lower())
    except ValidationError:
        return None


def filed_id(out: Path, reference: str, office: str) -> str:
    """The id of the application filed in *out* under *reference* for *office*."""
    path = out / f"{reference}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFiledError(f"{path}: no application is filed under {reference} here") from None
    except OSError as exc:
        raise NotFiledError(f"{path}: cannot be read ({exc.strerror})") from None
    except (ValueError, RecursionError):
        raise NotFiledError(f"{path}: not a record as the office tool files it") from None
    if not isinstance(record, dict) or record.get("reference") != reference:
        raise NotFiledError(f"{path}: not the record of {reference}")
    if record.get("office") != office:
        raise NotFiledError(f"{path}: an application of another office, not of {office}")
    found = as_id(str(record.get("id", "")))
    if found is None:
        raise NotFiledError(f"{path}: the record names no application id")
    return found


def set_status(
    api: OfficeApi, application_id: str, status: p.StatusName, on: dt.date | None
) -> p.OfficeStatusReply:
    """Set one application's status; the transport's SyncError when it cannot be asked."""
    return api.set_statuses([p.StatusUpdate(id=application_id, status=status, on=on)])
