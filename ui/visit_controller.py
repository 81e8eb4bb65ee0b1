"""The visit without widgets: whose session is open, in which language, which form, and
what the visitor is told when something goes wrong.

The kiosk window draws screens; this controller decides what happens. It asks the
core lane for everything that touches the session or the disk, keeps the visit's
state on the UI thread, and reports through signals, to which the window answers
by drawing the next screen. So a visit can be driven and checked without a single
widget, and the window holds nothing a visitor typed except what is on screen.

Each visit has a :class:`~ui.core.Scope`. Everything asked of the core for a visit
carries it, and a new visit (or the end of one) closes the old scope: a slow answer
about a visit that is over (an idle check queued behind "continue later", the old
session of a visitor who just resumed another) is dropped instead of acting on the
next screen.

Signals:
    visit_started(): a session is open (a language chosen, or a visit resumed or
        recovered); :attr:`open` holds the form to go back to, if any.
    language_changed(): the visitor's language is another one now.
    form_opened(object): an :class:`OpenForm`, to be shown at its page.
    submitted(object): the :class:`~kiosk.session.visitor.Receipt` of a sent application.
    submit_blocked(str): the page holding the first answer that stops sending.
    submit_failed(str): sending failed for another reason; the text says what to do.
    parked(object): a :class:`~kiosk.session.visitor.ResumeTicket`; the visit is over,
        its code stays on screen.
    park_refused(str): continue later did not work; the text says why.
    resume_refused(str): a code and PIN did not open a parked visit; the text says why.
    idle_warning(float): the seconds left before an idle visit is wiped.
    idle_cleared(): the visitor is active again.
    catalog_changed(): a newly installed catalog replaced the one served.
    problem(str): something the visitor must know, at the top of the current screen.
    ended(str): the visit is over for this reason (timeout, start_over, finished, ...):
        everything of it must leave the screen.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import reopen_installer
from kiosk.definition.model import Form
from kiosk.engine.finder import CompiledFinder
from kiosk.engine.form import CompiledForm
from kiosk.locales import native_name
from kiosk.session.idle import IdlePhase, IdleState
from kiosk.session.resume_gate import ResumeError, ResumeProblem
from kiosk.session.staff import StaffGrant
from kiosk.session.terminal import NoOfficeKeyError, Terminal
from kiosk.session.visitor import (
    FormDraft,
    NothingToContinueError,
    PinRejectedError,
    Receipt,
    ResumeTicket,
    SubmitBlockedError,
    VisitorSession,
)
from kiosk.store import StoreError
from ui import texts
from ui.core import CoreRunner, Scope
from ui.finder_flow import FinderFlow
from ui.tr import Tr

log = logging.getLogger("kiosk.ui")

T = TypeVar("T")

RESUME_MESSAGES = {
    ResumeProblem.INVALID_CODE: texts.RESUME_INVALID,
    ResumeProblem.EXPIRED: texts.RESUME_EXPIRED,
    ResumeProblem.LOCKED: texts.RESUME_LOCKED,
    ResumeProblem.FORM_GONE: texts.RESUME_FORM_GONE,
}


class OpenForm:
    """The form being filled in, as the UI holds it (immutable parts + a copy of the answers)."""

    def __init__(self, draft: FormDraft) -> None:
        self.catalog: CompiledCatalog = draft.catalog
        self.form: Form = draft.form
        self.compiled: CompiledForm = draft.compiled
        self.answers: dict[str, Any] = copy.deepcopy(draft.answers)
        self.page = draft.page


Resumed = tuple[VisitorSession, OpenForm | None]


class VisitController(QObject):
    visit_started = Signal()
    language_changed = Signal()
    form_opened = Signal(object)
    submitted = Signal(object)
    submit_blocked = Signal(str)
    submit_failed = Signal(str)
    parked = Signal(object)
    park_refused = Signal(str)
    resume_refused = Signal(str)
    idle_warning = Signal(float)
    idle_cleared = Signal()
    catalog_changed = Signal()
    problem = Signal(str)
    ended = Signal(str)

    def __init__(self, terminal: Terminal, core: CoreRunner, *, out_of_service: bool) -> None:
        super().__init__()
        self.terminal, self.core = terminal, core
        # no verified catalog to serve: no visit starts until the sync brings one
        self.out_of_service = out_of_service
        self.catalog = terminal.catalog
        self.lang = "de"
        self.language_names = {lang: native_name(lang) for lang in self.catalog.languages}
        self.grant: StaffGrant | None = None  # staff are helping: German beside every text
        self.scope = Scope()
        self.session: VisitorSession | None = None
        self.open: OpenForm | None = None
        self.receipt: Receipt | None = None
        self.finder = FinderFlow()  # the finder's answers: this visit's only
        self.starting = False  # a language was tapped and the session is being opened
        core.on_unhandled = self.unexpected

    # ---------------------------------------------------------------- texts and problems
    @property
    def t(self) -> Tr:
        """The visitor's texts; German beside every one of them while staff are helping."""
        catalog = self.open.catalog if self.open is not None else self.catalog
        return Tr(self.lang, catalog, beside=self.grant is not None)

    def report(self, error: BaseException) -> None:
        """A failure of the visit's storage becomes the store's own message to the visitor."""
        if isinstance(error, StoreError):
            self.problem.emit(self.t(error.message))
            return
        self.unexpected(error)

    def unexpected(self, error: BaseException) -> None:
        """A failure nobody expected: logged, the visitor asked to get staff; never a crash."""
        log.error("unexpected failure: %s", type(error).__name__, exc_info=error)
        self.problem.emit(self.t(texts.STAFF_NEEDED))

    # ---------------------------------------------------------------- the visit's core calls
    def session_call(
        self,
        fn: Callable[[VisitorSession], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        key: str | None = None,
    ) -> None:
        """Run ``fn(session)`` on the core thread if a session is open; its result is
        dropped if the visit ends first."""
        session = self.session
        if session is None:
            return
        self.core.run(
            lambda _: fn(session), on_done, on_error or self.report, scope=self.scope, key=key
        )

    def new_visit(self) -> Scope:
        """Close the scope of whatever visit was on: its late results are dropped (a start
        still under way with them, so a new visit can begin)."""
        self.scope.close()
        self.scope = Scope()
        self.starting = False
        self.finder.reset()
        return self.scope

    # ---------------------------------------------------------------- language and start
    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.language_changed.emit()

    def choose_language(self, lang: str) -> None:
        """Begin a visit in *lang*; ``visit_started`` once its session is open."""
        if self.starting:
            return  # a second tap while the first visit is being opened
        self.set_language(lang)
        scope = self.new_visit()
        self.starting = True
        self.core.run(
            lambda terminal: terminal.start_session(lang),
            self._started,
            self._start_failed,
            scope=scope,
            on_dropped=lambda session: session.end("abandoned"),
        )

    def _start_failed(self, error: BaseException) -> None:
        self.starting = False
        self.report(error)

    def _started(self, session: VisitorSession) -> None:
        self.starting = False
        self.session = session
        self._assist_new(session)
        self.visit_started.emit()

    def _assist_new(self, session: VisitorSession) -> None:
        """A session begun (or resumed) while staff are unlocked is assisted from its first
        answer."""
        grant = self.grant
        if grant is not None:
            self.core.run(lambda _: session.assist(grant))

    def switch_language(self, lang: str) -> bool:
        """The language button: a running session keeps its answers (True); without one
        a visit begins in *lang* (False)."""
        if self.session is None:
            self.choose_language(lang)
            return False
        self.set_language(lang)
        self.session_call(lambda s: setattr(s, "language", lang))
        return True

    # ---------------------------------------------------------------- filling in
    def open_form(self, form_id: str, prefill: dict[str, Any] | None = None) -> None:
        """*prefill*: what the finder's answers fill in on a new draft (this visit only)."""
        self.session_call(lambda s: OpenForm(s.open_form(form_id, prefill)), self._form_opened)

    def start_finder(self, on_ready: Callable[[], None]) -> None:
        """The finder from its first question; its conditions are compiled on the core
        thread (once per catalog), then *on_ready* shows the first screen."""
        catalog = self.catalog
        if self.session is None or catalog.catalog.finder is None:
            return

        def ready(compiled: CompiledFinder | None) -> None:
            if compiled is not None:
                self.finder.begin(compiled)
                on_ready()

        self.core.run(lambda _: catalog.compiled_finder(), ready, self.report, scope=self.scope)

    def _form_opened(self, opened: OpenForm) -> None:
        self.open = opened
        self.form_opened.emit(opened)

    def close_form(self) -> None:
        self.open = None

    def answer(self, key: str, value: Any) -> None:
        self.session_call(lambda s: s.answer(key, value))

    def go_to_page(self, page: str) -> None:
        if self.open is not None:
            self.open.page = page
        self.session_call(lambda s: s.go_to_page(page))

    def submit(self) -> None:
        self.session_call(lambda s: s.submit(), self._submitted, self._submit_failed)

    def _submitted(self, receipt: Receipt) -> None:
        self.open = None
        self.receipt = receipt
        self.submitted.emit(receipt)

    def _submit_failed(self, error: BaseException) -> None:
        if isinstance(error, SubmitBlockedError) and self.open is not None:
            first = error.result.messages[0].path.split("[", 1)[0]
            page = next(p.id for p in self.open.form.pages if any(f.id == first for f in p.fields))
            self.submit_blocked.emit(page)
            return
        if isinstance(error, NoOfficeKeyError):
            self.submit_failed.emit(self.t(texts.NO_KEY))
            return
        if isinstance(error, StoreError):
            self.submit_failed.emit(self.t(error.message))
            return
        log.error("unexpected failure: %s", type(error).__name__, exc_info=error)
        self.submit_failed.emit(self.t(texts.STAFF_NEEDED))

    # ---------------------------------------------------------------- continue later
    def park(self, pin: str) -> None:
        self.session_call(lambda s: s.continue_later(pin), self._parked, self._park_failed)

    def _parked(self, ticket: ResumeTicket) -> None:
        """The core ended the session (key and answers are gone); the code stays on screen
        until the visitor finishes, and nothing of the ended visit may act on it."""
        self.new_visit()
        self.session = None
        self.open = None
        self.grant = None  # staff help ends with the visit (the staff mode locks too)
        self.parked.emit(ticket)

    def _park_failed(self, error: BaseException) -> None:
        if isinstance(error, NothingToContinueError):
            self.park_refused.emit(self.t(texts.NOTHING_TO_SAVE))
            return
        if isinstance(error, PinRejectedError):
            self.park_refused.emit(self.t(texts.PIN_TOO_SHORT))
            return
        self.park_refused.emit(self.t(texts.STAFF_NEEDED))
        self.report(error)

    def resume(self, code: str, pin: str) -> None:
        """Open a parked visit; a visit already on (a language chosen) ends first, and its
        late answers (an idle check queued meanwhile) no longer count."""
        old, lang = self.session, self.lang

        def work(terminal: Terminal) -> Resumed:
            resumed = terminal.resume(code, pin, lang)
            if old is not None and not old.ended:
                old.end("resumed")
            parked_in = resumed.current.language if resumed.current is not None else ""
            if old is None and parked_in in terminal.catalog.languages:
                # from the welcome screen, before choosing: the language it was parked in
                resumed.language = parked_in
            return resumed, OpenForm(resumed.current) if resumed.current else None

        def put_back(result: Resumed) -> None:
            """The visit ended before the resumed one could be shown: park it again under
            the code and PIN the visitor still holds, so nothing of it is lost."""
            try:
                result[0].continue_later(pin, code=code)
            finally:
                result[0].end("abandoned")

        self.core.run(
            work, self._resumed, self._resume_failed, scope=self.scope, on_dropped=put_back
        )

    def _resumed(self, result: Resumed) -> None:
        previous = self.session
        self.new_visit()
        self.session, self.open = result
        if previous is not None and previous is not self.session:
            # a visit begun meanwhile (a language tapped while the code was being opened)
            self.core.run(lambda _: previous.end("resumed"))
        if self.session.language != self.lang:
            self.set_language(self.session.language)
        self._assist_new(self.session)
        self.visit_started.emit()

    def _resume_failed(self, error: BaseException) -> None:
        if not isinstance(error, ResumeError):
            self.resume_refused.emit(self.t(texts.STAFF_NEEDED))
            self.report(error)
            return
        tr = self.t
        if error.problem is ResumeProblem.NO_MATCH:
            left = error.attempts_left
            message = tr.plural(texts.RESUME_NO_MATCH, left, attempts=left)
        elif error.problem is ResumeProblem.WAIT:
            seconds = int(error.seconds + 0.5)
            message = tr.plural(texts.RESUME_WAIT, seconds, seconds=seconds)
        else:
            message = tr(RESUME_MESSAGES[error.problem])
        self.resume_refused.emit(message)

    def adopt_recovered(self, session: VisitorSession) -> None:
        """Staff brought back a session an unclean stop left behind (already assisted)."""
        self._resumed((session, OpenForm(session.current) if session.current else None))

    # ---------------------------------------------------------------- staff
    def assist(self, grant: StaffGrant | None) -> None:
        """Staff unlocked (a grant) or locked (None): the visit's answers count as given
        with their help from now on, and the texts carry German beside."""
        self.grant = grant
        self.session_call(lambda s: s.assist(grant))

    def last_receipt(self, on_done: Callable[[Receipt | None], None]) -> bool:
        """The visit's latest receipt, read on the core thread; False without a visit."""
        session = self.session
        if session is None:
            return False
        self.core.run(
            lambda _: session.receipts[-1] if session.receipts else None, on_done, self.report
        )
        return True

    # ---------------------------------------------------------------- activity and idle
    def touch(self) -> None:
        self.session_call(lambda s: s.touch())

    def still_here(self) -> None:
        self.idle_cleared.emit()
        self.session_call(lambda s: s.extend())

    def poll(self, waiting: bool) -> None:
        """Ask the session whether its visitor is idle; between visitors, let the terminal
        do its housekeeping and install a staged catalog, but only while *waiting* (the
        welcome or out-of-service screen: a code just given out stays on screen)."""
        session = self.session
        if session is not None:
            self.session_call(
                lambda s: s.poll(), lambda state: self._idle_state(session, state), key="poll"
            )
            return
        install = waiting and not self.starting
        reopen = self.out_of_service and self.terminal.installer is None

        def between_visitors(terminal: Terminal) -> CompiledCatalog | None:
            terminal.maybe_housekeeping()
            if reopen:  # out of service for damaged pinned keys: enrolled again since?
                terminal.installer = reopen_installer(terminal.home)
            return terminal.install_staged_catalog() if install else None

        # not scoped to a visit: an installed catalog must reach the window even when a
        # visitor taps a language while it is being installed
        self.core.run(between_visitors, self._installed, self._background_problem, key="between")

    def _idle_state(self, session: VisitorSession, state: IdleState) -> None:
        if session is not self.session:
            return  # an answer about a visit that is over
        if state.phase is IdlePhase.WARNING:
            self.idle_warning.emit(state.seconds_left)
        elif state.phase is IdlePhase.EXPIRED:
            self.end("timeout")
        else:
            self.idle_cleared.emit()

    def _installed(self, catalog: CompiledCatalog | None) -> None:
        if catalog is None or catalog is self.catalog:
            return
        if self.out_of_service:
            log.warning("a verified catalog bundle is installed: serving visitors again")
        self.catalog = catalog
        self.out_of_service = False
        self.language_names = {lang: native_name(lang) for lang in catalog.languages}
        self.catalog_changed.emit()

    def _background_problem(self, error: BaseException) -> None:
        """Housekeeping or an install failed between visitors: the kiosk keeps serving
        what it has and tries again later; the reason goes to the log, not the screen."""
        log.warning("between visitors: %s: %s", type(error).__name__, error)

    # ---------------------------------------------------------------- the end of a visit
    def end(self, reason: str) -> None:
        """Forget the visitor: the session ends on the core thread, its late results are
        dropped, and ``ended`` tells the screen to let go of everything."""
        session = self.session
        self.new_visit()
        self.session = None
        self.open = None
        self.receipt = None
        self.lang = "de"
        self.grant = None  # staff help ends with the visit (the staff mode locks too)
        if session is not None and not session.ended:
            self.core.run(lambda _: session.end(reason))
        self.ended.emit(reason)
