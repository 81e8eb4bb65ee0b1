"""The wire format between terminals, offices and the central server.

Client and server import the same models, so a field renamed on one side
breaks the tests instead of the terminals in the field. Every response body
names the protocol: a terminal behind a captive portal gets a 200 with some
HTML or JSON of the portal's own, and the missing ``protocol`` field is how
it knows that nothing was delivered.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

PROTOCOL: Final = "kiosk-sync/1"
API = "/api/v1"

# announced at GET /api/v1/info and enforced by the server; 1,000 sealed applications of
# 4 KB commit about a fifth faster per application than 200 (bench/sync.py)
MAX_BATCH_ITEMS = 1000
MAX_BATCH_BYTES = 32 * 1024 * 1024  # request body, before and after gzip
MAX_ITEM_BYTES = 8 * 1024 * 1024  # one sealed application
MAX_ACK_IDS = 500
# POST /admin/catalog only: one signed catalog bundle (300 forms in 16 languages are ~75 MiB)
MAX_BUNDLE_BYTES = 128 * 1024 * 1024
MAX_PAGE = 500

ApplicationId = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    ),
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Reference = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$")
]
_BASE64URL: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_COMPACT_JWE_PATTERN: Final = r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){4}$"


def _compact_jwe(value: str) -> str:
    """Five base64url parts joined by dots, the first not empty.

    Checked by deleting the alphabet in one C pass (``bytes.translate``) rather than by
    the pattern: a regular expression over a 4 KB payload costs 6 µs, as much as the
    server's whole insert of it, and every application is checked on the terminal
    before it goes and on the server when it comes.
    """
    if not value.isascii() or value.startswith("."):
        raise ValueError("not a compact JWE: five base64url parts joined by dots")
    if value.encode("ascii").translate(None, _BASE64URL) != b"....":
        raise ValueError("not a compact JWE: five base64url parts joined by dots")
    return value


# compact JWE; the length is checked per item, not per batch
CompactJwe = Annotated[
    str,
    StringConstraints(max_length=12_000_000),
    AfterValidator(_compact_jwe),
    WithJsonSchema({"type": "string", "pattern": _COMPACT_JWE_PATTERN, "maxLength": 12_000_000}),
]
ShortText = Annotated[str, StringConstraints(max_length=500, pattern=r"^[^\x00]*$")]
Token = Annotated[
    str, StringConstraints(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
]
#: what a receipt's secret opens (``kiosk.session.receipt_status.status_key``): 64 hex
StatusKey = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
#: what an office says about an application (``kiosk.session.receipt_status.Status``)
StatusName = Literal["received", "in_progress", "documents_missing", "decided_by_post"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Reply(_Message):
    protocol: Literal["kiosk-sync/1"] = PROTOCOL


class ErrorReply(_Reply):
    """Every 4xx and 5xx: a code for programs and a sentence for people.

    A 503 names its reason in ``error``: ``disk_full``, ``database_unavailable`` or
    ``busy`` (too many uploads at once, a locked database), always with ``Retry-After``.
    Only the 503 of ``GET /health`` adds ``health`` (what was found); every other error
    has exactly the fields above, so terminals of every version read them.
    """

    error: str
    message: str
    health: Health | None = None


class Limits(_Message):
    max_batch_items: int
    max_batch_bytes: int
    max_item_bytes: int


class Info(_Reply):
    server_version: str
    limits: Limits


class Health(_Reply):
    """``ok``; ``degraded`` (works, but the disk is low or the database was busy); ``down``
    (nothing can be stored: 503, as an :class:`ErrorReply` naming the reason). ``disk``
    and ``disk_free_bytes`` are the database folder's, for SQLite only: PostgreSQL's disk
    is not the server's to see."""

    status: Literal["ok", "degraded", "down"]
    database: Literal["ok", "full", "busy", "read_only", "unavailable"]
    disk: Literal["ok", "low", "full"] | None = None
    disk_free_bytes: int | None = None


ErrorReply.model_rebuild()  # its ``health`` is defined after it


class EnrolmentRequest(_Message):
    token: Token


class EnrolmentReply(_Reply):
    device_id: str
    device_name: str
    device_token: str
    #: the deployment's staff pepper (hex), given only here: staff PIN hashes in bundles
    #: are made with it, and a device token alone never fetches it
    staff_pepper: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class ApplicationIn(_Message):
    """One sealed application as the terminal's outbox holds it."""

    id: ApplicationId
    sha256: Sha256 = Field(description="SHA-256 of the payload's UTF-8 bytes")
    reference: Reference
    form_id: Identifier
    form_version: int = Field(ge=1, le=1_000_000)
    office: Identifier
    application_date: dt.date
    payload: CompactJwe
    #: opened only by the receipt's secret; the status the office sets comes back under it.
    #: Left out (not null) when there is none, so servers from before statuses take it.
    status_key: StatusKey | None = None


class BatchRequest(_Message):
    items: list[ApplicationIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


ItemStatus = Literal["accepted", "duplicate", "conflict", "rejected"]


class ItemResult(_Message):
    """``accepted`` and ``duplicate`` mean stored; ``conflict`` (same id, other content)
    needs staff; ``rejected`` is permanent and says why."""

    id: str
    status: ItemStatus
    reason: str | None = None


class BatchReply(_Reply):
    results: list[ItemResult]


class Heartbeat(_Message):
    catalog_version: ShortText | None = None
    outbox: dict[Identifier, Annotated[int, Field(ge=0, le=10**9)]] = Field(
        default_factory=dict, max_length=20
    )
    last_error: ShortText | None = None
    last_sync_at: AwareDatetime | None = None
    app_version: Annotated[str, StringConstraints(max_length=40, pattern=r"^[0-9A-Za-z.+_-]*$")]

    @field_validator("last_sync_at")
    @classmethod
    def _plausible(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and not 2000 <= value.year <= 2200:  # local year: no overflow
            raise ValueError("a sync time between the years 2000 and 2200")
        return value


class HeartbeatReply(_Reply):
    received_at: dt.datetime


MAX_DELIVERY_IDS = 1000


class DeliveryQuery(_Message):
    """Applications this terminal delivered and still holds: does the server have them?"""

    ids: list[ApplicationId] = Field(min_length=1, max_length=MAX_DELIVERY_IDS)


class DeliveryResult(_Message):
    id: ApplicationId
    #: stored: waiting for the office; at_office: the office took it (``at``); missing: the
    #: server has no such application of this terminal (lost, e.g. a backup restored)
    status: Literal["stored", "at_office", "missing"]
    at: dt.datetime | None = None


class DeliveryReply(_Reply):
    results: list[DeliveryResult]


class InboxEntry(_Message):
    # the office tool names files after the reference: a server cannot smuggle in a path
    id: ApplicationId
    reference: Reference
    form_id: str
    form_version: int
    office: Identifier
    application_date: dt.date
    sha256: str
    size: int
    received_at: dt.datetime
    acknowledged: bool


class InboxPage(_Reply):
    applications: list[InboxEntry]


class InboxApplication(_Reply):
    application: InboxEntry
    payload: str


#: why an office could not file an application: one line, no control characters
QuarantineReason = Annotated[
    str, StringConstraints(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")
]


class Quarantined(_Message):
    """An application its office could not read or file: it keeps the sealed form aside."""

    id: ApplicationId
    reason: QuarantineReason


class AckRequest(_Message):
    """What the office has taken: ``ids`` filed, ``quarantined`` set aside with a reason.

    Both count as taken (not offered again); offices from before quarantine send
    ``ids`` alone, as they always did."""

    ids: list[ApplicationId] = Field(default_factory=list, max_length=MAX_ACK_IDS)
    quarantined: list[Quarantined] = Field(default_factory=list, max_length=MAX_ACK_IDS)

    @model_validator(mode="after")
    def _names_applications(self) -> AckRequest:
        if not self.ids and not self.quarantined:
            raise ValueError("name at least one application in ids or quarantined")
        if len(self.ids) + len(self.quarantined) > MAX_ACK_IDS:
            raise ValueError(f"at most {MAX_ACK_IDS} applications in one acknowledgement")
        return self


class AckReply(_Reply):
    """``acknowledged``: every id taken, filed or quarantined, now or before; ``unknown``:
    no application of this office."""

    acknowledged: list[str]
    unknown: list[str]


class TerminalStatus(_Message):
    device_id: str
    name: str
    state: Literal["waiting_for_enrolment", "active", "revoked"]
    enrolled_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    catalog_version: str | None
    outbox: dict[str, int]
    last_error: str | None
    last_sync_at: dt.datetime | None
    app_version: str | None
    #: applications from this terminal the server holds now, and its latest gap: confirmed
    #: applications the terminal still had but the server no longer (a restored backup)
    held: int = 0
    gap_found_at: dt.datetime | None = None
    gap_missing: int = 0


class TerminalList(_Reply):
    terminals: list[TerminalStatus]


class Stats(_Reply):
    applications: dict[str, dict[str, int]] = Field(
        description="office -> state ('new', 'acknowledged') -> count"
    )
    conflicts: int
    terminals: dict[str, int] = Field(description="state -> count")
    quarantined: dict[str, int] = Field(
        default_factory=dict,
        description="office -> applications its office tool set aside unread (see the log)",
    )
    statuses: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="office -> status ('received', 'in_progress', ...) -> applications "
        "that have it: what visitors who ask with a receipt are told",
    )


class CatalogPublished(_Reply):
    """201 from ``POST /admin/catalog``: what the server now serves to terminals."""

    deployment: str
    version: int
    etag: Sha256 = Field(description="SHA-256 of the bundle; the ETag of GET /catalog")
    catalog_hash: str


class CatalogVersion(_Message):
    """One published bundle; every version stays on the server."""

    deployment: str
    version: int
    etag: str
    catalog_hash: str
    key_id: str = Field(description="the trusted admin key whose signature was checked")
    published_by: str = Field(description="the name of the admin token that published it")
    published_at: dt.datetime
    size: int


class CatalogVersions(_Reply):
    versions: list[CatalogVersion] = Field(description="newest first")


# ------------------------------------------------------------ status back to the visitor
MAX_STATUS_PAGE = 2000
DEFAULT_STATUS_PAGE = 500
MAX_STATUS_ITEMS = 500
#: the highest feed position: statuses are numbered from the time in milliseconds upwards
MAX_STATUS_SEQ = 2**62


class StatusRecord(_Message):
    """One application's status as terminals keep it: nothing that names a person or the
    application, only the key its receipt opens."""

    seq: int = Field(ge=1, le=MAX_STATUS_SEQ, description="its place in the feed")
    key: StatusKey
    office: Identifier
    status: StatusName
    on: dt.date = Field(description="the day the office set it")


class StatusFeedReply(_Reply):
    """``GET /status?after=SEQ&limit=N`` (device): the deployment's statuses after *SEQ*,
    in ``seq`` order; ask again with ``after=next`` while ``more``. A status set anew
    moves to the end of the feed."""

    items: list[StatusRecord] = Field(max_length=MAX_STATUS_PAGE)
    next: int = Field(ge=0, le=MAX_STATUS_SEQ, description="the ``after`` of the next page")
    more: bool


class StatusUpdate(_Message):
    id: ApplicationId
    status: StatusName
    on: dt.date | None = Field(default=None, description="default: today, the server's day")

    @field_validator("on")
    @classmethod
    def _plausible(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not 2000 <= value.year <= 2200:
            raise ValueError("a day between the years 2000 and 2200")
        return value


class OfficeStatusRequest(_Message):
    """``POST /office/status`` (office): set statuses of the office's own applications."""

    items: list[StatusUpdate] = Field(min_length=1, max_length=MAX_STATUS_ITEMS)


class OfficeStatusReply(_Reply):
    """Counts only: ``unknown`` holds ids of other offices and ids nobody has alike, so
    the reply never says whether an application exists. ``untracked``: the office's own
    applications that carry no status key (sent before terminals made them), which no
    visitor can look up."""

    office: Identifier = Field(description="the office the token belongs to")
    updated: int
    unknown: int
    untracked: int
