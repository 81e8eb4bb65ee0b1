"""Continue later and resume: a visit parked behind a code and a PIN, and opened again.

The steps as the kiosk window takes them, after those of :class:`ui.visit.VisitFlows`
(both mixed into :class:`ui.window.KioskWindow`). Parking ends the visit on the core thread: the
code then stays on screen for the visitor, and nothing of the ended visit may act on
it. Resuming ends a visit already begun (a language chosen), and takes the parked
one's language when the visitor had chosen none.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kiosk.documents.render import resume_slip
from kiosk.session.resume_gate import ResumeError, ResumeProblem
from kiosk.session.visitor import (
    NothingToContinueError,
    PinRejectedError,
    ResumeTicket,
    VisitorSession,
)
from ui import texts
from ui.screens.codes import ContinueLaterScreen, ResumeScreen
from ui.visit import VisitFlows

if TYPE_CHECKING:
    from ui.window import OpenForm

RESUME_MESSAGES = {
    ResumeProblem.INVALID_CODE: texts.RESUME_INVALID,
    ResumeProblem.EXPIRED: texts.RESUME_EXPIRED,
    ResumeProblem.LOCKED: texts.RESUME_LOCKED,
    ResumeProblem.FORM_GONE: texts.RESUME_FORM_GONE,
}


class ParkingFlows(VisitFlows):
    """Continue later, resume, and a session staff recovered after a crash."""

    def print_resume_slip(self, ticket: ResumeTicket) -> None:
        """The code, its QR code and expiry on paper; never the PIN."""
        if not isinstance(self.current, ContinueLaterScreen):
            return
        catalog, lang = self.catalog, self.lang
        until = dt.datetime.fromtimestamp(ticket.expires_at).date()
        self.current.print.started()
        self.printer.print_documents(
            lambda: [resume_slip(catalog, list(ticket.forms), lang, ticket.code, until)]
        )

    def show_continue_later(self) -> None:
        self._keep_form_state()
        screen = ContinueLaterScreen(
            self.env(),
            on_pin=self.park,
            on_back=lambda: self.show_form(self.open.page) if self.open else self.show_home(),
        )
        self.set_screen(screen)

    def park(self, pin: str) -> None:
        self.session_call(lambda s: s.continue_later(pin), self._parked, self._park_failed)

    def _parked(self, ticket: ResumeTicket) -> None:
        """The core ended the session (key and answers are gone); the code stays on screen
        until the visitor finishes, and nothing of the ended visit may act on it."""
        screen = self.current
        self.new_visit()
        self.session = None
        self.open = None
        self.close_visit_overlays()
        self.staff.lock("session_end")
        if isinstance(screen, ContinueLaterScreen):
            screen.show_code(
                ticket.code,
                ticket.expires_at,
                self.finish,
                on_print=lambda: self.print_resume_slip(ticket),
            )

    def _park_failed(self, error: BaseException) -> None:
        if isinstance(self.current, ContinueLaterScreen):
            if isinstance(error, NothingToContinueError):
                self.current.fail(self.t(texts.NOTHING_TO_SAVE))
                return
            if isinstance(error, PinRejectedError):
                self.current.fail(self.t(texts.PIN_TOO_SHORT))
                return
            self.current.fail(self.t(texts.STAFF_NEEDED))
        self.storage_problem(error)

    def show_resume(self) -> None:
        self.set_screen(
            ResumeScreen(
                self.env(),
                on_resume=self.resume,
                on_back=self.show_home if self.session else self.show_welcome,
            )
        )

    def resume(self, code: str, pin: str) -> None:
        """Open a parked visit; a visit already on (a language chosen) ends first, and its
        late answers (an idle check queued meanwhile) no longer count."""
        from ui.window import OpenForm

        old, lang, terminal = self.session, self.lang, self.terminal
        scope = self.visit

        def work() -> tuple[VisitorSession, OpenForm | None]:
            resumed = terminal.resume(code, pin, lang)
            if old is not None and not old.ended:
                old.end("resumed")
            parked_in = resumed.current.language if resumed.current is not None else ""
            if old is None and parked_in in terminal.catalog.languages:
                # from the welcome screen, before choosing: the language it was parked in
                resumed.language = parked_in
            return resumed, OpenForm(resumed.current) if resumed.current else None

        def put_back(result: tuple[VisitorSession, OpenForm | None]) -> None:
            """The visit ended before the resumed one could be shown: park it again under
            the code and PIN the visitor still holds, so nothing of it is lost."""
            try:
                result[0].continue_later(pin, code=code)
            finally:
                result[0].end("abandoned")

        self.core.run(work, self._resumed, self._resume_failed, scope=scope, on_dropped=put_back)

    def _resumed(self, result: tuple[VisitorSession, OpenForm | None]) -> None:
        previous = self.session
        self.new_visit()
        self.session, self.open = result
        if previous is not None and previous is not self.session:
            # a visit begun meanwhile (a language tapped while the code was being opened)
            self.core.run(lambda: previous.end("resumed"))
        if self.session.language != self.lang:
            self.lang = self.session.language
            self.apply_language()
        self.staff.session_started(self.session)
        if self.open is not None:
            self.show_form(self.open.page)
        else:
            self.show_home()

    def _resume_failed(self, error: BaseException) -> None:
        if not isinstance(error, ResumeError) or not isinstance(self.current, ResumeScreen):
            if isinstance(self.current, ResumeScreen):
                self.current.fail(self.t(texts.STAFF_NEEDED))
            self.storage_problem(error)
            return
        tr = self.t
        if error.problem is ResumeProblem.NO_MATCH:
            message = tr(texts.RESUME_NO_MATCH, attempts=error.attempts_left)
        elif error.problem is ResumeProblem.WAIT:
            seconds = int(error.seconds + 0.5)
            message = tr.plural(texts.RESUME_WAIT, seconds, seconds=seconds)
        else:
            message = tr(RESUME_MESSAGES[error.problem])
        self.current.fail(message)

    def adopt_recovered(self, session: VisitorSession) -> None:
        """Staff brought back a session an unclean stop left behind (already assisted)."""
        from ui.window import OpenForm

        self._resumed((session, OpenForm(session.current) if session.current else None))
