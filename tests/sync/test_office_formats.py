"""The office tool files both payload versions and sets aside one it does not know.

Terminals that sealed applications before the format named itself (version 1)
may still hold them in their outboxes when the office tool is updated: those
must be filed exactly as they came, with the hash they were sealed with.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, get_args

import pytest

from kiosk.formats import Reference
from sync import protocol as p
from sync.client.office import OfficeClient
from sync.server.embedded import EmbeddedServer
from tests.documents.test_sealed_format import V1_FULL
from tests.sync.conftest import Tokens
from tests.sync.poisoned import canonical, payload_of, with_plaintext
from tests.sync.test_office_quarantine import send
from tests.sync.test_server_api import wire

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def sealed(item: dict[str, Any], members: dict[str, Any], office_keys: Path) -> dict[str, Any]:
    public = (office_keys / f"{item['office']}.pub.pem").read_bytes()
    return with_plaintext(item, canonical(members), public)


def v1_item(office_keys: Path) -> dict[str, Any]:
    """The fixed version-1 vector, listed on the server as its terminal listed it."""
    item = wire("jobcenter", office_keys) | {
        "id": V1_FULL["id"],
        "reference": V1_FULL["reference"],
        "form_id": V1_FULL["form"]["id"],
        "form_version": V1_FULL["form"]["version"],
        "application_date": V1_FULL["application_date"],
    }
    return sealed(item, V1_FULL, office_keys)


def without_content(members: dict[str, Any]) -> dict[str, Any]:
    filed = copy.deepcopy(members)
    for attachment in filed["attachments"]:
        del attachment["content"]
    return filed


@SQLITE
def test_both_versions_are_filed_as_they_came_and_a_newer_one_is_set_aside(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    old = v1_item(office_keys)
    new_item = wire("jobcenter", office_keys)
    new_members = payload_of(new_item)
    new = sealed(new_item, new_members, office_keys)
    newer_item = wire("jobcenter", office_keys)
    newer = sealed(newer_item, payload_of(newer_item) | {"payload_version": 3}, office_keys)
    send(server.url, tokens.device, [old, new, newer])

    out = tmp_path / "inbox"
    client = OfficeClient(server.url, tokens.offices["jobcenter"])
    try:
        report = client.fetch((office_keys / "jobcenter.key.pem").read_bytes(), out)
    finally:
        client.close()

    assert sorted(report.written) == sorted([old["reference"], new["reference"]])
    for item, members in ((old, V1_FULL), (new, new_members)):
        record = json.loads((out / f"{item['reference']}.json").read_text(encoding="utf-8"))
        assert record.pop("delivery")["sealed_sha256"] == item["sha256"]
        assert record == without_content(members)
        assert (out / f"{item['reference']}.pdf").read_bytes().startswith(b"%PDF-")
    filed_v2 = json.loads((out / f"{new['reference']}.json").read_text(encoding="utf-8"))
    assert (filed_v2["format"], filed_v2["payload_version"]) == ("kiosk-application", 2)
    assert "format" not in json.loads((out / f"{old['reference']}.json").read_text())

    [(reference, reason)] = report.quarantined
    assert reference == newer["reference"]
    assert reason == (
        "payload version 3: this office tool reads versions 1 and 2; "
        "the sealed form is kept for a newer one"
    )


def test_the_sealed_reference_is_the_one_the_protocol_lists() -> None:
    """Two copies of one pattern (the core cannot import the protocol): kept equal here."""
    assert get_args(Reference) == get_args(p.Reference)
