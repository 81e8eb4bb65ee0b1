"""The terminal: what outlives visitors (store, catalog, keys) and starts, resumes or recovers them.

Resume and crash recovery both rebuild a session from encrypted drafts. Resume
needs the visitor's code and PIN; crash recovery needs a staff grant and works
only for a few minutes after an unclean stop, through a terminal key that
exists for exactly that purpose.
"""

from __future__ import annotations

import enum
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import CatalogInstaller
from kiosk.catalog.model import Form, Office
from kiosk.crypto import aead, keywrap
from kiosk.crypto.keywrap import ScryptParams
from kiosk.crypto.sealing import write_key_pair
from kiosk.session.clock import Clock, SystemClock, local_date
from kiosk.session.codes import RESUME_LENGTH, is_valid, normalise
from kiosk.session.staff import StaffGrant
from kiosk.session.visitor import (
    FormDraft,
    VisitorSession,
    draft_aad,
    recovery_aad,
    ticket_aad,
    ticket_id,
)
from kiosk.staff.directory import StaffDirectory
from kiosk.staff.records import StaffList
from kiosk.staff.unlock import LockoutPolicy, StaffUnlock
from kiosk.store import Store
from kiosk.store.repositories import CATALOG_SETTING, DraftRow

if TYPE_CHECKING:
    from kiosk.catalog.bundle import VerifiedBundle

HOUR = 3600.0
BUNDLE_STAFF_SETTING = "staff.bundle_list"  # the last staff list a signed bundle brought


@dataclass(frozen=True)
class SessionConfig:
    """Timings and limits; every one can be set per deployment."""

    debounce_seconds: float = 0.3
    idle_seconds: float = 90.0
    warning_seconds: float = 30.0
    resume_days: float = 7.0
    recovery_window_seconds: float = 600.0
    pin_min: int = 4
    pin_max: int = 6
    free_pin_attempts: int = 3
    lockout_base_seconds: float = 30.0
    max_pin_attempts: int = 10
    scrypt: ScryptParams = field(default_factory=ScryptParams)
    staff_idle_seconds: float = 120.0  # the assisted mode locks itself after this
    staff_max_seconds: float = 1800.0  # ... and after this, however busy the terminal is
    staff_lockout: LockoutPolicy = field(default_factory=LockoutPolicy)


class ResumeProblem(enum.Enum):
    INVALID_CODE = "invalid_code"  # typo: the check character does not fit
    UNKNOWN_CODE = "unknown_code"  # no such ticket (or already used, or purged)
    EXPIRED = "expired"
    LOCKED = "locked"  # too many wrong PINs, for good
    WAIT = "wait"  # too many wrong PINs, for a while
    WRONG_PIN = "wrong_pin"
    FORM_GONE = "form_gone"


class ResumeError(ValueError):
    def __init__(self, problem: ResumeProblem, *, seconds: float = 0, attempts_left: int = 0):
        super().__init__(problem.value)
        self.problem = problem
        self.seconds = seconds
        self.attempts_left = attempts_left


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
    ) -> None:
        self.store = store
        self.catalog = bundle.catalog if bundle is not None else catalog
        self.home = home
        self.clock = clock or SystemClock()
        self.config = config or SessionConfig()
        self.installer = installer
        self.staff = StaffDirectory(store)
        self.unlock = StaffUnlock(store, self.staff, self.clock, self.config.staff_lockout)
        self.bundle_version: int | None = None
        if bundle is not None:
            self._take_bundle(bundle)
        self.recovery_key = _terminal_secret(home / "keys" / "recovery.key")
        self.terminal_id = self._terminal_id()
        self._live: dict[str, VisitorSession] = {}
        self._kept_catalogs: set[str] = set()
        self._last_housekeeping = self.clock.monotonic()
        # whatever is still 'active' now was left by a process that did not end cleanly
        self._leftovers = {row.session_id for row in store.drafts.active()}
        self.housekeeping()
        self.keep_catalog(self.catalog)  # now, not at a visitor's first keystroke
        store.settings.set(CATALOG_SETTING, catalog_label(self.catalog))

    def _terminal_id(self) -> str:
        value = self.store.settings.get("terminal_id")
        if value is None:
            value = f"terminal-{uuid.uuid4().hex[:8]}"
            self.store.settings.set("terminal_id", value)
        return value

    # ------------------------------------------------------------ sessions
    def start_session(self, language: str) -> VisitorSession:
        session = VisitorSession(self, language, aead.new_key())
        self._live[session.id] = session
        self.store.counters.bump(
            day=local_date(self.clock).isoformat(), event="session", language=language
        )
        return session

    def forget(self, session: VisitorSession) -> None:
        self._live.pop(session.id, None)

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
        tid = ticket_id(plain)
        ticket = self.store.tickets.get(tid)
        now = self.clock.now()
        if ticket is None:
            raise ResumeError(ResumeProblem.UNKNOWN_CODE)
        if ticket.expires_at <= now:
            self.store.tickets.purge_expired(now)
            raise ResumeError(ResumeProblem.EXPIRED)
        if ticket.locked:
            raise ResumeError(ResumeProblem.LOCKED)
        if ticket.locked_until > now:
            raise ResumeError(ResumeProblem.WAIT, seconds=ticket.locked_until - now)
        try:
            key = keywrap.unwrap(
                ticket.wrapped_key, f"{plain}:{pin}", self.config.scrypt, ticket_aad(plain)
            )
        except aead.DecryptionError:
            raise self._wrong_pin(tid, ticket.failures + 1, now) from None
        rows = self.store.drafts.for_ticket(tid)
        drafts = [self._restore(row, key) for row in rows]
        session = VisitorSession(self, language, key)
        self.store.tickets.redeem(tid, session.id)
        for draft in drafts:
            session.adopt(draft)
            draft.dirty = True  # re-save under the new session's recovery wrap
        self._live[session.id] = session
        self.store.audit.write(
            at=now, actor="visitor", action="resumed", detail=f"{len(drafts)} draft(s)"
        )
        session.flush()
        return session

    def _wrong_pin(self, tid: str, failures: int, now: float) -> ResumeError:
        cfg = self.config
        locked = failures >= cfg.max_pin_attempts
        wait = 0.0
        if not locked and failures >= cfg.free_pin_attempts:
            wait = min(HOUR, cfg.lockout_base_seconds * 2 ** (failures - cfg.free_pin_attempts))
        self.store.tickets.record_failure(tid, locked_until=now + wait, locked=locked)
        self.store.audit.write(
            at=now, actor="visitor", action="resume_wrong_pin", detail=f"attempt {failures}"
        )
        if locked:
            return ResumeError(ResumeProblem.LOCKED)
        return ResumeError(
            ResumeProblem.WRONG_PIN, seconds=wait, attempts_left=cfg.max_pin_attempts - failures
        )

    def _restore(self, row: DraftRow, key: bytearray) -> FormDraft:
        catalog = self._catalog_for(row.catalog_hash)
        if catalog is None:
            raise ResumeError(ResumeProblem.FORM_GONE)
        data = json.loads(
            aead.decrypt(key, row.blob, draft_aad(row.id, row.form_id, row.form_version))
        )
        form = catalog.catalog.form(row.form_id)
        return FormDraft(
            row.id,
            catalog,
            form,
            catalog.compiled_form(row.form_id),
            answers=data["answers"],
            page=data["page"],
            assisted_by=set(data.get("assisted_by", [])),
            language=str(data.get("language") or ""),
        )

    def _catalog_for(self, content_hash: str) -> CompiledCatalog | None:
        if content_hash == self.catalog.content_hash:
            return self.catalog
        data = self.store.snapshots.get(content_hash)
        return CompiledCatalog.from_json(data) if data is not None else None

    def keep_catalog(self, catalog: CompiledCatalog) -> None:
        """Store the catalog a draft uses, once, so the draft can reopen on it later."""
        if catalog.content_hash in self._kept_catalogs:
            return
        if not self.store.snapshots.has(catalog.content_hash):
            self.store.snapshots.keep(catalog.content_hash, catalog.to_json(), self.clock.now())
        self._kept_catalogs.add(catalog.content_hash)

    # ------------------------------------------------------------ catalog updates
    def _take_bundle(self, bundle: VerifiedBundle) -> None:
        """Run the bundle's catalog; its staff list replaces the last one, and a bundle
        without a list keeps the staff the last list brought (a catalog-only update)."""
        self.catalog = bundle.catalog
        self.bundle_version = bundle.manifest.version
        staff = bundle.manifest.staff
        if staff is not None:
            self.store.settings.set(
                BUNDLE_STAFF_SETTING, StaffList(staff=list(staff)).model_dump_json()
            )
        else:
            kept = self.store.settings.get(BUNDLE_STAFF_SETTING)
            staff = tuple(StaffList.model_validate_json(kept).staff) if kept else None
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
        self.store.settings.set(CATALOG_SETTING, catalog_label(self.catalog))
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
        crashed = self.crashed_sessions()
        if not crashed:
            return None
        target = crashed[0]
        rows = [r for r in self.store.drafts.active() if r.session_id == target.session_id]
        wrap = next((r.recovery_wrap for r in rows if r.recovery_wrap), None)
        if wrap is None:
            return None
        key = bytearray(aead.decrypt(self.recovery_key, wrap, recovery_aad(target.session_id)))
        drafts = [self._restore(row, key) for row in rows]
        # the visitor's own language, as their drafts were saved in it
        language = next((d.language for d in drafts if d.language), language)
        session = VisitorSession(self, language, key, session_id=target.session_id)
        for draft in drafts:
            session.adopt(draft)
        self._leftovers.discard(target.session_id)
        self._live[session.id] = session
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

    def maybe_housekeeping(self) -> None:
        if self.clock.monotonic() - self._last_housekeeping >= HOUR:
            self.housekeeping()

    # ------------------------------------------------------------ keys
    def office_public_key(self, office: Office) -> bytes:
        """The office's key from the catalog, or for the demo one made by `kiosk office keygen`."""
        if office.public_key:
            return office.public_key.encode()
        path = self.home / "office_keys" / f"{office.id}.pub.pem"
        if path.exists():
            return path.read_bytes()
        raise NoOfficeKeyError(
            f"no sealing key for office '{office.id}': add public_key to the catalog or run "
            f"`kiosk office keygen {office.id}`"
        )


def ensure_demo_office_keys(home: Path, catalog: CompiledCatalog) -> list[str]:
    """Offices without a key in the catalog get a demo key pair in HOME/office_keys.

    For the demo catalog and development only: in production every office's
    public key is in the signed catalog and this finds nothing to do.
    """
    made = []
    folder = home / "office_keys"
    for office in catalog.catalog.offices:
        if not office.public_key and not (folder / f"{office.id}.pub.pem").exists():
            write_key_pair(folder, office.id)
            made.append(office.id)
    return made


def _terminal_secret(path: Path) -> bytes:
    """A 32-byte key file readable only by the kiosk user, created on first use."""
    if path.exists():
        data = path.read_bytes()
        if len(data) == aead.KEY_BYTES:
            return data
    path.parent.mkdir(parents=True, exist_ok=True)
    data = os.urandom(aead.KEY_BYTES)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return data
