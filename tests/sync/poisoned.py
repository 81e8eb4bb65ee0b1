"""Applications a broken or hostile terminal could send an office: sealed correctly for the
office's key (so the seal alone does not reveal them), with anything at all inside."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jwcrypto import jwe, jwk

from kiosk.crypto.sealing import ALG, ENC
from kiosk.documents.sealed import with_office_copy
from kiosk.formats import FormRef
from tests.sync.conftest import FAKE_PDF, application_data
from tests.sync.test_server_api import wire

PERSONAL = "Rahimi-Nasrin-1987"  # must never appear in a reason


def seal_bytes(plaintext: bytes, public_pem: bytes, *, kid: bool = True) -> str:
    """A compact JWE of exactly *plaintext*; ``kid=False`` as terminals sealed before
    keys were named by thumbprint."""
    key = jwk.JWK.from_pem(public_pem)
    header: dict[str, str] = {"alg": ALG, "enc": ENC, "cty": "application/json"}
    if kid:
        header["kid"] = str(key.thumbprint())
    token = jwe.JWE(plaintext, protected=json.dumps(header))
    token.add_recipient(key)
    return str(token.serialize(compact=True))


def payload_of(item: dict[str, Any], office: str | None = None) -> dict[str, Any]:
    """A whole, valid payload for the wire *item*, as a terminal makes it."""
    data = application_data(
        id=item["id"],
        reference=item["reference"],
        form=FormRef(id=item["form_id"], version=item["form_version"], title="Bürgergeld"),
        office=office or item["office"],
        application_date=item["application_date"],
        consents={"privacy": "2026-1"},
        answers={"family_name": PERSONAL, "children": [{"given_name": "Sara"}]},
    )
    return with_office_copy(data, FAKE_PDF).members()


def with_plaintext(item: dict[str, Any], plaintext: bytes, public_pem: bytes) -> dict[str, Any]:
    token = seal_bytes(plaintext, public_pem)
    return item | {"payload": token, "sha256": hashlib.sha256(token.encode()).hexdigest()}


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _bad_attachment(item: dict[str, Any]) -> bytes:
    payload = payload_of(item)
    payload["attachments"][0]["content"] = base64.b64encode(b"%PDF-1.4 another").decode()
    return canonical(payload)


def _deep_in_answers(item: dict[str, Any]) -> bytes:
    head = json.dumps({"id": item["id"], "reference": item["reference"]})[:-1]
    return (head + ', "answers": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}").encode()


#: name -> (plaintext for the wire item, words its reason must hold)
POISONS: dict[str, tuple[Callable[[dict[str, Any]], bytes], str]] = {
    "wrong_shape": (lambda _i: b'{"metadata": "x"}', "not an application of payload version 1"),
    "deep": (lambda _i: b"[" * 100_000 + b"]" * 100_000, "nests deeper than"),
    "deep_in_answers": (_deep_in_answers, "nests deeper than"),
    "not_json": (lambda _i: b"\x89PNG\r\n\x1a\n not json \xff\xfe", "not JSON"),
    "bad_attachment_hash": (_bad_attachment, "does not match its hash"),
    "wrong_office": (lambda i: canonical(payload_of(i, "sozialamt")), "sealed office differs"),
    "json_list": (lambda _i: b"[1, 2, 3]", "not an object"),
}


def poisoned(name: str, office_keys: Path) -> dict[str, Any]:
    """A jobcenter application carrying poison *name*, sealed for the jobcenter's key."""
    item = wire("jobcenter", office_keys)
    plaintext = POISONS[name][0](item)
    return with_plaintext(item, plaintext, (office_keys / "jobcenter.pub.pem").read_bytes())


def good(office_keys: Path, office: str = "jobcenter") -> dict[str, Any]:
    """A whole application with every member a terminal seals today."""
    item = wire(office, office_keys)
    public = (office_keys / f"{office}.pub.pem").read_bytes()
    return with_plaintext(item, canonical(payload_of(item)), public)


def foreign(office_keys: Path) -> dict[str, Any]:
    """A jobcenter application sealed for the sozialamt's key."""
    item = wire("jobcenter", office_keys)
    public = (office_keys / "sozialamt.pub.pem").read_bytes()
    return with_plaintext(item, canonical(payload_of(item)), public)
