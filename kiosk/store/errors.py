"""SQLite's failures turned into errors a person can act on.

SQLite reports a full disk, a read-only file system or a damaged file as
generic exceptions; they are turned into :class:`StoreError` with a kind and a
plain message, so the kiosk can show staff what happened (and keep the
visitor's answers in memory) instead of a traceback. Every repository method
is :func:`guarded`, so no ``sqlite3`` exception leaves the store.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from functools import wraps
from typing import ParamSpec, TypeVar

from kiosk.i18n import N_

P = ParamSpec("P")
R = TypeVar("R")

MESSAGES = {
    "disk_full": N_("Der Speicher des Terminals ist voll. Bitte wenden Sie sich an das Personal."),
    "read_only": N_(
        "Das Terminal kann gerade nicht speichern. Bitte wenden Sie sich an das Personal."
    ),
    "corrupt": N_(
        "Die Datenbank des Terminals ist beschädigt. Bitte wenden Sie sich an das Personal."
    ),
    "newer_schema": N_(
        "Die Datenbank stammt von einer neueren Version der Kiosk-Software. "
        "Bitte wenden Sie sich an das Personal."
    ),
    "unavailable": N_(
        "Das Terminal kann gerade nicht speichern. Bitte wenden Sie sich an das Personal."
    ),
}


class StoreError(RuntimeError):
    """A storage problem with a kind (see MESSAGES) and technical detail for staff."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail

    @property
    def message(self) -> str:
        """German text for the screen; the UI translates it through gettext."""
        return MESSAGES[self.kind]


def classify(exc: sqlite3.Error) -> StoreError:
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL or "disk is full" in text or "database or disk is full" in text:
        return StoreError("disk_full", str(exc))
    if code == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return StoreError("read_only", str(exc))
    if (
        code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
        or "not a database" in text
        or ("malformed" in text)
    ):
        return StoreError("corrupt", str(exc))
    return StoreError("unavailable", str(exc))


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise classify(exc) from exc


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite errors in a store method into :class:`StoreError`."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translated_errors():
            return fn(*args, **kwargs)

    return wrapper
