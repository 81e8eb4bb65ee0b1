"""The central server over real HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import gzip
import hashlib
import json
import stat
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from kiosk.staff.pepper import read_pepper_file
from sync import protocol as p
from sync.client.credential import enrol
from sync.client.worker import to_wire
from sync.server import accounts
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer, sealed_application


def wire(office: str, office_keys: Path, **changes: Any) -> dict[str, Any]:
    item = sealed_application(office, (office_keys / f"{office}.pub.pem").read_bytes())
    return to_wire(item).model_dump(mode="json") | changes


@pytest.fixture
def client(server: EmbeddedServer) -> httpx.Client:
    with httpx.Client(base_url=f"{server.url}{p.API}", timeout=30) as c:
        yield c  # type: ignore[misc]


def post_batch(
    client: httpx.Client, token: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    response = client.post("/applications/batch", json={"items": items}, headers=bearer(token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["protocol"] == p.PROTOCOL
    return list(body["results"])


def test_health_and_info_are_public_and_speak_the_protocol(
    client: httpx.Client, server: EmbeddedServer
) -> None:
    health = client.get("/health")
    found = health.json()
    assert (found["protocol"], found["status"], found["database"]) == (p.PROTOCOL, "ok", "ok")
    assert health.headers["X-Kiosk-Protocol"] == p.PROTOCOL
    info = p.Info.model_validate_json(client.get("/info").content)
    assert info.limits.max_batch_items == p.MAX_BATCH_ITEMS
    spec = httpx.get(f"{server.url}/openapi.json").json()
    assert spec["info"]["title"].startswith("MigraDo")
    assert f"{p.API}/applications/batch" in spec["paths"]


def test_enrolment_token_works_once(engine: Engine, client: httpx.Client) -> None:
    token = accounts.issue_enrolment(engine, "eg-1")
    first = client.post("/enrolment", json={"token": token})
    assert first.status_code == 200
    reply = p.EnrolmentReply.model_validate_json(first.content)
    assert reply.device_name == "eg-1" and reply.device_token.startswith("kd_")
    again = client.post("/enrolment", json={"token": token})
    assert again.status_code == 401 and again.json()["error"] == "token_used"
    unknown = client.post("/enrolment", json={"token": "ke_" + "x" * 40})
    assert unknown.status_code == 401 and unknown.json()["error"] == "unknown_token"


def test_enrolment_hands_the_staff_pepper_to_the_new_terminal_only(
    engine: Engine, server: EmbeddedServer, client: httpx.Client, tmp_path: Path
) -> None:
    """Staff PIN hashes in bundles need the pepper; a terminal gets it once, at enrolment,
    and no request a device token can make returns it."""
    home = tmp_path / "terminal"
    credential = enrol(home, server.url, accounts.issue_enrolment(engine, "eg-9"))
    pepper_file = home / "keys" / "staff.pepper"
    pepper = read_pepper_file(pepper_file)
    assert pepper.hex() == accounts.staff_pepper(engine)  # one pepper per deployment
    assert stat.S_IMODE(pepper_file.stat().st_mode) == 0o600
    device = bearer(credential.token)
    replies = [
        client.post("/heartbeat", json={"app_version": "1"}, headers=device),
        client.get("/catalog", headers=device),
    ]
    assert all(pepper.hex() not in r.text for r in replies)


def test_enrolment_token_expires(engine: Engine) -> None:
    token = accounts.issue_enrolment(engine, "eg-2", clock=lambda: 1000.0)
    with pytest.raises(accounts.AuthError) as caught:
        accounts.enrol(engine, token, clock=lambda: 1000.0 + accounts.ENROLMENT_TTL + 1)
    assert caught.value.code == "expired"


def test_reenrolment_replaces_the_old_device_token(engine: Engine, client: httpx.Client) -> None:
    old = accounts.enrol(engine, accounts.issue_enrolment(engine, "eg-3"))[2]
    new = accounts.enrol(engine, accounts.issue_enrolment(engine, "eg-3"))[2]
    beat = {"app_version": "1"}
    assert client.post("/heartbeat", json=beat, headers=bearer(new)).status_code == 200
    refused = client.post("/heartbeat", json=beat, headers=bearer(old))
    assert refused.status_code == 401 and refused.json()["error"] == "revoked"


def test_batch_answers_per_item(client: httpx.Client, tokens: Tokens, office_keys: Path) -> None:
    good = wire("jobcenter", office_keys)
    damaged = wire("jobcenter", office_keys)
    damaged["payload"] = damaged["payload"][:-4] + "AAAA"
    other = wire("sozialamt", office_keys)
    results = post_batch(client, tokens.device, [good, damaged, other, good])
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted", "duplicate"]
    assert "SHA-256" in results[1]["reason"]

    # sending the same batch again changes nothing and succeeds
    again = post_batch(client, tokens.device, [good, other])
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]

    # same id, other content: a conflict for staff; the first version stays
    impostor = wire("jobcenter", office_keys, id=good["id"], reference=good["reference"])
    [conflict] = post_batch(client, tokens.device, [impostor])
    assert conflict["status"] == "conflict"
    stored = client.get(
        f"/inbox/applications/{good['id']}", headers=bearer(tokens.offices["jobcenter"])
    ).json()
    assert stored["payload"] == good["payload"]
    stats = client.get("/admin/stats", headers=bearer(tokens.admin)).json()
    assert stats["conflicts"] == 1
    assert stats["applications"] == {
        "jobcenter": {"new": 1, "acknowledged": 0},
        "sozialamt": {"new": 1, "acknowledged": 0},
    }


def test_gzip_body_is_accepted(client: httpx.Client, tokens: Tokens, office_keys: Path) -> None:
    body = gzip.compress(json.dumps({"items": [wire("jobcenter", office_keys)]}).encode())
    response = client.post(
        "/applications/batch",
        content=body,
        headers=bearer(tokens.device)
        | {"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "accepted"


def test_limits_are_enforced_with_clear_errors(
    engine: Engine, tokens: Tokens, office_keys: Path
) -> None:
    limits = p.Limits(max_batch_items=3, max_batch_bytes=60_000, max_item_bytes=8_000)
    with (
        EmbeddedServer(engine, limits=limits) as server,
        httpx.Client(base_url=f"{server.url}{p.API}", timeout=30) as client,
    ):
        headers = bearer(tokens.device)
        assert client.get("/info").json()["limits"]["max_batch_items"] == 3

        too_many = [wire("jobcenter", office_keys) for _ in range(4)]
        r = client.post("/applications/batch", json={"items": too_many}, headers=headers)
        assert r.status_code == 413 and r.json()["error"] == "too_many_items"

        big = wire("jobcenter", office_keys)
        big["payload"] = big["payload"] + "A" * 10_000
        big["sha256"] = hashlib.sha256(big["payload"].encode()).hexdigest()
        [result] = client.post(
            "/applications/batch", json={"items": [big]}, headers=headers
        ).json()["results"]
        assert result["status"] == "rejected" and "limit is 8000" in result["reason"]

        huge = json.dumps({"items": [big] * 3}).encode() + b" " * 60_000
        r = client.post("/applications/batch", content=huge, headers=headers)
        assert r.status_code == 413 and "60000 bytes" in r.json()["message"]

        bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")
        r = client.post(
            "/applications/batch",
            content=bomb,
            headers=headers | {"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        assert r.status_code == 413

        r = client.post(
            "/applications/batch", content=b"xx", headers=headers | {"Content-Encoding": "br"}
        )
        assert r.status_code == 415
        r = client.post(
            "/applications/batch",
            content=b"not gzip",
            headers=headers | {"Content-Encoding": "gzip"},
        )
        assert r.status_code == 400 and r.json()["error"] == "bad_encoding"


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b'{"items": []}',
        b'{"items": [{"id": "x"}]}',
        b'{"items": [{"id": "\\u0000"}]}',
        json.dumps({"items": [{"office": "a" * 10_000}]}).encode(),
    ],
)
def test_bad_bodies_get_422_with_the_field(
    client: httpx.Client, tokens: Tokens, body: bytes
) -> None:
    r = client.post(
        "/applications/batch",
        content=body,
        headers=bearer(tokens.device) | {"Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request" and r.json()["message"]


def test_inbox_list_fetch_acknowledge(
    client: httpx.Client, tokens: Tokens, office_keys: Path
) -> None:
    items = [wire("jobcenter", office_keys) for _ in range(3)] + [wire("sozialamt", office_keys)]
    post_batch(client, tokens.device, items)
    office = bearer(tokens.offices["jobcenter"])
    listed = p.InboxPage.model_validate_json(
        client.get("/inbox/applications", headers=office).content
    )
    assert sorted(e.id for e in listed.applications) == sorted(i["id"] for i in items[:3])
    assert all(e.office == "jobcenter" and not e.acknowledged for e in listed.applications)

    first = items[0]["id"]
    fetched = client.get(f"/inbox/applications/{first}", headers=office).json()
    assert fetched["payload"] == items[0]["payload"]
    assert fetched["application"]["sha256"] == items[0]["sha256"]

    foreign = items[3]["id"]
    nobody = str(uuid.uuid4())
    ack = client.post(
        "/inbox/acknowledgements", json={"ids": [first, first, foreign, nobody]}, headers=office
    ).json()
    assert ack["acknowledged"] == [first] and ack["unknown"] == [foreign, nobody]
    remaining = client.get("/inbox/applications", headers=office).json()["applications"]
    assert first not in [e["id"] for e in remaining] and len(remaining) == 2
    everything = client.get(
        "/inbox/applications", params={"include_acknowledged": True}, headers=office
    ).json()["applications"]
    assert len(everything) == 3

    # sozialamt still has its own application, unacknowledged
    other = client.get("/inbox/applications", headers=bearer(tokens.offices["sozialamt"])).json()
    assert [e["id"] for e in other["applications"]] == [foreign]


def test_heartbeat_shows_in_terminal_list(
    engine: Engine, client: httpx.Client, tokens: Tokens
) -> None:
    accounts.issue_enrolment(engine, "not-yet")
    beat = {
        "catalog_version": "migrado 3 (sha256:ab)",
        "outbox": {"pending": 2, "done": 40},
        "last_error": "ConnectError: refused",
        "last_sync_at": "2026-11-21T09:00:00Z",
        "app_version": "0.2.0",
    }
    r = client.post("/heartbeat", json=beat, headers=bearer(tokens.device))
    assert r.status_code == 200
    listing = p.TerminalList.model_validate_json(
        client.get("/admin/terminals", headers=bearer(tokens.admin)).content
    )
    by_name = {t.name: t for t in listing.terminals}
    t1 = by_name["terminal-1"]
    assert t1.state == "active" and t1.outbox == {"pending": 2, "done": 40}
    assert t1.catalog_version == "migrado 3 (sha256:ab)" and t1.app_version == "0.2.0"
    assert t1.last_error == "ConnectError: refused" and t1.last_seen_at is not None
    assert by_name["not-yet"].state == "waiting_for_enrolment"
    stats = client.get("/admin/stats", headers=bearer(tokens.admin)).json()
    assert stats["terminals"] == {"waiting_for_enrolment": 1, "active": 1, "revoked": 0}


def test_unknown_paths_and_methods_are_json_errors(client: httpx.Client) -> None:
    r = client.get("/nothing-here")
    assert r.status_code == 404 and r.json()["protocol"] == p.PROTOCOL
    r = client.delete("/health")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"


def test_postgres_url_without_driver_uses_psycopg() -> None:
    from sync.server.db import database_url

    assert database_url("postgresql://u:pw@h/db") == "postgresql+psycopg://u:pw@h/db"
    assert database_url("server.sqlite3") == f"sqlite:///{Path('server.sqlite3').resolve()}"
