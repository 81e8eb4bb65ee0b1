"""What the terminal knows about its sync: for staff, `kiosk status` and the heartbeat."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.store import Store
from kiosk.store.outbox import OutboxState
from kiosk.store.settings import CATALOG_SETTING as CATALOG
from sync import protocol as p
from sync.client.catalog_pull import REFUSED, STAGED_VERSION
from sync.client.delivery import last_gap
from sync.client.status_feed import cursor

LAST_ATTEMPT = "sync.last_attempt_at"
LAST_SUCCESS = "sync.last_success_at"
LAST_ERROR = "sync.last_error"
UNREPORTED_ERROR = "sync.unreported_error"  # the last failure, until a heartbeat carried it


def record_attempt(store: Store, *, now: float, error: str | None) -> None:
    store.settings.set(LAST_ATTEMPT, repr(now))
    store.settings.set(LAST_ERROR, error or "")
    if error is None:
        store.settings.set(LAST_SUCCESS, repr(now))
    else:
        store.settings.set(UNREPORTED_ERROR, error[:500])


def heartbeat_delivered(store: Store) -> None:
    store.settings.set(UNREPORTED_ERROR, "")


def _time(store: Store, key: str) -> dt.datetime | None:
    value = store.settings.get(key)
    return dt.datetime.fromtimestamp(float(value), dt.UTC) if value else None


def heartbeat_for(store: Store, *, app_version: str) -> p.Heartbeat:
    return p.Heartbeat(
        catalog_version=store.settings.get(CATALOG),
        outbox=store.outbox.counts_by_state(),
        last_error=(store.settings.get(LAST_ERROR) or store.settings.get(UNREPORTED_ERROR) or None),
        last_sync_at=_time(store, LAST_SUCCESS),
        app_version=app_version,
    )


def sync_status(store: Store, home: Path) -> dict[str, Any]:
    """Plain data for `kiosk status --json` and the staff panel."""
    from sync.client.credential import EnrolmentError, load_credential

    try:
        credential = load_credential(home)
        enrolment_problem = None
    except EnrolmentError as exc:
        credential, enrolment_problem = None, str(exc)
    counts: dict[str, int] = dict.fromkeys(OutboxState, 0)
    counts.update(store.outbox.counts_by_state())

    def iso(key: str) -> str | None:
        value = _time(store, key)
        return value.isoformat() if value else None

    return {
        "app_version": __version__,
        "terminal_id": store.settings.get("terminal_id"),
        "catalog_version": store.settings.get(CATALOG),
        "enrolled": credential is not None,
        "server": credential.server if credential else None,
        "device_name": credential.name if credential else None,
        "enrolment_problem": enrolment_problem,
        "outbox": counts,
        "last_sync_at": iso(LAST_SUCCESS),
        "last_attempt_at": iso(LAST_ATTEMPT),
        "last_error": store.settings.get(LAST_ERROR) or None,
        "catalog_staged": _staged_version(store, home),
        **_disk(home),
        "catalog_refused": store.settings.get(REFUSED) or None,
        "delivery_gap": _gap(store),
        # what offices set, held for visitors who ask, and where the feed stands
        "receipt_statuses": store.receipt_statuses.count(),
        "status_cursor": cursor(store),
    }


def _gap(store: Store) -> dict[str, Any] | None:
    """The latest confirmed applications the server had lost, as staff read it."""
    gap = last_gap(store)
    if gap is None:
        return None
    at = dt.datetime.fromtimestamp(gap["at"], dt.UTC).isoformat()
    return {"at": at, "missing": gap["missing"]}


def _disk(home: Path) -> dict[str, int | None]:
    """Free space where the database grows: a full disk stops autosave and the outbox."""
    try:
        usage = shutil.disk_usage(home)
    except OSError:
        return {"disk_free_bytes": None, "disk_total_bytes": None}
    return {"disk_free_bytes": usage.free, "disk_total_bytes": usage.total}


def _staged_version(store: Store, home: Path) -> int | None:
    """The version waiting for a moment between visitors, if one is."""
    from kiosk.catalog.bundle_files import FOLDER, STAGED

    if not (home / FOLDER / STAGED).exists():
        return None
    value = store.settings.get(STAGED_VERSION)
    return int(value) if value and value.isdigit() else None
