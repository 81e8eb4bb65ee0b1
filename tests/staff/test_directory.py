"""Which accounts a terminal accepts (its own and the bundle's), and finding one by PIN."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.staff.directory import StaffDirectory
from kiosk.store import Store
from kiosk.store.database import connect, migrate
from kiosk.store.lockout import LockoutState
from tests.staff.conftest import account

NOW = 1_790_000_000.0


def test_local_accounts_round_trip_through_the_database(open_store: Callable[[], Store]) -> None:
    store = open_store()
    anna = account("anna", "482913", role="admin", name="Anna Kowalska")
    assert store.staff_accounts.add(anna, now=NOW)
    assert not store.staff_accounts.add(account("anna", "571028"), now=NOW)
    assert store.staff_accounts.add(account("bo", "730164"), now=NOW)
    store.close()

    again = open_store()
    assert again.staff_accounts.get("anna") == anna
    assert [r.id for r in again.staff_accounts.all()] == ["anna", "bo"]
    newer = account("anna", "571028", name="Anna K.")
    assert again.staff_accounts.replace(newer, now=NOW)
    assert again.staff_accounts.get("anna") == newer
    assert not again.staff_accounts.replace(account("cem", "905317"), now=NOW)
    assert again.staff_accounts.remove("bo")
    assert not again.staff_accounts.remove("bo")
    assert again.staff_accounts.get("bo") is None
    assert [r.id for r in again.staff_accounts.all()] == ["anna", "cem"]


def test_bundle_accounts_win_over_local_ones_with_the_same_id(store: Store) -> None:
    store.staff_accounts.add(account("anna", "482913", role="admin"), now=0)
    store.staff_accounts.add(account("bo", "730164"), now=0)
    directory = StaffDirectory(store.staff_accounts)
    assert [(r.id, r.role) for r in directory.accounts()] == [("anna", "admin"), ("bo", "staff")]

    central = account("anna", "571028", role="staff", name="Anna (central)")
    directory.set_bundle_staff([central, account("cem", "905317")])
    assert [(r.id, r.name) for r in directory.accounts()] == [
        ("anna", "Anna (central)"),
        ("cem", "Cem"),
        ("bo", "Bo"),
    ]
    assert directory.find("482913") is None  # the local PIN of an overridden account is gone
    assert directory.find("571028") == central

    directory.set_bundle_staff(None)  # a bundle without a staff list
    assert directory.bundle_staff is None
    assert [r.id for r in directory.accounts()] == ["anna", "bo"]
    directory.set_bundle_staff([])
    assert [r.id for r in directory.accounts()] == ["anna", "bo"]


def test_find_checks_every_account_whichever_matches(store: Store, hash_checks: list[str]) -> None:
    directory = StaffDirectory(store.staff_accounts)
    directory.set_bundle_staff([account(f"s{i}", f"{482910 + i}") for i in range(5)])
    expected = [r.pin_hash for r in directory.accounts()]

    found = directory.find("482910")
    assert found is not None and found.id == "s0"
    assert hash_checks == expected  # no early stop after the first account

    hash_checks.clear()
    assert directory.find("000001") is None
    assert hash_checks == expected


def test_a_local_account_added_later_counts_without_a_restart(store: Store) -> None:
    directory = StaffDirectory(store.staff_accounts)
    assert directory.find("482913") is None
    store.staff_accounts.add(account("anna", "482913"), now=0)
    found = directory.find("482913")
    assert found is not None and found.id == "anna"


def test_a_pin_on_both_lists_unlocks_as_the_bundle_account_without_logging_who(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store.staff_accounts.add(account("local.anna", "482913"), now=0)
    directory = StaffDirectory(store.staff_accounts)
    directory.set_bundle_staff([account("central.anna", "482913")])
    found = directory.find("482913")
    assert found is not None and found.id == "central.anna"
    assert "share one PIN" in caplog.text
    assert "anna" not in caplog.text and "482913" not in caplog.text


def test_a_damaged_row_does_not_lock_the_others_out(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.staff_accounts.add(account("anna", "482913"), now=0)
    store.db.execute(
        "INSERT INTO staff_accounts (id, name, role, pin_hash, created_at) "
        "VALUES ('Not An Id', 'x', 'staff', 'garbage', 0)"
    )
    store.db.conn.commit()
    directory = StaffDirectory(store.staff_accounts)
    assert [r.id for r in directory.accounts()] == ["anna"]
    found = directory.find("482913")
    assert found is not None and found.id == "anna"
    assert "damaged" in caplog.text and "garbage" not in caplog.text


def test_an_upgraded_terminal_starts_with_no_accounts_and_no_lock(db_path: Path) -> None:
    db = connect(db_path)
    migrate(db, target=4)
    db.conn.close()
    store = Store(db_path)
    try:
        assert store.staff_accounts.all() == []
        assert store.pin_lockout.get() == LockoutState(0, 0.0, None)
    finally:
        store.close()
