"""The kiosk's own keyboard layouts (Pashto, Sorani, Kurmanji, Somali, Tigrinya) typed on
with taps through a real X server, at the sizes terminals have.

Each size runs :mod:`tests.screen.keyboard_layouts` in its own process on its own Xvfb:
every key is found in the keyboard's QML item tree and tapped where it is drawn, and the
field must hold what the keys say (ښ and ګ in Pashto, ڵ and ێ in Sorani, ş and ê in
Kurmanji, the apostrophe in Somali, consonant + vowel = syllable in Tigrinya). The
pictures of each layout, before and after typing, stay in the test's folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.screen.keyboard_layouts import TYPING
from tests.screen.xserver import NoXServerError, xvfb

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080), "small": (1366, 768)}

pytestmark = pytest.mark.screen


@pytest.mark.parametrize("size", list(SIZES))
def test_each_own_layout_types_what_its_keys_say(size: str, tmp_path: Path) -> None:
    width, height = SIZES[size]
    try:
        with xvfb(width, height) as display:
            env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
            env.update(DISPLAY=display, KIOSK_TTS_ENGINE="none")
            done = subprocess.run(
                [sys.executable, "-m", "tests.screen.keyboard_layouts", "--out", str(tmp_path)],
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
    failures = [line for line in done.stderr.splitlines() if "FAILED" in line]
    assert done.returncode == 0, f"{failures or done.stderr[-6000:]}\n(pictures in {tmp_path})"
    pictures = {path.name.split("-")[0] for path in tmp_path.glob("*-typed.png")}
    assert pictures == set(TYPING), f"pictures of {sorted(pictures)} only, in {tmp_path}"
