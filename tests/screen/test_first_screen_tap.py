"""A tap on the first screen, made while the kiosk is still loading, on a real X server.

``kiosk run`` paints its first screen (the kept picture of the welcome screen, or the
boot window) and then loads for a few hundred milliseconds with the event loop held.
A visitor who taps a language in that moment must land in that language: the tap goes
through X to whatever window shows, exactly as a finger's would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.screen.xserver import NoXServerError, xvfb

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.screen


def _kiosk(home: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``kiosk run --demo`` on the test's display; its output goes to a file beside."""
    home.mkdir(parents=True, exist_ok=True)
    with (home.parent / "kiosk-output.txt").open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "cli.main", "run", "--demo", "--home", str(home)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _log(home: Path) -> str:
    """The kiosk's log so far ("" before the log is set up, just after the first paint)."""
    try:
        return (home / "logs" / "kiosk.log").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


@pytest.mark.parametrize("first_screen", ["boot window", "kept picture"])
def test_a_language_tapped_while_loading_is_the_visit_s_language(
    tmp_path: Path, first_screen: str
) -> None:
    home = tmp_path / "home"
    try:
        with xvfb(1080, 1920) as name:
            _tap_while_loading(name, home, first_screen)
    except NoXServerError:
        if os.environ.get("KIOSK_REQUIRE_SCREEN") == "1":
            raise
        pytest.skip("Xvfb is not installed (.ci/run installs it)")


def _tap_while_loading(name: str, home: Path, first_screen: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=name, KIOSK_TTS_ENGINE="none")
    if first_screen == "kept picture":  # a start before keeps the picture
        before = _kiosk(home, env)
        deadline = time.monotonic() + 60
        kept = home / "cache" / "welcome.picture.json"
        while time.monotonic() < deadline and not kept.exists():
            time.sleep(0.1)
        before.terminate()
        before.wait(timeout=30)
    kiosk = _kiosk(home, env)
    try:
        # the Ukrainian button: second row, left column; a spot beside its words
        tap = [sys.executable, "-m", "tests.screen.first_tap", name, "60", "300"]
        done = subprocess.run(tap, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "took over" not in _log(home):
            time.sleep(0.1)
        log = _log(home)
        assert f"first paint: the {first_screen}" in log.split("starting")[-1]
        assert "the kiosk took over the first screen, with a tap made on it" in log
    finally:
        kiosk.terminate()
        kiosk.wait(timeout=30)
