"""An admin publishes a new catalog; a terminal's own sync loop fetches it, and the terminal
installs it between two visitors. A real server on 127.0.0.1, real keys, a real store."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from kiosk.catalog.bundle import build_bundle, sign_bundle
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import CatalogInstaller, save_trust
from kiosk.crypto.signing import public_key_pem
from kiosk.session.clock import FakeClock
from kiosk.session.terminal import Terminal
from kiosk.store import Store
from sync.client.admin import AdminClient
from sync.client.catalog_pull import REFUSED
from sync.client.credential import DeviceCredential, save_credential
from sync.client.status import sync_status
from sync.client.worker import SyncLoop
from sync.server import accounts
from sync.server.embedded import EmbeddedServer
from sync.server.fleet import terminals
from sync.server.signing_keys import trust_key
from tests.catalog.office_keys import with_office_keys
from tests.conftest import FAST
from tests.session.test_catalog_update import version_of
from tests.sync.conftest import enrol_device

ADMIN = Ed25519PrivateKey.generate()
OTHER_ADMIN = Ed25519PrivateKey.generate()  # trusted by the server, not pinned on the terminal


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Publishing on both backends is covered by test_publish; this is about the terminal."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


class Rollout:
    def __init__(self, server: EmbeddedServer, engine: Engine, home: Path, demo: CompiledCatalog):
        self.demo = demo
        now = time.time()
        trust_key(engine, ADMIN.public_key(), now=now)
        trust_key(engine, OTHER_ADMIN.public_key(), now=now)
        self.admin = AdminClient(server.url, accounts.issue_token(engine, "admin", "alice"))
        device_id, token = enrol_device(engine, "migrado-1")
        save_credential(home, DeviceCredential(server.url, device_id, "migrado-1", token))
        trust = save_trust(home, demo.catalog.header.id, [public_key_pem(ADMIN.public_key())])
        self.store = Store(home / "kiosk.sqlite3")
        clock = FakeClock(start=dt.datetime(2026, 11, 21, 9, 0).timestamp())
        self.terminal = Terminal(
            self.store,
            demo,
            home,
            clock=clock,
            config=FAST,
            installer=CatalogInstaller(home, trust),
        )
        self.loop = SyncLoop(home)
        self.engine, self.home = engine, home

    def publish(self, version: int, key: Ed25519PrivateKey = ADMIN, title: str = "") -> None:
        catalog = version_of(self.demo, version, title=title or f"Titel {version}")
        self.admin.publish_catalog(sign_bundle(build_bundle(with_office_keys(catalog)), key))

    def sync(self) -> None:
        self.loop._cycle()
        assert self.loop.last_report is not None and self.loop.last_report.ok

    def close(self) -> None:
        self.admin.close()
        self.loop.stop()
        self.store.close()


@pytest.fixture
def rollout(
    server: EmbeddedServer, engine: Engine, home: Path, demo: CompiledCatalog
) -> Iterator[Rollout]:
    made = Rollout(server, engine, home, demo)
    yield made
    made.close()


def test_a_published_catalog_reaches_the_terminal_between_sessions(rollout: Rollout) -> None:
    terminal = rollout.terminal
    visitor = terminal.start_session("uk")
    form_id = rollout.demo.catalog.forms[0].id
    visitor.open_form(form_id)

    rollout.publish(2, title="Neuer Titel")
    rollout.sync()
    assert rollout.loop.last_pull is not None and rollout.loop.last_pull.status == "staged"
    assert sync_status(rollout.store, rollout.home)["catalog_staged"] == 2

    assert terminal.install_staged_catalog() is None  # the visitor is still filling in
    assert terminal.catalog is rollout.demo
    visitor.end("finished")
    assert terminal.install_staged_catalog() is not None
    assert terminal.bundle_version == 2
    assert terminal.catalog.catalog.form(form_id).title == "Neuer Titel"
    assert terminal.start_session("ar").open_form(form_id).form.title == "Neuer Titel"

    rollout.sync()  # unchanged on the server: a 304, nothing staged again
    assert rollout.loop.last_pull is not None and rollout.loop.last_pull.status == "unchanged"
    rollout.loop._last_beat = 0.0
    rollout.sync()  # the heartbeat carries the new version to the fleet view
    (fleet,) = terminals(rollout.engine)
    assert fleet.catalog_version is not None and " 2 (" in fleet.catalog_version


def test_a_bundle_the_terminal_does_not_trust_is_refused_and_the_old_one_serves(
    rollout: Rollout,
) -> None:
    rollout.publish(2)
    rollout.sync()
    assert rollout.terminal.install_staged_catalog() is not None
    rollout.publish(3, key=OTHER_ADMIN)  # the server trusts this admin; the terminal does not
    rollout.sync()
    pull = rollout.loop.last_pull
    assert pull is not None and (pull.status, pull.reason) == ("refused", "unknown_key")
    assert rollout.store.settings.get(REFUSED, "").startswith("unknown_key")
    assert rollout.terminal.install_staged_catalog() is None
    assert rollout.terminal.bundle_version == 2
    assert sync_status(rollout.store, rollout.home)["catalog_refused"].startswith("unknown_key")
    rollout.sync()  # the same refused bundle is not downloaded again
    assert rollout.loop.last_pull is not None and rollout.loop.last_pull.status == "unchanged"
    rollout.publish(4)  # the next good one gets through
    rollout.sync()
    assert rollout.terminal.install_staged_catalog() is not None
    assert rollout.terminal.bundle_version == 4
