"""Roles: every endpoint answers only the role it serves; tokens never reach a log."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from kiosk.store import Store
from sync import protocol as p
from sync.client.credential import DeviceCredential, enrol
from sync.client.office import OfficeClient
from sync.client.transport import DeviceTransport
from sync.client.worker import OutboxSync
from sync.server import accounts
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer
from tests.sync.serverprocess import ServerProcess, admin
from tests.sync.test_server_api import wire

SOME_ID = str(uuid.uuid4())
# (method, path, role that may call it, JSON body)
ENDPOINTS = [
    ("POST", "/applications/batch", "device", {"items": []}),
    ("POST", "/heartbeat", "device", {"app_version": "1"}),
    ("GET", "/catalog", "device", None),
    ("GET", "/inbox/applications", "office", None),
    ("GET", f"/inbox/applications/{SOME_ID}", "office", None),
    ("POST", "/inbox/acknowledgements", "office", {"ids": [SOME_ID]}),
    ("GET", "/admin/terminals", "admin", None),
    ("GET", "/admin/stats", "admin", None),
    ("GET", "/admin/catalog", "admin", None),
    ("POST", "/admin/catalog", "admin", {}),
]


def token_for(tokens: Tokens, role: str) -> str:
    return {"device": tokens.device, "office": tokens.offices["jobcenter"], "admin": tokens.admin}[
        role
    ]


@pytest.mark.parametrize(("method", "path", "allowed", "body"), ENDPOINTS)
def test_every_endpoint_checks_the_role(
    server: EmbeddedServer, tokens: Tokens, method: str, path: str, allowed: str, body: object
) -> None:
    url = f"{server.url}{p.API}{path}"
    with httpx.Client(timeout=10) as client:
        anonymous = client.request(method, url, json=body)
        assert anonymous.status_code == 401 and anonymous.json()["error"] == "no_token"
        assert anonymous.headers["WWW-Authenticate"] == "Bearer"
        forged = client.request(method, url, json=body, headers=bearer("kd_" + "A" * 43))
        assert forged.status_code == 401 and forged.json()["error"] == "unknown_token"
        for role in ("device", "office", "admin"):
            answer = client.request(method, url, json=body, headers=bearer(token_for(tokens, role)))
            if role == allowed:
                assert answer.status_code not in (401, 403), (role, answer.text)
            else:
                assert answer.status_code == 403, (role, path)
                assert answer.json()["error"] == "wrong_role"


def test_an_office_sees_only_its_own_applications(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path
) -> None:
    mine, theirs = wire("jobcenter", office_keys), wire("sozialamt", office_keys)
    with httpx.Client(base_url=f"{server.url}{p.API}", timeout=10) as client:
        client.post(
            "/applications/batch", json={"items": [mine, theirs]}, headers=bearer(tokens.device)
        )
        office = bearer(tokens.offices["jobcenter"])
        listed = client.get("/inbox/applications", headers=office).json()["applications"]
        assert [e["id"] for e in listed] == [mine["id"]]
        assert client.get(f"/inbox/applications/{theirs['id']}", headers=office).status_code == 404
        ack = client.post("/inbox/acknowledgements", json={"ids": [theirs["id"]]}, headers=office)
        assert ack.json()["unknown"] == [theirs["id"]]
        # and the acknowledgement did not touch the other office's inbox
        other = client.get("/inbox/applications", headers=bearer(tokens.offices["sozialamt"]))
        assert [e["id"] for e in other.json()["applications"]] == [theirs["id"]]


def test_a_revoked_device_and_a_revoked_office_token_are_refused(
    engine: Engine, server: EmbeddedServer, tokens: Tokens
) -> None:
    url = f"{server.url}{p.API}"
    assert accounts.revoke_device(engine, "terminal-1")
    beat = httpx.post(f"{url}/heartbeat", json={"app_version": "1"}, headers=bearer(tokens.device))
    assert beat.status_code == 401 and beat.json()["error"] == "revoked"
    fresh = accounts.issue_token(engine, "office", "jobcenter", revoke_old=True)
    old = httpx.get(f"{url}/inbox/applications", headers=bearer(tokens.offices["jobcenter"]))
    assert old.status_code == 401
    assert httpx.get(f"{url}/inbox/applications", headers=bearer(fresh)).status_code == 200


def test_tokens_are_stored_only_as_hashes(engine: Engine, tokens: Tokens) -> None:
    import sqlalchemy as sa

    with engine.connect() as conn:
        dump = " ".join(
            str(row)
            for table in ("credentials", "devices")
            for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
        )
    for token in [tokens.device, tokens.admin, *tokens.offices.values()]:
        assert token not in dump
        assert accounts.token_hash(token) in dump


def test_tokens_never_appear_in_logs(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    office_keys: Path,
    fill_outbox: object,
) -> None:
    """The server at INFO with its access log, the client at DEBUG (httpx, httpcore)."""
    server = ServerProcess(tmp_path / "server.sqlite3", tmp_path / "server.log")
    enrolment = admin(server, "enroll-device", "eg-9")
    office = admin(server, "office-token", "jobcenter")
    server.start()
    try:
        url = server.url
        caplog.set_level(logging.DEBUG)
        credential = enrol(tmp_path / "terminal", url, enrolment)
        httpx.post(f"{url}{p.API}/enrolment", json={"token": enrolment})  # used: refused
        store = Store(tmp_path / "terminal" / "kiosk.sqlite3")
        fill_outbox(store, 2, "jobcenter")  # type: ignore[operator]
        transport = DeviceTransport(url, credential.token)
        sync = OutboxSync(store, transport)
        assert sync.run_pass().ok
        sync.heartbeat()
        transport.close()
        store.close()
        client = OfficeClient(url, office)
        key = (office_keys / "jobcenter.key.pem").read_bytes()
        assert len(client.fetch(key, tmp_path / "inbox").written) == 2
        client.close()
        httpx.get(f"{url}{p.API}/inbox/applications", headers=bearer(office + "x"))
    finally:
        server.stop()
    log_file = tmp_path / "server.log"
    server_log = log_file.read_text()
    assert "POST /api/v1/applications/batch" in server_log  # the access log was on
    client_log = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP Request" in client_log  # httpx did log its requests
    pepper = (tmp_path / "terminal" / "keys" / "staff.pepper").read_text().strip()
    admin(server, "staff-pepper", "--out", str(tmp_path / "admin.pepper"))
    assert (tmp_path / "admin.pepper").read_text().strip() == pepper  # what admins hash with
    for token in (enrolment, office, credential.token, pepper):
        assert token not in server_log and token not in client_log
        assert token[3:15] not in server_log and token[3:15] not in client_log
    assert credential.token not in repr(credential)
    assert credential.token not in repr(DeviceCredential(url, "id", "n", credential.token))
