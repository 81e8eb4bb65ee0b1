"""What a terminal reports reaches admins' shells only as harmless text."""

from __future__ import annotations

import json

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cli.main import main
from sync import protocol as p
from sync.server import accounts
from sync.server.db import devices
from sync.server.embedded import EmbeddedServer
from sync.server.text import is_clean, neutralise
from tests.sync.conftest import Tokens, bearer

CLEAR_SCREEN = "\x1b[2J\x1b[H"
RETITLE = "\x1b]0;owned\x07"
OVERRIDE = "\u202e"  # right-to-left override: "fdp.exe" shows as "exe.pdf"
HOSTILE_ERROR = f"ConnectError{CLEAR_SCREEN}{RETITLE} see invoice{OVERRIDE}fdp.exe\nsecond line"
HOSTILE_CATALOG = "migrado 3\u2066 \x9b31m (sha256:ab)"  # an isolate and an 8-bit CSI

FORBIDDEN = ["\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\n"]


def assert_harmless(text: str) -> None:
    assert not [c for c in FORBIDDEN if c in text], repr(text)


def test_neutralise_writes_controls_out_and_keeps_everything_else() -> None:
    assert neutralise(CLEAR_SCREEN) == "\\x1b[2J\\x1b[H"
    assert neutralise(f"invoice{OVERRIDE}fdp.exe") == "invoice\\u202efdp.exe"
    assert neutralise("line\r\nnext\ttab") == "line  next tab"
    # scripts, joiners and emoji are text, not controls
    persian = "می\u200cخواهم"  # with a zero-width non-joiner, as Persian is written
    assert neutralise(persian) == persian and neutralise("Ünal 🙂 العربية") == "Ünal 🙂 العربية"
    once = neutralise(HOSTILE_ERROR)
    assert neutralise(once) == once and is_clean(once) and not is_clean(HOSTILE_ERROR)
    cut = neutralise("\x1b" * 200, 500)
    assert len(cut) <= 500 and cut.endswith("…") and cut[:-1].endswith("\\x1b")
    assert neutralise("\x1b" * 125, 500) == "\\x1b" * 125  # exactly fits: nothing cut


def test_a_hostile_heartbeat_is_stored_and_listed_neutralised(
    server: EmbeddedServer, engine: Engine, tokens: Tokens
) -> None:
    beat = {"catalog_version": HOSTILE_CATALOG, "last_error": HOSTILE_ERROR, "app_version": "1"}
    with httpx.Client(base_url=f"{server.url}{p.API}", timeout=10) as client:
        assert (
            client.post("/heartbeat", json=beat, headers=bearer(tokens.device)).status_code == 200
        )
        listed = client.get("/admin/terminals", headers=bearer(tokens.admin)).json()["terminals"]
    with engine.connect() as conn:
        row = conn.execute(sa.select(devices).where(devices.c.id == tokens.device_id)).one()
    for text in (row.last_error, row.catalog_version, json.dumps(listed, ensure_ascii=False)):
        assert_harmless(text)
    assert "\\x1b[2J" in row.last_error and "\\u202efdp.exe" in row.last_error
    # the longest last error a terminal may send still fits the column once escaped
    long = {"last_error": "\x1b" * 500, "app_version": "1"}
    assert (
        httpx.post(
            f"{server.url}{p.API}/heartbeat", json=long, headers=bearer(tokens.device)
        ).status_code
        == 200
    )
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(devices.c.last_error).where(devices.c.id == tokens.device_id)
        ).scalar_one()
    assert len(stored) <= 500 and stored.endswith("…")


def test_server_status_prints_only_harmless_text(
    engine: Engine, db_url: str, tokens: Tokens, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows written before the server neutralised anything are printed safely too."""
    with engine.begin() as conn:
        conn.execute(
            sa.update(devices)
            .where(devices.c.id == tokens.device_id)
            .values(
                last_error=HOSTILE_ERROR,
                catalog_version=HOSTILE_CATALOG,
                app_version=f"1{CLEAR_SCREEN}",
                outbox={f"pending{OVERRIDE}": 2},
            )
        )
    assert main(["server", "status", "--db", db_url]) == 0
    shown = capsys.readouterr().out
    assert_harmless(shown.replace("\n", " "))
    assert "last error: ConnectError\\x1b[2J" in shown
    assert main(["server", "status", "--json", "--db", db_url]) == 0
    assert_harmless(capsys.readouterr().out.replace("\n", " "))


def test_terminal_names_cannot_hold_controls(engine: Engine) -> None:
    with pytest.raises(ValueError, match="control characters"):
        accounts.issue_enrolment(engine, f"eg{CLEAR_SCREEN}")
    with pytest.raises(ValueError, match="control characters"):
        accounts.issue_enrolment(engine, f"eg{OVERRIDE}1")
