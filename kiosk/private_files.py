"""Files for the kiosk user alone: written whole or not at all, destroyed in place.

Keys, the staff pepper, the device credential, staff lists and catalog bundles
live in files of the kiosk's home. None may be seen half-written (a power cut
between write and rename leaves the old file or the new one, and the folder is
synced so the rename itself survives), none may be readable by another user
whatever the umask, and a key must not stay readable after deletion on file
systems that write in place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    """*data* in *path*, readable only by the kiosk user, complete on disk before it is used."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # a name of its own (O_EXCL, mode 0600): two writers of one file (enrolment while the
    # kiosk runs) never write into each other's half, and no link planted there is followed
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    sync_folder(path.parent)


def destroy(path: Path) -> None:
    """Overwrite a key file in place, then delete it.

    On a file system that writes in place (ext4 and the like, without data
    journalling) the zeros land on the blocks that held the key; copy-on-write file
    systems and SSD wear levelling may keep old blocks, which is why the README asks
    for full-disk encryption.
    """
    with contextlib.suppress(OSError):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "wb") as fh:
                fh.write(b"\0" * min(size, 1 << 20))
                fh.flush()
                os.fsync(fh.fileno())
    with contextlib.suppress(OSError):
        path.unlink()
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename or deletion in *folder* survive a power cut."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
