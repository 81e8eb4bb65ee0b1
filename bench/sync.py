"""Sync throughput: batch protocol vs one request per application, server ingest, insert floor.

Run: ``.venv/bin/python bench/sync.py [--n 10000] [--single N] [--filler 1000]
[--no-postgres]``.

One process pair on 127.0.0.1: the central server (``kiosk server serve``) runs in a
process of its own, this process is the terminal with a real outbox (a SQLite store
filled through ``Outbox.add``) and the real sync client (``OutboxSync`` over
``DeviceTransport``, one keep-alive connection). Every run gets a fresh server
database, a fresh terminal store and a freshly enrolled device. Prints:
- the mean size of a sealed application (RSA-OAEP-256 + A256GCM, stand-in office copy);
- N applications synced by the batch protocol (the client's default batch): seconds,
  applications/s (median of three runs, each on a fresh server database);
- the same one application per request (the OpenRosa way): measured on ``--single``
  applications and extrapolated linearly to N when that is fewer (said so when it is);
- as a figure (``bench/ratios.py``): the batch protocol's rate against one request per
  application, both measured in this run (target: batch at least 20x faster);
- as figures: server ingest by the batch protocol on SQLite and on PostgreSQL (a
  private cluster with PostgreSQL's durable defaults; skipped, with the reason, when it
  is not installed), against the floor: the raw ``executemany`` insert of the same rows
  into the ``applications`` table of a fresh database of the same backend, opened by
  the server's own code, in one transaction (medians of five runs of each, taken in
  turns); target: ingest at least 50 % of the floor's rate.

  Server ingest is what the server process does with terminals' batch requests:
  reading, checking and storing them, over HTTP on keep-alive connections, as many at
  once as a terminal keeps on the way (``SyncSettings.in_flight``). The requests are
  built beforehand by the terminal's own code (``to_wire``, ``encode_batch``) from the
  same applications: a terminal's share (its outbox, building requests, recording
  answers) runs on the terminal, and here, on the same cores, it would be counted
  against the server. The end-to-end rate above (terminal and server on this machine)
  is shown against the same floor as a note, for comparison.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ratios import Report, at_least  # noqa: E402
from kiosk.crypto.sealing import write_key_pair  # noqa: E402
from kiosk.store import Store  # noqa: E402
from kiosk.store.outbox import OutboxItem, OutboxState  # noqa: E402
from sync.client.credential import enrol  # noqa: E402
from sync.client.transport import DeviceTransport, encode_batch  # noqa: E402
from sync.client.worker import OutboxSync, SyncSettings, to_wire  # noqa: E402
from sync.server.db import applications, open_engine  # noqa: E402
from sync.server.ingest import application_row  # noqa: E402
from tests.pgcluster import PostgresCluster, free_port  # noqa: E402
from tests.sync.conftest import sealed_application  # noqa: E402

OFFICE = "jobcenter"
BATCH_ITEMS = SyncSettings().max_items  # the product default
#: batch requests the server is given at once in the ingest run: what one terminal
#: keeps on the way
SENDERS = SyncSettings().in_flight
BATCH_TARGET = at_least(20.0)
INGEST_TARGET = at_least(0.5)
#: batch syncs and floor inserts are short: each is the median of this many runs
RUNS = 3
#: ingest and floor runs, taken in turns so that a slow spell of the disk (fsync times
#: on a shared machine vary twofold from minute to minute) weighs on both alike
INGEST_RUNS = 5


@dataclass(frozen=True)
class Timing:
    """How long syncing *count* applications took."""

    count: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds


# ------------------------------------------------------------ terminal side


def make_items(n: int, filler: int, folder: Path) -> list[OutboxItem]:
    """N applications sealed for one office, as a terminal's outbox holds them."""
    _private, public = write_key_pair(folder / "office_keys", OFFICE, bits=2048)
    pem = public.read_bytes()
    return [sealed_application(OFFICE, pem, filler=filler) for _ in range(n)]


def fill_store(path: Path, items: list[OutboxItem]) -> Store:
    """A new terminal store with *items* pending, each added the way a submit adds it."""
    store = Store(path)
    for item in items:
        store.outbox.add(item, remove_draft=None)
    return store


# ------------------------------------------------------------ server side


@contextmanager
def server_process(db: str, folder: Path) -> Iterator[str]:
    """``kiosk server serve`` in a process of its own on 127.0.0.1; yields its URL.

    The port is picked free just before the start; the server's output goes to a log
    file, whose end is shown if the server does not come up.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / f"server-{port}.log"
    command = [sys.executable, "-m", "cli.main", "server", "serve"]
    command += ["--db", db, "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(process, url, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    """Block until the health check answers 200: timing starts with a server ready to work."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    raise RuntimeError(f"the server at {url} did not become healthy; its log ends:\n{tail}")


def enrol_terminal(db: str, url: str, home: Path) -> str:
    """A device token, the way staff enrol a terminal: CLI on the server, then the terminal."""
    command = [sys.executable, "-m", "cli.main", "server", "enroll-device"]
    command += [f"bench-{uuid.uuid4().hex[:8]}", "--db", db]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return enrol(home, url, done.stdout.strip()).token


# ------------------------------------------------------------ the timed runs


def sync_all(store: Store, url: str, token: str, max_items: int, expected: int) -> float:
    """Seconds until the server has stored every item, counted by the terminal's outbox."""
    transport = DeviceTransport(url, token)
    worker = OutboxSync(store, transport, settings=SyncSettings(max_items=max_items))
    try:
        start = time.perf_counter()
        while True:
            report = worker.run_pass()
            if not report.ok:
                raise RuntimeError(f"sync failed: {report.error}")
            if store.outbox.counts_by_state() == {OutboxState.DONE: expected}:
                return time.perf_counter() - start
            if report.sent == 0:
                raise RuntimeError(f"sync stalled with outbox {report.counts}")
    finally:
        transport.close()


def timed_sync(db: str, items: list[OutboxItem], max_items: int, folder: Path) -> Timing:
    """One complete run: server on *db*, new store with *items*, enrolment, timed sync."""
    home = Path(tempfile.mkdtemp(prefix="terminal-", dir=folder))
    store = fill_store(home / "kiosk.sqlite3", items)
    try:
        with server_process(db, folder) as url:
            token = enrol_terminal(db, url, home)
            seconds = sync_all(store, url, token, max_items, len(items))
    finally:
        store.close()
    return Timing(len(items), seconds)


def batch_bodies(items: list[OutboxItem]) -> list[bytes]:
    """The batch requests a terminal sends for *items*, built by its own code."""
    return [
        encode_batch([to_wire(item) for item in items[start : start + BATCH_ITEMS]])
        for start in range(0, len(items), BATCH_ITEMS)
    ]


def post_all(url: str, token: str, bodies: list[bytes], expected: int) -> float:
    """Seconds until the server has answered every body, SENDERS at a time, each sender
    on a keep-alive connection of its own; every item must come back ``accepted``."""
    waiting = list(reversed(bodies))
    lock = threading.Lock()
    accepted = 0
    transports = [DeviceTransport(url, token) for _ in range(SENDERS)]

    def send(transport: DeviceTransport) -> None:
        nonlocal accepted
        while True:
            with lock:
                if not waiting:
                    return
                body = waiting.pop()
            reply = transport.post_batch(body)
            with lock:
                accepted += sum(result.status == "accepted" for result in reply.results)

    try:
        for transport in transports:  # connected before the clock starts
            transport.info()
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=SENDERS) as pool:
            list(pool.map(send, transports))
        seconds = time.perf_counter() - start
    finally:
        for transport in transports:
            transport.close()
    if accepted != expected:
        raise RuntimeError(f"the server accepted {accepted} of {expected} applications")
    return seconds


def timed_ingest(db: str, bodies: list[bytes], count: int, folder: Path) -> Timing:
    """One ingest run: server on *db*, an enrolled terminal's token, *bodies* posted."""
    home = Path(tempfile.mkdtemp(prefix="terminal-", dir=folder))
    with server_process(db, folder) as url:
        token = enrol_terminal(db, url, home)
        seconds = post_all(url, token, bodies, count)
    return Timing(count, seconds)


def server_rows(items: list[OutboxItem]) -> list[dict[str, Any]]:
    """The rows the server would store for *items*, built by the server's own code."""
    device_id = str(uuid.uuid4())
    now = time.time()
    return [application_row(to_wire(item), device_id, now) for item in items]


def insert_floor(url: str, rows: list[dict[str, Any]]) -> Timing:
    """All rows in one ``executemany`` transaction: no HTTP, no JSON, no per-batch commits."""
    engine = open_engine(url)
    try:
        start = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.insert(applications), rows)
        seconds = time.perf_counter() - start
        with engine.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(applications)).scalar()
    finally:
        engine.dispose()
    if stored != len(rows):
        raise RuntimeError(f"the floor run stored {stored} of {len(rows)} rows")
    return Timing(len(rows), seconds)


# ------------------------------------------------------------ output


def start_postgres(wanted: bool) -> tuple[PostgresCluster | None, str]:
    """A private, durable PostgreSQL cluster, or None and why there is none."""
    if not wanted:
        return None, "--no-postgres"
    try:
        return PostgresCluster(durable=True), ""
    except FileNotFoundError as exc:
        return None, str(exc)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        return None, f"the cluster did not start: {detail[-1] if detail else exc}"


def say(text: str) -> None:
    print(text, flush=True)


def report_sync(label: str, seconds: float, rate: float, how: str) -> None:
    say(f"{label:<32}{seconds:9.2f} s {rate:9,.0f} applications/s  ({how})")


def middle(timings: list[Timing]) -> Timing:
    """The median run of *timings*."""
    return sorted(timings, key=lambda timing: timing.seconds)[len(timings) // 2]


def median(run: Callable[[], Timing]) -> Timing:
    """The median of RUNS runs of *run*, each on a fresh database."""
    return middle([run() for _ in range(RUNS)])


def in_turns(ingest: Callable[[], Timing], floor: Callable[[], Timing]) -> tuple[Timing, Timing]:
    """The medians of INGEST_RUNS runs of each, taken in turns."""
    pairs = [(floor(), ingest()) for _ in range(INGEST_RUNS)]
    return middle([i for _, i in pairs]), middle([f for f, _ in pairs])


def fresh_files(folder: Path, name: str) -> Callable[[], str]:
    """A new SQLite file in *folder* at each call."""
    counter = iter(range(1_000_000))
    return lambda: str(folder / f"{name}-{next(counter)}.sqlite3")


def report_ingest(report: Report, backend: str, ingest: Timing, floor: Timing) -> None:
    report.figure(
        f"server ingest, {backend} (vs executemany)",
        ingest.rate,
        floor.rate,
        "rows/s",
        INGEST_TARGET,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=10_000, help="applications (default 10,000)")
    parser.add_argument(
        "--single",
        type=int,
        default=None,
        help="applications sent one per request (default: all of --n); fewer are "
        "extrapolated linearly to --n",
    )
    parser.add_argument(
        "--filler", type=int, default=1_000, help="random answer bytes per application"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite server only")
    args = parser.parse_args()
    if args.single is None:
        args.single = args.n
    if args.n < 1 or args.single < 1 or args.filler < 0:
        parser.error("--n and --single must be at least 1, --filler at least 0")
    single = min(args.single, args.n)
    began = time.perf_counter()
    report = Report("sync")

    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-sync-"))
    cluster, skipped = start_postgres(not args.no_postgres)
    try:
        items = make_items(args.n, args.filler, folder)
        mean = sum(len(item.payload or "") for item in items) / len(items)
        say(
            f"{args.n:,} sealed applications (RSA-OAEP-256 + A256GCM), mean payload "
            f"{mean:,.0f} bytes (--filler {args.filler:,})"
        )

        batch_db = fresh_files(folder, "batch")
        batch = median(lambda: timed_sync(batch_db(), items, BATCH_ITEMS, folder))
        report_sync(
            f"batch protocol, {BATCH_ITEMS} per request", batch.seconds, batch.rate, "measured"
        )

        measured = timed_sync(str(folder / "single.sqlite3"), items[:single], 1, folder)
        total = measured.seconds * args.n / single
        how = (
            "measured"
            if single == args.n
            else f"EXTRAPOLATED linearly from {single:,} in {measured.seconds:.2f} s"
        )
        report_sync("one request per application", total, measured.rate, how)
        report.figure(
            "batch protocol (vs one request each)",
            args.n / batch.seconds,
            args.n / total,
            "apps/s",
            BATCH_TARGET,
        )

        say(
            f"server ingest ({SENDERS} batch requests of {BATCH_ITEMS} at once, built "
            "beforehand by the terminal's code) against the raw insert floor:"
        )
        rows = server_rows(items)
        bodies = batch_bodies(items)
        floor_db, ingest_db = fresh_files(folder, "floor"), fresh_files(folder, "ingest")
        ingest, floor = in_turns(
            lambda: timed_ingest(ingest_db(), bodies, len(items), folder),
            lambda: insert_floor(floor_db(), rows),
        )
        report_ingest(report, "SQLite", ingest, floor)
        report.note(
            f"  (terminal and server together on this machine, end to end as above: "
            f"{batch.rate:,.0f} applications/s, {batch.rate / floor.rate:.2f} of this floor)"
        )
        if cluster is None:
            say(f"  PostgreSQL skipped: {skipped}")
        else:
            new_database = cluster.new_database
            pg_ingest, pg_floor = in_turns(
                lambda: timed_ingest(new_database(), bodies, len(items), folder),
                lambda: insert_floor(new_database(), rows),
            )
            report_ingest(report, "PostgreSQL", pg_ingest, pg_floor)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    say(f"total benchmark time {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
