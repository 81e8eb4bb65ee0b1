"""Visitors' journeys on a real X server at the sizes terminals have, tapped through X.

Each journey runs in its own process on its own Xvfb. Screenshots of a failed
step stay in the test's folder (its path is in the failure message); with
KIOSK_SCREEN_SHOTS=all every step is kept.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.screen.journeys import JOURNEYS
from tests.screen.xserver import NoXServerError, xvfb

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920), "small": (1366, 768)}

pytestmark = pytest.mark.screen


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_journey(journey: str, size: str, tmp_path: Path) -> None:
    width, height = SIZES[size]
    out = tmp_path / f"{journey}-{size}"
    try:
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
    except NoXServerError:
        if os.environ.get("KIOSK_REQUIRE_SCREEN") == "1":
            raise
        pytest.skip("Xvfb is not installed (.ci/run installs it)")
    assert done.returncode == 0, f"{done.stderr[-6000:]}\n(artefacts in {out})"
