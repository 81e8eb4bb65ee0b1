"""No token travels in clear: HTTPS with a pinned certificate, plain HTTP only on loopback.

A real server speaks TLS on 127.0.0.1 with a self-signed certificate made for the test;
the terminal, the office and the admin talk to it through the ``kiosk`` commands. Plain
``http://`` to another host is refused before a single packet leaves. (The server's own
side: ``test_tls_server.py``.)
"""

from __future__ import annotations

import json
import socket
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from cli.local_server import start_local_loop
from cli.main import main
from kiosk.crypto.signing import generate_key_pair, load_private_key, public_path_for
from kiosk.store import Store
from kiosk.store.outbox import OutboxItem
from sync.client.admin import AdminClient
from sync.client.credential import DeviceCredential, load_credential, save_credential
from sync.client.tls import TLSSettingsError, check_server_url, is_loopback
from sync.client.transport import TransientError
from sync.client.worker import SyncLoop, SyncSettings
from sync.server import accounts
from sync.server.db import open_engine
from sync.server.embedded import EmbeddedServer
from sync.server.fleet import terminals
from tests.catalog.bundles import signed, small_catalog
from tests.sync.tlscerts import make_certificate

Fill = Callable[[Store, int, str], list[OutboxItem]]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(certificate, key): self-signed for 127.0.0.1 and localhost, as `openssl req -x509`
    makes one (CA:TRUE, so it can be its own trust anchor)."""
    return make_certificate(tmp_path_factory.mktemp("tls"), "kiosk test server")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: what is tested here is the way to the server, not its database."""
    engine = open_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield engine
    engine.dispose()


@pytest.fixture
def tls_server(engine: Engine, certificate: tuple[Path, Path]) -> Iterator[EmbeddedServer]:
    cert, key = certificate
    with EmbeddedServer(engine, tls_cert=cert, tls_key=key) as running:
        yield running


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every name lookup and connection attempt, recorded and failed."""
    attempts: list[Any] = []

    def refuse(*args: Any, **_kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


# ----------------------------------------------------------------- pinned certificate
def test_enrolled_with_the_ca_file_the_terminal_office_and_admin_all_go_through_tls(
    tmp_path: Path,
    engine: Engine,
    tls_server: EmbeddedServer,
    certificate: tuple[Path, Path],
    fill_outbox: Fill,
    office_keys: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cert, _key = certificate
    url, db = tls_server.url, str(engine.url)
    assert url.startswith("https://127.0.0.1:")
    admin_key = tmp_path / "admin.key"
    generate_key_pair(admin_key)
    assert main(["server", "trust-key", str(public_path_for(admin_key)), "--db", db]) == 0

    home = tmp_path / "terminal"
    enrolment = accounts.issue_enrolment(engine, "tls-1")
    enroll = ["enroll", "--home", str(home), "--server", url, "--token", enrolment]
    pins = ["--admin-key", str(public_path_for(admin_key)), "--deployment", "test_catalog"]
    assert main([*enroll, "--ca-file", str(cert), *pins]) == 0
    assert "trusting only the certificate" in capsys.readouterr().out
    stored = home / "keys" / "server-ca.pem"
    assert stored.read_bytes() == cert.read_bytes()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    saved = json.loads((home / "keys" / "device.json").read_text(encoding="utf-8"))
    assert saved["ca_file"] == "keys/server-ca.pem" and saved["server"] == url

    # the admin publishes over TLS; the terminal's next sync fetches it the same way
    bundle = tmp_path / "v1.json"
    bundle.write_bytes(signed(small_catalog(tmp_path / "catalog"), load_private_key(admin_key)))
    admin = accounts.issue_token(engine, "admin", "alice")
    publish = ["catalog", "publish", str(bundle), "--server", url, "--token", admin]
    assert main([*publish, "--ca-file", str(cert)]) == 0
    assert "published test_catalog version 1" in capsys.readouterr().out

    store = Store(home / "kiosk.sqlite3")
    first = fill_outbox(store, 1, "jobcenter")
    store.close()
    assert main(["sync", "--once", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert "sent 1: 1 stored" in out and "catalog version 1 received" in out
    (seen,) = terminals(engine)
    assert seen.name == "tls-1" and seen.last_seen_at is not None  # the heartbeat came

    # the background loop of the kiosk uses the pinned certificate too
    store = Store(home / "kiosk.sqlite3")
    second = fill_outbox(store, 1, "jobcenter")
    loop = SyncLoop(home, settings=SyncSettings(idle_interval=0.05, heartbeat_interval=0.0))
    loop.start()
    try:
        deadline = time.monotonic() + 20
        while store.outbox.counts_by_state() != {"done": 2} and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.stop()
    assert store.outbox.counts_by_state() == {"done": 2}
    assert store.settings.get("sync.last_error") == ""
    store.close()

    office = accounts.issue_token(engine, "office", "jobcenter")
    out_dir = tmp_path / "inbox"
    fetch = ["office", "fetch", "--server", url, "--office", "jobcenter", "--token", office]
    fetch += ["--key", str(office_keys / "jobcenter.key.pem"), "--out", str(out_dir)]
    assert main([*fetch, "--ca-file", str(cert)]) == 0
    filed = sorted(path.stem for path in out_dir.glob("*.json"))
    assert filed == sorted(item.reference for item in first + second)

    # without the pin, the same admin call is refused for the certificate, said as such
    pinned, unpinned = AdminClient(url, admin, ca_file=cert), AdminClient(url, admin)
    try:
        assert [v.version for v in pinned.catalog_versions()] == [1]
        with pytest.raises(TransientError) as refused:
            unpinned.catalog_versions()
    finally:
        pinned.close()
        unpinned.close()
    assert "not trusted" in refused.value.message and "--ca-file" in refused.value.message


def test_enrolment_without_the_ca_file_fails_on_the_certificate_and_spends_no_token(
    tmp_path: Path,
    engine: Engine,
    tls_server: EmbeddedServer,
    certificate: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "terminal"
    enrolment = accounts.issue_enrolment(engine, "tls-2")
    enroll = ["enroll", "--home", str(home), "--server", tls_server.url, "--token", enrolment]
    assert main(enroll) == 1
    err = capsys.readouterr().err
    assert f"the certificate of {tls_server.url} is not trusted" in err
    assert "--ca-file" in err and "Traceback" not in err and err.count("\n") == 1

    other, _ = make_certificate(tmp_path / "other", "someone else")
    assert main([*enroll, "--ca-file", str(other)]) == 1  # a pin that is not this server's
    assert "is not trusted" in capsys.readouterr().err
    assert load_credential(home) is None

    # the token never reached the server, so it still enrols once the pin is right
    assert main([*enroll, "--ca-file", str(certificate[0])]) == 0


def test_a_ca_file_must_be_a_certificate_and_only_that(
    tmp_path: Path, certificate: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    enroll = ["enroll", "--home", str(tmp_path), "--server", "https://127.0.0.1:9"]
    cert, key = certificate
    both = tmp_path / "both.pem"
    both.write_bytes(cert.read_bytes() + key.read_bytes())
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n", encoding="ascii")
    for given, said in (
        (key, "holds a private key"),
        (both, "holds a private key"),
        (junk, "not a PEM certificate"),
        (tmp_path / "missing.pem", "cannot read the CA file"),
    ):
        assert main([*enroll, "--token", "ke_x", "--ca-file", str(given)]) == 1
        assert said in capsys.readouterr().err


def test_a_credential_written_before_pinning_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "device.json"
    path.parent.mkdir()
    old = {"server": "https://k.example", "device_id": "d", "name": "n", "token": "kd_x"}
    path.write_text(json.dumps(old), encoding="utf-8")
    credential = load_credential(tmp_path)
    assert credential is not None and credential.ca_file is None
    assert credential.server == "https://k.example"
    save_credential(tmp_path, credential)
    assert json.loads(path.read_text(encoding="utf-8")) == old


# ------------------------------------------------------------ plain HTTP beyond loopback
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765",
        "http://127.3.2.1/",
        "http://[::1]:8765",
        "http://localhost:8765",
        "HTTP://LOCALHOST",
        "https://kiosk.example",
        "https://10.1.2.3:8443/base",
    ],
)
def test_urls_that_keep_a_token_off_the_network_in_clear(url: str) -> None:
    assert check_server_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org",
        "http://10.0.0.5:8765",
        "http://0.0.0.0:8765",
        "http://[::ffff:10.0.0.5]",
        "http://127.0.0.1.example.org",
        "http://localhost.example.org",
        "ftp://127.0.0.1",
        "kiosk.example",
        "https://kiosk example",
    ],
)
def test_urls_refused_before_any_connection(url: str) -> None:
    with pytest.raises(TLSSettingsError):
        check_server_url(url)


def test_loopback_addresses() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.255.0.9", "::1", "[::1]", "localhost"))
    assert is_loopback("::ffff:127.0.0.1")
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.org", ""))


def test_every_client_refuses_plain_http_to_another_host_before_connecting(
    tmp_path: Path,
    office_keys: Path,
    no_network: list[Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    clear = "http://example.org"
    key = office_keys / "jobcenter.key.pem"
    commands = [
        ["enroll", "--home", str(tmp_path / "t1"), "--server", clear, "--token", "ke_x"],
        ["office", "fetch", "--server", clear, "--office", "jobcenter", "--token", "ko_x"]
        + ["--key", str(key), "--out", str(tmp_path / "inbox")],
        ["catalog", "publish", str(tmp_path / "v1.json"), "--server", clear, "--token", "ka_x"],
    ]
    for command in commands:
        assert main(command) != 0, command
        err = capsys.readouterr().err
        assert f"refusing to send a token in clear to {clear}" in err, command
        assert "https://" in err and err.count("\n") == 1
    assert no_network == []
    assert not (tmp_path / "inbox").exists()


def test_a_terminal_enrolled_over_plain_http_to_another_host_no_longer_sends(
    tmp_path: Path, no_network: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "terminal"
    save_credential(home, DeviceCredential("http://example.org", "d", "t", "kd_" + "x" * 43))
    Store(home / "kiosk.sqlite3").close()
    assert main(["sync", "--once", "--home", str(home)]) == 1
    assert "refusing to send a token in clear" in capsys.readouterr().err

    loop = SyncLoop(home, settings=SyncSettings(idle_interval=0.05, backoff_base=0.05))
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while loop.last_report is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        loop.stop()
    assert loop.last_report is not None and loop.last_report.error is not None
    assert "in clear" in loop.last_report.error
    assert no_network == []


def test_the_demo_server_on_loopback_still_speaks_plain_http(
    home: Path, fill_outbox: Fill, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make run`: the terminal, its embedded server and the office on one machine."""
    local = start_local_loop(home, ["jobcenter"], port=0)
    try:
        credential = load_credential(home)
        assert credential is not None and credential.ca_file is None
        assert credential.server == local.server.url and local.server.url.startswith("http://127.")
        store = Store(home / "kiosk.sqlite3")
        fill_outbox(store, 1, "jobcenter")
        store.close()
        assert main(["sync", "--once", "--home", str(home)]) == 0
        assert "sent 1: 1 stored" in capsys.readouterr().out
    finally:
        local.stop()
