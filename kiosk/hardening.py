"""What the kiosk process does first, so nothing of a visitor leaks through the operating system.

- **No core dumps.** A crash would otherwise write the process's memory, answers
  and keys included, to a file (or hand it to a crash collector such as
  systemd-coredump or apport, which keep it). ``RLIMIT_CORE = 0`` stops the file;
  ``PR_SET_DUMPABLE = 0`` stops the collectors and also keeps other processes of
  the same user from attaching a debugger or reading ``/proc/<pid>/mem``.
- **Files for the kiosk user alone.** With ``umask 077`` every file the process
  makes (database, write-ahead log, key files, caches, staged bundles) is created
  0600 and every folder 0700, whichever library makes it.

Linux only; elsewhere the steps that do not exist are reported as skipped.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import stat
import sys
from pathlib import Path

_PR_SET_DUMPABLE = 4


def harden_process() -> list[str]:
    """Apply every step; returns the ones that could not be applied (for the log)."""
    skipped = []
    os.umask(0o077)
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        skipped.append("RLIMIT_CORE")
    if not _set_not_dumpable():
        skipped.append("PR_SET_DUMPABLE")
    return skipped


def _set_not_dumpable() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


class HomeNotPrivateError(RuntimeError):
    """The home folder belongs to someone else, or is a link: nothing may be kept there."""


def private_home(home: Path) -> Path:
    """The home folder, made 0700 (it may have been created under another umask).

    A folder another user made (say, ``KIOSK_HOME=/tmp/kiosk`` created first by someone
    else) or a symbolic link is refused: its owner could read or swap everything in it.
    """
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = home.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        raise HomeNotPrivateError(
            f"{home} is not a folder of this user ({os.getuid()}): choose another --home"
        )
    with contextlib.suppress(OSError):
        home.chmod(0o700)
    return home
