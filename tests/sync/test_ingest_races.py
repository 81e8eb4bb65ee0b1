"""Batches that race for the same application ids, on SQLite and PostgreSQL: each id is
stored once, with the content of whichever batch got there first, and every answer
tells its terminal the truth about its own copy (stored, or a conflict for staff)."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import protocol as p
from sync.server.db import applications, conflicts
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer
from tests.sync.test_server_api import wire

N_IDS = 30
SENDERS_PER_VERSION = 3


@pytest.fixture
def server(engine: Engine) -> Iterator[EmbeddedServer]:
    """Upload slots for every racing sender: here nobody is to wait for a slot."""
    with EmbeddedServer(engine, uploads=2 * SENDERS_PER_VERSION) as running:
        yield running


def test_racing_batches_store_each_id_once_and_answer_truthfully(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path
) -> None:
    first = [wire("jobcenter", office_keys) for _ in range(N_IDS)]
    # the same ids with other (intact) content: what a broken terminal might send
    second = [
        wire("jobcenter", office_keys, id=item["id"], reference=item["reference"]) for item in first
    ]
    shuffle = random.Random(7)
    batches: list[list[dict[str, Any]]] = []
    for version in (first, second):
        for _ in range(SENDERS_PER_VERSION):
            batches.append(shuffle.sample(version, len(version)))
    start = threading.Barrier(len(batches))
    replies: list[list[dict[str, Any]]] = [[] for _ in batches]

    def send(n: int) -> None:
        with httpx.Client(base_url=f"{server.url}{p.API}", timeout=60) as client:
            start.wait()
            answer = client.post(
                "/applications/batch", json={"items": batches[n]}, headers=bearer(tokens.device)
            )
            assert answer.status_code == 200, answer.text
            replies[n] = answer.json()["results"]

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(replies), "a sender got no answer"

    with server.engine.connect() as conn:
        stored = dict(conn.execute(sa.select(applications.c.id, applications.c.sha256)).all())
        kept = set(conn.execute(sa.select(conflicts.c.application_id, conflicts.c.sha256)).all())
    assert set(stored) == {item["id"] for item in first}  # each id once
    for batch, results in zip(batches, replies, strict=True):
        for item, result in zip(batch, results, strict=True):
            assert result["id"] == item["id"]
            if stored[item["id"]] == item["sha256"]:
                assert result["status"] in ("accepted", "duplicate"), result
            else:
                assert result["status"] == "conflict", result
                assert (item["id"], item["sha256"]) in kept  # kept for staff
    # the losing version of every id is kept once, whichever version that was
    assert len(kept) == N_IDS
