"""The first moments of a start, logged without the log's machinery, then handed to it.

Setting up the log (:mod:`kiosk.logsetup`: rotation, the privacy filter) loads
``logging.handlers``, and with it sockets and pickling: milliseconds a start would
rather spend painting its first screen. So ``kiosk run`` keeps the records of its
first moments in memory and hands them to the log proper when it is set up, right
after the first paint (or when the kiosk stops before that). None is written before
the privacy filter has seen it, and none is lost unless the process itself is killed
in those first moments.
"""

from __future__ import annotations

import logging
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.logsetup import LoggingSetup, LogLimits

#: records kept at most before the log is set up (a start writes a handful)
MAX_KEPT = 1000


class _Keeper(logging.Handler):
    def __init__(self, kept: deque[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.kept = kept

    def emit(self, record: logging.LogRecord) -> None:
        self.kept.append(record)


class DeferredLogging:
    """The log of ``kiosk run``: records kept from now, the log itself set up on
    :meth:`ready` (which :meth:`adopt` and :meth:`close` call when it has not been)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self._kept: deque[logging.LogRecord] = deque(maxlen=MAX_KEPT)
        self._keeper = _Keeper(self._kept)
        self._setup: LoggingSetup | None = None
        root = logging.getLogger()
        self._level = root.level
        root.addHandler(self._keeper)
        root.setLevel(logging.DEBUG)  # every record is kept; the log proper filters them

    def ready(self) -> LoggingSetup:
        """The log proper, set up now if it is not yet, with every kept record in it."""
        if self._setup is None:
            from kiosk.logsetup import configure_logging

            root = logging.getLogger()
            root.removeHandler(self._keeper)
            root.setLevel(self._level)
            try:
                self._setup = configure_logging(self.home)
            except BaseException:
                # HOME/logs unusable: records stay kept (bounded), never written anywhere
                # the privacy filter has not seen; the caller stops the kiosk
                root.addHandler(self._keeper)
                root.setLevel(logging.DEBUG)
                raise
            for record in self._kept:
                for handler in self._setup.handlers:
                    if record.levelno >= handler.level:
                        handler.handle(record)
            self._kept.clear()
        return self._setup

    def adopt(self, limits: LogLimits) -> None:
        self.ready().adopt(limits)

    def close(self) -> None:
        """The log closed, the kept records written first; when the log cannot be set up
        at all they are dropped with the keeper (the stop has been reported on screen)."""
        try:
            self.ready().close()
        except OSError:
            logging.getLogger().removeHandler(self._keeper)
            logging.getLogger().setLevel(self._level)
