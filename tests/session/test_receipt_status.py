"""A receipt's status key: made from the reference and a secret only the receipt carries,
the same at every terminal of a deployment, and found only with both."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.session.codes import new_reference
from kiosk.session.receipt_status import (
    Status,
    find_status,
    is_key,
    new_secret,
    parse_scan,
    qr_text,
    status_key,
    well_formed,
)
from kiosk.store import Store
from kiosk.store.receipt_status import StatusRow

REFERENCE = "MD-GD3C-95SY-J"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "kiosk.sqlite3")


def test_the_key_is_the_same_however_the_receipt_is_typed() -> None:
    secret = new_secret()
    key = status_key("dortmund", REFERENCE, secret)
    assert is_key(key)
    for reference, typed in [
        ("MD-GD3C-95SY-J", secret),
        ("mdgd3c95syj", secret.lower().replace("-", "")),
        ("GD3C 95SY J", secret.replace("-", " ")),
    ]:
        assert status_key("dortmund", reference, typed) == key


@pytest.mark.parametrize(
    ("deployment", "reference", "other_secret"),
    [
        ("bochum", REFERENCE, False),  # another city's terminals
        ("dortmund", "MD-GD3C-95SY-K", False),  # another receipt
        ("dortmund", REFERENCE, True),  # the right reference, a guessed secret
    ],
)
def test_anything_else_makes_another_key(
    deployment: str, reference: str, other_secret: bool
) -> None:
    secret = new_secret()
    key = status_key("dortmund", REFERENCE, secret)
    assert status_key(deployment, reference, new_secret() if other_secret else secret) != key


def test_secrets_are_fresh_and_carry_a_check_character() -> None:
    secrets = {new_secret() for _ in range(200)}
    assert len(secrets) == 200
    for secret in secrets:
        assert well_formed(REFERENCE, secret)
        wrong = ("0" if secret[0] != "0" else "1") + secret[1:]
        assert not well_formed(REFERENCE, wrong)  # one wrong character is caught


@pytest.mark.parametrize(
    ("scanned", "parsed"),
    [
        ("MDSTATUS:MDGD3C95SYJ:SEMJRBS35", ("MDGD3C95SYJ", "SEMJRBS35")),
        ("  mdstatus:MDGD3C95SYJ:SEMJRBS35\n", ("MDGD3C95SYJ", "SEMJRBS35")),
        ("MDSTATUS:MDGD3C95SYJ:SEMJRBS36", None),  # a check character that does not fit
        ("MDSTATUS:MDGD3C95SYJ", None),
        ("MDSTATUS:MDGD3C95SYJ:SEMJRBS35:X", None),
        ("https://example.org/?MDGD3C95SYJ", None),  # another QR code
        ("MDSTATUS:" + "A" * 10_000, None),  # a scanner gone wrong: bounded, refused
        ("", None),
    ],
)
def test_what_a_scanner_types(scanned: str, parsed: tuple[str, str] | None) -> None:
    assert parse_scan(scanned) == parsed


def test_the_qr_text_reads_back() -> None:
    reference, secret = new_reference(), new_secret()
    found = parse_scan(qr_text(reference, secret))
    assert found is not None
    assert status_key("dortmund", *found) == status_key("dortmund", reference, secret)


def test_a_status_is_found_only_with_the_receipt(store: Store) -> None:
    secret = new_secret()
    key = status_key("dortmund", REFERENCE, secret)
    store.receipt_statuses.put_many(
        [StatusRow(key, "jobcenter", Status.RECEIVED, "2026-11-23")], now=1000.0
    )
    found = find_status(store, "dortmund", REFERENCE, secret)
    assert found == StatusRow(key, "jobcenter", "received", "2026-11-23")
    # a wrong secret, an unknown reference and a typo all give the same answer: nothing
    assert find_status(store, "dortmund", REFERENCE, new_secret()) is None
    assert find_status(store, "dortmund", new_reference(), secret) is None
    typo = secret[:-1] + ("0" if secret[-1] != "0" else "1")
    assert find_status(store, "dortmund", REFERENCE, typo) is None
    assert find_status(store, "bochum", REFERENCE, secret) is None


def test_a_newer_status_replaces_the_older_and_old_ones_go(store: Store) -> None:
    secret = new_secret()
    key = status_key("dortmund", REFERENCE, secret)
    store.receipt_statuses.put_many(
        [StatusRow(key, "jobcenter", Status.RECEIVED, "2026-11-23")], now=1000.0
    )
    store.receipt_statuses.put_many(
        [StatusRow(key, "jobcenter", Status.DOCUMENTS_MISSING, "2026-11-30")], now=2000.0
    )
    found = find_status(store, "dortmund", REFERENCE, secret)
    assert found is not None and found.status == "documents_missing"
    assert store.receipt_statuses.count() == 1
    assert store.receipt_statuses.purge_stored_before(3000.0) == 1
    assert find_status(store, "dortmund", REFERENCE, secret) is None


def test_a_status_the_kiosk_does_not_know_is_not_shown(store: Store) -> None:
    secret = new_secret()
    key = status_key("dortmund", REFERENCE, secret)
    store.receipt_statuses.put_many([StatusRow(key, "jobcenter", "<b>hi</b>", "x")], now=1.0)
    assert find_status(store, "dortmund", REFERENCE, secret) is None
