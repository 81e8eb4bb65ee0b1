"""The terminal: what outlives visitors (store, catalog, keys) and starts, resumes or recovers them.

Resume and crash recovery both rebuild a session from encrypted drafts. Resume
needs the visitor's code and PIN (:mod:`kiosk.session.tickets`); crash recovery
needs a staff grant and works only for a few minutes after an unclean stop,
through terminal keys that exist for exactly that purpose and expire
(:mod:`kiosk.session.recovery`). When a visit ends, the write-ahead log is cut to
nothing, so no old version of its rows stays in a file.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import CatalogInstaller
from kiosk.catalog.translations import screen_gaps
from kiosk.crypto import aead
from kiosk.crypto.sealing import write_key_pair
from kiosk.definition.model import Form, Office
from kiosk.formats import read_draft_blob
from kiosk.private_files import destroy
from kiosk.session.clock import HOUR, Clock, SystemClock, local_date
from kiosk.session.codes import RESUME_LENGTH, is_valid, normalise
from kiosk.session.config import SessionConfig
from kiosk.session.recovery import RecoveryKeys
from kiosk.session.resume_gate import ResumeError, ResumeGate, ResumeProblem
from kiosk.session.staff import StaffGrant
from kiosk.session.tickets import (
    TicketSecret,
)
from kiosk.session.unlock import StaffUnlock
from kiosk.session.visitor import FormDraft, VisitorSession, draft_aad, recovery_aad
from kiosk.staff.directory import StaffDirectory
from kiosk.staff.pepper import PepperError, load_terminal_pepper
from kiosk.staff.records import StaffList, is_peppered
from kiosk.store import Store, StoreError
from kiosk.store.drafts import DraftRow
from kiosk.store.settings import CATALOG_SETTING, RETENTION_SETTING

if TYPE_CHECKING:
    from kiosk.catalog.bundle import VerifiedBundle

log = logging.getLogger("kiosk.terminal")

BUNDLE_STAFF_SETTING = "staff.bundle_list"  # the last staff list a signed bundle brought


def for_these_screens(catalog: CompiledCatalog) -> CompiledCatalog:
    """*catalog* as this kiosk can offer it: a language whose screen texts this kiosk's
    version lacks is kept from visitors like one the catalog's build withheld (a visitor
    would meet German on the buttons), and staff see it on the status screen."""
    missing = screen_gaps(catalog.catalog.header.languages)
    if missing:
        log.warning(
            "kept from visitors, the screen texts of this version are incomplete: %s",
            ", ".join(f"{lang} ({done:g} %)" for lang, done in sorted(missing.items())),
        )
    return catalog.for_screens(missing)


def catalog_label(catalog: CompiledCatalog) -> str:
    header = catalog.catalog.header
    return f"{header.id} {header.version} ({catalog.content_hash})"


class NoOfficeKeyError(RuntimeError):
    """Neither the catalog nor the terminal has a sealing key for the office."""


@dataclass(frozen=True)
class CrashedSession:
    session_id: str
    updated_at: float
    forms: list[str]


class Terminal:
    def __init__(
        self,
        store: Store,
        catalog: CompiledCatalog,
        home: Path,
        *,
        clock: Clock | None = None,
        config: SessionConfig | None = None,
        installer: CatalogInstaller | None = None,
        bundle: VerifiedBundle | None = None,
        demo: bool | None = None,
    ) -> None:
        # demo: may seal to the demo key files in HOME/office_keys (see office_public_key);
        # left out, only a terminal that runs no signed catalog at all may (development)
        self.demo = demo if demo is not None else installer is None and bundle is None
        self.store = store
        self.catalog = for_these_screens(bundle.catalog if bundle is not None else catalog)
        self.home = home
        self.clock = clock or SystemClock()
        self.config = config or SessionConfig()
        self.installer = installer
        self.staff = StaffDirectory(store.staff_accounts, lambda: _staff_pepper(home))
        self.unlock = StaffUnlock(store, self.staff, self.clock, self.config.staff_lockout)
        self.bundle_version: int | None = None
        self._bundle_deployment: str | None = None
        if bundle is not None:
            self._take_bundle(bundle)
        self.recovery = RecoveryKeys(
            home / "keys" / "recovery", self.config.recovery_window_seconds, self.clock
        )
        destroy(home / "keys" / "recovery.key")  # the one key of earlier versions, never rotated
        self.recovery.expire()
        self._recovery_epoch = self.recovery.epoch()
        self.gate = ResumeGate(store, self.config)
        self._journal_dirty = True
        self.terminal_id = self._terminal_id()
        self._live: dict[str, VisitorSession] = {}
        self._kept_catalogs: set[str] = set()
        self._last_housekeeping = self.clock.monotonic()
        # whatever is still 'active' now was left by a process that did not end cleanly
        self._leftovers = {row.session_id for row in store.drafts.active()}
        self.housekeeping()
        self.keep_catalog(self.catalog)  # now, not at a visitor's first keystroke
        self._publish_catalog()

    def _publish_catalog(self) -> None:
        """What the sync thread and the status read of the catalog being run."""
        self.store.settings.set(CATALOG_SETTING, catalog_label(self.catalog))
        days = self.catalog.catalog.header.outbox_retention_days
        self.store.settings.set(RETENTION_SETTING, str(days))

    def _terminal_id(self) -> str:
        value = self.store.settings.get("terminal_id")
        if value is None:
            value = f"terminal-{uuid.uuid4().hex[:8]}"
            self.store.settings.set("terminal_id", value)
        return value

    def ticket_secret(self, plain_code: str, pin: str) -> TicketSecret:
        """Id and wrapping key of the ticket for this code and PIN (one scrypt: slow)."""
        return self.gate.secret(plain_code, pin)

    # ------------------------------------------------------------ sessions
    def start_session(self, language: str) -> VisitorSession:
        # counted first: a session is live only once nothing on the way can fail, or a
        # session the UI never got would keep the terminal "in use" for ever
        self.store.counters.bump(
            day=local_date(self.clock).isoformat(), event="session", language=language
        )
        session = VisitorSession(self, language, aead.new_key())
        self._live[session.id] = session
        return session

    def forget(self, session: VisitorSession) -> None:
        """An ended session leaves: and with it every old version of its rows in the log,
        and, once no visit is open, every recovery key but those of crash leftovers (the
        log's old frames lie in free blocks of the disk: their keys must not stay)."""
        self._live.pop(session.id, None)
        self._journal_dirty = True
        self.scrub_journal()
        if not self._live:
            with contextlib.suppress(StoreError):
                self.recovery.destroy_all_but(self._leftover_epochs())

    def _leftover_epochs(self) -> set[int]:
        """The key epochs that wrapped the drafts of crash leftovers still recoverable."""
        return {
            epoch
            for row in self.store.drafts.active()
            if row.session_id in self._leftovers and row.recovery_wrap
            for epoch in [RecoveryKeys.epoch_of(row.recovery_wrap)]
            if epoch is not None
        }

    def scrub_journal(self) -> None:
        """Cut the write-ahead log when nothing is open; tried again on the next tick if a
        reader kept it from finishing (see :meth:`Store.scrub_journal`)."""
        if self._journal_dirty and not self._live:
            # a full or read-only disk: the next tick tries again
            with contextlib.suppress(StoreError):
                self._journal_dirty = not self.store.scrub_journal()

    def count(self, event: str, language: str, form: Form) -> None:
        self.store.counters.bump(
            day=local_date(self.clock).isoformat(),
            event=event,
            language=language,
            form_id=form.id,
            office=form.office,
        )

    # ------------------------------------------------------------ resume
    def resume(self, code: str, pin: str, language: str) -> VisitorSession:
        """A new session holding the parked drafts, on the form versions they were started on."""
        if not is_valid(code, RESUME_LENGTH):
            raise ResumeError(ResumeProblem.INVALID_CODE)
        plain = normalise(code)
        now = self.clock.now()
        self.gate.refuse_while_waiting(plain, now)
        found = self.gate.find(plain, pin)
        if found is None:
            raise self.gate.failed(plain, now)
        ticket, key = found
        if ticket.expires_at <= now:
            self.store.tickets.purge_expired(now)
            raise ResumeError(ResumeProblem.EXPIRED)
        rows = self.store.drafts.for_ticket(ticket.id)
        drafts = [self._restore(row, key) for row in rows]
        session = VisitorSession(self, language, key)
        # the drafts get their crash-recovery wrap in the same step that spends the ticket:
        # a crash right after leaves them recoverable, never behind a code that is gone
        wrap = self.recovery.wrap(key, recovery_aad(session.id))
        self.store.tickets.redeem(ticket.id, session.id, recovery_wrap=wrap)
        self.gate.succeeded(plain)
        for draft in drafts:
            session.adopt(draft)
            draft.dirty = True  # saved again in the visitor's language at the next poll
        self._live[session.id] = session
        with contextlib.suppress(StoreError):  # the audit line must not lose the visit
            self.store.audit.write(
                at=now, actor="visitor", action="resumed", detail=f"{len(drafts)} draft(s)"
            )
        session.flush()
        return session

    def _restore(self, row: DraftRow, key: bytearray) -> FormDraft:
        catalog = self._catalog_for(row.catalog_hash)
        if catalog is None:
            raise ResumeError(ResumeProblem.FORM_GONE)
        data = read_draft_blob(
            aead.decrypt(key, row.blob, draft_aad(row.id, row.form_id, row.form_version))
        )
        form = catalog.catalog.form(row.form_id)
        return FormDraft(
            row.id,
            catalog,
            form,
            catalog.compiled_form(row.form_id),
            answers=dict(data.answers),
            page=data.page,
            assisted_by=set(data.assisted_by),
            language=data.language,
        )

    def _catalog_for(self, content_hash: str) -> CompiledCatalog | None:
        if content_hash == self.catalog.content_hash:
            return self.catalog
        data = self.store.snapshots.get(content_hash)
        if data is None:
            return None
        try:
            loaded = CompiledCatalog.from_json(data)
        except ValueError:
            return None
        # a snapshot is trusted only as the catalog it claims to be (its offices' keys seal)
        return loaded if loaded.content_hash == content_hash else None

    def keep_catalog(self, catalog: CompiledCatalog) -> None:
        """Store the catalog a draft uses, once, so the draft can reopen on it later."""
        if catalog.content_hash in self._kept_catalogs:
            return
        if not self.store.snapshots.has(catalog.content_hash):
            self.store.snapshots.keep(catalog.content_hash, catalog.to_json(), self.clock.now())
        self._kept_catalogs.add(catalog.content_hash)

    @property
    def deployment(self) -> str:
        """Which deployment this terminal serves: the one its pinned admin keys and signed
        bundle name, else (an unsigned catalog: demo, development) the catalog's id. Every
        terminal of a deployment agrees on it, so a receipt's status key made at one is
        found at another (see :mod:`kiosk.session.receipt_status`)."""
        if self.installer is not None:
            return self.installer.trust.deployment
        return self._bundle_deployment or self.catalog.catalog.header.id

    # ------------------------------------------------------------ catalog updates
    def _take_bundle(self, bundle: VerifiedBundle) -> None:
        """Run the bundle's catalog; its staff list replaces the last one, and a bundle
        without a list keeps the staff the last list brought (a catalog-only update)."""
        self.catalog = for_these_screens(bundle.catalog)
        self.bundle_version = bundle.manifest.version
        self._bundle_deployment = bundle.manifest.deployment
        staff = bundle.manifest.staff
        if staff is not None:
            self.store.settings.set(
                BUNDLE_STAFF_SETTING, StaffList(staff=list(staff)).model_dump_json()
            )
        else:
            kept = self.store.settings.get(BUNDLE_STAFF_SETTING)
            staff = tuple(StaffList.model_validate_json(kept).staff) if kept else None
            if staff is not None:  # a list from before bundles had to pepper their hashes
                staff = tuple(r for r in staff if is_peppered(r.pin_hash))
        self.staff.set_bundle_staff(staff)

    @property
    def in_use(self) -> bool:
        """A visitor session is open: the catalog must not change now."""
        return bool(self._live)

    def install_staged_catalog(self) -> CompiledCatalog | None:
        """Install a bundle the sync staged, if no visitor is in the middle of a session.

        Drafts started on the old catalog keep it (snapshots), so a parked or
        crashed form reopens on the version its visitor saw.
        """
        if self._live or self.installer is None or not self.installer.has_staged():
            return None
        old = self.catalog
        self.keep_catalog(old)
        verified = self.installer.install_staged()
        if verified is None:
            return None
        self._take_bundle(verified)
        self.keep_catalog(self.catalog)
        self._publish_catalog()
        self.store.audit.write(
            at=self.clock.now(),
            actor="system",
            action="catalog_installed",
            detail=f"version {verified.manifest.version} signed by {verified.key_id}",
        )
        return self.catalog

    # ------------------------------------------------------------ crash recovery
    def crashed_sessions(self) -> list[CrashedSession]:
        """Sessions an unclean stop left behind that can still be recovered, newest first."""
        cutoff = self.clock.now() - self.config.recovery_window_seconds
        found: dict[str, CrashedSession] = {}
        for row in self.store.drafts.active():
            if row.session_id not in self._leftovers or row.updated_at < cutoff:
                continue
            entry = found.setdefault(
                row.session_id, CrashedSession(row.session_id, row.updated_at, [])
            )
            entry.forms.append(row.form_id)
        return sorted(found.values(), key=lambda c: c.updated_at, reverse=True)

    def recover_last_session(self, grant: StaffGrant, language: str) -> VisitorSession | None:
        """Staff only: reopen the newest session left by an unclean stop, within the window."""
        grant.require()
        for target in self.crashed_sessions():  # newest first; one whose key is gone is skipped
            rows = [r for r in self.store.drafts.active() if r.session_id == target.session_id]
            wraps = (r.recovery_wrap for r in rows if r.recovery_wrap)
            aad = recovery_aad(target.session_id)
            key = next((k for k in (self.recovery.unwrap(w, aad) for w in wraps) if k), None)
            if key is not None:
                return self._recovered(grant, language, target, rows, key)
        return None

    def _recovered(
        self,
        grant: StaffGrant,
        language: str,
        target: CrashedSession,
        rows: list[DraftRow],
        key: bytearray,
    ) -> VisitorSession:
        drafts = [self._restore(row, key) for row in rows]
        # the visitor's own language, as their drafts were saved in it
        language = next((d.language for d in drafts if d.language), language)
        session = VisitorSession(self, language, key, session_id=target.session_id)
        for draft in drafts:
            session.adopt(draft)
        self._leftovers.discard(target.session_id)
        self._live[session.id] = session
        with contextlib.suppress(StoreError):  # the audit line must not lose the visit
            self.store.audit.write(
                at=self.clock.now(),
                actor=f"staff:{grant.staff_id}",
                action="crash_recovery",
                detail=f"{len(rows)} draft(s)",
            )
        return session

    # ------------------------------------------------------------ housekeeping
    def housekeeping(self) -> None:
        """Purge expired tickets, crash leftovers past the window, and unused snapshots."""
        now = self.clock.now()
        self.store.tickets.purge_expired(now)
        self.store.drafts.delete_older_active(now - self.config.recovery_window_seconds)
        self.store.snapshots.purge_unused(keep=self.catalog.content_hash)
        self._kept_catalogs.clear()
        self._last_housekeeping = self.clock.monotonic()
        self._journal_dirty = True
        self.scrub_journal()

    def maybe_housekeeping(self) -> None:
        """The terminal's tick (called often): recovery keys, the log, hourly purges."""
        self.rotate_recovery_keys()
        self.scrub_journal()
        if self.clock.monotonic() - self._last_housekeeping >= HOUR:
            self.housekeeping()

    def rotate_recovery_keys(self) -> None:
        """A new epoch: live visits are re-wrapped under its key, expired keys destroyed.

        Crash leftovers past the window are purged first, so no draft is left whose key
        is about to go."""
        epoch = self.recovery.epoch()
        if epoch == self._recovery_epoch:
            return
        self._recovery_epoch = epoch
        self.store.drafts.delete_older_active(
            self.clock.now() - self.config.recovery_window_seconds
        )
        for session in list(self._live.values()):
            session.rewrap_recovery()
        self.recovery.expire()
        self._journal_dirty = True

    # ------------------------------------------------------------ keys
    def office_public_key(self, office: Office) -> bytes:
        """The office's key from the catalog; in demo mode only, a demo key file instead.

        Outside the demo a key file on the terminal's disk is never used: nobody signed
        it, and whoever can write to the disk could read every application sealed to it.
        """
        if office.public_key:
            return office.public_key.encode()
        if self.demo:
            path = self.home / "office_keys" / f"{office.id}.pub.pem"
            if path.exists():
                return path.read_bytes()
            raise NoOfficeKeyError(
                f"no sealing key for office '{office.id}': add public_key to the catalog or "
                f"run `kiosk office keygen {office.id}`"
            )
        problem = NoOfficeKeyError(
            f"the catalog has no public_key for office '{office.id}', so its applications "
            "cannot be sealed; publish a catalog bundle with every office's key (demo key "
            "files in HOME/office_keys count only in demo mode, `kiosk run --demo`)"
        )
        # for staff: the visitor is only told that this cannot be sent right now
        log.error("%s", problem)
        raise problem


def ensure_demo_office_keys(home: Path, catalog: CompiledCatalog) -> list[str]:
    """Offices without a key in the catalog get a demo key pair in HOME/office_keys.

    Demo mode only (`kiosk run --demo`, `kiosk simulate`): the terminal then holds the
    private keys too, so anyone with its disk could open what it sealed. In production
    every office's public key is in the signed catalog and nothing is made.
    """
    made = []
    folder = home / "office_keys"
    for office in catalog.catalog.offices:
        if not office.receives_applications:
            continue  # nothing is ever sealed to it
        if not office.public_key and not (folder / f"{office.id}.pub.pem").exists():
            write_key_pair(folder, office.id)
            made.append(office.id)
    return made


def _staff_pepper(home: Path) -> bytes | None:
    """The pepper from enrolment; a damaged file opens no peppered account (logged)."""
    try:
        return load_terminal_pepper(home)
    except PepperError as exc:
        log.error("staff accounts of the bundle cannot be checked: %s", exc)
        return None
