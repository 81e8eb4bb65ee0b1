"""The way a body takes into the server: one token look-up per request, terminals behind
one NAT not locked out by a neighbour's failures, and a slow upload cut off so that it
cannot keep an upload slot. Real servers on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import protocol as p
from sync.server import accounts
from sync.server.app import create_app
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer
from tests.sync.test_server_api import wire
from tests.sync.test_server_guard import head, read_answer

MiB = 1024 * 1024


class CredentialReads:
    """Counts the statements that read the ``credentials`` table, as the database gets them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "credentials" in statement:
            self.count += 1

    def __enter__(self) -> CredentialReads:
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def test_a_gzip_batch_costs_one_token_look_up(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path
) -> None:
    items = [wire("jobcenter", office_keys) for _ in range(3)]
    body = gzip.compress(json.dumps({"items": items}).encode())
    headers = bearer(tokens.device) | {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
    }
    with CredentialReads(server.engine) as reads:
        answer = httpx.post(
            f"{server.url}{p.API}/applications/batch", content=body, headers=headers, timeout=30
        )
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * 3
    assert answer.json()["protocol"] == p.PROTOCOL
    assert reads.count == 1


# ------------------------------------------------------------ terminals behind one NAT
@pytest.fixture
def strict(engine: Engine) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(engine, auth_failures_per_minute=3) as running:
        yield running


def test_a_neighbour_behind_the_same_address_is_not_locked_out(
    strict: EmbeddedServer, tokens: Tokens, engine: Engine
) -> None:
    """Failures from an address lock it for unknown tokens only: a terminal whose token
    was accepted before goes on, a revoked token is limited again once refused."""
    nat = {"X-Forwarded-For": "198.51.100.20"}
    beat = {"app_version": "1"}
    _id, _name, other = accounts.enrol(engine, accounts.issue_enrolment(engine, "terminal-2"))
    with httpx.Client(base_url=f"{strict.url}{p.API}", timeout=10) as client:
        for token in (tokens.device, other):  # both terminals have been seen working
            assert client.post("/heartbeat", json=beat, headers=bearer(token) | nat).is_success
        for _ in range(3):
            bad = client.post("/heartbeat", json=beat, headers=bearer("kd_" + "Q" * 43) | nat)
            assert bad.status_code == 401
        guessing = client.post("/heartbeat", json=beat, headers=bearer("kd_" + "R" * 43) | nat)
        assert guessing.status_code == 429
        assert client.get("/catalog", headers=nat).status_code == 429  # no token either

        for _ in range(5):  # the neighbours go on
            for token in (tokens.device, other):
                ok = client.post("/heartbeat", json=beat, headers=bearer(token) | nat)
                assert ok.status_code == 200, ok.text

        assert accounts.revoke_device(engine, "terminal-2")
        revoked = client.post("/heartbeat", json=beat, headers=bearer(other) | nat)
        assert revoked.status_code == 401 and revoked.json()["error"] == "revoked"
        again = client.post("/heartbeat", json=beat, headers=bearer(other) | nat)
        assert again.status_code == 429  # refused once: no longer let through
        assert client.post("/heartbeat", json=beat, headers=bearer(tokens.device) | nat).is_success


# ------------------------------------------------------------ slow uploads
GRACE = 1.0
MIN_RATE = 64 * 1024


@pytest.fixture
def impatient(engine: Engine) -> Iterator[EmbeddedServer]:
    app = create_app(engine, uploads=1, upload_grace=GRACE, upload_min_rate=MIN_RATE)
    with EmbeddedServer(engine, app=app) as running:
        yield running


def test_a_slow_upload_is_cut_off_and_gives_its_slot_back(
    impatient: EmbeddedServer, tokens: Tokens, office_keys: Path
) -> None:
    """A valid terminal trickling a large body holds the only slot until the body falls
    behind the minimum rate: then 408 ``too_slow``, the connection closed, and the next
    large upload is taken."""
    url = f"{impatient.url}{p.API}"
    device = bearer(tokens.device) | {"Content-Type": "application/json"}
    large = json.dumps({"items": [wire("jobcenter", office_keys)], "pad": " " * 200_000})
    with socket.create_connection((impatient.host, impatient.port), timeout=10) as slow:
        started = time.monotonic()
        slow.sendall(head("/applications/batch", MiB, device) + b"{" + b" " * 100_000)
        time.sleep(0.3)
        busy = httpx.post(f"{url}/applications/batch", content=large, headers=device, timeout=10)
        assert busy.status_code == 503 and busy.json()["error"] == "busy"  # the slot is held
        for _ in range(8):  # still sending, but far below the rate
            try:
                slow.sendall(b" " * 100)
            except OSError:
                break  # the server has already answered and closed
            time.sleep(0.1)
        status, headers, body, closed = read_answer(slow)
        took = time.monotonic() - started
    assert status == 408 and json.loads(body)["error"] == "too_slow"
    assert json.loads(body)["protocol"] == p.PROTOCOL
    assert closed and headers["connection"] == "close"
    # allowed: the grace time plus the bytes it sent at the minimum rate
    assert GRACE <= took < GRACE + 101_000 / MIN_RATE + 2.0, took
    taken = httpx.post(f"{url}/applications/batch", content=large, headers=device, timeout=10)
    assert taken.status_code == 422  # read and judged: "pad" is not a field


def test_an_upload_at_a_steady_pace_is_taken(
    impatient: EmbeddedServer, tokens: Tokens, office_keys: Path
) -> None:
    """A body that takes longer than the grace time but keeps the rate is read whole."""
    device = bearer(tokens.device) | {"Content-Type": "application/json", "Connection": "close"}
    body = json.dumps({"items": [wire("jobcenter", office_keys)]}).encode()
    body = body[:-1] + b" " * (160_000 - len(body)) + b"}"
    with socket.create_connection((impatient.host, impatient.port), timeout=10) as steady:
        steady.sendall(head("/applications/batch", len(body), device))
        started = time.monotonic()
        for start in range(0, len(body), 16_000):  # 160 kB in 1.5 s: above 64 KiB/s
            steady.sendall(body[start : start + 16_000])
            time.sleep(0.15)
        status, _headers, answer, _closed = read_answer(steady)
    assert time.monotonic() - started > GRACE
    assert status == 200, answer
    assert [r["status"] for r in json.loads(answer)["results"]] == ["accepted"]
