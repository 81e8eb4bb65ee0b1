"""The kiosk process writes no core dump and no file another user of the machine can read."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

KIOSK = [sys.executable, "-m", "cli.main"]

PROBE = """
import ctypes, resource
from kiosk.hardening import harden_process
assert harden_process() == []
libc = ctypes.CDLL(None)
print(resource.getrlimit(resource.RLIMIT_CORE), libc.prctl(3, 0, 0, 0, 0))
"""


def test_no_core_dump_and_no_debugger_from_the_same_user() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.split() == ["(0,", "0)", "0"]  # RLIMIT_CORE 0/0, PR_GET_DUMPABLE 0


def test_every_file_of_the_home_is_the_kiosk_users_alone(tmp_path: Path) -> None:
    """A run under a permissive umask (022) still leaves nothing group- or world-readable."""
    home = tmp_path / "home"
    subprocess.run(
        [*KIOSK, "simulate", "--home", str(home), "--visitors", "3", "--leave-drafts", "1"],
        capture_output=True,
        check=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )
    paths = [home, *home.rglob("*")]
    assert any(p.name == "kiosk.sqlite3" for p in paths)
    loose = [
        f"{p.relative_to(tmp_path)} {stat.filemode(p.lstat().st_mode)}"
        for p in paths
        if not p.is_symlink() and p.lstat().st_mode & 0o077
    ]
    assert loose == []


def test_a_database_left_readable_by_an_earlier_version_is_tightened(tmp_path: Path) -> None:
    from kiosk.store import Store

    path = tmp_path / "kiosk.sqlite3"
    Store(path).close()
    path.chmod(0o644)
    Store(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_home_that_is_a_link_is_refused(tmp_path: Path) -> None:
    """A link (or a folder of another user) would let its owner read or swap the keys."""
    from cli.main import main

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "home").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert main(["status", "--home", str(tmp_path / "home")]) == 1
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_private_files_are_written_whole_under_a_name_of_their_own(tmp_path: Path) -> None:
    from kiosk.private_files import write_private

    target = tmp_path / "keys" / "device.json"
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "device.json.tmp").symlink_to(tmp_path / "stolen")  # a planted link
    write_private(target, b"secret")
    assert target.read_bytes() == b"secret" and not (tmp_path / "stolen").exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [
        "device.json",
        "device.json.tmp",
    ]
