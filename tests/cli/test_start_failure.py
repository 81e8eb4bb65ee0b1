"""A kiosk that cannot start shows staff why and exits non-zero; it never hangs on boot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def smoke_start(home: Path) -> subprocess.CompletedProcess[str]:
    """``kiosk run --smoke`` on *home*, without a screen."""
    return subprocess.run(
        [KIOSK, "run", "--smoke", "--home", str(home)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )


def test_broken_database_ends_the_smoke_start_with_an_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok = smoke_start(home)
    assert ok.returncode == 0  # boot file and cache now exist
    (home / "kiosk.sqlite3").write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (home / f"kiosk.sqlite3{suffix}").unlink(missing_ok=True)
    done = smoke_start(home)
    assert done.returncode == 1
    assert "corrupt" in done.stderr


def test_a_log_that_cannot_be_opened_ends_the_start_with_an_error(tmp_path: Path) -> None:
    """The log is set up just after the first paint: a planted link in its place stops
    the start on the staff screen (exit 1 in a smoke run) instead of leaving the first
    screen up for ever, and nothing is written through the link."""
    home = tmp_path / "home"
    target = tmp_path / "elsewhere.txt"
    (home / "logs").mkdir(parents=True)
    (home / "logs" / "kiosk.log").symlink_to(target)
    done = smoke_start(home)
    assert done.returncode == 1
    assert "OSError" in done.stderr or "ELOOP" in done.stderr or "Too many levels" in done.stderr
    assert not target.exists()
