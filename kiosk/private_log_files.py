"""The log folder and its files, for the kiosk user alone.

Apart from :mod:`kiosk.logsetup` (which loads ``logging.handlers`` and with it sockets
and pickling) because the crash guard opens its file before the first paint, when
every millisecond shows; the log proper is set up just after.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

LOG_FOLDER = "logs"


def log_folder(home: Path) -> Path:
    """``HOME/logs``, for the kiosk user alone, whatever the umask made of it before."""
    folder = home / LOG_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def open_private(path: Path) -> io.TextIOWrapper:
    """*path* for appending, mode 0600, never through a link planted in its place."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return open(fd, "a", encoding="utf-8", errors="backslashreplace")  # noqa: PTH123 - an fd
