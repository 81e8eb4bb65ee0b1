"""One visitor at the terminal, from the language choice to the receipt or the wipe.

Every answer is kept in memory and autosaved, encrypted with a key that exists
only for this session, after a short pause in typing (and at once on every
page change), so a crash loses at most that pause. Ending the session wipes the
key and everything in memory; drafts survive only through "continue later".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.crypto import aead
from kiosk.crypto.sealing import seal
from kiosk.definition.model import Form
from kiosk.definition.strings import form_ctx, office_ctx
from kiosk.documents.render import ApplicationRecord, office_copy
from kiosk.documents.sealed import with_office_copy
from kiosk.engine.form import CompiledForm, ValidationResult
from kiosk.formats import (
    APPLICATION_FORMAT,
    APPLICATION_VERSION,
    DRAFT_FORMAT,
    DRAFT_VERSION,
    ApplicationData,
    DraftBlob,
    FormRef,
)
from kiosk.session.clock import local_date
from kiosk.session.codes import (
    RESUME_LENGTH,
    is_valid,
    new_reference,
    new_resume_code,
    normalise,
)
from kiosk.session.idle import IdlePhase, IdleState, IdleTimer
from kiosk.session.profile import VisitorProfile
from kiosk.session.receipt_status import new_secret, qr_text, status_key
from kiosk.session.staff import StaffGrant
from kiosk.session.tickets import JOINT_LOOKUP
from kiosk.store import StoreError
from kiosk.store.outbox import OutboxItem

if TYPE_CHECKING:
    from kiosk.session.context import SessionContext


class SessionEndedError(RuntimeError):
    """The session was wiped; start a new one."""


class SubmitBlockedError(ValueError):
    """The application has problems; ``result.messages`` says which, in both languages."""

    def __init__(self, result: ValidationResult) -> None:
        super().__init__(f"{len(result.messages)} problem(s) in the application")
        self.result = result


class PinRejectedError(ValueError):
    """The PIN chosen for "continue later" is not 4 to 6 digits."""


class NothingToContinueError(ValueError):
    """ "Continue later" with no form started: there is nothing to keep."""


@dataclass(frozen=True)
class Receipt:
    """What the visitor takes away; kept only in the session's memory."""

    reference: str
    form_id: str
    form_title: str
    form_title_de: str
    office_id: str
    office_name: str
    office_name_de: str
    application_date: str
    submitted_at: str
    #: printed beside the reference; with it the visitor can ask any terminal of the
    #: deployment for the application's status (see kiosk.session.receipt_status)
    status_secret: str = field(repr=False)
    #: everything the visitor copy and the printed receipt need; lives only in the session
    record: ApplicationRecord | None = None


@dataclass(frozen=True)
class ResumeTicket:
    code: str
    expires_at: float
    drafts: int
    forms: tuple[str, ...] = ()


def plain_value(value: Any) -> Any:
    """Answers as JSON holds them: dates as ISO text, amounts as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    return value


def draft_aad(draft_id: str, form_id: str, form_version: int) -> bytes:
    return f"draft:{draft_id}:{form_id}:{form_version}".encode()


def recovery_aad(session_id: str) -> bytes:
    return f"recovery:{session_id}".encode()


@dataclass
class FormDraft:
    """One form being filled in, on the catalog version it was started with."""

    draft_id: str
    catalog: CompiledCatalog
    form: Form
    compiled: CompiledForm
    answers: dict[str, Any] = field(default_factory=dict)
    page: str = ""
    dirty: bool = False
    changed_at: float = 0.0
    #: staff ids who filled in answers on the visitor's behalf; travels with the application
    assisted_by: set[str] = field(default_factory=set)
    #: the language it was last saved in (restored drafts only)
    language: str = ""

    @property
    def form_id(self) -> str:
        return self.form.id

    def blob(self, language: str) -> bytes:
        return DraftBlob(
            format=DRAFT_FORMAT,
            version=DRAFT_VERSION,
            answers=self.answers,
            page=self.page,
            language=language,
            assisted_by=sorted(self.assisted_by),
        ).to_bytes()


class VisitorSession:
    def __init__(
        self, terminal: SessionContext, language: str, key: bytearray, session_id: str | None = None
    ) -> None:
        self.terminal = terminal
        self.id = session_id or uuid.uuid4().hex
        self.language = language
        self._key: bytearray | None = key
        self.profile = VisitorProfile()
        self.drafts: dict[str, FormDraft] = {}
        self.current: FormDraft | None = None
        self.receipts: list[Receipt] = []
        self.idle = IdleTimer(
            terminal.clock, terminal.config.idle_seconds, terminal.config.warning_seconds
        )
        self.save_problem: StoreError | None = None
        self.ended_reason: str | None = None
        self.assisting: StaffGrant | None = None

    # ------------------------------------------------------------ state
    @property
    def ended(self) -> bool:
        return self._key is None

    def _live_key(self) -> bytearray:
        if self._key is None:
            raise SessionEndedError(f"session ended ({self.ended_reason})")
        return self._key

    def _draft(self) -> FormDraft:
        self._live_key()
        if self.current is None:
            raise RuntimeError("no form is open")
        return self.current

    # ------------------------------------------------------------ forms
    def open_form(self, form_id: str, prefill: Mapping[str, Any] | None = None) -> FormDraft:
        """Start (or return to) a form; empty person fields are prefilled from the profile.

        *prefill*: answers the finder gathered in this visit (field id -> value), written
        into a new draft before the profile's; a draft already begun keeps its answers."""
        self._live_key()
        self.idle.touch()
        if form_id in self.drafts:
            self.current = self.drafts[form_id]
            return self.current
        catalog = self.terminal.catalog
        form = catalog.catalog.form(form_id)
        draft = FormDraft(
            uuid.uuid4().hex, catalog, form, catalog.compiled_form(form_id), page=form.pages[0].id
        )
        for key, value in (prefill or {}).items():
            draft.answers[key] = plain_value(value)
            draft.dirty = True
        if self.profile.prefill(form, draft.answers):
            draft.dirty = True
        self.drafts[form_id] = draft
        self.current = draft
        self.terminal.count("form_opened", self.language, form)
        self._save(draft)
        return draft

    def adopt(self, draft: FormDraft) -> None:
        """Take over a draft restored from the store (resume, crash recovery)."""
        self.drafts[draft.form_id] = draft
        self.current = draft

    # ------------------------------------------------------------ assisted mode
    def assist(self, grant: StaffGrant | None) -> None:
        """Staff start (a grant) or stop (None) helping; answers given meanwhile count as
        filled in on the visitor's behalf."""
        if grant is not None:
            grant.require()
        self.assisting = grant

    def _note_assistance(self, draft: FormDraft) -> None:
        grant = self.assisting
        if grant is None or grant.staff_id in draft.assisted_by:
            return
        draft.assisted_by.add(grant.staff_id)
        self.terminal.store.audit.write(
            at=self.terminal.clock.now(),
            actor=f"staff:{grant.staff_id}",
            action="assisted_fill",
            detail=draft.form_id,
        )

    # ------------------------------------------------------------ answers
    def answer(self, field_id: str, value: Any) -> None:
        """Set one answer of the open form; saved after the debounce pause."""
        draft = self._draft()
        self.idle.touch()
        self._note_assistance(draft)
        if value is None or value == "" or value == []:
            draft.answers.pop(field_id, None)
        else:
            draft.answers[field_id] = plain_value(value)
        draft.dirty = True
        draft.changed_at = self.terminal.clock.monotonic()

    def add_item(self, group_id: str) -> int:
        items = list(self._draft().answers.get(group_id) or [])
        items.append({})
        self.answer(group_id, items)
        return len(items) - 1

    def remove_item(self, group_id: str, index: int) -> None:
        items = list(self._draft().answers.get(group_id) or [])
        del items[index]
        self.answer(group_id, items)

    def answer_item(self, group_id: str, index: int, field_id: str, value: Any) -> None:
        items = [dict(i) for i in self._draft().answers.get(group_id) or []]
        if value is None or value == "":
            items[index].pop(field_id, None)
        else:
            items[index][field_id] = plain_value(value)
        self.answer(group_id, items)

    def go_to_page(self, page_id: str) -> None:
        draft = self._draft()
        if page_id not in {p.id for p in draft.form.pages}:
            raise ValueError(f"form {draft.form_id} has no page {page_id}")
        self.idle.touch()
        draft.page = page_id
        draft.dirty = True
        self.flush()

    def validate(self, pages: list[str] | None = None) -> ValidationResult:
        draft = self._draft()
        return draft.compiled.validate(
            draft.answers,
            self.language,
            local_date(self.terminal.clock),
            translate=draft.catalog.t,
            pages=pages,
        )

    # ------------------------------------------------------------ saving
    def poll(self) -> IdleState:
        """Call often (the UI's timer does): saves due drafts, runs the idle timer."""
        if self.ended:
            return IdleState(IdlePhase.EXPIRED, 0.0)
        now = self.terminal.clock.monotonic()
        for draft in self.drafts.values():
            if draft.dirty and now - draft.changed_at >= self.terminal.config.debounce_seconds:
                self._save(draft)
        self.terminal.maybe_housekeeping()
        state = self.idle.state()
        if state.phase is IdlePhase.EXPIRED:
            self.end("timeout")
        return state

    def touch(self) -> None:
        self.idle.touch()

    def extend(self) -> None:
        """ "I am still here": back to the full idle time."""
        self.idle.extend()

    def flush(self) -> None:
        for draft in self.drafts.values():
            if draft.dirty:
                self._save(draft)

    def rewrap_recovery(self) -> None:
        """Save every draft again, so its recovery wrap is under the newest terminal key."""
        if self.ended:
            return
        for draft in self.drafts.values():
            draft.dirty = True
        self.flush()

    def _save(self, draft: FormDraft) -> None:
        key = self._live_key()
        blob = aead.encrypt(
            key,
            draft.blob(self.language),
            draft_aad(draft.draft_id, draft.form_id, draft.form.version),
        )
        wrap = self.terminal.recovery.wrap(key, recovery_aad(self.id))
        try:
            self.terminal.keep_catalog(draft.catalog)
            self.terminal.store.drafts.save(
                draft_id=draft.draft_id,
                session_id=self.id,
                form_id=draft.form_id,
                form_version=draft.form.version,
                catalog_hash=draft.catalog.content_hash,
                blob=blob,
                recovery_wrap=wrap,
                now=self.terminal.clock.now(),
            )
        except StoreError as exc:
            self.save_problem = exc  # answers stay in memory; the next poll tries again
            return
        self.save_problem = None
        draft.dirty = False

    # ------------------------------------------------------------ submit
    def submit(self) -> Receipt:
        """Seal the open form for its office and put it in the outbox; the answers leave memory."""
        draft = self._draft()
        result = self.validate()
        if not result.ok:
            raise SubmitBlockedError(result)
        terminal = self.terminal
        form, catalog = draft.form, draft.catalog
        office = catalog.catalog.office(form.office)
        reference = new_reference()
        # the secret lives only in this receipt (memory, paper); the outbox keeps the key
        secret = new_secret()
        application_id = str(uuid.uuid4())
        today = local_date(terminal.clock)
        submitted_at = dt.datetime.fromtimestamp(terminal.clock.now(), dt.UTC).isoformat()
        answers = result.state.export()
        data = ApplicationData(
            format=APPLICATION_FORMAT,
            payload_version=APPLICATION_VERSION,
            id=application_id,
            reference=reference,
            form=FormRef(id=form.id, version=form.version, title=form.title),
            office=office.id,
            application_date=today.isoformat(),
            submitted_at=submitted_at,
            language=self.language,
            catalog=catalog.content_hash,
            terminal=terminal.terminal_id,
            assisted=bool(draft.assisted_by),
            assisted_by=sorted(draft.assisted_by),
            consents={
                f.id: f.consent.version
                for p in form.pages
                for f in p.fields
                if f.consent is not None and result.state.values.get(f.id) is True
            },
            answers=answers,
        )
        record = ApplicationRecord(
            catalog=catalog,
            form_id=form.id,
            answers=answers,
            reference=reference,
            application_date=today,
            terminal=terminal.terminal_id,
            language=self.language,
            status_secret=secret,
            status_qr=qr_text(reference, secret),
        )
        application = with_office_copy(data, office_copy(record))
        sealed = seal(application.members(), terminal.office_public_key(office))
        item = OutboxItem(
            id=application_id,
            reference=reference,
            form_id=form.id,
            form_version=form.version,
            office=office.id,
            application_date=today.isoformat(),
            created_at=terminal.clock.now(),
            payload=sealed,
            payload_sha256=hashlib.sha256(sealed.encode()).hexdigest(),
            status_key=status_key(terminal.deployment, reference, secret),
        )
        terminal.store.outbox.add(item, remove_draft=draft.draft_id)
        terminal.count("submitted", self.language, form)
        terminal.store.audit.write(
            at=terminal.clock.now(), actor="visitor", action="submitted", detail=reference
        )
        self.profile.learn(form, draft.answers)
        receipt = Receipt(
            reference=reference,
            form_id=form.id,
            form_title=catalog.t(self.language, form_ctx(form.id, "title"), form.title),
            form_title_de=form.title,
            office_id=office.id,
            office_name=catalog.t(self.language, office_ctx(office.id, "name"), office.name),
            office_name_de=office.name,
            application_date=today.isoformat(),
            submitted_at=submitted_at,
            status_secret=secret,
            record=record,
        )
        self.receipts.append(receipt)
        draft.answers.clear()
        del self.drafts[form.id]
        self.current = None
        return receipt

    # ------------------------------------------------------------ continue later
    def continue_later(self, pin: str, *, code: str | None = None) -> ResumeTicket:
        """Park every open draft under a new resume code and this PIN, then end the session.

        *code*: park under this code instead (a visit just resumed with it that could not be
        shown goes back behind the code and PIN the visitor still holds)."""
        key = self._live_key()
        config = self.terminal.config
        if not (pin.isascii() and pin.isdigit() and config.pin_min <= len(pin) <= config.pin_max):
            raise PinRejectedError(f"the PIN must have {config.pin_min} to {config.pin_max} digits")
        if not self.drafts:
            raise NothingToContinueError("no form has been started in this session")
        for draft in self.drafts.values():
            draft.dirty = True
        self.flush()
        if self.save_problem is not None:
            raise self.save_problem
        forms = tuple(self.drafts)
        if code is None:
            code = new_resume_code()
        elif not is_valid(code, RESUME_LENGTH):
            raise ValueError("not a resume code")
        plain = normalise(code)
        now = self.terminal.clock.now()
        expires = now + config.resume_days * 86400
        secret = self.terminal.ticket_secret(plain, pin)
        parked = self.terminal.store.tickets.park(
            ticket_id=secret.ticket_id,
            session_id=self.id,
            wrapped_key=secret.wrap(key),
            now=now,
            expires_at=expires,
            lookup=JOINT_LOOKUP,
        )
        self.terminal.store.audit.write(
            at=now, actor="visitor", action="continue_later", detail=f"{parked} draft(s)"
        )
        self.end("continue_later")
        return ResumeTicket(code, expires, parked, forms)

    # ------------------------------------------------------------ end
    def end(self, reason: str) -> None:
        """Wipe this visitor: drafts not parked are deleted, the key and answers forgotten."""
        if self._key is None:
            return
        self.ended_reason = reason
        try:
            self.terminal.store.drafts.delete_session(self.id)
            self.terminal.store.audit.write(
                at=self.terminal.clock.now(), actor="visitor", action="session_end", detail=reason
            )
        except StoreError as exc:
            self.save_problem = exc  # still wipe memory; leftovers are purged at start
        for draft in self.drafts.values():
            draft.answers.clear()
        self.drafts.clear()
        self.current = None
        self.receipts.clear()
        self.profile.wipe()
        aead.wipe(self._key)
        self._key = None
        self.terminal.forget(self)
