"""The terminal's sync in the background of `kiosk run`, off the UI's way.

Everything happens in one thread so the first screen is not delayed: first an
optional companion starts (the demo's local server, handed in by the launcher,
so nothing here knows a server), then the sync loop idles until the terminal is
enrolled and sends the outbox whenever it is.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

from sync.client.worker import SyncLoop, SyncSettings


class Companion(Protocol):
    """Something that starts before the sync in its thread and stops after it."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


class BackgroundSync:
    def __init__(
        self,
        home: Path,
        *,
        settings: SyncSettings | None = None,
        companion: Companion | None = None,
    ) -> None:
        self.home = home
        self.companion = companion
        self.loop = SyncLoop(home, settings=settings or SyncSettings(idle_interval=5.0))
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)

    def start(self) -> BackgroundSync:
        self._thread.start()
        return self

    def _run(self) -> None:
        if self.companion is not None:
            self.companion.start()
        self.loop.run()

    def stop(self) -> None:
        self.loop.stop()
        self._thread.join(10)
        if self.companion is not None:
            self.companion.stop()
