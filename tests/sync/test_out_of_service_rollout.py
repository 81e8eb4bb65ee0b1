"""A terminal that pins admin keys but has no bundle yet is out of service; the fleet view
says so, and the first bundle an admin publishes (with every office's key) brings it back
through the terminal's own sync. A real server on 127.0.0.1, real keys, a real store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from kiosk.catalog.bundle import build_bundle, sign_bundle
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import open_for_visitors, out_of_service_catalog, save_trust
from kiosk.crypto.signing import public_key_pem
from kiosk.session.terminal import Terminal
from kiosk.store import Store
from sync.client.admin import AdminClient
from sync.client.credential import DeviceCredential, save_credential
from sync.client.worker import SyncLoop
from sync.server import accounts
from sync.server.embedded import EmbeddedServer
from sync.server.fleet import terminals
from sync.server.signing_keys import trust_key
from tests.catalog.office_keys import with_office_keys
from tests.conftest import FAST
from tests.sync.conftest import enrol_device

ADMIN = Ed25519PrivateKey.generate()


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Publishing on both backends is covered by test_publish; this is about the terminal."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def terminal_home(tmp_path: Path) -> Path:
    home = tmp_path / "terminal"
    home.mkdir()
    return home


@pytest.fixture
def store(terminal_home: Path) -> Iterator[Store]:
    opened = Store(terminal_home / "kiosk.sqlite3")
    yield opened
    opened.close()


def test_an_out_of_service_terminal_comes_back_with_the_first_bundle(
    server: EmbeddedServer,
    engine: Engine,
    terminal_home: Path,
    store: Store,
    demo: CompiledCatalog,
) -> None:
    trust_key(engine, ADMIN.public_key(), now=time.time())
    device_id, token = enrol_device(engine, "migrado-1")
    save_credential(terminal_home, DeviceCredential(server.url, device_id, "migrado-1", token))
    save_trust(terminal_home, demo.catalog.header.id, [public_key_pem(ADMIN.public_key())])

    serving = open_for_visitors(terminal_home, demo=False)
    assert serving.closed is not None and serving.installer is not None
    terminal = Terminal(
        store,
        out_of_service_catalog(demo.languages),
        terminal_home,
        config=FAST,
        installer=serving.installer,
        demo=False,
    )
    loop = SyncLoop(terminal_home)
    try:
        loop._cycle()  # nothing published yet
        assert terminal.install_staged_catalog() is None
        (fleet,) = terminals(engine)  # the heartbeat tells the admins
        assert fleet.catalog_version is not None
        assert fleet.catalog_version.startswith("out_of_service 1 (")

        admin = AdminClient(server.url, accounts.issue_token(engine, "admin", "alice"))
        try:
            admin.publish_catalog(sign_bundle(build_bundle(with_office_keys(demo)), ADMIN))
        finally:
            admin.close()
        loop._cycle()
        assert loop.last_pull is not None and loop.last_pull.status == "staged"
        assert terminal.install_staged_catalog() is not None
        assert terminal.bundle_version == 1
        form = demo.catalog.forms[0]
        assert terminal.start_session("uk").open_form(form.id).form.id == form.id
        office = terminal.catalog.catalog.office(form.office)
        assert terminal.office_public_key(office) == (office.public_key or "").encode()
    finally:
        loop.stop()
