"""The terminal's state in words for staff (German): catalog, outbox, sync, printer, disk.

Pure formatting, apart from Qt: the staff menu shows these lines, and tests read
them without a window.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kiosk.store.outbox import OutboxState
from ui import texts
from ui.printing import PrinterState, PrinterStatus
from ui.tr import Tr

#: Outbox states as staff call them (the protocol's names are English).
OUTBOX_STATES: dict[str, str] = {
    OutboxState.PENDING: texts.OUTBOX_PENDING,
    OutboxState.SENDING: texts.OUTBOX_SENDING,
    OutboxState.DONE: texts.OUTBOX_DONE,
    OutboxState.AT_OFFICE: texts.OUTBOX_AT_OFFICE,
    OutboxState.CONFLICT: texts.OUTBOX_CONFLICT,
    OutboxState.REJECTED: texts.OUTBOX_REJECTED,
}
_HASH = re.compile(r"\b[0-9a-f]{16,}\b|\bsha256[-:][0-9A-Za-z+/=_-]{16,}")


def short_hashes(text: str) -> str:
    """Long hex or sha256 digests shortened to their first 12 characters."""
    return _HASH.sub(lambda m: m.group(0)[:12] + "…", text)


def _size(n: int | None) -> str:
    return "?" if n is None else f"{n / 1e9:.1f} GB"


def _count(value: Any) -> int:
    """A count from the status (an int from the terminal's own store), 0 if it is none."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _when(iso: str | None) -> str | None:
    """An ISO time from the status as staff read it, in the terminal's local time."""
    if not iso:
        return None
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.astimezone().strftime("%d.%m.%Y %H:%M:%S")


def outbox_words(t: Tr, outbox: dict[str, Any]) -> str:
    parts = [
        f"{t(OUTBOX_STATES.get(state, state))}: {count}"
        for state, count in outbox.items()
        if state in OUTBOX_STATES
    ]
    return ", ".join(parts) or "-"


def status_lines(t: Tr, status: dict[str, Any], printer: PrinterStatus) -> list[tuple[str, str]]:
    """The terminal's state as labelled lines for staff (German)."""
    outbox = outbox_words(t, status.get("outbox") or {})
    last_sync = _when(status.get("last_sync_at")) or t(texts.STATUS_NEVER)
    if not status.get("enrolled", True):
        last_sync = t(texts.STATUS_NOT_ENROLLED)
    if printer.state is PrinterState.READY:
        printer_text = t(texts.PRINTER_READY)
    elif printer.state is PrinterState.NO_PRINTER:
        printer_text = t(texts.PRINTER_MISSING)
    else:
        printer_text = t(texts.PRINTER_NOT_READY, reason=printer.reason)
    catalog = short_hashes(str(status.get("catalog_version") or "-"))
    error = short_hashes(str(status.get("last_error") or "-"))[:300]
    lines = [
        ("catalog", t(texts.STATUS_CATALOG, value=catalog)),
        ("outbox", t(texts.STATUS_OUTBOX, value=outbox)),
        ("last_sync", t(texts.STATUS_LAST_SYNC, value=last_sync)),
        ("last_error", t(texts.STATUS_LAST_ERROR, value=error)),
        ("printer", t(texts.STATUS_PRINTER, value=printer_text)),
        (
            "disk",
            t(
                texts.STATUS_DISK,
                free=_size(status.get("disk_free_bytes")),
                total=_size(status.get("disk_total_bytes")),
            ),
        ),
    ]
    if status.get("catalog_staged"):
        lines.append(
            ("catalog_staged", t(texts.STATUS_CATALOG_WAITING, version=status["catalog_staged"]))
        )
    gap = status.get("delivery_gap")
    if isinstance(gap, dict):
        at = _when(str(gap.get("at") or "")) or "-"
        missing = _count(gap.get("missing"))
        lines.append(
            ("delivery_gap", t.plural(texts.STATUS_DELIVERY_GAP, missing, missing=missing, at=at))
        )
    if "audio" in status:
        audio = str(status["audio"])[:120] or t(texts.AUDIO_MISSING)
        lines.append(("audio", t(texts.STATUS_AUDIO, value=audio)))
    languages = status.get("languages")
    if isinstance(languages, dict):
        lines.append(("languages", language_words(t, languages, status.get("withheld") or {})))
    if status.get("catalog_refused"):
        refused = short_hashes(str(status["catalog_refused"]))[:300]
        lines.append(("catalog_refused", t(texts.STATUS_CATALOG_REFUSED, value=refused)))
    return lines


def language_words(t: Tr, reviews: dict[str, str], withheld: dict[str, float]) -> str:
    """Which languages visitors can choose, which of them a qualified translator has
    checked (the rest are drafts), and which the catalog keeps back as incomplete."""
    offered = ", ".join(reviews)[:300] or "-"
    reviewed = ", ".join(lang for lang, review in reviews.items() if review == "reviewed")
    kept = ", ".join(f"{lang} ({percent:g} %)" for lang, percent in withheld.items())[:300]
    return t(
        texts.STATUS_LANGUAGES, offered=offered, reviewed=reviewed or "-", withheld=kept or "-"
    )
