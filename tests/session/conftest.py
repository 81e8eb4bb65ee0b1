"""A terminal on a real SQLite file with a fake clock and cheap scrypt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.clock import FakeClock
from kiosk.session.config import SessionConfig
from kiosk.session.terminal import Terminal
from kiosk.store import Store
from tests.conftest import FAST


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
