"""What the UI thread must never do while the kiosk serves visitors, watched as it runs:
start a program, connect to a database or over the network, write a file, or run SQL.

Python's audit hooks report the first three from wherever they come (a library's
subprocess as much as the kiosk's own); SQL is seen through the store connection's
trace callback, which SQLite calls on the thread that runs the statement. An audit
hook cannot be removed, so one is installed per process and armed only while a test
watches.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: audit events that are slow work wherever they happen: programs, connections
SLOW_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.posix_spawn",
        "os.exec",
        "os.fork",
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "sqlite3.connect",
    }
)
_WRITING_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
#: frames of this many calls are kept for each finding: enough to name the caller
STACK_DEPTH = 12


class UiThreadWatch:
    def __init__(self) -> None:
        self.armed = False
        self.found: list[str] = []
        self._ui_thread = threading.main_thread()

    def _on_ui_thread(self) -> bool:
        return self.armed and threading.current_thread() is self._ui_thread

    def _note(self, what: str) -> None:
        stack = "".join(traceback.format_stack(limit=STACK_DEPTH)[:-2])
        self.found.append(f"{what}\n{stack}")

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        if not self._on_ui_thread():
            return
        if event in SLOW_EVENTS:
            self._note(f"{event} {args[:1]!r}")
        elif event == "open" and _writes(args):
            self._note(f"a file opened for writing: {args[0]!r}")

    def sql(self, statement: str) -> None:
        if self._on_ui_thread():
            self._note(f"SQL: {statement[:120]}")

    @contextmanager
    def looking_away(self) -> Iterator[None]:
        """For what the test itself does in the visitor's stead (an office's status
        arriving as the sync would bring it), not the kiosk."""
        self.armed = False
        try:
            yield
        finally:
            self.armed = True


def _writes(args: tuple[Any, ...]) -> bool:
    _path, mode, flags = (tuple(args) + (None, None, None))[:3]
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITING_FLAGS)


_watch: UiThreadWatch | None = None


def installed() -> UiThreadWatch:
    """The process's one watch, its audit hook installed on first use."""
    global _watch
    if _watch is None:
        _watch = UiThreadWatch()
        sys.addaudithook(_watch.audit)
    return _watch


@contextmanager
def watching(*connections: sqlite3.Connection) -> Iterator[UiThreadWatch]:
    """Armed for the block; SQL on *connections* is watched too."""
    watch = installed()
    watch.found.clear()
    for conn in connections:
        conn.set_trace_callback(watch.sql)
    watch.armed = True
    try:
        yield watch
    finally:
        watch.armed = False
        for conn in connections:
            conn.set_trace_callback(None)
