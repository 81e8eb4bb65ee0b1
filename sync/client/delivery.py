"""Until its office has it, a terminal keeps each sealed application, and checks.

The server's "stored" is not the end of the way: a server restored from a
backup forgets what it confirmed after the backup was taken. So the terminal
keeps the sealed payload of every confirmed application until the server says
the office took it (then the payload goes) or the deployment's retention time
has passed (the catalog's ``outbox_retention_days``). Now and then it asks the
server about those it still holds: what the server no longer has goes back to
``pending`` and out again, and the gap is recorded for staff and the heartbeat.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from kiosk.store import Store
from kiosk.store.settings import RETENTION_SETTING
from sync import protocol as p
from sync.client.transport import DeviceTransport

log = logging.getLogger("kiosk.sync")

DEFAULT_RETENTION_DAYS = 14
#: the latest gap found: {"at": seconds, "missing": count}
GAP_SETTING = "sync.delivery_gap"
CHECKED_SETTING = "sync.delivery_checked_at"


@dataclass
class DeliveryCheck:
    asked: int = 0
    at_office: int = 0
    missing: int = 0
    resent: int = 0
    dropped: int = 0  # payloads past the retention time


def retention_seconds(store: Store) -> float:
    value = store.settings.get(RETENTION_SETTING) or ""
    days = int(value) if value.isdigit() and 1 <= int(value) <= 365 else DEFAULT_RETENTION_DAYS
    return days * 86400.0


def check_delivery(store: Store, transport: DeviceTransport, *, now: float) -> DeliveryCheck:
    """Ask about every application still held; raises the transport's SyncError."""
    outbox = store.outbox
    check = DeliveryCheck(
        dropped=outbox.drop_kept_payloads(sent_before=now - retention_seconds(store))
    )
    after = ""
    while True:
        held = outbox.awaiting_office(p.MAX_DELIVERY_IDS, after)
        if not held:
            break
        asked = {d.id for d in held}
        reply = transport.delivery([d.id for d in held])
        taken: dict[str, float] = {}
        missing: list[str] = []
        for result in reply.results:
            if result.id not in asked:
                continue  # the server answers only what was asked; anything else is noise
            if result.status == "at_office":
                taken[result.id] = result.at.timestamp() if result.at is not None else now
            elif result.status == "missing":
                missing.append(result.id)
        outbox.at_office(taken)
        check.resent += outbox.lost_by_server(missing, now=now)
        check.asked += len(held)
        check.at_office += len(taken)
        check.missing += len(missing)
        after = held[-1].id
    store.settings.set(CHECKED_SETTING, repr(now))
    if check.missing:
        store.settings.set(GAP_SETTING, json.dumps({"at": now, "missing": check.missing}))
        log.warning(
            "the server no longer had %d application(s) it had confirmed (restored from a "
            "backup?); %d sent again",
            check.missing,
            check.resent,
        )
    return check


def last_gap(store: Store) -> dict[str, Any] | None:
    """The latest gap the terminal found, for status and staff; None if never."""
    try:
        value = json.loads(store.settings.get(GAP_SETTING) or "null")
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    at, missing = value.get("at"), value.get("missing")
    if not isinstance(at, int | float) or not isinstance(missing, int):
        return None
    return {"at": float(at), "missing": missing}


def due(store: Store, *, now: float, interval: float) -> bool:
    value = store.settings.get(CHECKED_SETTING) or ""
    try:
        return now - float(value) >= interval
    except ValueError:
        return True
