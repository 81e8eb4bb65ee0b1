"""What must not stop sync or filing: malformed applications, odd heartbeats, a damaged
credential, two syncs at once, two processes migrating one terminal database."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from kiosk.crypto.sealing import seal
from kiosk.store import Store
from kiosk.store.database import connect, migrate
from kiosk.store.outbox import OutboxItem
from sync import protocol as p
from sync.client.credential import DeviceCredential, credential_path, save_credential
from sync.client.office import OfficeClient
from sync.client.transport import DeviceTransport
from sync.client.worker import OutboxSync, SyncLoop, SyncSettings, sync_lock
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer
from tests.sync.test_server_api import wire

Fill = Callable[[Store, int, str], list[OutboxItem]]


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


def test_a_malformed_application_does_not_block_the_office(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    broken = wire("jobcenter", office_keys)
    payload = {
        "id": broken["id"],
        "reference": broken["reference"],
        "office": "jobcenter",
        "metadata": {"data_sha512": "x", "attachments": [{"sha512": "y"}]},
        "attachments": [{"content": "!!"}],
    }
    broken["payload"] = seal(payload, public)
    broken["sha256"] = hashlib.sha256(broken["payload"].encode()).hexdigest()
    good = wire("jobcenter", office_keys)
    httpx.post(
        f"{server.url}{p.API}/applications/batch",
        json={"items": [broken, good]},
        headers=bearer(tokens.device),
    ).raise_for_status()
    client = OfficeClient(server.url, tokens.offices["jobcenter"])
    try:
        report = client.fetch((office_keys / "jobcenter.key.pem").read_bytes(), tmp_path / "in")
        assert report.written == [good["reference"]]
        assert [r for r, _ in report.quarantined] == [broken["reference"]]
        assert report.failed == []
        # the broken one is set aside, sealed, and taken off the inbox: a second run ends
        assert (tmp_path / "in" / "quarantine" / f"{broken['id']}.sealed").exists()
        again = client.fetch((office_keys / "jobcenter.key.pem").read_bytes(), tmp_path / "in")
        assert again.written == [] and again.quarantined == []
    finally:
        client.close()


def test_an_application_filed_under_the_same_reference_is_not_overwritten(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    first = wire("jobcenter", office_keys)
    out = tmp_path / "in"
    out.mkdir()
    (out / f"{first['reference']}.json").write_text('{"id": "somebody-else"}')
    httpx.post(
        f"{server.url}{p.API}/applications/batch",
        json={"items": [first]},
        headers=bearer(tokens.device),
    ).raise_for_status()
    client = OfficeClient(server.url, tokens.offices["jobcenter"])
    try:
        report = client.fetch((office_keys / "jobcenter.key.pem").read_bytes(), out)
    finally:
        client.close()
    assert report.written == [] and "another application" in report.failed[0][1]
    assert (out / f"{first['reference']}.json").read_text() == '{"id": "somebody-else"}'


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "2026-11-21T10:00:00"]
)
def test_implausible_heartbeat_times_are_refused_with_422(
    server: EmbeddedServer, tokens: Tokens, when: str
) -> None:
    beat = {"app_version": "1", "last_sync_at": when}
    r = httpx.post(f"{server.url}{p.API}/heartbeat", json=beat, headers=bearer(tokens.device))
    assert r.status_code == 422 and "last_sync_at" in r.json()["message"]
    listing = httpx.get(f"{server.url}{p.API}/admin/terminals", headers=bearer(tokens.admin))
    assert listing.status_code == 200


def test_the_heartbeat_reports_the_failure_before_the_last_success(
    server: EmbeddedServer, tokens: Tokens, tmp_path: Path, fill_outbox: Fill
) -> None:
    store = Store(tmp_path / "k.sqlite3")
    fill_outbox(store, 1, "jobcenter")
    down = DeviceTransport("http://127.0.0.1:9", tokens.device, timeout=2)
    assert not OutboxSync(store, down).run_pass().ok
    down.close()
    up = DeviceTransport(server.url, tokens.device)
    sync = OutboxSync(store, up)
    assert sync.run_pass().ok
    sync.heartbeat()
    up.close()
    [terminal] = httpx.get(
        f"{server.url}{p.API}/admin/terminals", headers=bearer(tokens.admin)
    ).json()["terminals"]
    assert "cannot reach" in terminal["last_error"]
    assert store.settings.get("sync.unreported_error") == ""
    store.close()


def test_the_sync_loop_survives_a_damaged_credential(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, tmp_path: Path, fill_outbox: Fill
) -> None:
    home = tmp_path / "terminal"
    store = Store(home / "kiosk.sqlite3")
    fill_outbox(store, 2, "jobcenter")
    credential_path(home).parent.mkdir(parents=True, exist_ok=True)
    credential_path(home).write_text("{")  # power lost while it was written
    loop = SyncLoop(
        home, settings=SyncSettings(idle_interval=0.05, backoff_base=0.05, backoff_cap=0.1)
    )
    loop.start()
    try:
        time.sleep(0.5)
        assert loop._thread is not None and loop._thread.is_alive()
        assert store.outbox.counts_by_state() == {"pending": 2}
        save_credential(home, DeviceCredential(server.url, tokens.device_id, "t", tokens.device))
        deadline = time.monotonic() + 20
        while store.outbox.counts_by_state() != {"done": 2} and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.stop()
    assert store.outbox.counts_by_state() == {"done": 2}
    store.close()


def test_one_sync_at_a_time_per_terminal(tmp_path: Path) -> None:
    home = tmp_path / "terminal"
    save_credential(home, DeviceCredential("http://127.0.0.1:9", "id", "t", "kd_" + "x" * 43))
    with sync_lock(home) as mine:
        assert mine
        result = subprocess.run(
            [sys.executable, "-m", "cli.main", "sync", "--once", "--home", str(home)],
            capture_output=True,
            text=True,
        )
    assert result.returncode == 1 and "another sync is running" in result.stderr


def test_two_processes_upgrading_one_old_database_both_start(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = connect(path)
    migrate(db, target=3)
    for n in range(200):
        db.execute(
            "INSERT INTO outbox (id, reference, form_id, form_version, office, application_date, "
            "created_at, payload, payload_sha256) VALUES (?, ?, 'wbs', 1, 'wohnungsamt', "
            "'2026-01-01', 1, ?, 'h')",
            [f"id-{n}", f"MD-{n}", "sealed" * 1000],
        )
    db.conn.commit()
    db.conn.close()
    problems: list[BaseException] = []
    start = threading.Barrier(2)

    def open_store() -> None:
        start.wait()
        try:
            Store(path).close()
        except BaseException as exc:
            problems.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == []
    store = Store(path)
    assert store.outbox.counts_by_state() == {"pending": 200}
    item = store.outbox.get("MD-7")
    assert item is not None and item.payload == "sealed" * 1000
    store.close()
