"""A terminal on a real SQLite file with a fake clock and cheap scrypt, and office keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.crypto.keywrap import ScryptParams
from kiosk.crypto.sealing import write_key_pair
from kiosk.session.clock import FakeClock
from kiosk.session.terminal import SessionConfig, Terminal
from kiosk.store import Store

FAST = SessionConfig(scrypt=ScryptParams(n=2**10))
OFFICES = ["auslaenderbehoerde", "jobcenter", "jugendamt", "wohnungsamt", "sozialamt", "schulamt"]


@pytest.fixture(scope="session")
def office_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office_keys")
    for office in OFFICES:
        write_key_pair(folder, office, bits=2048)
    return folder


@pytest.fixture
def home(tmp_path: Path, office_keys: Path) -> Path:
    (tmp_path / "office_keys").symlink_to(office_keys, target_is_directory=True)
    return tmp_path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_terminal(home: Path, clock: FakeClock, demo: CompiledCatalog) -> Callable[..., Terminal]:
    """A new Terminal over the same database: calling it twice is a restart."""
    stores: list[Store] = []

    def make(catalog: CompiledCatalog | None = None, config: SessionConfig = FAST) -> Terminal:
        store = Store(home / "kiosk.sqlite3")
        stores.append(store)
        return Terminal(store, catalog or demo, home, clock=clock, config=config)

    yield make  # type: ignore[misc]
    for store in stores:
        store.close()


@pytest.fixture
def terminal(make_terminal: Callable[..., Terminal]) -> Terminal:
    return make_terminal()
