"""At submit, the receipt gets a status secret: on paper and in the session's memory only.

The outbox keeps the status key made from it (the office's status comes back under that
key); the secret itself is in no file of the terminal, in no form: not in the database,
not in its write-ahead log, not in the log files, not in the sealed application.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from kiosk.crypto.sealing import unseal
from kiosk.session.codes import normalise
from kiosk.session.receipt_status import find_status, is_key, qr_text, status_key, well_formed
from kiosk.session.terminal import Terminal
from kiosk.store.receipt_status import StatusRow
from tests.session.test_visitor_session import SOZIALTICKET, fill


def spellings(secret: str) -> list[bytes]:
    """Every way the secret could have been written down: as printed, without dashes,
    lower case, and in UTF-16 (as some libraries store text)."""
    plain = normalise(secret)
    texts = {secret, plain, secret.lower(), plain.lower()}
    return [t.encode(encoding) for t in texts for encoding in ("utf-8", "utf-16-le")]


def every_file(home: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and not p.is_symlink()}


def test_the_secret_is_on_the_receipt_and_nowhere_on_the_disk(
    terminal: Terminal, home: Path, office_keys: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    session = terminal.start_session("uk")
    session.open_form("sozialticket")
    fill(session, SOZIALTICKET)
    receipt = session.submit()
    secret = receipt.status_secret
    assert well_formed(receipt.reference, secret)
    assert receipt.record is not None and receipt.record.status_secret == secret
    assert receipt.record.status_qr == qr_text(receipt.reference, secret)
    assert secret not in repr(receipt) and secret not in repr(receipt.record)

    item = terminal.store.outbox.get(receipt.reference)
    assert item is not None and item.status_key is not None and is_key(item.status_key)
    assert item.status_key == status_key(terminal.deployment, receipt.reference, secret)

    files = every_file(home)
    assert any(p.name == "kiosk.sqlite3-wal" for p in files)  # the log of the write is read too
    database = b"".join(data for p, data in files.items() if p.name.startswith("kiosk.sqlite3"))
    assert item.status_key.encode() in database  # the key is stored, where the sync finds it
    for path, data in files.items():
        for spelling in spellings(secret):
            assert spelling not in data, path
    for record in caplog.records:
        assert normalise(secret) not in normalise(record.getMessage())
    # not for the office either: the sealed application carries no secret
    office = (office_keys / "sozialamt.key.pem").read_bytes()
    sealed = json.dumps(unseal(item.payload, office)).encode()
    assert not any(spelling in sealed for spelling in spellings(secret))


def test_a_status_for_the_key_is_found_with_the_receipt_alone(terminal: Terminal) -> None:
    """What a later lookup needs is the reference and the secret of the paper, and the
    row the sync brings under the outbox item's key."""
    session = terminal.start_session("ar")
    session.open_form("sozialticket")
    fill(session, SOZIALTICKET)
    receipt = session.submit()
    item = terminal.store.outbox.get(receipt.reference)
    assert item is not None and item.status_key is not None
    terminal.store.receipt_statuses.put_many(
        [StatusRow(item.status_key, "sozialamt", "received", "2026-11-23")], now=0.0
    )
    session.end("finished")
    found = find_status(
        terminal.store, terminal.deployment, receipt.reference, receipt.status_secret
    )
    assert found is not None and (found.office, found.status) == ("sozialamt", "received")
