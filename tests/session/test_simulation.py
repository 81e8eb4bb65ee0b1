"""Whole simulated visits through the CLI: killed at random, grepped for leaks, resumed."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk.catalog.cache import load_catalog_cached
from kiosk.definition.model import FormField
from kiosk.paths import default_catalog_dir
from kiosk.session.terminal import Terminal
from kiosk.simulation.answers import AnswerMaker
from kiosk.store import Store

KIOSK = str(Path(sys.executable).with_name("kiosk"))
HEX = re.compile(r"[0-9a-f]+")
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def simulate(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, "simulate", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
        check=True,
    )


def raw_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.glob("kiosk.sqlite3*")))


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    simulate(home, "--visitors", "1")  # office keys and the catalog cache exist from here on
    rng = random.Random(20261121)
    promised: list[str] = []
    kills = 0
    for round_ in range(52):
        proc = subprocess.Popen(
            [
                KIOSK,
                "simulate",
                "--visitors",
                "100000",
                "--seed",
                str(round_),
                "--home",
                str(home),
                "--leave-drafts",
                "3000",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=ENV,
        )
        lines: list[str] = []
        first = threading.Event()

        def read(
            stream: Any = proc.stdout, lines: list[str] = lines, first: threading.Event = first
        ) -> None:
            for line in stream:
                lines.append(line.strip())
                first.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if round_ % 2:
            time.sleep(rng.uniform(0.0, 1.5))  # any moment, start-up included
        else:
            first.wait(timeout=60)
            time.sleep(rng.uniform(0.0, 0.6))  # in the middle of the visitors
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=30)
        assert proc.stdout is not None
        proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        kills += 1
        promised += [line.split()[1] for line in lines if line.startswith("submitted ")]
        conn = sqlite3.connect(home / "kiosk.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert kills >= 50
    assert len(promised) > 100, "the kills should land while visitors are submitting"
    store = Store(home / "kiosk.sqlite3")  # migrations and start-up checks still pass
    stored = store.outbox.references()
    assert len(stored) == len(set(stored))
    missing = set(promised) - set(stored)
    assert not missing, f"{len(missing)} submitted applications are not in the outbox"
    assert len(promised) == len(set(promised))
    assert store.integrity_ok()


def test_no_typed_answer_is_readable_in_the_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    report_path = tmp_path / "report.json"
    simulate(
        home,
        "--visitors",
        "40",
        "--seed",
        "7",
        "--leave-drafts",
        "15",
        "--report",
        str(report_path),
    )
    report = json.loads(report_path.read_text())
    assert len(report["parked"]) == 15 and len(report["submitted"]) == 25
    catalog = load_catalog_cached(default_catalog_dir(), None, home / "cache").catalog
    assert catalog is not None
    public = catalog.to_json()
    store = Store(home / "kiosk.sqlite3")
    # dates the terminal itself records (application date, counter days) are not answers
    metadata = {r["day"] for r in store.counters.rows()}
    metadata |= {str(r[0]) for r in store.db.execute("SELECT application_date FROM outbox")}
    data = raw_bytes(home)
    # sealed payloads are base64 text: a short answer may occur in them by pure chance
    sealed = b"\n".join(
        str(r[0]).encode() for r in store.db.execute("SELECT payload FROM outbox_payloads")
    )
    checked = 0
    for value in report["typed_values"]:
        needle = value.encode()
        if len(needle) < 5 or needle in public or value in metadata or needle in sealed:
            continue
        if HEX.fullmatch(value):
            continue  # a postcode like 44118 also occurs inside hexadecimal ids (UUIDs)
        checked += 1
        assert needle not in data, f"plaintext answer found on disk: {value!r}"
    assert checked > 150
    assert store.drafts.count("parked") >= 15
    assert sorted(store.outbox.references()) == sorted(e["reference"] for e in report["submitted"])


def test_parked_drafts_from_the_report_resume_with_every_answer(tmp_path: Path) -> None:
    home = tmp_path / "home"
    report_path = tmp_path / "report.json"
    simulate(
        home, "--visitors", "6", "--seed", "3", "--leave-drafts", "6", "--report", str(report_path)
    )
    report = json.loads(report_path.read_text())
    catalog = load_catalog_cached(default_catalog_dir(), None, home / "cache").catalog
    assert catalog is not None
    terminal = Terminal(Store(home / "kiosk.sqlite3"), catalog, home)
    for entry in report["parked"]:
        session = terminal.resume(entry["code"], entry["pin"], entry["language"])
        assert session.current is not None and session.current.form_id == entry["form"]
        restored = session.current.answers
        for key, value in entry["answers"].items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                assert [dict(v) for v in restored.get(key, [])] == [
                    {k: x for k, x in item.items()} for item in value
                ]
            elif value not in (None, "", []):
                assert restored[key] == value, key
        session.end("finished")


def test_simulate_is_reproducible_from_its_seed(tmp_path: Path) -> None:
    reports = []
    for n in range(2):
        path = tmp_path / f"r{n}.json"
        simulate(tmp_path / f"h{n}", "--visitors", "5", "--seed", "11", "--report", str(path))
        reports.append(json.loads(path.read_text()))
    strip = [[(e["form"], e["language"], e["answers"]) for e in r["submitted"]] for r in reports]
    assert strip[0] == strip[1]


@pytest.mark.parametrize("bad", [["--visitors", "-1"], ["--visitors", "2", "--leave-drafts", "-3"]])
def test_simulate_rejects_negative_counts(tmp_path: Path, bad: list[str]) -> None:
    done = subprocess.run(
        [KIOSK, "simulate", "--home", str(tmp_path), *bad],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert done.returncode == 2 and "must not be negative" in done.stderr


def test_office_keygen(tmp_path: Path) -> None:
    done = subprocess.run(
        [KIOSK, "office", "keygen", "jobcenter", "--home", str(tmp_path), "--bits", "2048"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    private = tmp_path / "office_keys" / "jobcenter.key.pem"
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert (
        (tmp_path / "office_keys" / "jobcenter.pub.pem")
        .read_bytes()
        .startswith(b"-----BEGIN PUBLIC KEY-----")
    )
    bad = subprocess.run(
        [KIOSK, "office", "keygen", "Job Center!", "--home", str(tmp_path)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert bad.returncode == 2 and "not an office id" in bad.stderr


def test_nested_repeats_in_a_pattern_give_short_answers() -> None:
    """RE2 matches ``((((a*)*)*)*)*`` in linear time; the simulated visitor must not type
    100^5 characters to satisfy it."""
    field = FormField.model_validate(
        {"id": "x", "type": "text", "label": "X", "pattern": "^(((((a*)*)*)*)*)*$"}
    )
    start = time.perf_counter()
    for seed in range(20):
        answer = AnswerMaker(random.Random(seed)).value(field, None, dt.date(2026, 1, 1))
        assert set(answer) <= {"a", "A", "1"} and len(answer) <= 200
    assert time.perf_counter() - start < 5
