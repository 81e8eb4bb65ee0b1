"""The terminal's copy of the statuses offices set: pulled from the server's feed.

After sending its outbox, a terminal reads ``GET /status`` from the cursor it keeps
(``STATUS_CURSOR_SETTING``) until the server says there is no more, a bounded number of
pages per pass, stores what it got (the newest status for a key wins) and keeps the
new cursor. Rows stored longer ago than the retention time go. Each row is a status
key, an office, a status and a day: see :mod:`kiosk.store.receipt_status`.

One record the terminal cannot read (a status a newer server knows, a damaged key) is
dropped, not the page: the cursor moves past it, so a single record never stops a
terminal from reading the rest, now or at any later pass.

A server from before statuses has no feed (404): that is no failure of the pass; it
is logged once per process, and the terminal then sends its applications without
status keys, which such a server would refuse.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.store import Store
from kiosk.store.receipt_status import STATUS_CURSOR_SETTING, StatusRow
from sync import protocol as p
from sync.client.transport import DeviceTransport, ProtocolError, read_reply

log = logging.getLogger("kiosk.sync")

#: the server's default; a terminal keeps a status as long as the server serves it
STATUS_RETENTION_DAYS: Final = 180
MAX_PAGES_PER_PASS: Final = 20
PAGE: Final = p.DEFAULT_STATUS_PAGE

_told_no_feed = False


class _Page(BaseModel):
    """A feed page with its records unread: each is judged on its own (see above)."""

    model_config = ConfigDict(frozen=True)

    protocol: Literal["kiosk-sync/1"]
    items: list[Any] = Field(max_length=p.MAX_STATUS_PAGE)
    next: int = Field(ge=0, le=p.MAX_STATUS_SEQ)
    more: bool


@dataclass
class FeedPull:
    """What one pull did. ``served`` False: the server has no feed (an older server)."""

    served: bool = True
    pages: int = 0
    stored: int = 0
    dropped: int = 0
    purged: int = 0
    cursor: int = 0
    #: the pass stopped before the end of the feed (page bound, or no progress)
    more: bool = False


def cursor(store: Store) -> int:
    value = store.settings.get(STATUS_CURSOR_SETTING) or ""
    return int(value) if value.isdigit() and int(value) <= p.MAX_STATUS_SEQ else 0


def readable(items: list[Any]) -> tuple[list[StatusRow], int]:
    """The rows of the records that are valid, and how many were not."""
    rows: list[StatusRow] = []
    for item in items:
        try:
            record = p.StatusRecord.model_validate(item)
        except ValidationError:
            continue
        rows.append(StatusRow(record.key, record.office, record.status, record.on.isoformat()))
    return rows, len(items) - len(rows)


def _tell_no_feed(server: str) -> None:
    global _told_no_feed
    if not _told_no_feed:
        _told_no_feed = True
        log.info("%s has no status feed (a server from before statuses): none are pulled", server)


def pull_statuses(
    store: Store,
    transport: DeviceTransport,
    *,
    now: float,
    max_pages: int = MAX_PAGES_PER_PASS,
    page: int = PAGE,
) -> FeedPull:
    """Pull the feed from the stored cursor; raises the transport's SyncError (what was
    stored before it stays, with its cursor)."""
    pull = FeedPull(cursor=cursor(store))
    pull.purged = store.receipt_statuses.purge_stored_before(now - STATUS_RETENTION_DAYS * 86400.0)
    for _ in range(max_pages):
        response = transport.status_page(pull.cursor, page)
        if response is None:
            _tell_no_feed(transport.server)
            pull.served = False
            return pull
        reply = read_reply(response, _Page)
        if reply.next < pull.cursor:
            raise ProtocolError("the server's status feed went back before the terminal's cursor")
        rows, dropped = readable(reply.items)
        pull.pages += 1
        pull.stored += store.receipt_statuses.put_many(rows, now=now)
        pull.dropped += dropped
        moved = reply.next > pull.cursor
        if moved:
            pull.cursor = reply.next
            store.settings.set(STATUS_CURSOR_SETTING, str(pull.cursor))
        pull.more = reply.more
        if not reply.more or not moved:
            break
    if pull.dropped:
        log.warning(
            "%d status record(s) of the server were not readable and were skipped", pull.dropped
        )
    return pull
