"""The SQLite store: migrations, refusal of newer schemas, and damaged or full disks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store import Store, StoreError
from kiosk.store.database import connect, migrate, schema_version
from kiosk.store.lockout import LockoutState
from kiosk.store.migrations import LATEST
from kiosk.store.outbox import OutboxItem

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def item(reference: str) -> OutboxItem:
    return OutboxItem(
        id=f"id-{reference}",
        reference=reference,
        form_id="wbs",
        form_version=1,
        office="wohnungsamt",
        application_date="2026-11-21",
        created_at=1.0,
        payload="eyJ...sealed",
        payload_sha256="0" * 64,
    )


def test_fresh_database_is_at_the_latest_schema_with_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.sqlite3")
    assert schema_version(store.db) == LATEST
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert set(store.db.table_names()) >= {
        "drafts",
        "outbox",
        "resume_tickets",
        "audit_log",
        "usage_counters",
        "settings",
        "catalog_snapshots",
        "staff_accounts",
        "pin_lockout",
    }
    assert store.integrity_ok()


@pytest.mark.parametrize("start", range(1, LATEST))
def test_migration_up_from_every_earlier_schema(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.sqlite3"
    db = connect(path)
    migrate(db, target=start)
    if start < 4:
        db.execute(
            "INSERT INTO outbox (id, reference, form_id, form_version, office, application_date, "
            "created_at, payload, payload_sha256) VALUES ('a', 'MD-1', 'wbs', 1, 'wohnungsamt', "
            "'2026-01-01', 1, 'sealed', 'h')"
        )
    else:  # v4 keeps payloads in a table of their own
        db.execute(
            "INSERT INTO outbox (id, reference, form_id, form_version, office, application_date, "
            "created_at, payload_sha256, payload_bytes) VALUES ('a', 'MD-1', 'wbs', 1, "
            "'wohnungsamt', '2026-01-01', 1, 'h', 6)"
        )
        db.execute("INSERT INTO outbox_payloads (id, payload) VALUES ('a', 'sealed')")
    db.execute(
        "INSERT INTO drafts (id, session_id, form_id, form_version, catalog_hash, state, blob, "
        "created_at, updated_at) VALUES ('d', 's', 'wbs', 1, 'h', 'active', x'00', 1, 1)"
    )
    db.execute("INSERT INTO settings VALUES ('terminal_id', 'T-1')")
    db.conn.commit()
    db.conn.close()
    store = Store(path)
    assert schema_version(store.db) == LATEST
    assert store.outbox.references() == ["MD-1"]
    assert store.outbox.counts_by_state() == {"pending": 1}
    assert store.drafts.count("active") == 1
    assert store.settings.get("terminal_id") == "T-1"
    store.outbox.add(item("MD-2"), remove_draft="d")
    assert store.drafts.count() == 0 and store.integrity_ok()


def test_the_staff_lockout_survives_the_move_to_two_counters(tmp_path: Path) -> None:
    """v6 splits the one wrong-PIN counter into the PIN pad's and the admin path's: a wait
    that was running before the upgrade runs on, and the admin path starts clean."""
    path = tmp_path / "v5.sqlite3"
    db = connect(path)
    migrate(db, target=5)
    db.execute("UPDATE staff_lockout SET failures = 5, locked_until = 1000, last_failure_at = 880")
    db.conn.commit()
    db.conn.close()
    store = Store(path)
    assert store.pin_lockout.get() == LockoutState(5, 1000.0, 880.0)
    assert store.pin_lockout.get("admin") == LockoutState(0, 0.0, None)
    store.pin_lockout.record_failure(now=2000, lock_seconds=lambda n: 10.0, path="admin")
    assert store.pin_lockout.get("admin") == LockoutState(1, 2010.0, 2000.0)
    assert store.pin_lockout.get().failures == 5
    assert store.pin_lockout.get("resume") == LockoutState(0, 0.0, None)


def test_the_journal_is_scrubbed_to_nothing(tmp_path: Path) -> None:
    """Ended visits leave no old row versions in the write-ahead log."""
    path = tmp_path / "k.sqlite3"
    store = Store(path)
    store.settings.set("probe", "x" * 50_000)
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 50_000
    assert store.scrub_journal()
    assert wal.stat().st_size == 0
    assert store.db.execute("PRAGMA temp_store").fetchone()[0] == 2  # memory


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError) as info:
        Store(path)
    assert info.value.kind == "newer_schema"
    assert "neueren Version" in info.value.message


def test_corrupt_file_gives_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite3"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        Store(path)
    assert info.value.kind == "corrupt"
    assert path.read_bytes() == before


def test_damaged_pages_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite3"
    store = Store(path)
    for n in range(200):
        store.outbox.add(item(f"MD-{n}"), remove_draft=None)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    data[8192:12288] = os.urandom(4096)  # scribble over a few pages
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        Store(path)  # the start-up check finds the damage before anything is written
    assert info.value.kind == "corrupt"


def test_read_only_disk(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite3"
    Store(path).close()
    store = Store(path, read_only=True)
    with pytest.raises(StoreError) as info:
        store.outbox.add(item("MD-X"), remove_draft=None)
    assert info.value.kind == "read_only"
    assert "nicht speichern" in info.value.message


def test_disk_full_on_submit_keeps_the_outbox_consistent(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    store.db.execute("PRAGMA max_page_count = 1")
    with pytest.raises(StoreError) as info:
        for n in range(500):
            store.outbox.add(item(f"MD-{n}"), remove_draft=None)
    assert info.value.kind == "disk_full"
    references = store.outbox.references()
    assert len(references) == len(set(references)) and store.integrity_ok()


def test_commands_explain_a_broken_database_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "kiosk.sqlite3").write_bytes(b"garbage" * 1000)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [KIOSK, "simulate", "--visitors", "1", "--home", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "beschädigt" in done.stderr and "corrupt" in done.stderr
    assert "Traceback" not in done.stderr
