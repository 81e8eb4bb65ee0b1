"""Fixtures for the server and sync tests: real databases, real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from kiosk.crypto.sealing import seal
from kiosk.documents.sealed import with_office_copy
from kiosk.formats import APPLICATION_FORMAT, APPLICATION_VERSION, ApplicationData, FormRef
from kiosk.store import Store
from kiosk.store.outbox import OutboxItem
from sync.server import accounts
from sync.server.db import open_engine
from sync.server.embedded import EmbeddedServer
from tests.pgcluster import INSTALL_HINT, PostgresCluster


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A private PostgreSQL cluster for this test run.

    CI sets KIOSK_REQUIRE_POSTGRES=1: there a missing PostgreSQL fails the run
    instead of skipping half of the server tests.
    """
    try:
        cluster = PostgresCluster()
    except FileNotFoundError:
        if os.environ.get("KIOSK_REQUIRE_POSTGRES"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty server database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.new_database()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def server(engine: Engine) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(engine) as running:
        yield running


@dataclass
class Tokens:
    device: str
    device_id: str
    offices: dict[str, str]
    admin: str


def enrol_device(engine: Engine, name: str = "terminal-1") -> tuple[str, str]:
    device_id, _name, token = accounts.enrol(engine, accounts.issue_enrolment(engine, name))
    return device_id, token


@pytest.fixture
def tokens(engine: Engine) -> Tokens:
    device_id, device = enrol_device(engine)
    return Tokens(
        device=device,
        device_id=device_id,
        offices={o: accounts.issue_token(engine, "office", o) for o in ("jobcenter", "sozialamt")},
        admin=accounts.issue_token(engine, "admin", "admin"),
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ------------------------------------------------------------ sealed applications
FAKE_PDF = b"%PDF-1.4\n% office copy stand-in\n"


def application_data(**members: Any) -> ApplicationData:
    """The data a terminal seals, with fixed where, when and how, and *members* (id,
    reference, office, answers, ...) over them."""
    defaults: dict[str, Any] = {
        "format": APPLICATION_FORMAT,
        "payload_version": APPLICATION_VERSION,
        "form": FormRef(id="buergergeld", version=1, title="Bürgergeld"),
        "application_date": "2026-11-21",
        "submitted_at": "2026-11-21T09:30:00+00:00",
        "language": "fa",
        "catalog": "sha256:" + "0" * 64,
        "terminal": "terminal-1a2b3c4d",
        "assisted": False,
        "assisted_by": [],
        "consents": {},
    }
    return ApplicationData(**(defaults | members))


def sealed_application(
    office: str,
    public_pem: bytes,
    *,
    reference: str | None = None,
    filler: int = 0,
    status_key: str | None = None,
) -> OutboxItem:
    """An application as the terminal seals it (answers, metadata, office copy), small;
    *status_key* as the receipt's secret makes it (``receipt_status.status_key``)."""
    from kiosk.session.codes import new_reference

    application_id = str(uuid.uuid4())
    reference = reference or new_reference()
    data = application_data(
        id=application_id,
        reference=reference,
        office=office,
        answers={"family_name": "Rahimi", "note": base64.b64encode(os.urandom(filler)).decode()},
    )
    token = seal(with_office_copy(data, FAKE_PDF).members(), public_pem)
    return OutboxItem(
        id=application_id,
        reference=reference,
        form_id="buergergeld",
        form_version=1,
        office=office,
        application_date="2026-11-21",
        created_at=dt.datetime.now(dt.UTC).timestamp(),
        payload=token,
        payload_sha256=hashlib.sha256(token.encode()).hexdigest(),
        status_key=status_key,
    )


@pytest.fixture
def fill_outbox(office_keys: Path) -> Callable[[Store, int, str], list[OutboxItem]]:
    def fill(store: Store, n: int, office: str = "jobcenter") -> list[OutboxItem]:
        public = (office_keys / f"{office}.pub.pem").read_bytes()
        items = [sealed_application(office, public) for _ in range(n)]
        for item in items:
            store.outbox.add(item, remove_draft=None)
        return items

    return fill
