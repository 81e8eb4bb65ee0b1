"""A fetch that stops midway has kept what it did, and fetching again duplicates nothing.

A proxy in front of a real server on 127.0.0.1 lets a number of requests through
and then drops the connection, as a network or a killed process would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.client.office import OfficeClient
from sync.client.transport import TransientError
from sync.server.db import applications
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens
from tests.sync.faultproxy import FaultProxy
from tests.sync.test_office_quarantine import send
from tests.sync.test_server_api import wire

KIOSK = str(Path(sys.executable).with_name("kiosk"))
DOWNLOAD = re.compile(rb"^GET /api/v1/inbox/applications/[0-9a-f-]{36} ")
ACK = re.compile(rb"^POST /api/v1/inbox/acknowledgements ")


def after(pattern: re.Pattern[bytes], allowed: int) -> Callable[[bytes], str]:
    """Let *allowed* requests matching *pattern* through, then drop every request."""
    seen = 0

    def choose(line: bytes) -> str:
        nonlocal seen
        if pattern.match(line):
            seen += 1
        return "drop_before" if seen > allowed else "pass"

    return choose


def acknowledged(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                sa.select(applications.c.id).where(applications.c.acknowledged_at.is_not(None))
            ).scalars()
        )


def filed_ids(out: Path) -> set[str]:
    return {json.loads(f.read_text())["id"] for f in out.glob("*.json")}


def test_a_stopped_fetch_has_acknowledged_what_it_filed(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    items = [wire("jobcenter", office_keys) for _ in range(8)]
    send(server.url, tokens.device, items)
    key = office_keys / "jobcenter.key.pem"
    token = tokens.offices["jobcenter"]
    out = tmp_path / "inbox"

    # the command, cut off after three downloads: exit 1, the three filed and acknowledged
    proxy = FaultProxy(lambda: server.port, after(DOWNLOAD, 3))
    try:
        command = [
            KIOSK, "office", "fetch", "--server", proxy.url, "--office", "jobcenter",
            "--token", token, "--key", str(key), "--out", str(out),
        ]  # fmt: skip
        stopped = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=300,
            check=False,
        )
    finally:
        proxy.close()
    assert stopped.returncode == 1, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert "fetching stopped: cannot reach" in stopped.stderr
    assert f"3 application(s) filed in {out}" in stopped.stderr
    assert len(stopped.stdout.splitlines()) == 3
    assert len(filed_ids(out)) == 3
    assert acknowledged(engine) == filed_ids(out)

    # cut off at an acknowledgement: the fourth is written but the server never heard
    proxy = FaultProxy(lambda: server.port, after(ACK, 0))
    client = OfficeClient(proxy.url, token)
    try:
        with pytest.raises(TransientError):
            client.fetch(key.read_bytes(), out)
    finally:
        client.close()
        proxy.close()
    assert len(filed_ids(out)) == 4 and len(acknowledged(engine)) == 3
    written_once = {f.name: f.read_bytes() for f in out.iterdir()}

    # fetching again files the same one under the same name, then the rest
    client = OfficeClient(server.url, token)
    try:
        report = client.fetch(key.read_bytes(), out)
    finally:
        client.close()
    assert len(report.written) == 5 and report.failed == [] and report.quarantined == []
    assert filed_ids(out) == {i["id"] for i in items} == acknowledged(engine)
    names = sorted(f.name for f in out.iterdir())
    assert names == sorted(f"{i['reference']}.{kind}" for i in items for kind in ("json", "pdf"))
    for name, data in written_once.items():
        assert (out / name).read_bytes() == data
