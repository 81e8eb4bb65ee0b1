"""The steps of a visit, as the kiosk window takes them: language, finding a form, filling
it in, review, submit, the receipt, continue later and resume.

Each step asks the core for what it needs through ``session_call`` (or
``core.run`` with the visit's scope) and shows the next screen when the answer
comes; an answer that arrives after its visit ended is dropped by the core
runner. The mixin holds the steps; :class:`ui.window.KioskWindow` holds the
plumbing (screens, overlays, keyboard, idle, wipe).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QWidget

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.search import search_forms
from kiosk.definition.model import Form
from kiosk.definition.strings import office_ctx, topic_ctx
from kiosk.documents.render import receipt as receipt_pdf
from kiosk.documents.render import visitor_copy
from kiosk.session.terminal import NoOfficeKeyError, Terminal
from kiosk.session.visitor import (
    Receipt,
    SubmitBlockedError,
    VisitorSession,
)
from ui import texts
from ui.core import Scope
from ui.screens.codes import ContinueLaterScreen
from ui.screens.finish import DoneScreen, ReviewScreen
from ui.screens.form import FormScreen
from ui.screens.start import FormListScreen, HomeScreen, InfoSheetScreen
from ui.screens.welcome import WelcomeScreen
from ui.widgets import button

if TYPE_CHECKING:
    from ui.core import CoreRunner
    from ui.printing import PrintService
    from ui.screens.base import Screen, ScreenEnv
    from ui.staff_mode import StaffMode
    from ui.tr import Tr
    from ui.window import OpenForm

T = TypeVar("T")


class VisitFlows:
    """The journey's steps; mixed into the kiosk window, which provides the attributes below."""

    terminal: Terminal
    core: CoreRunner
    catalog: CompiledCatalog
    lang: str
    language_names: dict[str, str]
    session: VisitorSession | None
    open: OpenForm | None
    current: Screen | None
    back_to_list: Any
    receipt: Receipt | None
    visit: Scope
    staff: StaffMode
    printer: PrintService
    _starting_session: bool

    if TYPE_CHECKING:

        @property
        def t(self) -> Tr: ...

        def env(self) -> ScreenEnv: ...
        def set_screen(self, screen: Screen) -> None: ...
        def apply_language(self) -> None: ...
        def storage_problem(self, error: BaseException) -> None: ...
        def show_message(self, text: str) -> None: ...
        def today(self) -> dt.date: ...
        def wipe(self, reason: str = "timeout") -> None: ...
        def close_visit_overlays(self) -> None: ...
        def show_resume(self) -> None: ...  # ui/parking.py
        def show_continue_later(self) -> None: ...
        def finish(self) -> None: ...

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
            lambda: fn(session),
            on_done,
            on_error or self.storage_problem,
            scope=self.visit,
            key=key,
        )

    def new_visit(self) -> Scope:
        """Close the scope of whatever visit was on: its late results are dropped (a start
        still under way with them, so a new visit can begin)."""
        self.visit.close()
        self.visit = Scope()
        self._starting_session = False
        return self.visit

    # ---------------------------------------------------------------- redrawing
    def rerender(self) -> None:
        """Draw the visitor's screen again (assisted mode, text size, contrast); other
        screens change at the next step, so a receipt or a code on screen is never lost."""
        name = self.current.name if self.current is not None else ""
        if self.open is not None and self.form_screen is not None:
            self._keep_form_state()
            self.show_form(self.open.page)
        elif name == "home" and self.session is not None:
            self.show_home()
        elif name == "welcome":
            self.show_welcome()

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
        if self._starting_session:
            return  # a second tap while the first visit is being opened
        self.lang = lang
        self.apply_language()
        terminal, scope = self.terminal, self.new_visit()
        self._starting_session = True
        self.core.run(
            lambda: terminal.start_session(lang),
            self._session_started,
            self._start_failed,
            scope=scope,
            on_dropped=lambda session: session.end("abandoned"),
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
        self.session_call(lambda s: setattr(s, "language", lang))
        if self.open is not None:
            self.show_form(self.open.page)
        else:
            self.show_home()

    # ---------------------------------------------------------------- finding a form
    def show_home(self) -> None:
        self.open = None
        self.set_screen(HomeScreen(self.env(), self.show_topic, self.show_office, self.show_search))
        if self.current is not None:
            self.current.footer.addWidget(self._code_button())

    def _code_button(self) -> QWidget:
        return button(self.t(texts.HAVE_CODE), "have_code", on_click=self.show_resume, icon="code")

    def _forms(self, predicate: Callable[[Form], bool]) -> list[Form]:
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

    def _show_list(self, title: str, forms: list[Form], again: Callable[[], None]) -> None:
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
        from ui.window import OpenForm

        self.session_call(lambda s: OpenForm(s.open_form(form_id)), self._form_opened)

    def _form_opened(self, opened: OpenForm) -> None:
        self.open = opened
        self.show_form(opened.page)

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
        if isinstance(self.current, ReviewScreen):
            self.current.submit.setEnabled(False)
        self.session_call(lambda s: s.submit(), self.show_done, self.submit_failed)

    def submit_failed(self, error: BaseException) -> None:
        if isinstance(self.current, ReviewScreen):
            self.current.submit.setEnabled(True)  # the visitor may try again (or ask staff)
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

    def _printed(self, printed: bool, reason: str) -> None:
        self.staff.printed(printed)
        if isinstance(self.current, DoneScreen | ContinueLaterScreen):
            self.current.print.done(printed)
