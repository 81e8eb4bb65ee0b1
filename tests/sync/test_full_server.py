"""A server short of room answers 503 with its reason; the terminal then sends smaller batches.

The server's SQLite is capped (``PRAGMA max_page_count``), so a large batch fails for
real with SQLITE_FULL. Halving the batch after each 503 lets what still fits through,
instead of the same too-large batch failing for ever.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiosk.crypto.sealing import generate_office_key
from kiosk.store import Store
from sync.client.transport import DeviceTransport
from sync.client.worker import OutboxSync, SyncSettings
from sync.server.db import open_engine
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import enrol_device, sealed_application

ITEM_BYTES = 60_000


def capped_engine(path: Path, extra_pages: int) -> Engine:
    engine = open_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        pages = int(conn.execute(sa.text("PRAGMA page_count")).scalar_one())
    engine.dispose()

    @sa.event.listens_for(engine, "connect")
    def _cap(dbapi_conn: object, _record: object) -> None:
        cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
        cursor.execute(f"PRAGMA max_page_count = {pages + extra_pages}")
        cursor.close()

    return engine


def test_after_a_503_smaller_batches_let_what_fits_through(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    _, token = enrol_device(engine)
    engine.dispose()
    # room for about three applications of ITEM_BYTES (4 KiB pages), not for eight
    engine = capped_engine(tmp_path / "server.sqlite3", extra_pages=3 * ITEM_BYTES // 4096 + 20)
    store = Store(tmp_path / "terminal.sqlite3")
    public = generate_office_key(2048)[1]
    for _ in range(8):
        store.outbox.add(
            sealed_application("jobcenter", public, filler=ITEM_BYTES), remove_draft=None
        )
    with EmbeddedServer(engine) as server:
        transport = DeviceTransport(server.url, token)
        sync = OutboxSync(store, transport, settings=SyncSettings(max_items=8))
        first = sync.run_pass()
        assert first.error is not None and "503" in first.error and "database" in first.error
        assert store.outbox.counts_by_state() == {"pending": 8}  # nothing lost
        assert sync.max_items == 4
        stored = 0
        for _ in range(4):  # the loop's next passes, each after its backoff
            stored += sync.run_pass().stored
        transport.close()
    engine.dispose()
    assert stored >= 2 and sync.max_items <= 2
    counts = store.outbox.counts_by_state()
    assert counts.get("done", 0) == stored and counts.get("pending", 0) == 8 - stored
    store.close()
