"""Local store: autosave, resume, visit end and database size, each as a ratio to a floor.

Run: ``.venv/bin/python bench/store.py [--visitors 1000] [--saves 3000]``. Prints one
line per figure (``bench/ratios.py``), each beside a floor measured in the same run:
- autosave of one changed answer (encrypt the draft, wrap its key for crash recovery,
  upsert, commit in WAL), p50 and p99, against a raw ``sqlite3`` upsert and commit of
  a row of the same size into a database with the same journal and sync settings in
  the same folder: target <= 3x;
- resuming a parked visit with the terminal's real scrypt cost, against one bare
  scrypt over code and PIN (lookup and key both come from that one derivation):
  target <= 1.5x;
- ending a visit (drafts deleted, log cut to nothing) against the raw ``sqlite3``
  delete, commit and ``wal_checkpoint(TRUNCATE)`` in the floor database: target <= 3x;
- the database size per 1,000 submitted applications after a ``kiosk simulate``-style
  run, against the same rows copied into a plain SQLite file without indexes (the
  bytes the data needs): target <= 2x.
The simulated throughput (visitors per second) is printed as context.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ratios import Report, at_most, interleaved_ms, p50, percentile  # noqa: E402
from kiosk.catalog.build import build_catalog  # noqa: E402
from kiosk.crypto.keywrap import ScryptParams, derive  # noqa: E402
from kiosk.crypto.sealing import write_key_pair  # noqa: E402
from kiosk.session.clock import FakeClock  # noqa: E402
from kiosk.session.terminal import Terminal  # noqa: E402
from kiosk.simulation.driver import simulate  # noqa: E402
from kiosk.store import Store  # noqa: E402

SAVE_TARGET = at_most(3.0)
RESUME_TARGET = at_most(1.5)
END_TARGET = at_most(3.0)
SIZE_TARGET = at_most(2.0)


class RawDrafts:
    """The floor: one table of drafts in a plain ``sqlite3`` file, WAL, synchronous=NORMAL
    (the store's durability for drafts), written with one upsert and a commit."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute(
            "CREATE TABLE drafts (id TEXT PRIMARY KEY, session_id TEXT, blob BLOB, "
            "recovery_wrap BLOB, updated_at REAL)"
        )
        self.count = 0

    def save(self, blob: bytes, wrap: bytes) -> None:
        self.count += 1
        self.db.execute("BEGIN")
        self.db.execute(
            "INSERT INTO drafts VALUES ('d', 's', ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "blob = excluded.blob, recovery_wrap = excluded.recovery_wrap, "
            "updated_at = excluded.updated_at",
            [blob, wrap, float(self.count)],
        )
        self.db.execute("COMMIT")

    def end(self) -> None:
        self.db.execute("BEGIN")
        self.db.execute("DELETE FROM drafts WHERE session_id = 's'")
        self.db.execute("COMMIT")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.db.close()


def last_draft_sizes(store: Store) -> tuple[int, int]:
    """Sizes of the newest draft's encrypted blob and key wrap: what the floor writes."""
    row = store.db.execute(
        "SELECT length(blob), coalesce(length(recovery_wrap), 0) FROM drafts "
        "ORDER BY updated_at DESC LIMIT 1"
    ).fetchone()
    return int(row[0]), int(row[1])


def autosave_figures(report: Report, terminal: Terminal, raw: RawDrafts, saves: int) -> float:
    session = terminal.start_session("uk")
    session.open_form("buergergeld")
    for n in range(40):  # every answer the timed saves change is there from the start
        session.answer(f"field_{n}", f"Antwort Nummer {n} mit etwas Text")
    session.flush()
    blob_size, wrap_size = last_draft_sizes(terminal.store)
    blob, wrap = b"\x5a" * blob_size, b"\x5a" * wrap_size
    count = 0

    def autosave() -> None:
        nonlocal count
        count += 1
        session.answer(f"field_{count % 40}", f"Antwort Nummer {count} mit etwas Text")
        session.flush()

    times = interleaved_ms({"autosave": autosave, "floor": lambda: raw.save(blob, wrap)}, saves)
    session.end("finished")
    report.note(
        f"autosave: {saves} answers, draft {blob_size:,} bytes + key wrap {wrap_size} bytes; "
        "floor: raw sqlite3 upsert + commit of a row that size"
    )
    for name, q in [("p50", 0.5), ("p99", 0.99)]:
        report.figure(
            f"autosave one answer, {name}",
            percentile(times["autosave"], q),
            percentile(times["floor"], q),
            "ms",
            SAVE_TARGET,
        )
    return p50(times["autosave"])


def resume_figures(report: Report, terminal: Terminal, raw: RawDrafts) -> None:
    bare, resumes, ends, raw_ends = [], [], [], []
    for n in range(7):
        start = time.perf_counter()
        derive(f"G0D7N7A2TA{n}:4711", b"0" * 16, ScryptParams())
        bare.append((time.perf_counter() - start) * 1000)
        session = terminal.start_session("uk")
        session.open_form("buergergeld")
        session.answer("field_1", "Antwort")
        ticket = session.continue_later("4711")
        start = time.perf_counter()
        resumed = terminal.resume(ticket.code, "4711", "uk")
        resumes.append((time.perf_counter() - start) * 1000)
        resumed.answer("field_2", "Noch eine Antwort")
        resumed.flush()
        start = time.perf_counter()
        resumed.end("finished")
        ends.append((time.perf_counter() - start) * 1000)
        raw.save(b"\x5a" * 2000, b"\x5a" * 100)
        start = time.perf_counter()
        raw.end()
        raw_ends.append((time.perf_counter() - start) * 1000)
    report.note("resume: floor one bare scrypt; visit end: floor raw delete + checkpoint")
    report.figure("resume with code + PIN, p50", p50(resumes), p50(bare), "ms", RESUME_TARGET)
    report.figure("end a visit (wipe, log cut), p50", p50(ends), p50(raw_ends), "ms", END_TARGET)


def plain_copy_size(database: Path, folder: Path) -> int:
    """Bytes of every row of *database* (but the catalog snapshots) copied into a plain
    SQLite file: the same data without indexes, constraints or free pages."""
    copy = folder / "plain-copy.sqlite3"
    db = sqlite3.connect(copy)
    db.execute("ATTACH DATABASE ? AS src", [f"file:{database}?mode=ro"])
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM src.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'catalog_snapshots'"
        )
    ]
    for table in tables:
        db.execute(f'CREATE TABLE "{table}" AS SELECT * FROM src."{table}"')
    db.commit()
    db.execute("DETACH DATABASE src")
    db.close()
    return copy.stat().st_size


def size_figure(report: Report, terminal: Terminal, clock: FakeClock, home: Path, n: int) -> None:
    outcome = simulate(terminal, clock, visitors=n, seed=1, emit=lambda _: None)
    submitted = len(outcome.submitted)
    report.note(
        f"simulate: {n} visitors, {submitted} submitted, {len(outcome.parked)} parked, in "
        f"{outcome.seconds:.1f} s: {n / outcome.seconds:.1f} visitors/s (context, no figure)"
    )
    store = terminal.store
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in home.glob("kiosk.sqlite3*"))
    snapshot = store.db.execute(
        "SELECT coalesce(sum(length(data)), 0) FROM catalog_snapshots"
    ).fetchone()[0]
    floor = plain_copy_size(home / "kiosk.sqlite3", home)
    if not submitted:
        raise RuntimeError("the simulation submitted nothing")
    report.note(
        f"database: {size / 1e6:.1f} MB in all, {snapshot / 1e6:.1f} MB of it the catalog "
        "snapshot (left out); floor: the same rows in a plain SQLite file"
    )
    per_thousand = 1000 / submitted / 1e6
    report.figure(
        "database per 1,000 submitted applications",
        (size - snapshot) * per_thousand,
        floor * per_thousand,
        "MB",
        SIZE_TARGET,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--visitors", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=3000, help="autosaves timed")
    args = parser.parse_args()
    catalog = build_catalog(ROOT / "forms_catalog").catalog
    if catalog is None:
        raise RuntimeError("the demo catalog does not build")
    report = Report("store")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        for office in catalog.catalog.offices:
            write_key_pair(home / "office_keys", office.id)
        store = Store(home / "kiosk.sqlite3")
        raw = RawDrafts(home / "floor.sqlite3")
        clock = FakeClock(start=time.time())
        terminal = Terminal(store, catalog, home, clock=clock)
        autosave_figures(report, terminal, raw, args.saves)
        resume_figures(report, terminal, raw)
        raw.close()
        size_figure(report, terminal, clock, home, args.visitors)
        store.close()


if __name__ == "__main__":
    main()
