"""One quarantined application as the office tool left it, and what it can be checked against.

Fetch keeps three files for an application it sets aside: ``ID.sealed`` (the compact JWE
as it came), ``ID.reason.txt`` (one line: the reference, when the server received it, why)
and ``ID.entry.json`` (the server's listing of it). They are read back here, each only if
it is a plain file and within a size that fetch could have written.

Refile checks the sealed form against the server's listing, as fetch does: the SHA-256 of
the sealed text, then the id, reference, office, form, its version and the application
date that the terminal declared. Office tools from before the listing was kept left none;
the server still serves it (``GET /inbox/applications/ID`` answers for an application
acknowledged as quarantined too), so ``--server`` re-reads it for exactly those ids
(:func:`read_listings`). Without it, only a reason that shows the sealed text matched the
listed SHA-256 and nothing declared was found to differ lets the application be checked
offline (:func:`checkable_without_listing`): the id (its file name), the reference and the
time (its reason line) are still the listing's, the office is ``--office``, and only the
form, its version and the application date can be taken from nowhere but the seal.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from kiosk.formats import AnySealedApplication
from sync import protocol as p
from sync.client.office import (
    LISTING_SUFFIX,
    QUARANTINE,
    WrongOfficeError,
    listing_path,
    quarantine_paths,
)
from sync.client.office_http import MAX_SEALED_BYTES, OfficeApi
from sync.client.office_payload import UnfitError
from sync.client.transport import SyncError

SEALED_SUFFIX: Final = ".sealed"
#: a reason line is at most a reference, a time and a reason of a few hundred characters
MAX_REASON_FILE: Final = 4096
#: a listing is a few hundred bytes of JSON
MAX_LISTING_FILE: Final = 4096
#: of an older tool's reason, what is repeated in the reason that replaces it
MAX_REPEATED_REASON: Final = 500
_ID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: what :func:`sync.client.office.reason_line` writes
_REASON_LINE: Final = re.compile(
    r"(?P<reference>[A-Z0-9-]{1,40}) \(received (?P<received>[0-9T:.+-]{10,40})\): "
    r"(?P<reason>[^\n]*)\n?"
)

#: Reasons fetch gives only after the sealed text matched the SHA-256 the server listed,
#: and never for what the terminal declared: before that comparison was reached, or after
#: it passed. Older office tools gave them in the same words. Anything else (the SHA-256,
#: what was declared, a wording not known here) needs the listing.
CHECKABLE_WITHOUT_LISTING: Final[dict[str, tuple[str, ...]]] = {
    "a payload version the tool did not read": (
        r"payload version (\d+|unknown): this office tool reads ",
    ),
    "a key not given": (
        r"sealed for key [A-Za-z0-9_-]{43}, which is not among the office keys given ",
        r"it does not open with any of the office keys given ",
    ),
    "a seal not as terminals make it": (
        r"not a sealed application \(no compact JWE\)$",
        r"the seal's ",
        r"not sealed with ",
        r"the sealed content is not declared as JSON$",
        r"the sealed data is about \d+ bytes, more than ",
        r"\d+ bytes sealed, more than the \d+ this office tool opens$",
        r"it names this office's key but does not open with it ",
    ),
    "data that does not read": (
        r"not JSON: ",
        r"the data (nests deeper|holds more than|is \d+ bytes)",
        r"the payload is a JSON \w+, not an object$",
        r"not an application of payload version \d+: ",
    ),
    "hashes sealed inside that do not check (after what was declared did)": (
        r"the data does not match its hash$",
        r"attachment [a-z0-9][a-z0-9_-]* (is not base64|does not match its hash)$",
        r"the attachments do not match the metadata$",
        r"the office copy is not a PDF$",
        r"(an integer beyond .*|a number with a fraction|text that is not valid Unicode) "
        r"has no canonical form( here)?$",
    ),
    "a check that failed on odd input": (r"the office tool could not check it \(\w+\)$",),
}
_CHECKABLE: Final = re.compile(
    "|".join(f"(?:{r})" for kind in CHECKABLE_WITHOUT_LISTING.values() for r in kind)
)
OLDER_TOOL: Final = "quarantined by an older office tool for: "
NOT_KEPT: Final = (
    "; the server's listing of it was not kept, so this cannot be checked offline: ask the "
    "server admin, or refile with --server URL --token T"
)


class LeftError(Exception):
    """Nothing can be done with this one without a person: it is left as it is."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TooLargeError(Exception):
    """A file larger than the office tool writes: refused before it is read."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


@dataclass(frozen=True)
class NotServed:
    """Asked for the listing of an application, the server did not serve it."""

    said: str


@dataclass(frozen=True)
class Quarantined:
    """One quarantined application as its reason file and listing describe it (not its
    sealed form). With a listing, the reference and the time are the listing's."""

    id: str
    sealed: Path
    because: Path
    reference: str
    received_at: dt.datetime
    reason: str
    listing: p.InboxEntry | None
    #: re-read from the server in this run: kept beside it should it stay
    listing_from_server: bool = False
    #: what the server said when asked for a listing it did not serve
    server_said: str | None = None


def checkable_without_listing(reason: str) -> bool:
    """Whether fetch's *reason* shows that nothing but the form, its version and the
    application date is left to compare with the listing (see the module's docstring)."""
    return _CHECKABLE.match(reason) is not None


def uncheckable_reason(reason: str) -> str:
    """Why an application set aside for *reason*, without its listing, stays."""
    if reason.startswith(OLDER_TOOL):
        return reason  # said already
    return f"{OLDER_TOOL}{reason[:MAX_REPEATED_REASON]}{NOT_KEPT}"


def quarantined_names(out: Path) -> list[str]:
    """The ``*.sealed`` names in the quarantine, sorted; none without a quarantine."""
    try:
        with os.scandir(out / QUARANTINE) as found:
            return sorted(e.name for e in found if e.name.endswith(SEALED_SUFFIX))
    except (FileNotFoundError, NotADirectoryError):
        return []


def ids_without_listing(out: Path) -> list[str]:
    """The quarantined applications whose listing was not kept: the ones to ask for."""
    ids = [name.removesuffix(SEALED_SUFFIX) for name in quarantined_names(out)]
    return [i for i in ids if _ID.fullmatch(i) and not os.path.lexists(listing_path(out, i))]


def read_listings(
    api: OfficeApi, ids: Iterable[str], office: str
) -> dict[str, p.InboxEntry | NotServed]:
    """The server's listing of each of *ids*, as fetch received it, or what the server said
    instead when it does not serve it. ``SyncError`` for any other failure (nothing is
    written before all are read); :class:`WrongOfficeError` for a token of another office."""
    found: dict[str, p.InboxEntry | NotServed] = {}
    for application_id in ids:
        try:
            entry = api.application(application_id).application
        except SyncError as exc:
            if not _not_served(exc):
                raise
            found[application_id] = NotServed(exc.message)
            continue
        if entry.office != office:
            raise WrongOfficeError(
                f"the token is one of office {entry.office}, not of office {office}"
            )
        found[application_id] = entry
    return found


def _not_served(exc: SyncError) -> bool:
    """The kiosk server's own 404 (``HTTP 404: `` and its sentence), not a 404 page of
    something else at that address (whose text goes on ``HTTP 404 with ...``)."""
    return exc.message.startswith("HTTP 404: ") and not exc.message.startswith("HTTP 404: HTTP")


def read_plain_file(path: Path, limit: int) -> bytes:
    """*path*'s bytes if it is a plain file (no link, pipe or device) of at most *limit*
    bytes: :class:`TooLargeError` otherwise, before reading; ``FileNotFoundError`` passes."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LeftError(f"{path.name} is a link, not a file the office tool wrote") from None
        raise LeftError(f"cannot read {path} ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LeftError(f"{path.name} is not a plain file")
        if info.st_size > limit:
            raise TooLargeError(info.st_size)
        with open(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise LeftError(f"cannot read {path} ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew since it was looked at
        raise TooLargeError(len(data))
    return data


def find(
    out: Path, name: str, served: Mapping[str, p.InboxEntry | NotServed] | None = None
) -> Quarantined:
    """The application quarantined as *name*, from its reason file and its listing (kept
    beside it, or else in *served*); :class:`LeftError` when they do not say what its
    record needs (the reference, when it was received) or are not as fetch writes them."""
    application_id = name.removesuffix(SEALED_SUFFIX)
    if not _ID.fullmatch(application_id):
        raise LeftError("not named as the office tool names what it quarantines (ID.sealed)")
    sealed, because = quarantine_paths(out, application_id)
    unreadable = (
        f"{because.name} does not say which reference it is and when the server received "
        "it, which its record needs; it stays as it is"
    )
    try:
        line = read_plain_file(because, MAX_REASON_FILE).decode("utf-8")
    except FileNotFoundError:
        raise LeftError(f"no {because.name} beside it: {unreadable}") from None
    except (TooLargeError, UnicodeDecodeError):
        raise LeftError(unreadable) from None
    said = _REASON_LINE.fullmatch(line)
    if said is None:
        raise LeftError(unreadable)
    try:
        received_at = dt.datetime.fromisoformat(said["received"])
    except ValueError:
        raise LeftError(unreadable) from None
    if received_at.isoformat() != said["received"]:  # the record keeps it as written
        raise LeftError(unreadable)
    found = Quarantined(
        application_id, sealed, because, said["reference"], received_at, said["reason"], None
    )
    kept = read_listing(out, application_id)
    if kept is not None:
        return _with_listing(found, kept, from_server=False)
    answer = (served or {}).get(application_id)
    if isinstance(answer, p.InboxEntry):
        return _with_listing(found, answer, from_server=True)
    if isinstance(answer, NotServed):
        return replace(found, server_said=answer.said)
    return found


def _with_listing(found: Quarantined, entry: p.InboxEntry, *, from_server: bool) -> Quarantined:
    if entry.reference != found.reference:
        where = "the server lists" if from_server else f"{found.id}{LISTING_SUFFIX} names"
        raise LeftError(
            f"{found.because.name} names another reference than {where}: not as the office "
            "tool writes them; it stays as it is"
        )
    # the time is the listing's: a server restored from a backup may have received it again
    return replace(
        found, received_at=entry.received_at, listing=entry, listing_from_server=from_server
    )


def read_listing(out: Path, application_id: str) -> p.InboxEntry | None:
    """``ID.entry.json`` as fetch wrote it; None when there is none (an older tool's
    quarantine), :class:`LeftError` when it is not a listing of this application."""
    path = listing_path(out, application_id)
    odd = f"{path.name} is not a listing of this application as the office tool writes it"
    try:
        data = read_plain_file(path, MAX_LISTING_FILE)
    except FileNotFoundError:
        return None
    except TooLargeError:
        raise LeftError(odd) from None
    try:
        entry = p.InboxEntry.model_validate_json(data)
    except ValidationError:
        raise LeftError(odd) from None
    if entry.id != application_id:
        raise LeftError(odd)
    return entry


def sealed_text(path: Path) -> tuple[str, str, int]:
    """The compact JWE in *path*, its SHA-256 and its size, within the size fetch downloads."""
    try:
        data = read_plain_file(path, MAX_SEALED_BYTES)
    except FileNotFoundError:
        raise LeftError(f"{path.name} is gone from the quarantine") from None
    except TooLargeError as exc:
        raise UnfitError(
            f"{exc.size} bytes sealed, more than the {MAX_SEALED_BYTES} this office tool opens"
        ) from None
    try:
        token = data.decode("ascii")
    except UnicodeDecodeError:
        raise UnfitError("not a sealed application (no compact JWE)") from None
    return token, hashlib.sha256(data).hexdigest(), len(data)


def offline_listing(
    payload: AnySealedApplication, found: Quarantined, sha256: str, size: int, office: str
) -> p.InboxEntry:
    """The server's listing as far as it is known without it: the id, reference and time
    it gave (kept in the file name and the reason line), the office given, the SHA-256 of
    the sealed text kept, and the form and date sealed inside."""
    return p.InboxEntry(
        id=found.id,
        reference=found.reference,
        form_id=payload.form.id,
        form_version=payload.form.version,
        office=office,
        application_date=dt.date.fromisoformat(payload.application_date),
        sha256=sha256,
        size=size,
        received_at=found.received_at,
        acknowledged=True,
    )
