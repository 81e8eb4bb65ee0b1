"""Spoken texts kept in memory, so that a second tap speaks at once.

Only in memory, and emptied when a visit ends: what was read aloud may hold a visitor's
answers, and nothing of a visitor may outlive the visit or reach the disk. Bounded by
bytes; the least recently spoken goes first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from kiosk.speech.pcm import Pcm

DEFAULT_BYTES = 48 * 1024 * 1024  # ~18 minutes of speech at 22 kHz


class SpeechCache:
    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str], Pcm] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # filled by the synthesis thread, read by the UI

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        return self._bytes

    def get(self, voice: str, text: str) -> Pcm | None:
        with self._lock:
            found = self._items.get((voice, text))
            if found is not None:
                self._items.move_to_end((voice, text))
            return found

    def put(self, voice: str, text: str, sound: Pcm) -> None:
        if len(sound.samples) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop((voice, text), None)
            if old is not None:
                self._bytes -= len(old.samples)
            self._items[(voice, text)] = sound
            self._bytes += len(sound.samples)
            while self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.samples)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
