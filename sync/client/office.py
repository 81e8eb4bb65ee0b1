"""The office tool: fetch an office's new applications, open them, file them, acknowledge.

An application is acknowledged only after both files are on the office's
disk (written to a temporary name, flushed, renamed), and only if every
check passed: the payload's SHA-256 as the server listed it, the seal opened
with the office's private key, the data and office copy against the hashes
the terminal sealed inside. A failed item stays in the inbox for the next run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kiosk.crypto.sealing import unseal
from kiosk.documents.sealed import verify
from kiosk.private_files import write_private
from sync import protocol as p
from sync.client.transport import ApiClient, read_reply


@dataclass
class FetchReport:
    written: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def open_application(
    received: p.InboxApplication, private_pem: bytes
) -> tuple[dict[str, Any], bytes]:
    """(the record for REFERENCE.json, the office copy PDF); ValueError if any check fails."""
    entry = received.application
    if hashlib.sha256(received.payload.encode()).hexdigest() != entry.sha256:
        raise ValueError("the sealed application does not match the SHA-256 the server listed")
    data = unseal(received.payload, private_pem)
    for key, expected in (
        ("id", entry.id),
        ("reference", entry.reference),
        ("office", entry.office),
    ):
        if data.get(key) != expected:
            raise ValueError(f"the sealed {key} differs from the server's listing")
    documents = verify(data)
    pdf = documents.get("office-copy")
    if pdf is None:
        raise ValueError("the application carries no office copy")
    record = {k: v for k, v in data.items() if k != "attachments"}
    record["attachments"] = [
        {k: v for k, v in a.items() if k != "content"} | {"filename": f"{entry.reference}.pdf"}
        for a in data.get("attachments", [])
    ]
    record["delivery"] = {
        "received_at": entry.received_at.isoformat(),
        "sealed_sha256": entry.sha256,
    }
    return record, pdf


def file_application(record: dict[str, Any], pdf: bytes, out: Path) -> None:
    """Write both files; an application already filed under this reference must be this one."""
    reference = record["reference"]
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    existing = out / f"{reference}.json"
    if existing.exists():
        try:
            earlier = json.loads(existing.read_text(encoding="utf-8")).get("id")
        except (ValueError, AttributeError):
            earlier = None
        if earlier != record["id"]:
            raise ValueError(f"{existing} already holds another application; move it away first")
    # an application is personal data: for the office account alone, never half-written
    write_private(out / f"{reference}.pdf", pdf)
    write_private(existing, text.encode("utf-8"))


class OfficeClient(ApiClient):
    """An office's requests: list, download, acknowledge."""

    def _get(self, path: str, **params: Any) -> httpx.Response:
        return self._request("GET", path, params=params)

    def new_applications(self, limit: int = 100, offset: int = 0) -> list[p.InboxEntry]:
        reply = self._get("/inbox/applications", limit=limit, offset=offset)
        return read_reply(reply, p.InboxPage).applications

    def application(self, application_id: str) -> p.InboxApplication:
        return read_reply(self._get(f"/inbox/applications/{application_id}"), p.InboxApplication)

    def acknowledge(self, ids: list[str]) -> p.AckReply:
        response = self._request("POST", "/inbox/acknowledgements", json={"ids": ids})
        return read_reply(response, p.AckReply)

    def fetch(self, private_pem: bytes, out: Path, *, page: int = 100) -> FetchReport:
        """File every new application into *out*; return what was written and what failed."""
        out.mkdir(parents=True, exist_ok=True)
        report = FetchReport()
        given_up: set[str] = set()
        while True:
            # the unopened ones stay unacknowledged, oldest first: skip past them
            listed = self.new_applications(page, offset=len(given_up))
            entries = [e for e in listed if e.id not in given_up]
            if not entries:
                return report
            done: list[str] = []
            for entry in entries:
                try:
                    record, pdf = open_application(self.application(entry.id), private_pem)
                    file_application(record, pdf, out)
                except ValueError as exc:
                    report.failed.append((entry.reference, str(exc)))
                    given_up.add(entry.id)
                    continue
                done.append(entry.id)
                report.written.append(entry.reference)
            if done:
                self.acknowledge(done)
