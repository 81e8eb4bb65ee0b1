"""Crash-recovery keys that expire, so a copied disk cannot open the drafts of ended visits.

A visit's drafts are encrypted with a session key that lives in memory only.
Every autosave also stores that key wrapped with a key of the terminal's, so that
staff can reopen the visit after an unclean stop. A terminal
key that lived for ever would open every wrap ever written: old WAL frames, free
pages and unallocated blocks of a copied disk still hold the wraps of visits that
ended long ago. So the terminal key changes every *epoch* (a quarter of the
recovery window), and each epoch's key is overwritten and deleted as soon as the
window has passed after the epoch ended. A wrap found anywhere on the disk then
opens for at most window + epoch after it was written, as long as the terminal
runs; a terminal switched off keeps its keys until it starts again (see the
README's privacy section: full-disk encryption covers that case).

Live visits are re-wrapped under the new key when the epoch changes, so staff can
still recover a visit that has been open for longer than the window.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kiosk.crypto import aead
from kiosk.private_files import destroy, write_private
from kiosk.session.clock import Clock

_EPOCH_BYTES = 8
_KEY_FILE = re.compile(r"^([0-9]{1,19})\.key$")
_MAX_KEY_FILES = 1000  # a folder stuffed with files is cleaned, never read without end


class RecoveryKeys:
    """The terminal's crash-recovery keys, one file per epoch in *folder*."""

    def __init__(self, folder: Path, window_seconds: float, clock: Clock) -> None:
        if not window_seconds > 0:
            raise ValueError("the recovery window must be positive")
        self.folder = folder
        self.window = float(window_seconds)
        self.epoch_seconds = max(1.0, self.window / 4)
        self.clock = clock
        self._cache: dict[int, bytes] = {}

    def epoch(self, at: float | None = None) -> int:
        moment = self.clock.now() if at is None else at
        return max(0, int(moment // self.epoch_seconds))

    def wrap(self, session_key: bytes | bytearray, aad: bytes) -> bytes:
        """epoch || AES-GCM(epoch key, session key): the epoch says which key opens it."""
        epoch = self.epoch()
        key = self._key(epoch, create=True)
        assert key is not None
        return epoch.to_bytes(_EPOCH_BYTES, "big") + aead.encrypt(key, bytes(session_key), aad)

    def unwrap(self, blob: bytes, aad: bytes) -> bytearray | None:
        """The session key, or None when its epoch key is gone or the wrap does not fit."""
        if len(blob) <= _EPOCH_BYTES:
            return None
        key = self._key(int.from_bytes(blob[:_EPOCH_BYTES], "big"), create=False)
        if key is None:
            return None
        try:
            return bytearray(aead.decrypt(key, blob[_EPOCH_BYTES:], aad))
        except aead.DecryptionError:
            return None

    @staticmethod
    def epoch_of(blob: bytes) -> int | None:
        """The epoch a wrap names (None for a wrap of another shape)."""
        return int.from_bytes(blob[:_EPOCH_BYTES], "big") if len(blob) > _EPOCH_BYTES else None

    def destroy_all_but(self, keep: set[int]) -> int:
        """Destroy every key but those of *keep*: no visit is open, so no wrap this process
        wrote is needed any more (new wraps get a fresh key of the same epoch)."""
        gone = 0
        for path in self._files():
            match = _KEY_FILE.match(path.name)
            epoch = int(match.group(1)) if match else -1
            if match and epoch in keep:
                continue
            destroy(path)
            self._cache.pop(epoch, None)
            gone += 1
        return gone

    def expire(self) -> int:
        """Destroy every key that can no longer be needed; returns how many went.

        The key of epoch *e* wrapped keys until the epoch ended, and a wrap must open for
        the window after it was written: it is kept while ``end(e) + window`` lies ahead.
        Keys of epochs more than a window after the current one (the wall clock went far
        back) and files that are no key of ours go too: nothing unexpected stays beside
        the keys.
        """
        now = self.clock.now()
        current = self.epoch(now)
        # a clock behind (a terminal booting before its time is set) must not destroy the
        # key of a visit that crashed a moment ago: keys up to a window ahead stay
        ahead = current + int(self.window // self.epoch_seconds) + 1
        gone = 0
        for path in self._files():
            match = _KEY_FILE.match(path.name)
            epoch = int(match.group(1)) if match else -1
            ended = (epoch + 1) * self.epoch_seconds
            if match and epoch <= ahead and (epoch > current or ended + self.window > now):
                continue
            destroy(path)
            self._cache.pop(epoch, None)
            gone += 1
        return gone

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        found: list[Path] = []
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if len(found) >= _MAX_KEY_FILES:
                    break
                found.append(Path(entry.path))
        return found

    def _key(self, epoch: int, *, create: bool) -> bytes | None:
        if epoch in self._cache:
            return self._cache[epoch]
        path = self.folder / f"{epoch}.key"
        try:
            data = path.read_bytes() if path.is_file() else b""
        except OSError:
            data = b""
        if len(data) != aead.KEY_BYTES:
            if not create:
                return None
            data = os.urandom(aead.KEY_BYTES)
            write_private(path, data)
        self._cache[epoch] = data
        return data
