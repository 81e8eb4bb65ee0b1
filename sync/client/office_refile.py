"""Filing what the office tool set aside, once the cause is gone: ``kiosk office refile``.

An office tool from before payload version 2 quarantines every version-2 application; a
wrong key given with ``--trust-key``, or a bug since fixed, quarantines others. Refiling
opens and checks each against the server's listing with the functions fetch uses
(:func:`check_application`, :func:`file_application`), so it files nothing that fetch
would refuse, and what it files is byte for byte what fetch would have filed; only once
those files are on disk is the quarantined copy removed. What still fails stays, its
reason brought up to date. What the quarantine holds, and which applications an older
tool set aside without their listing can be checked at all, is ``office_quarantined.py``.

Nothing is sent anywhere: the server was told when the application was quarantined, and
the office holds it since. With ``--server``, listings that were not kept are read from
the server first (``read_listings``), before anything is written.

The keys prove themselves as in fetch, and until they have, nothing is written or
removed: with a wrong key every application would look sealed for another key, and its
reason would be overwritten with that. A quarantine in which no application names the
keys or opens with them, while some are sealed for other keys, ends with
:class:`WrongKeyError` and nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from kiosk.private_files import sync_folder, write_private
from sync import protocol as p
from sync.client.office import (
    FilingConflictError,
    WrongKeyError,
    check_application,
    checked,
    file_application,
    listing_bytes,
    listing_path,
    open_application,
    reason_line,
    record_bytes,
)
from sync.client.office_payload import (
    MAX_PLAINTEXT_BYTES,
    Filing,
    UnfitError,
    check_payload,
    parse_json,
    validate_payload,
)
from sync.client.office_quarantined import (
    SEALED_SUFFIX,
    LeftError,
    NotServed,
    Quarantined,
    TooLargeError,
    checkable_without_listing,
    find,
    offline_listing,
    quarantined_names,
    read_plain_file,
    sealed_text,
    uncheckable_reason,
)
from sync.client.office_seal import THUMBPRINT, Foreign, OfficeKeys

Outcome = Literal["filed", "already_filed", "quarantined", "left"]
#: an earlier REFERENCE.json larger than this is not one the office tool wrote
MAX_RECORD_FILE: Final = 2 * MAX_PLAINTEXT_BYTES


@dataclass(frozen=True)
class Refiled:
    """What became of one quarantined application.

    ``detail``: the files written, the reason it stays, or what a person has to look at.
    ``reference`` is None when its reason file does not name one."""

    id: str
    reference: str | None
    outcome: Outcome
    detail: str
    reason_updated: bool = False


@dataclass
class RefileReport:
    """Every application found in quarantine, told through *echo* as each is decided."""

    results: list[Refiled] = field(default_factory=list)
    echo: Callable[[Refiled], None] | None = None

    def add(self, result: Refiled) -> None:
        self.results.append(result)
        if self.echo is not None:
            self.echo(result)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def as_json(self) -> dict[str, Any]:
        return {
            "filed": self.count("filed"),
            "already_filed": self.count("already_filed"),
            "quarantined": self.count("quarantined"),
            "left": self.count("left"),
            "applications": [asdict(r) for r in self.results],
        }


def refile(
    keys: OfficeKeys,
    out: Path,
    office: str,
    *,
    trust_key: bool = False,
    listings: Mapping[str, p.InboxEntry | NotServed] | None = None,
    report: RefileReport | None = None,
) -> RefileReport:
    """File into *out* what ``out/quarantine`` holds and can now be filed for *office*.

    *trust_key*: the keys are known to be the office's, so a quarantine holding only
    applications for other keys is gone through anyway (their reasons brought up to date).
    *listings*: the server's listings of applications quarantined without theirs, re-read
    by ``read_listings``. :class:`WrongKeyError` when the keys prove to be another
    office's; ``OSError`` when writing or removing fails (what was done before stays done).
    """
    run = _RefileRun(keys, out, office, trust_key, listings or {}, report or RefileReport())
    for name in quarantined_names(out):
        run.one(name)
    run.finish()
    return run.report


class _RefileRun:
    """One pass over the quarantine: the keys' proof, and what waits for it."""

    def __init__(
        self,
        keys: OfficeKeys,
        out: Path,
        office: str,
        trust_key: bool,
        listings: Mapping[str, p.InboxEntry | NotServed],
        report: RefileReport,
    ) -> None:
        self.keys, self.out, self.office, self.report = keys, out, office, report
        self.listings = listings
        self.proven = trust_key
        #: what was decided before the keys proved themselves, done once they have
        self.waiting: list[Callable[[], None]] = []
        self.foreign_kids: set[str] = set()
        self.foreign_unnamed = 0

    def one(self, name: str) -> None:
        try:
            found = find(self.out, name, self.listings)
        except LeftError as exc:
            unnamed = exc.detail
            self.later(lambda: self.leave(name.removesuffix(SEALED_SUFFIX), None, unnamed))
            return
        if found.listing is None and not checkable_without_listing(found.reason):
            self.later(lambda: self.still(found, uncheckable_reason(found.reason)))
            return
        try:
            filing = self.open_and_check(found)
        except LeftError as exc:
            detail = exc.detail
            self.later(lambda: self.leave(found.id, found.reference, detail, found))
            return
        except UnfitError as exc:
            reason = exc.reason
            self.later(lambda: self.still(found, reason))
            return
        if filing is not None:
            self.file(found, filing)

    def open_and_check(self, found: Quarantined) -> Filing | None:
        """What to file, or None when it is sealed for another key (then it is held)."""
        listing = found.listing
        if listing is not None and listing.office != self.office:
            raise LeftError(
                f"listed for office {listing.office}, not for office {self.office} (--office); "
                "it stays as it is"
            )
        token, sha256, size = sealed_text(found.sealed)
        if listing is not None:  # every check of fetch, against what the server listed
            checked_against_listing = check_application(token, listing, self.keys, self.prove)
            if isinstance(checked_against_listing, Foreign):
                self.hold(found, checked_against_listing)
                return None
            return checked_against_listing
        opened = open_application(token, sha256, self.keys, self.prove)
        del token  # up to 12 MB: not kept while the plaintext is checked
        if isinstance(opened, Foreign):
            self.hold(found, opened)
            return None
        payload = checked(lambda: validate_payload(parse_json(opened)))
        if payload.office != self.office:  # the listing's office is the one fetch was given
            raise LeftError(
                f"sealed for another office than {self.office} (--office), and the server's "
                "listing of it, which would tell, was not kept: refile with --server URL "
                "--token T; it stays as it is"
            )
        entry = checked(lambda: offline_listing(payload, found, sha256, size, self.office))
        return checked(lambda: check_payload(opened, entry))

    # ---------------------------------------------------------------- the keys' proof
    def later(self, action: Callable[[], None]) -> None:
        if self.proven:
            action()
        else:
            self.waiting.append(action)

    def prove(self) -> None:
        if self.proven:
            return
        self.proven = True
        waiting, self.waiting = self.waiting, []
        for action in waiting:
            action()

    def hold(self, found: Quarantined, foreign: Foreign) -> None:
        if not self.proven:
            if foreign.kid is not None and THUMBPRINT.match(foreign.kid):
                self.foreign_kids.add(foreign.kid)
            else:
                self.foreign_unnamed += 1
        self.later(lambda: self.still(found, foreign.reason(self.keys)))

    def finish(self) -> None:
        if not self.proven and (self.foreign_kids or self.foreign_unnamed):
            raise WrongKeyError(self.wrong_key())
        self.prove()  # what is left waiting does not depend on the keys

    def wrong_key(self) -> str:
        sealed_for = (
            f"sealed for key {', '.join(sorted(self.foreign_kids)[:3])}"
            if not self.foreign_unnamed
            else "not opened by it"
        )
        return (
            f"this key is not the key of office {self.office}: the quarantined applications "
            f"are {sealed_for}, the key given is {self.keys.describe()}; nothing was changed"
        )

    # ---------------------------------------------------------------- outcomes
    def still(self, found: Quarantined, reason: str) -> None:
        """It still cannot be filed: the reason file says why, as of now."""
        self.keep_listing(found)
        changed = reason != found.reason
        if changed:
            line = reason_line(found.reference, found.received_at, reason)
            write_private(found.because, line.encode())
        detail = reason
        if found.server_said is not None:
            detail += f" (asked for its listing, the server said: {found.server_said})"
        self.report.add(Refiled(found.id, found.reference, "quarantined", detail, changed))

    def leave(
        self,
        application_id: str,
        reference: str | None,
        detail: str,
        found: Quarantined | None = None,
    ) -> None:
        if found is not None:
            self.keep_listing(found)
        self.report.add(Refiled(application_id, reference, "left", detail))

    def keep_listing(self, found: Quarantined) -> None:
        """A listing re-read from the server is kept beside what stays, as fetch keeps it:
        the next refile checks against it offline."""
        if found.listing is not None and found.listing_from_server:
            write_private(listing_path(self.out, found.id), listing_bytes(found.listing))

    def file(self, found: Quarantined, filing: Filing) -> None:
        """File it as fetch would, unless this application is filed already."""
        record = record_bytes(filing.record)
        filed = self.out / f"{found.reference}.json"
        try:
            earlier: bytes | None = read_plain_file(filed, max(MAX_RECORD_FILE, len(record)))
        except FileNotFoundError:
            earlier = None
        except (LeftError, TooLargeError):
            earlier = b""  # not a record the office tool wrote
        if earlier is None:
            try:
                file_application(filing.record, filing.pdf, self.out)
            except FilingConflictError as exc:
                self.leave(found.id, found.reference, str(exc), found)
                return
            self.clear(found)
            self.report.add(Refiled(found.id, found.reference, "filed", _names(filed)))
        elif earlier == record:
            pdf = filed.with_suffix(".pdf")
            if not pdf.exists():
                write_private(pdf, filing.pdf)
            self.clear(found)
            detail = f"{filed} holds the same record; removed from quarantine"
            self.report.add(Refiled(found.id, found.reference, "already_filed", detail))
        elif _filed_id(earlier) == found.id:
            detail = (
                f"{filed} holds this application with another record (another delivery "
                "of it); compare the two, then remove the one not wanted"
            )
            self.leave(found.id, found.reference, detail, found)
        else:
            detail = f"{filed} already holds another application; move it away first"
            self.leave(found.id, found.reference, detail, found)

    def clear(self, found: Quarantined) -> None:
        """The quarantined copy goes, now that the filed one is on disk."""
        found.sealed.unlink(missing_ok=True)
        found.because.unlink(missing_ok=True)
        listing_path(self.out, found.id).unlink(missing_ok=True)
        sync_folder(found.sealed.parent)


def _names(filed: Path) -> str:
    return f"{filed}  {filed.with_suffix('.pdf')}"


def _filed_id(record: bytes) -> Any:
    try:
        data = parse_json(record, max_bytes=MAX_RECORD_FILE)
    except UnfitError:
        return None
    return data.get("id") if isinstance(data, dict) else None
