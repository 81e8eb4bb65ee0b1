"""Visitors' journeys on a real X server at the sizes terminals have, tapped through X.

Each journey runs in its own process on its own Xvfb. A journey spends most of its
time waiting for the screen, so two run side by side (``KIOSK_SCREEN_WORKERS``):
all are started when the first test of this module asks, and each test reports its
own journey. Screenshots of a failed step stay in the test's folder (its path is in
the failure message); with KIOSK_SCREEN_SHOTS=all every step is kept.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.screen.journeys import JOURNEYS
from tests.screen.xserver import NoXServerError, xvfb

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920), "small": (1366, 768)}

pytestmark = pytest.mark.screen


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stderr: str
    out: Path


def run_journey(journey: str, size: str, out: Path) -> Outcome:
    width, height = SIZES[size]
    with xvfb(width, height) as display:
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        env.update(DISPLAY=display, KIOSK_TTS_ENGINE="none")
        done = subprocess.run(
            [sys.executable, "-m", "tests.screen.run", journey, "--out", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    return Outcome(done.returncode, done.stderr, out)


@pytest.fixture(scope="module")
def journeys(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[tuple[str, str], Future[Outcome]]]:
    """Every selected journey, started at once (two at a time), each test waits for its own."""
    wanted = [
        (item.callspec.params["journey"], item.callspec.params["size"])
        for item in request.session.items
        if item.path == request.node.path and hasattr(item, "callspec")
    ]
    workers = int(os.environ.get("KIOSK_SCREEN_WORKERS", "2"))
    base = tmp_path_factory.mktemp("journeys")  # pytest keeps the last few runs' folders
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        yield {
            (journey, size): pool.submit(run_journey, journey, size, base / f"{journey}-{size}")
            for journey, size in wanted
        }


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_journey(journey: str, size: str, journeys: dict[tuple[str, str], Future[Outcome]]) -> None:
    try:
        outcome = journeys[(journey, size)].result()
    except NoXServerError:
        if os.environ.get("KIOSK_REQUIRE_SCREEN") == "1":
            raise
        pytest.skip("Xvfb is not installed (.ci/run installs it)")
    assert outcome.returncode == 0, f"{outcome.stderr[-6000:]}\n(artefacts in {outcome.out})"
