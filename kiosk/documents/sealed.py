"""The office copy travels inside the sealed application, as FIT-Connect carries attachments.

The office receives one JWE holding the data and the PDF; the metadata lists
each attachment with its purpose ("form" for the application document) and the
SHA-512 of its plaintext, so the office can check that the document it files
is the one the terminal made from exactly this data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

FORM_PURPOSE = "form"


def data_hash(payload: dict[str, Any]) -> str:
    body = {k: v for k, v in payload.items() if k not in {"attachments", "metadata"}}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha512(canonical.encode()).hexdigest()


def attach_office_copy(payload: dict[str, Any], pdf: bytes) -> None:
    """Add the office copy and the metadata with both hashes to *payload* (in place)."""
    reference = payload["reference"]
    attachment = {
        "id": "office-copy",
        "purpose": FORM_PURPOSE,
        "mime_type": "application/pdf",
        "filename": f"{reference}.pdf",
        "sha512": hashlib.sha512(pdf).hexdigest(),
        "content": base64.b64encode(pdf).decode(),
    }
    payload["metadata"] = {
        "data_sha512": data_hash(payload),
        "attachments": [{k: v for k, v in attachment.items() if k != "content"}],
    }
    payload["attachments"] = [attachment]


def verify(payload: dict[str, Any]) -> dict[str, bytes]:
    """The attachments by id, after checking every hash; ValueError if anything differs."""
    metadata = payload.get("metadata") or {}
    if metadata.get("data_sha512") != data_hash(payload):
        raise ValueError("the data does not match its hash")
    listed = {a["id"]: a for a in metadata.get("attachments", [])}
    out = {}
    for attachment in payload.get("attachments", []):
        content = base64.b64decode(attachment["content"])
        expected = listed.get(attachment["id"], {}).get("sha512")
        if expected is None or hashlib.sha512(content).hexdigest() != expected:
            raise ValueError(f"attachment {attachment['id']} does not match its hash")
        out[attachment["id"]] = content
    if set(out) != set(listed):
        raise ValueError("the attachments do not match the metadata")
    return out
