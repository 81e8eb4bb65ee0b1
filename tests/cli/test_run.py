"""`kiosk run` starts a real window (offscreen here) and `--home` keeps state apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.paths import home_dir
from kiosk.platform_check import apt_line, missing_qt_libraries_message

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def test_run_smoke_reaches_the_welcome_screen(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    home = tmp_path / "home"
    for start in ("first start: catalog compiled", "second start: boot screen first"):
        done = subprocess.run(
            [KIOSK, "run", "--smoke", "--home", str(home)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, (start, done.stderr)
        assert "welcome screen shown" in done.stdout, start
    boot = json.loads((home / "cache" / "boot.json").read_text())
    assert boot["names"]["fa"] == "فارسی" and boot["names"]["fa_AF"] == "دری"
    assert {"de", "de@leicht", "ps", "ti"} <= set(boot["languages"])


def test_home_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "env"))
    assert home_dir() == tmp_path / "env"
    assert home_dir(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.delenv("KIOSK_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert home_dir().is_relative_to(tmp_path / "xdg")


def test_missing_library_names_the_package() -> None:
    message = missing_qt_libraries_message(
        ImportError("libGL.so.1: cannot open shared object file: No such file or directory")
    )
    assert "Debian package libgl1" in message
    assert apt_line() in message
    assert "libxcb-cursor0" in apt_line() and "libegl1" in apt_line()


def test_no_display_gets_advice_not_a_crash(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    }
    done = subprocess.run(
        [KIOSK, "run", "--home", str(tmp_path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 3
    assert "No display found" in done.stderr and "QT_QPA_PLATFORM=offscreen" in done.stderr
