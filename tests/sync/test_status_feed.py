"""Status back to the visitor, over real HTTP, on SQLite and on PostgreSQL.

A terminal sends applications with the status key its receipts open; the office files
them (``received``, the day it filed them) and sets a status of its own; any terminal
of the deployment then holds, per key, the office, the newest status and its day, and
nothing else of the application.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cli.main import main
from kiosk.session.codes import new_reference
from kiosk.session.receipt_status import Status, find_status, new_secret, status_key
from kiosk.store import Store
from kiosk.store.outbox import OutboxItem
from kiosk.store.receipt_status import StatusRow
from sync import protocol as p
from sync.client import status_feed
from sync.client.office import OfficeClient
from sync.client.status import sync_status
from sync.client.transport import DeviceTransport
from sync.client.worker import OutboxSync, PassReport, to_wire
from sync.server import statuses as server_statuses
from sync.server.app import create_app
from sync.server.db import applications, database_url, statuses
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer, enrol_device, sealed_application

DEPLOYMENT = "demo"


@dataclasses.dataclass(frozen=True)
class Receipt:
    """What the visitor takes home: the reference, and the secret only the receipt holds."""

    item: OutboxItem
    secret: str

    @property
    def key(self) -> str:
        assert self.item.status_key is not None
        return self.item.status_key


def submit(
    store: Store, office_keys: Path, office: str = "jobcenter", *, keyed: bool = True
) -> Receipt:
    """An application put into the outbox as the terminal's submit does it."""
    reference, secret = new_reference(), new_secret()
    key = status_key(DEPLOYMENT, reference, secret) if keyed else None
    public = (office_keys / f"{office}.pub.pem").read_bytes()
    item = sealed_application(office, public, reference=reference, status_key=key)
    store.outbox.add(item, remove_draft=None)
    return Receipt(item, secret)


def quick(store: Store, office_keys: Path, n: int, office: str = "jobcenter") -> list[OutboxItem]:
    """*n* applications with random status keys (no scrypt: for counting and paging)."""
    public = (office_keys / f"{office}.pub.pem").read_bytes()
    items = [sealed_application(office, public, status_key=secrets.token_hex(32)) for _ in range(n)]
    for item in items:
        store.outbox.add(item, remove_draft=None)
    return items


def sync_once(url: str, token: str, store: Store) -> PassReport:
    transport = DeviceTransport(url, token, timeout=30)
    try:
        return OutboxSync(store, transport).run_pass()
    finally:
        transport.close()


def file_all(url: str, token: str, office_keys: Path, out: Path, office: str = "jobcenter") -> None:
    """The office tool's fetch: each application filed and acknowledged."""
    client = OfficeClient(url, token)
    try:
        key = (office_keys / f"{office}.key.pem").read_bytes()
        report = client.fetch([key], out, office=office)
    finally:
        client.close()
    assert not report.failed and not report.quarantined


def feed(client: httpx.Client, token: str, *, after: int = 0, limit: int = 500) -> dict[str, Any]:
    response = client.get("/status", params={"after": after, "limit": limit}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def ack_days(engine: Engine) -> dict[str, dt.date]:
    """Per status key, the day its application was filed, as the server tells the day."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(applications.c.status_key, applications.c.acknowledged_at).where(
                applications.c.status_key.is_not(None)
            )
        ).all()
    return {row.status_key: dt.datetime.fromtimestamp(row.acknowledged_at).date() for row in rows}


@pytest.fixture
def client(server: EmbeddedServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.url}{p.API}", timeout=30) as c:
        yield c


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "terminal-a" / "kiosk.sqlite3")
    yield s
    s.close()


def test_the_wire_names_the_statuses_the_terminal_knows() -> None:
    assert set(get_args(p.StatusName)) == {s.value for s in Status}


# ------------------------------------------------------------ the way of a status
def test_a_status_the_office_sets_reaches_another_terminal_and_nothing_else(
    server: EmbeddedServer,
    engine: Engine,
    db_url: str,
    tokens: Tokens,
    client: httpx.Client,
    store: Store,
    office_keys: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    receipts = [submit(store, office_keys) for _ in range(3)]
    unkeyed = submit(store, office_keys, keyed=False)
    sent = sync_once(server.url, tokens.device, store)
    assert sent.ok and sent.stored == 4
    assert sent.statuses is not None and sent.statuses.served and sent.statuses.stored == 0
    with engine.connect() as conn:
        held = dict(conn.execute(sa.select(applications.c.id, applications.c.status_key)).all())
    assert held == {r.item.id: r.key for r in receipts} | {unkeyed.item.id: None}
    assert feed(client, tokens.device)["items"] == []  # nothing filed yet

    # the office files them: each keyed one is received, on the day it was filed
    out = tmp_path / "office"
    file_all(server.url, tokens.offices["jobcenter"], office_keys, out)
    page = feed(client, tokens.device)
    filed_on = ack_days(engine)
    assert sorted((i["key"], i["office"], i["status"], i["on"]) for i in page["items"]) == sorted(
        (r.key, "jobcenter", "received", filed_on[r.key].isoformat()) for r in receipts
    )
    assert (page["more"], page["next"]) == (False, page["items"][-1]["seq"])

    # ... and sets another status by the reference on the file
    missing = receipts[0]
    command = ["office", "status", "--server", server.url, "--office", "jobcenter"]
    command += ["--token", tokens.offices["jobcenter"], "--reference", missing.item.reference]
    capsys.readouterr()
    assert main([*command, "--out", str(out), "documents_missing"]) == 0
    assert capsys.readouterr().out == f"{missing.item.reference}: documents_missing\n"

    # another terminal of the deployment, in another home, learns it all from the feed
    _device_id, token_b = enrol_device(engine, "terminal-2")
    home_b = tmp_path / "terminal-b"
    store_b = Store(home_b / "kiosk.sqlite3")
    try:
        pulled = sync_once(server.url, token_b, store_b)
        assert pulled.ok and pulled.statuses is not None and pulled.statuses.stored == 3
        today = server_statuses.day_of(time.time()).isoformat()
        for receipt in receipts:
            row = find_status(store_b, DEPLOYMENT, receipt.item.reference, receipt.secret)
            assert row is not None and row.office == "jobcenter"
            expected = (
                ("documents_missing", today)
                if receipt is missing
                else ("received", filed_on[receipt.key].isoformat())
            )
            assert (row.status, row.status_on) == expected
        assert find_status(store_b, DEPLOYMENT, missing.item.reference, new_secret()) is None
        status = sync_status(store_b, home_b)
        last = feed(client, tokens.device)["items"][-1]
        assert (status["receipt_statuses"], status["status_cursor"]) == (3, last["seq"])
        assert last["key"] == missing.key  # set anew: at the end of the feed
    finally:
        store_b.close()

    # the terminal's table holds the key, the office, the status, its day: nothing else
    with sqlite3.connect(home_b / "kiosk.sqlite3") as raw:
        columns = [c[1] for c in raw.execute("PRAGMA table_info(receipt_status)")]
        rows = raw.execute("SELECT * FROM receipt_status").fetchall()
    assert columns == ["key", "office", "status", "status_on", "stored_at"]
    assert {row[0] for row in rows} == {r.key for r in receipts}
    told = repr(rows)
    for receipt in [*receipts, unkeyed]:
        assert receipt.item.reference not in told and receipt.item.id not in told
        assert receipt.secret not in told

    capsys.readouterr()
    assert main(["server", "status", "--db", db_url]) == 0
    shown = capsys.readouterr().out
    assert "statuses visitors can look up, per office:\n" in shown
    assert "    jobcenter: documents_missing 1, received 2\n" in shown
    stats = httpx.get(f"{server.url}{p.API}/admin/stats", headers=bearer(tokens.admin)).json()
    assert stats["statuses"] == {"jobcenter": {"documents_missing": 1, "received": 2}}


def test_quarantined_applications_are_not_received(
    server: EmbeddedServer, tokens: Tokens, client: httpx.Client, store: Store, office_keys: Path
) -> None:
    items = quick(store, office_keys, 2)
    assert sync_once(server.url, tokens.device, store).stored == 2
    taken = client.post(
        "/inbox/acknowledgements",
        json={"ids": [items[0].id], "quarantined": [{"id": items[1].id, "reason": "unreadable"}]},
        headers=bearer(tokens.offices["jobcenter"]),
    )
    assert taken.status_code == 200, taken.text
    assert [i["key"] for i in feed(client, tokens.device)["items"]] == [items[0].status_key]


# ------------------------------------------------------------ paging and the cursor
def test_paging_returns_every_record_once_and_a_new_status_moves_to_the_end(
    server: EmbeddedServer,
    tokens: Tokens,
    client: httpx.Client,
    store: Store,
    office_keys: Path,
    tmp_path: Path,
) -> None:
    items = quick(store, office_keys, 7)
    sync_once(server.url, tokens.device, store)
    file_all(server.url, tokens.offices["jobcenter"], office_keys, tmp_path / "office")

    seen: list[dict[str, Any]] = []
    after, pages = 0, []
    while True:
        page = feed(client, tokens.device, after=after, limit=2)
        seen += page["items"]
        pages.append(page["more"])
        after = page["next"]
        if not page["more"]:
            break
    assert pages == [True, True, True, False]
    assert sorted(i["key"] for i in seen) == sorted(str(i.status_key) for i in items)
    seqs = [i["seq"] for i in seen]
    assert seqs == sorted(set(seqs)) and after == seqs[-1]
    assert feed(client, tokens.device, after=after) == {
        "protocol": p.PROTOCOL,
        "items": [],
        "next": after,
        "more": False,
    }

    office = bearer(tokens.offices["jobcenter"])
    update = {"items": [{"id": items[2].id, "status": "in_progress", "on": "2026-11-23"}]}
    assert client.post("/office/status", json=update, headers=office).json()["updated"] == 1
    moved = feed(client, tokens.device, after=after)["items"]
    assert [(i["key"], i["status"], i["on"]) for i in moved] == [
        (items[2].status_key, "in_progress", "2026-11-23")
    ]
    client.post("/office/status", json=update, headers=office)  # the same again: stays put
    assert feed(client, tokens.device, after=moved[0]["seq"])["items"] == []
    everything = feed(client, tokens.device)["items"]
    assert len(everything) == 7 and everything[-1]["key"] == items[2].status_key

    # the terminal reads a bounded number of pages per pass and goes on at the next
    home = tmp_path / "terminal-b"
    _id, token_b = enrol_device(server.engine, "terminal-b")
    store_b = Store(home / "kiosk.sqlite3")
    transport = DeviceTransport(server.url, token_b, timeout=30)
    try:
        first = status_feed.pull_statuses(store_b, transport, now=time.time(), max_pages=2, page=2)
        assert (first.pages, first.stored, first.more) == (2, 4, True)
        second = status_feed.pull_statuses(store_b, transport, now=time.time(), max_pages=2, page=2)
        assert (second.pages, second.stored, second.more) == (2, 3, False)
        assert store_b.receipt_statuses.count() == 7
        assert second.cursor == everything[-1]["seq"] == status_feed.cursor(store_b)
        kept = store_b.receipt_statuses.get(str(items[2].status_key))
        assert kept is not None and (kept.status, kept.status_on) == ("in_progress", "2026-11-23")
    finally:
        transport.close()
        store_b.close()


def test_the_feed_serves_the_retention_time_and_skips_what_it_cannot_serve(
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    client: httpx.Client,
    store: Store,
    office_keys: Path,
    tmp_path: Path,
) -> None:
    items = quick(store, office_keys, 4)
    sync_once(server.url, tokens.device, store)
    file_all(server.url, tokens.offices["jobcenter"], office_keys, tmp_path / "office")
    old, odd, *kept = items
    with engine.begin() as conn:  # one set 181 days ago; one a newer server wrote
        conn.execute(
            sa.update(statuses)
            .where(statuses.c.application_id == old.id)
            .values(set_at=time.time() - 181 * 86400)
        )
        conn.execute(
            sa.update(statuses).where(statuses.c.application_id == odd.id).values(status="archived")
        )
        highest = conn.execute(sa.select(sa.func.max(statuses.c.seq))).scalar_one()
        conn.execute(
            sa.update(statuses).where(statuses.c.application_id == odd.id).values(seq=highest + 1)
        )
    page = feed(client, tokens.device)
    assert sorted(i["key"] for i in page["items"]) == sorted(str(i.status_key) for i in kept)
    assert page["next"] == highest + 1  # past the row nobody can read: no terminal waits on it

    pulled = sync_once(server.url, tokens.device, store).statuses
    assert pulled is not None and pulled.cursor == highest + 1
    assert store.receipt_statuses.count() == 2


RECORD = {
    "seq": 5,
    "key": "a" * 64,
    "office": "jobcenter",
    "status": "received",
    "on": "2026-11-21",
}


@pytest.mark.parametrize(
    ("record", "readable"),
    [
        (RECORD, True),
        (RECORD | {"status": "decided_by_post"}, True),
        (RECORD | {"status": "archived"}, False),  # a status of a newer server
        (RECORD | {"key": "A" * 64}, False),
        (RECORD | {"key": "a" * 63}, False),
        (RECORD | {"office": "Job Center"}, False),
        (RECORD | {"on": "21.11.2026"}, False),
        (RECORD | {"name": "Rahimi"}, False),  # nothing more than a status may come in
        ({k: v for k, v in RECORD.items() if k != "on"}, False),
        ("received", False),
    ],
)
def test_one_record_the_terminal_cannot_read_is_dropped_not_the_page(
    record: Any, readable: bool
) -> None:
    rows, dropped = status_feed.readable([RECORD | {"key": "b" * 64}, record])
    assert (len(rows), dropped) == ((2, 0) if readable else (1, 1))
    assert rows[0].key == "b" * 64


def test_statuses_stored_longer_than_the_retention_go(
    server: EmbeddedServer, tokens: Tokens, store: Store
) -> None:
    now = time.time()
    old = StatusRow("c" * 64, "jobcenter", "received", "2026-01-02")
    store.receipt_statuses.put_many([old], now=now - 181 * 86400)
    store.receipt_statuses.put_many([dataclasses.replace(old, key="d" * 64)], now=now - 179 * 86400)
    transport = DeviceTransport(server.url, tokens.device, timeout=30)
    try:
        pulled = status_feed.pull_statuses(store, transport, now=now)
    finally:
        transport.close()
    assert (pulled.served, pulled.purged) == (True, 1)
    assert store.receipt_statuses.get("d" * 64) is not None
    assert store.receipt_statuses.get("c" * 64) is None


# ------------------------------------------------------------ only the office's own
def test_an_office_sets_statuses_of_its_own_applications_only(
    server: EmbeddedServer,
    tokens: Tokens,
    client: httpx.Client,
    store: Store,
    office_keys: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    jobcenter = quick(store, office_keys, 1)[0]
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    unkeyed = sealed_application("jobcenter", public)
    store.outbox.add(unkeyed, remove_draft=None)
    sync_once(server.url, tokens.device, store)
    file_all(server.url, tokens.offices["jobcenter"], office_keys, tmp_path / "office")
    before = feed(client, tokens.device)

    def ask(office: str, application_id: str) -> dict[str, Any]:
        body = {"items": [{"id": application_id, "status": "decided_by_post"}]}
        answer = client.post("/office/status", json=body, headers=bearer(tokens.offices[office]))
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    # another office's application and one nobody has: the same answer, to the byte
    theirs, nobodys = ask("sozialamt", jobcenter.id), ask("sozialamt", str(uuid.uuid4()))
    assert (
        theirs
        == nobodys
        == {
            "protocol": p.PROTOCOL,
            "office": "sozialamt",
            "updated": 0,
            "unknown": 1,
            "untracked": 0,
        }
    )
    assert feed(client, tokens.device) == before
    assert ask("jobcenter", unkeyed.id) == {
        "protocol": p.PROTOCOL,
        "office": "jobcenter",
        "updated": 0,
        "unknown": 0,
        "untracked": 1,
    }

    # the office command says the same, with its exit status
    base = ["office", "status", "--server", server.url]
    jc, sz = tokens.offices["jobcenter"], tokens.offices["sozialamt"]
    cases = [
        (["--office", "jobcenter", "--token", jc, "--id", jobcenter.id, "in_progress"], 0,
         f"{jobcenter.id}: in_progress"),
        (["--office", "jobcenter", "--token", jc, "--id", unkeyed.id, "received"], 3,
         "carries no status key"),
        (["--office", "sozialamt", "--token", sz, "--id", jobcenter.id, "received"], 1,
         "the server has no such application of office sozialamt"),
        (["--office", "jobcenter", "--token", sz, "--id", jobcenter.id, "received"], 2,
         "the token is one of office sozialamt, not of office jobcenter"),
        (["--office", "jobcenter", "--token", jc, "--reference", new_reference(), "--out",
          str(tmp_path / "office"), "received"], 2, "no application is filed under"),
        (["--office", "sozialamt", "--token", sz, "--reference", jobcenter.reference, "--out",
          str(tmp_path / "office"), "received"], 2, "an application of another office"),
        (["--office", "jobcenter", "--token", jc, "--id", "MD-1", "received"], 2,
         "is not an application id"),
        (["--office", "jobcenter", "--token", jc, "--id", jobcenter.id, "--on", "23.11.2026",
          "received"], 2, "not a day"),
    ]  # fmt: skip
    for arguments, status, said in cases:
        capsys.readouterr()
        assert main([*base, *arguments]) == status, arguments
        shown = capsys.readouterr()
        assert said in shown.out + shown.err, (arguments, shown)
    assert feed(client, tokens.device)["items"][-1]["status"] == "in_progress"


# ------------------------------------------------------------ bad requests
FUTURE = (dt.date.today() + dt.timedelta(days=3)).isoformat()
SOME_ID = "0b6b1c6e-3f3a-4a59-9d38-2b3f3c0f5a10"


@pytest.mark.parametrize(
    ("method", "path", "role", "body", "status", "said"),
    [
        ("POST", "/office/status", "office", {"items": [{"id": SOME_ID, "status": "lost"}]},
         422, "items.0.status: Input should be 'received', 'in_progress', 'documents_missing'"),
        ("POST", "/office/status", "office", {"items": [{"id": "7", "status": "received"}]},
         422, "items.0.id: String should match pattern"),
        ("POST", "/office/status", "office",
         {"items": [{"id": SOME_ID, "status": "received", "on": FUTURE}]},
         422, "items.0.on: a day to come"),
        ("POST", "/office/status", "office",
         {"items": [{"id": SOME_ID, "status": "received", "on": "1999-12-31"}]},
         422, "items.0.on: Value error, a day between the years 2000 and 2200"),
        ("POST", "/office/status", "office", {"items": []},
         422, "items: List should have at least 1 item"),
        ("POST", "/office/status", "office",
         {"items": [{"id": SOME_ID, "status": "received"}] * 501},
         422, "items: List should have at most 500 items"),
        ("POST", "/office/status", "device", {"items": [{"id": SOME_ID, "status": "received"}]},
         403, "this needs the office role"),
        ("POST", "/office/status", None, {"items": [{"id": SOME_ID, "status": "received"}]},
         401, "send a bearer token"),
        ("GET", "/status?limit=5000", "device", None, 422, "limit: Input should be less than or equal to 2000"),
        ("GET", "/status?limit=0", "device", None, 422, "limit: Input should be greater than or equal to 1"),
        ("GET", "/status?after=-1", "device", None, 422, "after: Input should be greater than or equal to 0"),
        ("GET", "/status?after=x", "device", None, 422, "after: Input should be a valid integer"),
        ("GET", "/status", "office", None, 403, "this needs the device role"),
        ("GET", "/status", None, None, 401, "send a bearer token"),
    ],
    ids=[
        "an unknown status", "an id that is none", "a day to come", "a day before 2000",
        "no items", "too many items", "a device setting statuses", "no token to set",
        "a huge limit", "a limit of 0", "a cursor below 0", "a cursor that is no number",
        "an office reading the feed", "no token to read",
    ],
)  # fmt: skip
def test_bad_status_requests_get_a_precise_4xx(
    client: httpx.Client,
    tokens: Tokens,
    method: str,
    path: str,
    role: str | None,
    body: dict[str, Any] | None,
    status: int,
    said: str,
) -> None:
    token = {"device": tokens.device, "office": tokens.offices["jobcenter"], None: None}[role]
    answer = client.request(method, path, json=body, headers=bearer(token) if token else {})
    assert answer.status_code == status, answer.text
    assert answer.json()["protocol"] == p.PROTOCOL
    assert said in answer.json()["message"]


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("abc", "String should match pattern"),
        ("A" * 64, "String should match pattern"),
        ("a" * 65, "String should match pattern"),
        (7, "Input should be a valid string"),
    ],
    ids=["short", "upper case", "too long", "a number"],
)
def test_an_application_with_a_malformed_status_key_is_refused_at_ingest(
    client: httpx.Client, tokens: Tokens, office_keys: Path, key: Any, said: str
) -> None:
    item = sealed_application("jobcenter", (office_keys / "jobcenter.pub.pem").read_bytes())
    body = {"items": [to_wire(item).model_dump(mode="json") | {"status_key": key}]}
    answer = client.post("/applications/batch", json=body, headers=bearer(tokens.device))
    assert answer.status_code == 422
    assert answer.json()["message"].startswith(f"items.0.status_key: {said}")


# ------------------------------------------------------------ an older server
def older_server(engine: Engine) -> EmbeddedServer:
    """This server as it was before statuses: no feed, no office status."""
    app = create_app(engine)
    gone = {f"{p.API}/status", f"{p.API}/office/status"}
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") not in gone]
    return EmbeddedServer(engine, app=app)


def test_a_terminal_works_on_with_a_server_from_before_statuses(
    engine: Engine,
    tokens: Tokens,
    store: Store,
    office_keys: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(status_feed, "_told_no_feed", False)  # a process that has not told yet
    caplog.set_level(logging.INFO, logger="kiosk.sync")
    early = quick(store, office_keys, 2)
    with older_server(engine) as older:
        answer = httpx.get(f"{older.url}{p.API}/status", headers=bearer(tokens.device))
        assert (answer.status_code, answer.json()["error"]) == (404, "not_found")
        for _ in range(2):
            report = sync_once(older.url, tokens.device, store)
            assert report.ok and report.status_error is None
            assert report.statuses is not None and not report.statuses.served
            quick(store, office_keys, 1)
        told = [r for r in caplog.records if "has no status feed" in r.getMessage()]
        assert len(told) == 1
    with engine.connect() as conn:  # sent without their keys, which it would refuse
        keys = dict(conn.execute(sa.select(applications.c.id, applications.c.status_key)).all())
    assert set(keys) >= {i.id for i in early} and set(keys.values()) == {None}

    # the server upgraded: the next pass sends with keys again
    later = quick(store, office_keys, 1)[0]
    with EmbeddedServer(engine) as upgraded:
        report = sync_once(upgraded.url, tokens.device, store)
    assert report.ok and report.statuses is not None and report.statuses.served
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(applications.c.status_key).where(applications.c.id == later.id)
        ).scalar_one()
    assert found == later.status_key


# ------------------------------------------------------------ two writers at once
def test_a_reader_never_skips_a_status_when_two_servers_write_at_once(
    db_url: str,
    engine: Engine,
    tokens: Tokens,
    store: Store,
    office_keys: Path,
    server: EmbeddedServer,
) -> None:
    """Two servers (engines of their own) set statuses at once, each commit held up by
    a random few milliseconds, while a terminal reads the feed page by page: it must
    end up with every status. Numbers given out without the lock would let a later
    commit land below the reader's cursor, and the reader would miss it."""
    items = quick(store, office_keys, 120)
    sync_once(server.url, tokens.device, store)
    writers = [sa.create_engine(database_url(db_url)) for _ in range(2)]
    rng = random.Random(15)

    def slow_commit(_conn: sa.Connection) -> None:
        time.sleep(rng.random() * 0.02)

    for writer in writers:
        sa.event.listen(writer, "commit", slow_commit)
    failures: list[BaseException] = []

    def write(writer: Engine, share: list[OutboxItem]) -> None:
        try:
            for item in share:
                update = p.StatusUpdate(id=item.id, status="in_progress")
                server_statuses.set_statuses(writer, "jobcenter", [update], now=time.time())
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [
        threading.Thread(target=write, args=(writers[0], items[0::2])),
        threading.Thread(target=write, args=(writers[1], items[1::2])),
    ]
    seen: set[str] = set()
    after, pages = 0, 0

    def read() -> bool:
        nonlocal after, pages
        page = server_statuses.feed(engine, after, 7, now=time.time(), retention_days=180)
        seen.update(record.key for record in page.items)
        after, pages = page.next, pages + 1
        return bool(page.items)

    for thread in threads:
        thread.start()
    try:
        while any(thread.is_alive() for thread in threads):
            read()
    finally:
        for thread in threads:
            thread.join(60)
        for writer in writers:
            writer.dispose()
    assert failures == []
    while read():  # what committed after the last read while writing
        pass
    assert pages > 20  # the reader did read while both wrote
    assert sorted(seen) == sorted(str(i.status_key) for i in items)


def test_numbers_after_a_restored_backup_stay_above_every_cursor_handed_out(
    engine: Engine, tokens: Tokens, store: Store, office_keys: Path, server: EmbeddedServer
) -> None:
    """A backup restored forgets the newest statuses; a terminal's cursor does not. New
    numbers start at the time in milliseconds, above any cursor given out before."""
    first, second = quick(store, office_keys, 2)
    sync_once(server.url, tokens.device, store)
    server_statuses.set_statuses(
        engine, "jobcenter", [p.StatusUpdate(id=first.id, status="received")], now=time.time()
    )
    cursor = server_statuses.feed(engine, 0, 10, now=time.time(), retention_days=180).next
    with engine.begin() as conn:  # the backup from before that status
        conn.execute(sa.delete(statuses))
    server_statuses.set_statuses(
        engine, "jobcenter", [p.StatusUpdate(id=second.id, status="received")], now=time.time() + 1
    )
    page = server_statuses.feed(engine, cursor, 10, now=time.time(), retention_days=180)
    assert [r.key for r in page.items] == [second.status_key]
