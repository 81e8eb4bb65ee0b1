"""Staff accounts on a real SQLite file, a fake clock, and PIN hashes cheap enough to make many."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.crypto.keywrap import ScryptParams
from kiosk.session.clock import FakeClock
from kiosk.staff import directory
from kiosk.staff.records import Role, StaffRecord, hash_pin, pin_matches
from kiosk.store import Store

CHEAP = ScryptParams(n=2**10, r=8, p=1)


def account(staff_id: str, pin: str, role: Role = "staff", name: str | None = None) -> StaffRecord:
    return StaffRecord(
        id=staff_id, name=name or staff_id.title(), role=role, pin_hash=hash_pin(pin, CHEAP)
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kiosk.sqlite3"


@pytest.fixture
def open_store(db_path: Path) -> Iterator[Callable[[], Store]]:
    """Open the same database again; calling it twice is a restart."""
    opened: list[Store] = []

    def make() -> Store:
        store = Store(db_path)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


@pytest.fixture
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes the directory checked a PIN against, through the real pin_matches."""
    checked: list[str] = []

    def counting(pin: str, stored: str, pepper: bytes | None = None) -> bool:
        checked.append(stored)
        return pin_matches(pin, stored, pepper)

    monkeypatch.setattr(directory, "pin_matches", counting)
    return checked
