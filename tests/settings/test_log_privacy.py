"""A day of visitors, then a grep of the logs: nothing a visitor typed is in them.

The first test runs `kiosk simulate` as a terminal runs it, logging at DEBUG through
its kiosk.toml, and searches every log file for every answer typed, resume code and
PIN. The second runs the same kind of day in this process and then logs those very
answers the careless ways a log call could (as an argument, inside an exception, in a
traceback of a pydantic error, through another library): none survives the filter,
while the same records written without it would show every one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.logsetup import FORMAT, LOG_FOLDER, configure_logging
from kiosk.session.clock import FakeClock
from kiosk.session.terminal import Terminal
from kiosk.settings import LoggingSettings
from kiosk.simulation.driver import simulate
from kiosk.store import Store
from tests.conftest import FAST

KIOSK = str(Path(sys.executable).with_name("kiosk"))
#: the time stamp the logger itself writes at the start of a line (not visitor input)
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} ", re.MULTILINE)


def log_text(home: Path) -> str:
    files = sorted((home / LOG_FOLDER).iterdir())
    assert files, "no log file written"
    return STAMP.sub("", "\n".join(p.read_text(encoding="utf-8") for p in files))


def typed_secrets(report: dict[str, Any]) -> set[str]:
    """Every value a visitor typed, every resume code and PIN; longer than 3 characters."""
    found = {str(v) for v in report["typed_values"]}
    for entry in report["parked"]:
        found |= {entry["code"], entry["code"].replace("-", ""), entry["pin"]}
    return {value for value in found if len(value) > 3}


def test_a_simulated_day_leaves_no_answer_in_the_logs(home: Path, tmp_path: Path) -> None:
    (home / "kiosk.toml").write_text('[logging]\nlevel = "DEBUG"\n', encoding="utf-8")
    report_file = tmp_path / "report.json"
    done = subprocess.run(
        [KIOSK, "simulate", "--home", str(home), "--visitors", "16", "--seed", "11"]
        + ["--leave-drafts", "4", "--report", str(report_file)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(report_file.read_text(encoding="utf-8"))
    secrets = typed_secrets(report)
    assert len(secrets) > 50, "the simulation typed too little to prove anything"
    text = log_text(home)
    assert "simulated 16 visitors: " in text  # the log is written, through the settings file
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []


class Person(BaseModel):
    birth_year: int


def test_careless_log_calls_with_real_answers_leak_nothing(
    home: Path, demo: CompiledCatalog
) -> None:
    setup = configure_logging(home, LoggingSettings(level="DEBUG"))
    unfiltered: list[str] = []

    class Raw(logging.Handler):
        """What the same records would have written without the filter."""

        def emit(self, record: logging.LogRecord) -> None:
            unfiltered.append(logging.Formatter(FORMAT).format(record))

    raw = Raw()
    root = logging.getLogger()
    root.handlers.insert(0, raw)  # before the filtered handlers rewrite the records
    store = Store(home / "kiosk.sqlite3")
    try:
        clock = FakeClock(start=dt.datetime(2026, 11, 21, 8, 0).timestamp())
        terminal = Terminal(store, demo, home, clock=clock, config=FAST, demo=True)
        report = simulate(terminal, clock, visitors=8, seed=5, leave_drafts=2, emit=lambda _: None)
        secrets = typed_secrets(report.as_json())
        assert len(secrets) > 20
        for value in sorted(secrets):
            careless(value)
    finally:
        root.removeHandler(raw)
        store.close()
        setup.close()
    text = log_text(home)
    assert "unexpected failure: ValidationError" in text
    assert sorted(s for s in secrets if s in text) == []
    everything = "\n".join(unfiltered)
    assert all(s in everything for s in secrets)  # the records did carry every answer


def careless(value: str) -> None:
    """The ways a log call could carry an answer, each through a real channel."""
    logging.getLogger("kiosk.ui").info("answer changed to %s", value)
    logging.getLogger("kiosk.session").warning("could not save %r", {"name": value})
    logging.getLogger("kiosk.terminal").error("%s", ValueError(f"invalid literal: {value!r}"))
    logging.getLogger("uvicorn.error").error("request with %s", value)
    try:
        Person.model_validate({"birth_year": value})
    except ValueError as exc:
        logging.getLogger("kiosk.ui.core").error(
            "unexpected failure: %s", type(exc).__name__, exc_info=exc
        )


@pytest.fixture(autouse=True)
def _no_stray_handlers() -> Iterator[None]:
    before = list(logging.getLogger().handlers)
    yield
    assert logging.getLogger().handlers == before
