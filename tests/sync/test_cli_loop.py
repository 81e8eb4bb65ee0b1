"""The commands a person types, end to end: visitors submit, the terminal syncs, the office files.

Everything runs as separate processes through the ``kiosk`` entry point, on
the demo catalog, like an admin and an office clerk would do it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.local_server import LocalServer
from kiosk.crypto.sealing import write_key_pair
from sync.client.background import BackgroundSync
from sync.client.worker import SyncSettings
from tests.sync.serverprocess import ServerProcess

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def kiosk(
    *args: str, home: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if home is not None:
        env["KIOSK_HOME"] = str(home)
    result = subprocess.run([KIOSK, *args], capture_output=True, text=True, env=env, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    server = ServerProcess(tmp_path / "central" / "server.sqlite3", tmp_path / "server.log")
    server.start()
    yield server.url, server.db
    server.stop()


def fetch(
    url: str, office: str, token: str, key: Path, out: Path, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return kiosk(
        "office", "fetch", "--server", url, "--office", office, "--token", token,
        "--key", str(key), "--out", str(out), check=check,
    )  # fmt: skip


def test_terminal_to_office_through_the_commands(
    tmp_path: Path, home: Path, central: tuple[str, Path]
) -> None:
    url, db = central
    kiosk("simulate", "--visitors", "12", "--seed", "5", home=home)

    not_enrolled = kiosk("sync", "--once", home=home, check=False)
    assert not_enrolled.returncode == 1 and "not enrolled" in not_enrolled.stderr
    bad = kiosk("enroll", "--server", url, "--token", "ke_" + "x" * 40, home=home, check=False)
    assert bad.returncode == 1 and "not known" in bad.stderr

    token = kiosk("server", "enroll-device", "eg-1", "--db", str(db)).stdout.strip()
    assert "eg-1" in kiosk("enroll", "--server", url, "--token", token, home=home).stdout
    before = json.loads(kiosk("status", "--json", home=home).stdout)
    assert (
        before["enrolled"] and before["outbox"]["pending"] == 12 and before["last_sync_at"] is None
    )
    assert before["catalog_version"].startswith("migrado_dortmund ")

    synced = kiosk("sync", "--once", home=home)
    assert "12 stored" in synced.stdout
    status = json.loads(kiosk("status", "--json", home=home).stdout)
    assert status["outbox"] == {
        "pending": 0,
        "sending": 0,
        "done": 12,
        "at_office": 0,
        "conflict": 0,
        "rejected": 0,
    }
    assert status["last_sync_at"] and status["last_error"] is None

    stats = json.loads(kiosk("server", "stats", "--json", "--db", str(db)).stdout)
    assert sum(s["new"] for s in stats["applications"].values()) == 12
    assert stats["terminals"]["active"] == 1
    terminals = json.loads(kiosk("server", "status", "--json", "--db", str(db)).stdout)["terminals"]
    assert terminals[0]["name"] == "eg-1" and terminals[0]["outbox"]["done"] == 12

    office = max(stats["applications"], key=lambda o: stats["applications"][o]["new"])
    expected = stats["applications"][office]["new"]
    office_token = kiosk("server", "office-token", office, "--db", str(db)).stdout.strip()
    key = home / "office_keys" / f"{office}.key.pem"
    wrong_key = home / "office_keys" / ("jobcenter" if office != "jobcenter" else "sozialamt")
    refused = fetch(
        url, office, office_token, Path(f"{wrong_key}.key.pem"), tmp_path / "wrong", check=False
    )
    assert refused.returncode == 2 and "is not the key of office" in refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert list((tmp_path / "wrong").glob("*.json")) == []

    out = tmp_path / "inbox"
    fetched = fetch(url, office, office_token, key, out)
    records = sorted(out.glob("*.json"))
    assert len(records) == expected == len(sorted(out.glob("*.pdf")))
    for record_path in records:
        record = json.loads(record_path.read_text())
        reference = record_path.stem
        assert record["reference"] == reference and record["office"] == office
        assert record["answers"] and record["metadata"]["data_sha512"]
        assert record["attachments"][0]["filename"] == f"{reference}.pdf"
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(out / f"{reference}.pdf"), "-"], capture_output=True, text=True
            ).stdout
            assert reference in text
    assert f"{expected} application(s) filed" in fetched.stderr
    again = fetch(url, office, office_token, key, out)
    assert "0 application(s) filed" in again.stderr  # acknowledged: not fetched twice
    stats = json.loads(kiosk("server", "stats", "--json", "--db", str(db)).stdout)
    assert stats["applications"][office] == {"new": 0, "acknowledged": expected}
    kiosk("sync", "--once", home=home)  # the terminal learns which its offices took
    status = json.loads(kiosk("status", "--json", home=home).stdout)
    assert status["outbox"]["at_office"] == expected
    assert status["outbox"]["done"] == 12 - expected

    assert "revoked" in kiosk("server", "revoke-device", "eg-1", "--db", str(db)).stdout
    kiosk("simulate", "--visitors", "1", "--seed", "6", home=home)
    refused_sync = kiosk("sync", "--once", home=home, check=False)
    assert refused_sync.returncode == 1 and "revoked" in refused_sync.stderr
    status = json.loads(kiosk("status", "--json", home=home).stdout)
    assert status["outbox"]["pending"] == 1 and "revoked" in status["last_error"]


def test_office_fetch_explains_a_bad_token_and_a_missing_key(
    tmp_path: Path, central: tuple[str, Path]
) -> None:
    url, _db = central
    key = tmp_path / "nothing.pem"
    token = "ko_" + "y" * 43
    missing = fetch(url, "jobcenter", token, key, tmp_path, check=False)
    assert missing.returncode == 2 and "cannot read the private key" in missing.stderr
    key.write_text("not a key")
    unusable = fetch(url, "jobcenter", token, key, tmp_path, check=False)
    assert unusable.returncode == 2 and "not usable as the office's key" in unusable.stderr
    key = write_key_pair(tmp_path / "keys", "jobcenter", bits=2048)[0]
    refused = fetch(url, "jobcenter", token, key, tmp_path, check=False)
    assert refused.returncode == 2 and "refused the office token" in refused.stderr
    down = fetch("http://127.0.0.1:9", "jobcenter", token, key, tmp_path, check=False)
    assert down.returncode == 1 and "cannot reach" in down.stderr


def test_server_commands_explain_a_bad_database(tmp_path: Path) -> None:
    result = kiosk("server", "stats", "--db", "postgresql://nobody@127.0.0.1:9/x", check=False)
    assert result.returncode == 1 and "cannot open the server database" in result.stderr
    assert "Traceback" not in result.stderr
    bad_office = kiosk(
        "server", "office-token", "Job Center", "--db", str(tmp_path / "s.db"), check=False
    )
    assert bad_office.returncode == 2 and "not an office id" in bad_office.stderr


def test_make_run_loop_enrols_and_delivers(home: Path, tmp_path: Path) -> None:
    """What `make run` starts beside the kiosk: a local server, enrolment, office tokens, sync."""
    from kiosk.paths import default_catalog_dir

    kiosk("simulate", "--visitors", "4", "--seed", "9", home=home)
    server = LocalServer(home, default_catalog_dir(), port=0)
    background = BackgroundSync(home, companion=server, settings=SyncSettings(idle_interval=0.05))
    background.start()
    try:
        deadline = time.monotonic() + 60
        status: dict[str, object] = {}
        while time.monotonic() < deadline:
            status = json.loads(kiosk("status", "--json", home=home).stdout)
            if status["outbox"] == {
                "pending": 0,
                "sending": 0,
                "done": 4,
                "at_office": 0,
                "conflict": 0,
                "rejected": 0,
            }:
                break
            time.sleep(0.2)
        assert status["enrolled"] and status["outbox"]["done"] == 4, status
        assert server.local is not None
        url = server.local.server.url
        tokens = server.local.tokens_dir
        assert sorted(t.stem for t in tokens.glob("*.token")) == sorted(
            ["auslaenderbehoerde", "jobcenter", "jugendamt", "schulamt", "sozialamt", "wohnungsamt"]
        )
        assert (tokens / "jobcenter.token").stat().st_mode & 0o077 == 0
        filed = 0
        for token_file in tokens.glob("*.token"):
            office = token_file.stem
            out = tmp_path / "inbox" / office
            key = home / "office_keys" / f"{office}.key.pem"
            fetch(url, office, token_file.read_text().strip(), key, out)
            filed += len(list(out.glob("*.pdf")))
        assert filed == 4

        # the demo admin publishes the catalog with the commands `make run` prints
        local = server.local
        assert local.admin_key is not None and local.admin_token_file is not None
        bundle = tmp_path / "catalog.bundle"
        keys = ["--office-keys", str(home / "office_keys")]  # the demo's, made by simulate
        kiosk("catalog", "build", "--out", str(bundle), *keys)
        kiosk("catalog", "sign", str(bundle), "--key", str(local.admin_key))
        token = local.admin_token_file.read_text().strip()
        kiosk("catalog", "publish", str(bundle), "--server", url, "--token", token)
        while time.monotonic() < deadline and not status.get("catalog_staged"):
            status = json.loads(kiosk("status", "--json", home=home).stdout)
            time.sleep(0.2)
        assert status["catalog_staged"] == 1, status
        assert "waiting to install: version 1" in kiosk("status", home=home).stdout
    finally:
        background.stop()
