"""The office tool: fetch an office's new applications, open them, file them, acknowledge.

One application at a time, and each is acknowledged as soon as its files are
on the office's disk (written to a temporary name, flushed, renamed): a fetch
that is stopped midway has kept what it did, and the next one goes on from
there. Filing again what was filed but not acknowledged writes the same files
under the same names, so nothing is duplicated.

An application that cannot be read (not sealed for this office's key, damaged,
not an application at all) must not stop the others: its sealed form goes
into ``OUT/quarantine/ID.sealed`` with a one-line ``ID.reason.txt`` and the server's
listing of it (``ID.entry.json``) beside it, and the server is told, so it is not offered
again and an admin sees it. Once the cause is gone (an updated tool, the right key),
``kiosk office refile`` (``office_refile.py``) checks it against that listing through
the same steps and files it from there.

A wrong key file is the one failure that must not quarantine anything: it would
set the whole inbox aside. The key proves itself once an application names it
(its ``kid``) or opens with it; until then, applications sealed for another key
are held back, and a few of them in a row stop the fetch with
:class:`WrongKeyError` before any RSA work was spent on them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

from kiosk.formats import canonical_json
from kiosk.private_files import write_private
from sync import protocol as p
from sync.client.office_http import OfficeApi
from sync.client.office_payload import Filing, UnfitError, check_payload
from sync.client.office_seal import THUMBPRINT, Foreign, OfficeKeys, open_sealed, read_kid

#: applications in a row sealed for another key, before any for this one: a wrong key
HOLD_BACK: Final = 3
QUARANTINE: Final = "quarantine"
LISTING_SUFFIX: Final = ".entry.json"
T = TypeVar("T")


class WrongKeyError(Exception):
    """The key given is not the one the office's applications are sealed for."""


class WrongOfficeError(Exception):
    """The token belongs to another office than the one named."""


class FilingConflictError(ValueError):
    """The office's folder already holds another application under this reference."""


@dataclass
class FetchReport:
    """What a fetch did, told as it happens through *echo* (kind, reference, detail)."""

    written: list[str] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    echo: Callable[[str, str, str], None] | None = None

    def tell(self, kind: str, reference: str, detail: str) -> None:
        if self.echo is not None:
            self.echo(kind, reference, detail)


def record_bytes(record: dict[str, Any]) -> bytes:
    """REFERENCE.json as it is filed: what ``refile`` compares an earlier filing with."""
    return (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def file_application(record: dict[str, Any], pdf: bytes, out: Path) -> None:
    """Write both files; an application already filed under this reference must be this one."""
    reference = record["reference"]
    existing = out / f"{reference}.json"
    if existing.exists():
        try:
            earlier = json.loads(existing.read_text(encoding="utf-8")).get("id")
        except (ValueError, AttributeError, RecursionError):
            earlier = None
        if earlier != record["id"]:
            raise FilingConflictError(
                f"{existing} already holds another application; move it away first"
            )
    # an application is personal data: for the office account alone, never half-written
    write_private(out / f"{reference}.pdf", pdf)
    write_private(existing, record_bytes(record))


def quarantine_paths(out: Path, application_id: str) -> tuple[Path, Path]:
    """(the sealed form, the reason) of a quarantined application."""
    folder = out / QUARANTINE
    return folder / f"{application_id}.sealed", folder / f"{application_id}.reason.txt"


def listing_path(out: Path, application_id: str) -> Path:
    """The server's listing of a quarantined application, kept beside its sealed form."""
    return out / QUARANTINE / f"{application_id}{LISTING_SUFFIX}"


def listing_bytes(entry: p.InboxEntry) -> bytes:
    """``ID.entry.json``: the listing as the server sent it, in canonical JSON."""
    return canonical_json(entry.model_dump(mode="json"))


def reason_line(reference: str, received_at: dt.datetime, reason: str) -> str:
    """The one line of ``ID.reason.txt``; ``refile`` reads the reference and the time back."""
    return f"{reference} (received {received_at.isoformat()}): {reason}\n"


class OfficeClient(OfficeApi):
    """An office's requests, and the fetch that files what they bring."""

    def fetch(
        self,
        private_pems: bytes | Sequence[bytes] | OfficeKeys,
        out: Path,
        *,
        office: str | None = None,
        page: int = 100,
        trust_key: bool = False,
        report: FetchReport | None = None,
    ) -> FetchReport:
        """File every new application into *out*, quarantine what cannot be filed.

        *office*: the office the token must belong to. *trust_key*: the key is known to
        be the office's, so applications sealed for other keys are quarantined even
        before one opens (for an inbox that starts with a run of them)."""
        keys = (
            private_pems if isinstance(private_pems, OfficeKeys) else OfficeKeys.load(private_pems)
        )
        out.mkdir(parents=True, exist_ok=True)
        run = _FetchRun(self, keys, out, office, trust_key, report or FetchReport())
        run.all(page)
        return run.report


def checked(check: Callable[[], T]) -> T:
    """*check*'s result; a check that itself fails on odd input is a reason to quarantine
    that application, not to stop the inbox. Only for checks without network or disk."""
    try:
        return check()
    except UnfitError:
        raise
    except Exception as exc:
        raise UnfitError(f"the office tool could not check it ({type(exc).__name__})") from None


def seal_names_key(token: str, sha256: str, keys: OfficeKeys) -> bool:
    """Whether the seal names one of *keys*; :class:`UnfitError` for a payload that is not
    the one listed (its *sha256*), or not a seal as terminals make it."""
    if hashlib.sha256(token.encode()).hexdigest() != sha256:
        raise UnfitError("the sealed application does not match the SHA-256 the server listed")
    return keys.by_thumbprint(read_kid(token)) is not None


def open_application(
    token: str, sha256: str, keys: OfficeKeys, proven: Callable[[], None]
) -> bytes | Foreign:
    """The plaintext of *token*, or :class:`Foreign` when it is sealed for another key.

    *proven* is called as soon as the seal shows that the keys are the office's (it names
    one, or opens with one), before the plaintext is checked: fetch and refile alike set
    aside nothing for another key until then. :class:`UnfitError` for what cannot be opened.
    """
    if checked(lambda: seal_names_key(token, sha256, keys)):
        proven()  # the terminal sealed it for this key: the key is the office's
    opened = checked(lambda: open_sealed(token, keys))
    if not isinstance(opened, Foreign):
        proven()
    return opened


def check_application(
    token: str, entry: p.InboxEntry, keys: OfficeKeys, proven: Callable[[], None]
) -> Filing | Foreign:
    """*token* opened and checked against the server's listing *entry* (its SHA-256, then
    what the terminal declared), ready to file; :class:`Foreign` when it is sealed for
    another key, :class:`UnfitError` for what cannot be filed. Fetch and refile alike."""
    opened = open_application(token, entry.sha256, keys, proven)
    if isinstance(opened, Foreign):
        return opened
    return checked(lambda: check_payload(opened, entry))


class _FetchRun:
    """The state of one fetch: what was seen, what stays in the inbox, the key's proof."""

    def __init__(
        self,
        api: OfficeClient,
        keys: OfficeKeys,
        out: Path,
        office: str | None,
        trust_key: bool,
        report: FetchReport,
    ) -> None:
        self.api, self.keys, self.out, self.office = api, keys, out, office
        self.proven = trust_key  # until an application names or opens with the key
        self.report = report
        self.seen: set[str] = set()
        self.stuck: set[str] = set()  # stays in the inbox this run: skipped by the listing
        self.held: list[tuple[p.InboxEntry, str, Foreign]] = []

    def all(self, page: int) -> None:
        while True:
            listed = self.api.new_applications(page, offset=len(self.stuck) + len(self.held))
            entries = [e for e in listed if e.id not in self.seen]
            if not entries:
                break
            for entry in entries:
                self.seen.add(entry.id)
                self.one(entry)
        if self.held and not self.proven:
            raise WrongKeyError(self._wrong_key())

    def one(self, entry: p.InboxEntry) -> None:
        if self.office is None:
            self.office = entry.office
        elif entry.office != self.office:
            raise WrongOfficeError(
                f"the token is one of office {entry.office}, not of office {self.office}"
            )
        if entry.size > self.api.max_sealed_bytes:
            self.quarantine(
                entry,
                None,
                f"{entry.size} bytes sealed, more than the {self.api.max_sealed_bytes} this "
                "office tool downloads; it stays on the server",
            )
            return
        token = self.api.application(entry.id, size=entry.size).payload
        try:
            filing = check_application(token, entry, self.keys, self.prove)
            if isinstance(filing, Foreign):
                self.hold(entry, token, filing)
                return
        except UnfitError as exc:
            self.quarantine(entry, token, exc.reason)
            return
        try:
            file_application(filing.record, filing.pdf, self.out)
        except FilingConflictError as exc:
            self.leave(entry, str(exc))
            return
        if self.taken(entry, self.api.acknowledge([entry.id])):
            self.report.written.append(entry.reference)
            self.report.tell("filed", entry.reference, str(self.out / entry.reference))

    def prove(self) -> None:
        """The key is the office's: what was held back for another key is quarantined."""
        if self.proven:
            return
        self.proven = True
        held, self.held = self.held, []
        for entry, token, foreign in held:
            self.quarantine(entry, token, foreign.reason(self.keys))

    def hold(self, entry: p.InboxEntry, token: str, foreign: Foreign) -> None:
        if self.proven:
            self.quarantine(entry, token, foreign.reason(self.keys))
            return
        self.held.append((entry, token, foreign))
        if len(self.held) >= HOLD_BACK:
            raise WrongKeyError(self._wrong_key())

    def _wrong_key(self) -> str:
        kids = [f.kid for _e, _t, f in self.held if f.kid and THUMBPRINT.match(f.kid)]
        sealed_for = (
            f"sealed for key {', '.join(sorted(set(kids))[:3])}"
            if len(kids) == len(self.held)
            else "not opened by it"
        )
        return (
            f"this key is not the key of office {self.office}: the waiting applications are "
            f"{sealed_for}, the key given is {self.keys.describe()}; they stay in the inbox"
        )

    def quarantine(self, entry: p.InboxEntry, token: str | None, reason: str) -> None:
        """Keep the server's listing, the sealed form and the reason (0600), then tell the
        server: ``refile`` checks the sealed form against that listing, as fetch does."""
        sealed, because = quarantine_paths(self.out, entry.id)
        write_private(listing_path(self.out, entry.id), listing_bytes(entry))
        if token is not None:
            write_private(sealed, token.encode())
        write_private(because, reason_line(entry.reference, entry.received_at, reason).encode())
        if self.taken(entry, self.api.acknowledge([], quarantined=[(entry.id, reason)])):
            self.report.quarantined.append((entry.reference, reason))
            self.report.tell("quarantined", entry.reference, f"{because}: {reason}")

    def leave(self, entry: p.InboxEntry, reason: str) -> None:
        self.stuck.add(entry.id)
        self.report.failed.append((entry.reference, reason))
        self.report.tell("left", entry.reference, reason)

    def taken(self, entry: p.InboxEntry, reply: p.AckReply) -> bool:
        """Whether the server took the acknowledgement; if not, the application stays."""
        if entry.id in reply.acknowledged:
            return True
        self.leave(entry, "the server did not take the acknowledgement (not this office's)")
        return False
