"""The on-screen keyboard, on a real X server: inside the kiosk window, in the visitor's
script, digits for phone numbers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("keyboard_probe.py")


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="needs xvfb-run (installed by .ci/run)"
)
def test_embedded_keyboard_types_in_the_visitors_script() -> None:
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, str(PROBE)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=Path(__file__).resolve().parents[2],
        env={k: v for k, v in __import__("os").environ.items() if k != "QT_QPA_PLATFORM"},
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stdout + done.stderr
    result = json.loads(lines[-1])
    assert result["keyboard"] and result["visible"] and result["inside"]
    assert result["windows"] == 1  # no separate keyboard window behind the kiosk
    assert result["typed"] and all("\u0400" <= ch <= "\u04ff" for ch in result["typed"])
    assert result["phone"] and result["phone"].isdigit()
