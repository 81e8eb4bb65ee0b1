"""A kiosk that cannot start shows staff why and exits non-zero; it never hangs on boot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def test_broken_database_ends_the_smoke_start_with_an_error(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    home = tmp_path / "home"
    ok = subprocess.run(
        [KIOSK, "run", "--smoke", "--home", str(home)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0  # boot file and cache now exist
    (home / "kiosk.sqlite3").write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (home / f"kiosk.sqlite3{suffix}").unlink(missing_ok=True)
    done = subprocess.run(
        [KIOSK, "run", "--smoke", "--home", str(home)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "corrupt" in done.stderr
