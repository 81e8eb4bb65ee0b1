"""The kiosk window: the visitor journey from the language choice to the receipt.

The window owns the screens and the visitor's language and display settings;
the visitor's data lives in the session, which only the core thread touches.
Every screen is built for the moment and thrown away when the visitor moves on,
and a wipe throws away all of them, so no widget keeps a previous visitor's
answers.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.model import Form
from kiosk.catalog.search import search_forms
from kiosk.catalog.strings import office_ctx, topic_ctx
from kiosk.documents.render import receipt as receipt_pdf
from kiosk.documents.render import resume_slip, visitor_copy
from kiosk.engine.form import CompiledForm
from kiosk.session.clock import local_date
from kiosk.session.idle import IdlePhase, IdleState
from kiosk.session.terminal import NoOfficeKeyError, ResumeError, ResumeProblem, Terminal
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
from ui.core import CoreRunner
from ui.idle import IdleOverlay
from ui.keyboard import KeyboardPanel
from ui.printing import PrintService
from ui.screens.base import Screen, ScreenEnv
from ui.screens.codes import ContinueLaterScreen, ResumeScreen
from ui.screens.finish import DoneScreen, ReviewScreen
from ui.screens.form import FormScreen
from ui.screens.start import FormListScreen, HomeScreen, InfoSheetScreen
from ui.screens.welcome import WelcomeScreen
from ui.speech import Speaker
from ui.staff_mode import StaffMode, StatusSource
from ui.theme import Theme
from ui.tr import KEYBOARD_LOCALES, Tr, native_name
from ui.widgets import button, label

log = logging.getLogger("kiosk.ui")

POLL_MS = 400
NO_SESSION_TIMEOUT = 60.0  # a code or message left on screen goes away after a minute

RESUME_MESSAGES = {
    ResumeProblem.INVALID_CODE: texts.RESUME_INVALID,
    ResumeProblem.UNKNOWN_CODE: texts.RESUME_UNKNOWN,
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


class KioskWindow(QWidget):
    def __init__(
        self,
        terminal: Terminal,
        core: CoreRunner,
        *,
        speaker: Speaker | None = None,
        keyboard: bool = False,
        kiosk_mode: bool = False,
        printer: PrintService | None = None,
        status_source: StatusSource | None = None,
        sync_now: Callable[[], None] | None = None,
        on_exit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.terminal, self.core = terminal, core
        self.catalog = terminal.catalog
        self.speaker = speaker
        self.kiosk_mode = kiosk_mode
        self.setObjectName("kiosk-window")
        self.setWindowTitle(self.catalog.catalog.header.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.keyboard: KeyboardPanel | None = None
        if keyboard:
            panel = KeyboardPanel()
            if panel.ok:
                self.keyboard = panel
                layout.addWidget(panel)
                panel.shown.connect(self._make_room)
        self.overlay = IdleOverlay(self, self.still_here)
        self._close_allowed = not kiosk_mode
        self._starting_session = False
        self.printer = printer or PrintService()
        self.printer.finished.connect(self._printed)
        self.receipt: Receipt | None = None
        self.lang = "de"
        self.language_names = {lang: native_name(lang) for lang in self.catalog.languages}
        self.theme = Theme()
        self.session: VisitorSession | None = None
        self.open: OpenForm | None = None
        self.current: Screen | None = None
        self.back_to_list: Any = None
        self.last_activity = time.monotonic()
        self._last_touch_sent = 0.0
        self.staff = StaffMode(
            self, status_source=status_source, sync_now=sync_now, on_exit=on_exit or _quit
        )
        layout.insertWidget(0, self.staff.banner)
        self.poll_timer = QTimer(self)
        self.poll_timer.timeout.connect(self.poll)
        self.poll_timer.start(POLL_MS)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.apply_theme()
        self.show_welcome()

    # ---------------------------------------------------------------- plumbing
    @property
    def t(self) -> Tr:
        """The visitor's texts; German beside every one of them while staff are helping."""
        catalog = self.open.catalog if self.open is not None else self.catalog
        return Tr(self.lang, catalog, beside=self.staff.active)

    def rerender(self) -> None:
        """Draw the visitor's screen again (assisted mode on or off); other screens change
        at the next step, so a receipt or a code on screen is never lost."""
        name = self.current.name if self.current is not None else ""
        if self.open is not None and self.form_screen is not None:
            self._keep_form_state()
            self.show_form(self.open.page)
        elif name == "home" and self.session is not None:
            self.show_home()
        elif name == "welcome":
            self.show_welcome()

    def env(self) -> ScreenEnv:
        return ScreenEnv(
            tr=self.t,
            theme=self.theme,
            speech=bool(self.speaker and self.speaker.available),
            go_language=self.show_language_choice,
            set_large=self.set_large,
            set_contrast=self.set_contrast,
            speak=self.speak,
            start_over=self.start_over,
        )

    def set_screen(self, screen: Screen) -> None:
        old = self.current
        self.current = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        if old is not None:
            self.stack.removeWidget(old)
            old.setParent(None)
            old.deleteLater()

    def apply_theme(self) -> None:
        # on the window, not the application: dialogs and the overlay are its children,
        # and nothing outside the kiosk is restyled
        self.setStyleSheet(self.theme.stylesheet())

    def apply_language(self) -> None:
        tr = self.t
        QApplication.setLayoutDirection(tr.direction)
        self.setLayoutDirection(tr.direction)
        if self.keyboard is not None:
            self.keyboard.set_locale(KEYBOARD_LOCALES.get(self.lang, "en_GB"))

    def session_call(self, fn: Any, on_done: Any = None, on_error: Any = None) -> None:
        """Run ``fn(session)`` on the core thread if a session is open."""
        session = self.session
        if session is None:
            return
        self.core.run(lambda: fn(session), on_done, on_error or self.storage_problem)

    def storage_problem(self, error: BaseException) -> None:
        if isinstance(error, StoreError):
            self.show_message(self.t(error.message))
            return
        raise error

    def show_message(self, text: str) -> None:
        """A problem the visitor must know about, at the top of the current screen."""
        if self.current is None:
            return
        box = next(
            (w for w in self.current.findChildren(QLabel) if w.property("kiosk_id") == "message"),
            None,
        )
        if box is None:
            box = label(text, "error")
            box.setProperty("kiosk_id", "message")
            self.current.heading.addWidget(box)
        box.setText(text)
        box.setAccessibleName(text)

    # ---------------------------------------------------------------- activity and idle
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self.staff.filter(event):
            return True
        if event.type() in {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.KeyPress,
            QEvent.Type.TouchBegin,
        }:
            self.last_activity = time.monotonic()
            if self.session is not None and self.last_activity - self._last_touch_sent > 1.0:
                self._last_touch_sent = self.last_activity
                self.session_call(lambda s: s.touch())
        return False

    def poll(self) -> None:
        self.staff.poll()
        if self.session is not None:
            self.session_call(lambda s: s.poll(), self.on_idle_state)
            return
        # no visitor: expired codes and old crash leftovers are still purged every hour,
        # and a catalog the sync staged is installed, but only while the welcome screen
        # waits: a code just given out or a code being typed stays on screen
        terminal = self.terminal
        idle = self.current is not None and self.current.name == "welcome"
        install = idle and not self._starting_session

        def between_visitors() -> CompiledCatalog | None:
            terminal.maybe_housekeeping()
            return terminal.install_staged_catalog() if install else None

        self.core.run(between_visitors, self.catalog_installed, self._background_problem)
        if (
            self.current is not None
            and self.current.name != "welcome"
            and time.monotonic() - self.last_activity > NO_SESSION_TIMEOUT
        ):
            self.wipe()

    def on_idle_state(self, state: IdleState) -> None:
        if state.phase is IdlePhase.WARNING:
            self.overlay.show_warning(self.t, state.seconds_left)
        elif state.phase is IdlePhase.EXPIRED:
            self.wipe()
        else:
            self.overlay.hide()

    def still_here(self) -> None:
        self.overlay.hide()
        self.session_call(lambda s: s.extend())

    def _make_room(self, keyboard_up: bool) -> None:
        """While the keyboard is up, the top bar and titles give their space to the form."""
        if self.current is not None:
            self.current.set_compact(keyboard_up)

    def catalog_installed(self, catalog: CompiledCatalog | None) -> None:
        if catalog is None or catalog is self.catalog:
            return
        self.catalog = catalog
        self.language_names = {lang: native_name(lang) for lang in catalog.languages}
        self.setWindowTitle(catalog.catalog.header.title)
        on_welcome = self.current is not None and self.current.name == "welcome"
        if self.session is None and not self._starting_session and on_welcome:
            self.show_welcome()  # the new catalog's languages

    def _background_problem(self, error: BaseException) -> None:
        """Housekeeping or an install failed between visitors: the kiosk keeps serving
        what it has and tries again later; the reason goes to the log, not the screen."""
        log.warning("between visitors: %s: %s", type(error).__name__, error)

    # ---------------------------------------------------------------- accessibility
    def set_large(self, on: bool) -> None:
        self.theme = Theme(large_text=on, high_contrast=self.theme.high_contrast)
        self.apply_theme()

    def set_contrast(self, on: bool) -> None:
        self.theme = Theme(large_text=self.theme.large_text, high_contrast=on)
        self.apply_theme()

    def speak(self, text: str) -> None:
        if self.speaker is not None:
            self.speaker.say(text, self.lang)

    # ---------------------------------------------------------------- welcome and language
    def show_welcome(self) -> None:
        self.lang = "de"
        self.apply_language()
        self.set_screen(
            WelcomeScreen(
                self.env(),
                self.catalog.languages,
                self.language_names,
                self.choose_language,
                self.show_resume,
            )
        )

    def show_language_choice(self) -> None:
        """The language button: choose again; a running session keeps its answers."""
        self._keep_form_state()
        screen = WelcomeScreen(
            self.env(),
            self.catalog.languages,
            self.language_names,
            self.switch_language,
            self.show_resume,
        )
        self.set_screen(screen)

    def choose_language(self, lang: str) -> None:
        self.lang = lang
        self.apply_language()
        self._starting_session = True
        self.core.run(
            lambda: self.terminal.start_session(lang), self._session_started, self._start_failed
        )

    def _start_failed(self, error: BaseException) -> None:
        self._starting_session = False
        self.storage_problem(error)

    def _session_started(self, session: VisitorSession) -> None:
        self._starting_session = False
        self.session = session
        self.staff.session_started(session)
        self.show_home()

    def switch_language(self, lang: str) -> None:
        if self.session is None:
            self.choose_language(lang)
            return
        self.lang = lang
        self.apply_language()
        self.staff.language_changed()
        self.session_call(lambda s: setattr(s, "language", lang))
        if self.open is not None:
            self.show_form(self.open.page)
        else:
            self.show_home()

    # ---------------------------------------------------------------- finding a form
    def show_home(self) -> None:
        self.open = None
        self.set_screen(HomeScreen(self.env(), self.show_topic, self.show_office, self.show_search))
        code = self._code_button()
        if self.current is not None:
            self.current.footer.addWidget(code)

    def _code_button(self) -> QWidget:
        return button(f"⟲ {self.t(texts.HAVE_CODE)}", "have_code", on_click=self.show_resume)

    def _forms(self, predicate: Any) -> list[Form]:
        return [f for f in self.catalog.catalog.forms if predicate(f)]

    def show_topic(self, topic_id: str) -> None:
        topic = next(t for t in self.catalog.catalog.topics if t.id == topic_id)
        title = self.t.cat(topic_ctx(topic.id, "title"), topic.title)
        self._show_list(
            title, self._forms(lambda f: topic_id in f.topics), lambda: self.show_topic(topic_id)
        )

    def show_office(self, office_id: str) -> None:
        office = self.catalog.catalog.office(office_id)
        title = self.t.cat(office_ctx(office.id, "name"), office.name)
        self._show_list(
            title, self._forms(lambda f: f.office == office_id), lambda: self.show_office(office_id)
        )

    def show_search(self, query: str) -> None:
        ids = search_forms(self.catalog, self.lang, query)
        forms = [self.catalog.catalog.form(i) for i in ids]
        self._show_list(f"{self.t(texts.SEARCH)}: {query}", forms, lambda: self.show_search(query))

    def _show_list(self, title: str, forms: list[Form], again: Any) -> None:
        self.back_to_list = again
        self.set_screen(
            FormListScreen(self.env(), title, forms, self.open_form, self.show_info, self.show_home)
        )

    def show_info(self, form_id: str) -> None:
        form = self.catalog.catalog.form(form_id)
        assert form.info_sheet is not None
        self.set_screen(
            InfoSheetScreen(
                self.env(),
                form.info_sheet,
                form_id,
                self.open_form,
                self.back_to_list or self.show_home,
            )
        )

    # ---------------------------------------------------------------- filling in
    @property
    def form_screen(self) -> FormScreen | None:
        return self.current if isinstance(self.current, FormScreen) else None

    def open_form(self, form_id: str) -> None:
        self.session_call(lambda s: OpenForm(s.open_form(form_id)), self._form_opened)

    def _form_opened(self, opened: OpenForm) -> None:
        self.open = opened
        self.show_form(opened.page)

    def today(self) -> dt.date:
        return local_date(self.terminal.clock)

    def show_form(self, page: str) -> None:
        assert self.open is not None
        o = self.open
        self.set_screen(
            FormScreen(
                self.env(),
                o.catalog,
                o.form,
                o.compiled,
                o.answers,
                page,
                self.today(),
                persist=self.persist,
                on_page=self.page_changed,
                on_leave=self.leave_form,
                on_review=self.show_review,
                on_continue_later=self.show_continue_later,
            )
        )

    def _keep_form_state(self) -> None:
        """The open form's answers and page, taken from its screen before it is replaced."""
        if self.open is not None and self.form_screen is not None:
            self.open.answers = self.form_screen.answers
            self.open.page = self.form_screen.page

    def persist(self, key: str, value: Any) -> None:
        self._keep_form_state()
        self.session_call(lambda s: s.answer(key, value))

    def page_changed(self, page: str) -> None:
        if self.open is not None:
            self.open.page = page
        self.session_call(lambda s: s.go_to_page(page))

    def leave_form(self) -> None:
        (self.back_to_list or self.show_home)()

    def show_review(self) -> None:
        assert self.open is not None
        self._keep_form_state()
        o = self.open
        self.set_screen(
            ReviewScreen(
                self.env(),
                o.catalog,
                o.form,
                o.compiled,
                o.answers,
                self.today(),
                on_change=self.show_form,
                on_submit=self.submit,
            )
        )

    def submit(self) -> None:
        if self.current is not None:
            primary = self.current.findChild(QWidget, "primary")
            if primary is not None:
                primary.setEnabled(False)
        self.session_call(lambda s: s.submit(), self.show_done, self.submit_failed)

    def submit_failed(self, error: BaseException) -> None:
        if self.current is not None:
            primary = self.current.findChild(QWidget, "primary")
            if primary is not None:
                primary.setEnabled(True)  # the visitor may try again (or ask staff)
        if isinstance(error, SubmitBlockedError) and self.open is not None:
            first = error.result.messages[0].path.split("[", 1)[0]
            page = next(p.id for p in self.open.form.pages if any(f.id == first for f in p.fields))
            self.show_form(page)
            if self.form_screen is not None:
                self.form_screen.go_next()  # shows every message of that page
            return
        if isinstance(error, NoOfficeKeyError):
            self.show_message(self.t(texts.NO_KEY))
            return
        self.storage_problem(error)

    def show_done(self, receipt: Receipt) -> None:
        self.open = None
        self.receipt = receipt
        screen = DoneScreen(
            self.env(),
            receipt,
            on_print=self.print_receipt,
            on_another=self.show_home,
            on_finish=self.finish,
        )
        self.set_screen(screen)

    def print_receipt(self) -> None:
        """The receipt and the visitor copy; made and printed off the UI thread."""
        record = self.receipt.record if self.receipt is not None else None
        if not isinstance(self.current, DoneScreen) or record is None:
            return
        self.current.print.started()
        self.printer.print_documents(lambda: [receipt_pdf(record), visitor_copy(record)])

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

    def _printed(self, printed: bool, reason: str) -> None:
        self.staff.printed(printed)
        if isinstance(self.current, DoneScreen | ContinueLaterScreen):
            self.current.print.done(printed)

    def finish(self) -> None:
        self.wipe("finished")

    def start_over(self) -> None:
        self.wipe("start_over")

    # ---------------------------------------------------------------- continue later / resume
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
        screen = self.current
        self.session = None  # the core ended it: key and answers are gone
        self.open = None
        self.overlay.hide()
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
        old, lang = self.session, self.lang

        def work() -> tuple[VisitorSession, OpenForm | None]:
            resumed = self.terminal.resume(code, pin, lang)
            if old is not None:
                old.end("resumed")
            return resumed, OpenForm(resumed.current) if resumed.current else None

        self.core.run(work, self._resumed, self._resume_failed)

    def _resumed(self, result: tuple[VisitorSession, OpenForm | None]) -> None:
        self.session, self.open = result
        self.staff.session_started(self.session)
        if self.open is not None:
            self.show_form(self.open.page)
        else:
            self.show_home()

    def _resume_failed(self, error: BaseException) -> None:
        if not isinstance(error, ResumeError) or not isinstance(self.current, ResumeScreen):
            self.storage_problem(error)
            return
        tr = self.t
        if error.problem is ResumeProblem.WRONG_PIN:
            message = tr(texts.RESUME_WRONG_PIN, attempts=error.attempts_left)
        elif error.problem is ResumeProblem.WAIT:
            message = tr(texts.RESUME_WAIT, seconds=int(error.seconds + 0.5))
        else:
            message = tr(RESUME_MESSAGES[error.problem])
        self.current.fail(message)

    def adopt_recovered(self, session: VisitorSession) -> None:
        """Staff brought back a session an unclean stop left behind (already assisted)."""
        self.lang = session.language
        self.apply_language()
        self._resumed((session, OpenForm(session.current) if session.current else None))

    # ---------------------------------------------------------------- the end of a visit
    def wipe(self, reason: str = "timeout") -> None:
        """Forget the visitor: end the session, drop every screen, reset language and display."""
        session = self.session
        self.session = None
        self.open = None
        self.receipt = None
        self.staff.lock("session_end")
        if session is not None and not session.ended:
            self.core.run(lambda: session.end(reason))
        self.overlay.hide()
        self.back_to_list = None
        self.theme = Theme()
        self.apply_theme()
        self.show_welcome()

    # ---------------------------------------------------------------- leaving the kiosk
    def allow_close(self) -> None:
        """An admin chose "exit" in the staff menu."""
        self._close_allowed = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._close_allowed:
            event.ignore()  # closing needs an admin (staff menu, "exit the kiosk")
            return
        self.poll_timer.stop()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.kiosk_mode and event.key() in {Qt.Key.Key_Escape, Qt.Key.Key_F4}:
            event.ignore()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        for cover in (self.overlay, self.staff.unlock, self.staff.panel):
            if cover is not None and cover.isVisible():
                cover.setGeometry(self.rect())


def _quit() -> None:
    app = QApplication.instance()
    if app is not None:
        app.quit()
