"""An office's inbox is never blocked, whatever an application holds.

Poisoned applications, sealed correctly for the office's key, sit between good
ones on a real server (SQLite and PostgreSQL): the good ones are filed and
acknowledged, the poisoned ones set aside in the office's quarantine with a
reason and reported to the server, and nothing is offered twice.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiosk.formats import canonical_json
from sync import protocol as p
from sync.client.office import OfficeClient, WrongKeyError
from sync.server import accounts, fleet, inbox
from sync.server.db import applications
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer
from tests.sync.poisoned import (
    PERSONAL,
    POISONS,
    canonical,
    foreign,
    good,
    payload_of,
    poisoned,
    seal_bytes,
)
from tests.sync.poisoned import with_plaintext as sealed_with
from tests.sync.test_server_api import wire

KIOSK = str(Path(sys.executable).with_name("kiosk"))
SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
BIG = 64 * 1024 * 1024
CAP = 5 * 1024 * 1024  # what the office tool downloads here; the server takes more


@pytest.fixture
def roomy(engine: Engine) -> Iterator[EmbeddedServer]:
    """A server configured for larger applications than the office tool downloads."""
    limits = p.Limits(max_batch_items=200, max_batch_bytes=BIG, max_item_bytes=BIG)
    with EmbeddedServer(engine, limits=limits) as running:
        yield running


def send(url: str, token: str, items: list[dict[str, Any]]) -> None:
    response = httpx.post(
        f"{url}{p.API}/applications/batch", json={"items": items}, headers=bearer(token), timeout=60
    )
    response.raise_for_status()
    assert {r["status"] for r in response.json()["results"]} == {"accepted"}


def valid_with(office_keys: Path, note: str) -> dict[str, Any]:
    item = wire("jobcenter", office_keys)
    payload = payload_of(item)
    payload["answers"]["note"] = note
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    return sealed_with(item, canonical(payload), public)


def many_values(office_keys: Path) -> dict[str, Any]:
    """1.5 million values in 3 MB: each costs Python far more memory than its bytes."""
    item = wire("jobcenter", office_keys)
    plaintext = b"[" + b"0," * 1_500_000 + b"0]"
    return sealed_with(item, plaintext, (office_keys / "jobcenter.pub.pem").read_bytes())


def rows(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.id: r for r in conn.execute(sa.select(applications))}


def test_poisoned_applications_are_quarantined_and_the_rest_filed(
    roomy: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    goods = [good(office_keys) for _ in range(3)]
    bad = {name: poisoned(name, office_keys) for name in POISONS}
    bad["foreign_key"] = foreign(office_keys)
    bad["many_values"] = many_values(office_keys)
    bad["too_large"] = valid_with(office_keys, "x" * CAP)  # sealed: 4/3 of it
    reasons = {name: words for name, (_make, words) in POISONS.items()}
    reasons |= {
        "foreign_key": "sealed for key",
        "many_values": "more than 1000000 values",
        "too_large": f"more than the {CAP} this office tool downloads",
    }
    names = list(bad)
    send(roomy.url, tokens.device, [goods[0], *(bad[n] for n in names[:4])])
    send(roomy.url, tokens.device, [goods[1], *(bad[n] for n in names[4:-1])])
    send(roomy.url, tokens.device, [bad["too_large"]])
    send(roomy.url, tokens.device, [goods[2]])

    out = tmp_path / "inbox"
    sent = httpx.get(  # the listing as the server sends it, before fetch takes it
        f"{roomy.url}{p.API}/inbox/applications",
        params={"limit": 100},
        headers=bearer(tokens.offices["jobcenter"]),
    ).json()["applications"]
    client = OfficeClient(roomy.url, tokens.offices["jobcenter"], max_sealed_bytes=CAP)
    try:
        report = client.fetch(
            (office_keys / "jobcenter.key.pem").read_bytes(), out, office="jobcenter"
        )
        assert sorted(report.written) == sorted(g["reference"] for g in goods)
        assert report.failed == []
        said = dict(report.quarantined)
        assert sorted(said) == sorted(b["reference"] for b in bad.values())
        for name, item in bad.items():
            assert reasons[name] in said[item["reference"]], name
        for item in goods:
            assert not (out / "quarantine" / f"{item['id']}.entry.json").exists()
            assert (out / f"{item['reference']}.json").stat().st_mode & 0o777 == 0o600
            assert (out / f"{item['reference']}.pdf").read_bytes().startswith(b"%PDF-")
        quarantine = out / "quarantine"
        for name, item in bad.items():
            assert not (out / f"{item['reference']}.json").exists()
            because = (quarantine / f"{item['id']}.reason.txt").read_text()
            assert len(because.splitlines()) == 1 and item["reference"] in because
            assert PERSONAL not in because and "Sara" not in because
            # the server's listing beside it, exactly as sent: what refile checks against
            [listed] = [entry for entry in sent if entry["id"] == item["id"]]
            kept = quarantine / f"{item['id']}.entry.json"
            assert kept.read_bytes() == canonical_json(listed)
            assert kept.stat().st_mode & 0o777 == 0o600
            sealed = quarantine / f"{item['id']}.sealed"
            if name == "too_large":  # never downloaded: it stays on the server
                assert not sealed.exists() and "stays on the server" in because
                continue
            assert sealed.read_text() == item["payload"]  # the sealed form, as it came
            assert sealed.stat().st_mode & 0o777 == 0o600
        assert (quarantine.stat().st_mode & 0o777) == 0o700

        # the server knows: every one taken, the poisoned ones with their reason
        stored = rows(engine)
        assert all(r.acknowledged_at is not None for r in stored.values())
        for item in goods:
            assert stored[item["id"]].quarantine_reason is None
        for name, item in bad.items():
            assert reasons[name] in stored[item["id"]].quarantine_reason, name
        assert inbox.quarantined_counts(engine) == {"jobcenter": len(bad)}
        assert fleet.stats(engine).quarantined == {"jobcenter": len(bad)}  # the admin's view
        listing = httpx.get(
            f"{roomy.url}{p.API}/inbox/applications", headers=bearer(tokens.offices["jobcenter"])
        )
        assert listing.json()["applications"] == []

        before = {f: f.stat().st_mtime_ns for f in out.rglob("*")}
        again = client.fetch((office_keys / "jobcenter.key.pem").read_bytes(), out)
        assert again.written == [] and again.quarantined == [] and again.failed == []
        assert {f: f.stat().st_mtime_ns for f in out.rglob("*")} == before
    finally:
        client.close()


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    return subprocess.run(
        [KIOSK, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def fetch_command(url: str, token: str, key: Path, out: Path, *more: str) -> list[str]:
    return [
        "office", "fetch", "--server", url, "--office", "jobcenter", "--token", token,
        "--key", str(key), "--out", str(out), *more,
    ]  # fmt: skip


@SQLITE
def test_the_command_files_the_rest_and_exits_3_without_a_traceback(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    goods = [good(office_keys), good(office_keys)]
    bad = [poisoned("deep", office_keys), poisoned("wrong_shape", office_keys)]
    send(server.url, tokens.device, [bad[0], goods[0], bad[1], goods[1]])
    out = tmp_path / "inbox"
    args = fetch_command(
        server.url, tokens.offices["jobcenter"], office_keys / "jobcenter.key.pem", out
    )
    done = kiosk(*args)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert "warning: 2 could not be read and were quarantined" in done.stderr
    assert "2 application(s) filed" in done.stderr
    for item in goods:
        assert f"{out / item['reference']}.json" in done.stdout
    for item in bad:
        assert f"{item['reference']}: quarantined, see" in done.stderr
    assert (
        "3  the rest filed, some applications quarantined"
        in kiosk("office", "fetch", "--help").stdout
    )

    again = kiosk(*args)
    assert again.returncode == 0, again.stderr
    assert again.stderr.strip() == f"0 application(s) filed in {out}"


@SQLITE
def test_an_inbox_starting_with_foreign_seals_needs_a_trusted_key(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    """Three applications in a row sealed for another key look like a wrong key file: the
    fetch stops. An office sure of its key says so, and the inbox moves on."""
    strays = [foreign(office_keys) for _ in range(3)]
    proper = good(office_keys)
    send(server.url, tokens.device, strays)
    send(server.url, tokens.device, [proper])  # received later: listed after them
    key = (office_keys / "jobcenter.key.pem").read_bytes()
    client = OfficeClient(server.url, tokens.offices["jobcenter"])
    try:
        with pytest.raises(WrongKeyError):
            client.fetch(key, tmp_path / "in", office="jobcenter")
        report = client.fetch(key, tmp_path / "in", office="jobcenter", trust_key=True)
    finally:
        client.close()
    assert report.written == [proper["reference"]]
    assert sorted(r for r, _ in report.quarantined) == sorted(s["reference"] for s in strays)


@SQLITE
def test_a_stray_foreign_seal_is_quarantined_once_the_key_has_opened_one(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    stray, proper = foreign(office_keys), good(office_keys)
    send(server.url, tokens.device, [stray])
    send(server.url, tokens.device, [proper])
    client = OfficeClient(server.url, tokens.offices["jobcenter"])
    try:
        report = client.fetch((office_keys / "jobcenter.key.pem").read_bytes(), tmp_path / "in")
    finally:
        client.close()
    assert report.written == [proper["reference"]]
    [(reference, reason)] = report.quarantined
    assert reference == stray["reference"] and "sealed for key" in reason


def test_acknowledgements_stay_compatible_and_keep_the_first_answer(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path
) -> None:
    items = [wire("jobcenter", office_keys) for _ in range(3)]
    other = wire("sozialamt", office_keys)
    send(server.url, tokens.device, [*items, other])
    office = bearer(tokens.offices["jobcenter"])
    url = f"{server.url}{p.API}/inbox/acknowledgements"

    old_client = httpx.post(url, json={"ids": [items[0]["id"]]}, headers=office)
    assert old_client.status_code == 200 and old_client.json()["acknowledged"] == [items[0]["id"]]
    assert set(old_client.json()) == {"protocol", "acknowledged", "unknown"}
    for refused in (
        {"ids": []},
        {},
        {"quarantined": [{"id": items[1]["id"], "reason": "two\nlines"}]},
        {"quarantined": [{"id": items[1]["id"], "reason": "x" * 501}]},
        {"quarantined": [{"id": items[1]["id"]}]},
    ):
        answer = httpx.post(url, json=refused, headers=office)
        assert answer.status_code == 422, refused

    set_aside = {
        "quarantined": [
            {"id": items[1]["id"], "reason": "not JSON"},
            {"id": other["id"], "reason": "not ours"},
        ],
        "ids": [items[2]["id"]],
    }
    answer = httpx.post(url, json=set_aside, headers=office).json()
    assert sorted(answer["acknowledged"]) == sorted([items[1]["id"], items[2]["id"]])
    assert answer["unknown"] == [other["id"]]
    again = {"quarantined": [{"id": items[0]["id"], "reason": "late"}, set_aside["quarantined"][0]]}
    assert httpx.post(url, json=again, headers=office).status_code == 200
    stored = rows(engine)
    assert stored[items[0]["id"]].quarantine_reason is None  # filed first: stays filed
    assert stored[items[1]["id"]].quarantine_reason == "not JSON"
    assert stored[items[2]["id"]].quarantine_reason is None
    assert stored[other["id"]].acknowledged_at is None  # another office's: untouched
    assert inbox.quarantined_counts(engine) == {"jobcenter": 1}


def unnamed(office_keys: Path) -> dict[str, Any]:
    """Sealed as terminals did before keys were named by thumbprint: no ``kid``."""
    item = wire("jobcenter", office_keys)
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    token = seal_bytes(canonical(payload_of(item)), public, kid=False)
    return item | {"payload": token, "sha256": hashlib.sha256(token.encode()).hexdigest()}


@SQLITE
def test_a_wrong_key_is_reported_at_once_in_one_line(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    items = [wire("jobcenter", office_keys) for _ in range(40)]
    send(server.url, tokens.device, items[:20])
    send(server.url, tokens.device, items[20:])
    wrong = office_keys / "sozialamt.key.pem"
    client = OfficeClient(server.url, tokens.offices["jobcenter"])
    try:
        started = time.monotonic()
        with pytest.raises(WrongKeyError) as caught:
            client.fetch(wrong.read_bytes(), tmp_path / "in", office="jobcenter")
        assert time.monotonic() - started < 2.0
    finally:
        client.close()
    message = str(caught.value)
    assert message.startswith("this key is not the key of office jobcenter: ")
    assert "sealed for key" in message and "\n" not in message
    assert all(r.acknowledged_at is None for r in rows(engine).values())
    assert not list((tmp_path / "in").rglob("*.*"))

    refused = kiosk(*fetch_command(server.url, tokens.offices["jobcenter"], wrong, tmp_path / "c"))
    assert refused.returncode == 2
    assert refused.stderr.startswith("this key is not the key of office jobcenter: ")
    assert len(refused.stderr.splitlines()) == 1 and refused.stdout == ""

    # applications sealed before keys were named: the key is tried, a few times only
    with engine.begin() as conn:
        conn.execute(sa.update(applications).values(acknowledged_at=1.0))
    legacy = [unnamed(office_keys) for _ in range(3)]
    send(server.url, tokens.device, legacy)
    send(server.url, tokens.device, [wire("jobcenter", office_keys) for _ in range(3)])
    client = OfficeClient(server.url, tokens.offices["jobcenter"])
    try:
        with pytest.raises(WrongKeyError, match="not opened by it"):
            client.fetch(wrong.read_bytes(), tmp_path / "in", office="jobcenter")
        report = client.fetch((office_keys / "jobcenter.key.pem").read_bytes(), tmp_path / "in")
    finally:
        client.close()
    assert len(report.written) == 6
    assert {item["reference"] for item in legacy} <= set(report.written)


@SQLITE
def test_a_refused_or_foreign_token_is_one_line(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    key = office_keys / "jobcenter.key.pem"
    send(server.url, tokens.device, [wire("sozialamt", office_keys)])
    accounts.issue_token(engine, "office", "jobcenter", revoke_old=True)
    for token in ("ko_" + "z" * 43, tokens.offices["jobcenter"]):  # unknown, revoked
        result = kiosk(*fetch_command(server.url, token, key, tmp_path / "a"))
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("the server refused the office token: HTTP 401")
        assert len(result.stderr.splitlines()) == 1
    other = kiosk(*fetch_command(server.url, tokens.offices["sozialamt"], key, tmp_path / "b"))
    assert other.returncode == 2
    assert other.stderr.strip() == "the token is one of office sozialamt, not of office jobcenter"
