"""The whole way of a status: a visitor submits at one terminal and takes the receipt,
the office files the application and later asks for documents, and at another terminal
the receipt's reference and status code find both statuses, and nothing else does."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cli.main import main
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.clock import FakeClock, local_date
from kiosk.session.receipt_status import find_status, new_secret
from kiosk.session.terminal import Terminal
from kiosk.simulation.answers import AnswerMaker
from kiosk.store import Store
from sync.server import accounts
from sync.server.embedded import EmbeddedServer
from tests.conftest import FAST
from tests.sync.conftest import Tokens, enrol_device
from tests.sync.test_status_feed import file_all, sync_once


def submit_one(terminal: Terminal, clock: FakeClock, form_id: str) -> tuple[str, str]:
    """A visitor's whole visit at *terminal*: the receipt's reference and status code."""
    session = terminal.start_session("uk")
    draft = session.open_form(form_id)
    codelists = {c.id: c for c in terminal.catalog.catalog.codelists}
    answers = None
    maker = AnswerMaker(random.Random(7))
    while answers is None:
        answers = maker.fill(draft.compiled, codelists, local_date(clock))
    for key, value in answers.items():  # a form without repeated groups: one answer each
        session.answer(key, value)
    clock.advance(1)
    receipt = session.submit()
    session.end("finished")
    return receipt.reference, receipt.status_secret


def test_a_status_set_by_the_office_is_found_with_the_receipt_at_another_terminal(
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    demo: CompiledCatalog,
    home: Path,
    office_keys: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = FakeClock(start=dt.datetime(2026, 11, 21, 10, 0).timestamp())
    first = Terminal(Store(home / "kiosk.sqlite3"), demo, home, clock=clock, config=FAST)
    reference, code = submit_one(first, clock, "appointment_request")
    office = demo.catalog.form("appointment_request").office
    office_token = accounts.issue_token(engine, "office", office)
    assert code and code not in (home / "kiosk.sqlite3").read_bytes().decode("latin-1")

    assert sync_once(server.url, tokens.device, first.store).stored == 1
    file_all(server.url, office_token, office_keys, tmp_path / "out", office)

    # another terminal of the deployment, which never saw the application
    other_home = tmp_path / "terminal-b"
    other_home.mkdir()
    (other_home / "office_keys").symlink_to(office_keys, target_is_directory=True)
    second = Terminal(Store(other_home / "kiosk.sqlite3"), demo, other_home, clock=clock)
    assert second.deployment == first.deployment
    _, other_device = enrol_device(engine, "terminal-b")
    sync_once(server.url, other_device, second.store)
    received = find_status(second.store, second.deployment, reference, code)
    assert received is not None and received.status == "received" and received.office == office

    # the office asks for documents: the next sync brings the newer status
    # as the office does it, with the command and the reference off its filed record
    assert (
        main(
            [
                "office",
                "status",
                "--server",
                server.url,
                "--office",
                office,
                "--token",
                office_token,
                "--reference",
                reference,
                "--out",
                str(tmp_path / "out"),
                "documents_missing",
            ]
        )
        == 0
    )
    sync_once(server.url, other_device, second.store)
    missing = find_status(second.store, second.deployment, reference, code)
    assert missing is not None and missing.status == "documents_missing"

    # without the receipt's code nothing is found, as for a reference that never existed
    assert find_status(second.store, second.deployment, reference, new_secret()) is None

    # staff see how many statuses the terminal holds
    capsys.readouterr()
    assert main(["status", "--home", str(other_home)]) == 0
    assert "offices' statuses held for visitors: 1" in capsys.readouterr().out
    first.store.close()
    second.store.close()
