"""The screens of a visit, as the kiosk window shows them: language, finding a form,
filling it in, review, the receipt, continue later and resume, and where an application
stands.

Each screen is built for the moment from what the visit controller holds and thrown
away when the visitor moves on. A tap goes to the controller (``self.visit``); the
controller's signals bring the next screen (see :class:`ui.window.KioskWindow`, which
connects them). Nothing here runs on the core thread or touches the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from kiosk.catalog.search import search_forms
from kiosk.definition.model import Form, InfoSheet, Office
from kiosk.definition.strings import office_ctx, topic_ctx
from kiosk.documents.render import receipt as receipt_pdf
from kiosk.documents.render import resume_slip, visitor_copy
from kiosk.session.visitor import Receipt, ResumeTicket
from kiosk.store.receipt_status import StatusRow
from ui import texts
from ui.finder_journey import FINDER_SCREENS, FinderJourney
from ui.screens.codes import ContinueLaterScreen, ResumeScreen
from ui.screens.finish import DoneScreen, ReviewScreen
from ui.screens.form import FormScreen
from ui.screens.start import FormListScreen, HomeScreen, InfoSheetScreen
from ui.screens.status_lookup import StatusLookupScreen, status_sentence
from ui.screens.welcome import WelcomeScreen
from ui.status_lookup import StatusLookup
from ui.visit_controller import OpenForm, VisitController
from ui.widgets import button

if TYPE_CHECKING:
    from ui.printing import PrintService
    from ui.screens.base import Screen, ScreenEnv
    from ui.tr import Tr


class JourneyScreens(FinderJourney):
    """The visit's screens; mixed into the kiosk window, which provides the members below."""

    visit: VisitController
    lookup: StatusLookup
    current: Screen | None
    back_to_list: Callable[[], None] | None
    printer: PrintService

    if TYPE_CHECKING:

        @property
        def t(self) -> Tr: ...

        def env(self) -> ScreenEnv: ...
        def set_screen(self, screen: Screen) -> None: ...
        def apply_language(self) -> None: ...
        def today(self) -> dt.date: ...
        def finish(self) -> None: ...
        def show_message(self, text: str) -> None: ...
        def read_if_every_page(self, text: str, contexts: Sequence[str] = ()) -> None: ...

    # ---------------------------------------------------------------- redrawing
    def rerender(self) -> None:
        """Draw the visitor's screen again (assisted mode, text size, contrast); other
        screens change at the next step, so a receipt or a code on screen is never lost."""
        name = self.current.name if self.current is not None else ""
        if self.visit.open is not None and self.form_screen is not None:
            self._keep_form_state()
            self.show_form(self.visit.open.page)
        elif name == "home" and self.visit.session is not None:
            self.show_home()
        elif name in FINDER_SCREENS and self.visit.finder.active:
            self.show_finder_step()
        elif name == "welcome":
            self.show_welcome()

    # ---------------------------------------------------------------- welcome and language
    def show_welcome(self) -> None:
        self.visit.lang = "de"
        self.apply_language()
        catalog = self.visit.catalog
        self.set_screen(
            WelcomeScreen(
                self.env(),
                catalog.languages,
                self.visit.language_names,
                self.choose_language,
                self.show_resume,
                self.show_status_lookup,
            )
        )

    def choose_language(self, lang: str) -> None:
        self.visit.choose_language(lang)

    def show_language_choice(self) -> None:
        """The language button: choose again; a running session keeps its answers. From
        the status lookup, the choice leads back to it, in the language chosen (with no
        visit begun: looking up is not one)."""
        self._keep_form_state()
        self.finder_was_showing = self.finder_showing
        looking_up = isinstance(self.current, StatusLookupScreen)
        screen = WelcomeScreen(
            self.env(),
            self.visit.catalog.languages,
            self.visit.language_names,
            self.status_lookup_in if looking_up else self.switch_language,
            self.show_resume,
            self.show_status_lookup,
        )
        if looking_up and self.visit.session is None:
            # not the waiting welcome screen: left alone, it goes after the unattended
            # minute like the lookup it came from, so the next visitor starts afresh
            screen.name = "language_for_lookup"
        self.set_screen(screen)

    def switch_language(self, lang: str) -> None:
        if not self.visit.switch_language(lang):
            return  # a visit begins: its start brings the home screen
        if self.visit.open is not None:
            self.show_form(self.visit.open.page)
        elif self.finder_was_showing and self.visit.finder.active:
            self.show_finder_step()
        else:
            self.show_home()

    def show_visit(self) -> None:
        """A visit has begun or come back: its open form, else the home screen."""
        if self.visit.open is not None:
            self.show_form(self.visit.open.page)
        else:
            self.show_home()

    # ---------------------------------------------------------------- finding a form
    def show_home(self) -> None:
        self.visit.close_form()
        self.set_screen(HomeScreen(self.env(), self.show_topic, self.show_office, self.show_search))
        finder = self.finder_card()
        if isinstance(self.current, HomeScreen) and finder is not None:
            self.current.lead.addWidget(finder)  # first: for who does not know where
        if self.current is not None:
            self.current.footer.addWidget(self._code_button())
            self.current.footer.addWidget(self._status_button())

    def _code_button(self) -> QWidget:
        return button(self.t(texts.HAVE_CODE), "have_code", on_click=self.show_resume, icon="code")

    def _status_button(self) -> QWidget:
        return button(
            self.t(texts.CHECK_APPLICATION),
            "check_status",
            on_click=self.show_status_lookup,
            icon="qr",
        )

    def _forms(self, predicate: Callable[[Form], bool]) -> list[Form]:
        return [f for f in self.visit.catalog.catalog.forms if predicate(f)]

    def _sheets(self, forms: list[Form], predicate: Callable[[InfoSheet], bool]) -> list[InfoSheet]:
        """Info sheets for a list, less those its forms' info buttons open already."""
        linked = {f.info_sheet for f in forms}
        return [
            s for s in self.visit.catalog.catalog.info_sheets if predicate(s) and s.id not in linked
        ]

    def show_topic(self, topic_id: str) -> None:
        topic = next(t for t in self.visit.catalog.catalog.topics if t.id == topic_id)
        title = self.t.cat(topic_ctx(topic.id, "title"), topic.title)
        forms = self._forms(lambda f: topic_id in f.topics)
        sheets = self._sheets(forms, lambda s: topic_id in s.topics)
        self._show_list(title, forms, lambda: self.show_topic(topic_id), sheets=sheets)

    def show_office(self, office_id: str) -> None:
        office = self.visit.catalog.catalog.office(office_id)
        title = self.t.cat(office_ctx(office.id, "name"), office.name)
        forms = self._forms(lambda f: f.office == office_id)
        sheets = self._sheets(forms, lambda s: s.office == office_id)
        self._show_list(
            title, forms, lambda: self.show_office(office_id), sheets=sheets, office=office
        )

    def show_search(self, query: str) -> None:
        catalog = self.visit.catalog
        ids = search_forms(catalog, self.visit.lang, query)
        forms = [catalog.catalog.form(i) for i in ids]
        self._show_list(f"{self.t(texts.SEARCH)}: {query}", forms, lambda: self.show_search(query))

    def _show_list(
        self,
        title: str,
        forms: list[Form],
        again: Callable[[], None],
        *,
        sheets: list[InfoSheet] | None = None,
        office: Office | None = None,
    ) -> None:
        self.back_to_list = again
        self.set_screen(
            FormListScreen(
                self.env(),
                title,
                forms,
                self.visit.open_form,
                self.show_info,
                self.show_home,
                sheets=sheets or [],
                on_sheet=self.show_sheet,
                office=office,
            )
        )

    def show_sheet(self, sheet_id: str) -> None:
        """An info sheet on its own (Anmeldung, Kindergeld): no form to start from it."""
        self.set_screen(
            InfoSheetScreen(
                self.env(),
                sheet_id,
                None,
                self.visit.open_form,
                self.back_to_list or self.show_home,
            )
        )

    def show_info(self, form_id: str) -> None:
        form = self.visit.catalog.catalog.form(form_id)
        assert form.info_sheet is not None
        self.set_screen(
            InfoSheetScreen(
                self.env(),
                form.info_sheet,
                form_id,
                self.visit.open_form,
                self.back_to_list or self.show_home,
            )
        )

    # ---------------------------------------------------------------- filling in
    @property
    def form_screen(self) -> FormScreen | None:
        return self.current if isinstance(self.current, FormScreen) else None

    def form_opened(self, opened: OpenForm) -> None:
        self.show_form(opened.page)

    def show_form(self, page: str) -> None:
        o = self.visit.open
        assert o is not None
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
                on_page=self._page_turned,
                on_leave=self.leave_form,
                on_review=self.show_review,
                on_continue_later=self.show_continue_later,
            )
        )

    def _page_turned(self, page_id: str) -> None:
        """The visit is on another page of the form: with "read every page" on, it is read."""
        self.visit.go_to_page(page_id)
        if self.form_screen is not None:
            screen = self.form_screen
            self.read_if_every_page(screen.page_speech_text(), screen.page_contexts())

    def _keep_form_state(self) -> None:
        """The open form's answers and page, taken from its screen before it is replaced."""
        if self.visit.open is not None and self.form_screen is not None:
            self.visit.open.answers = self.form_screen.answers
            self.visit.open.page = self.form_screen.page

    def persist(self, key: str, value: Any) -> None:
        self._keep_form_state()
        self.visit.answer(key, value)

    def leave_form(self) -> None:
        (self.back_to_list or self.show_home)()

    def show_review(self) -> None:
        self._keep_form_state()
        o = self.visit.open
        assert o is not None
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
        self.visit.submit()

    def submit_blocked(self, page: str) -> None:
        """The first answer that stops sending is on *page*: it shows every message there."""
        self.show_form(page)
        if self.form_screen is not None:
            self.form_screen.go_next()

    def submit_failed(self, message: str) -> None:
        if isinstance(self.current, ReviewScreen):
            self.current.submit.setEnabled(True)  # the visitor may try again (or ask staff)
        self.show_message(message)

    def show_done(self, receipt: Receipt) -> None:
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
        receipt = self.visit.receipt
        record = receipt.record if receipt is not None else None
        if not isinstance(self.current, DoneScreen) or record is None:
            return
        self.current.print.started()
        self.printer.print_documents(
            lambda: [receipt_pdf(record), visitor_copy(record)], scope=self.visit.scope
        )

    def printed(self, printed: bool, reason: str) -> None:
        if isinstance(self.current, DoneScreen | ContinueLaterScreen):
            self.current.print.done(printed)

    # ---------------------------------------------------------------- continue later
    def show_continue_later(self) -> None:
        self._keep_form_state()
        visit = self.visit
        screen = ContinueLaterScreen(
            self.env(),
            on_pin=visit.park,
            on_back=lambda: self.show_form(visit.open.page) if visit.open else self.show_home(),
        )
        self.set_screen(screen)

    def parked(self, ticket: ResumeTicket) -> None:
        """The code stays on screen until the visitor finishes."""
        if isinstance(self.current, ContinueLaterScreen):
            self.current.show_code(
                ticket.code,
                ticket.expires_at,
                self.finish,
                on_print=lambda: self.print_resume_slip(ticket),
            )

    def park_refused(self, message: str) -> None:
        if isinstance(self.current, ContinueLaterScreen):
            self.current.fail(message)

    def print_resume_slip(self, ticket: ResumeTicket) -> None:
        """The code, its QR code and expiry on paper; never the PIN."""
        if not isinstance(self.current, ContinueLaterScreen):
            return
        catalog, lang = self.visit.catalog, self.visit.lang
        until = dt.datetime.fromtimestamp(ticket.expires_at).date()
        self.current.print.started()
        # the visit is over (parked) but its code is on screen: the slip belongs to it
        self.printer.print_documents(
            lambda: [resume_slip(catalog, list(ticket.forms), lang, ticket.code, until)],
            scope=self.visit.scope,
        )

    # ---------------------------------------------------------------- resume
    def show_resume(self) -> None:
        self.set_screen(
            ResumeScreen(
                self.env(),
                on_resume=self.visit.resume,
                on_back=self.show_home if self.visit.session else self.show_welcome,
            )
        )

    def resume_refused(self, message: str) -> None:
        if isinstance(self.current, ResumeScreen):
            self.current.fail(message)

    # ---------------------------------------------------------------- where an application stands
    def show_status_lookup(self) -> None:
        """Reference and status code from the receipt; with or without a visit on."""
        self.set_screen(
            StatusLookupScreen(
                self.env(),
                on_look_up=self.lookup.look_up,
                on_back=self.show_home if self.visit.session else self.show_welcome,
            )
        )

    def status_lookup_in(self, lang: str) -> None:
        """A language chosen from the status lookup: the lookup again, in *lang* (empty:
        the codes stayed on the screen that was left)."""
        if self.visit.session is not None:
            self.visit.switch_language(lang)
        else:
            self.visit.set_language(lang)
        self.show_status_lookup()

    def status_found(self, row: StatusRow) -> None:
        if not isinstance(self.current, StatusLookupScreen):
            return
        offices = {o.id: o for o in self.visit.catalog.catalog.offices}
        office = offices.get(row.office)
        name = self.t.cat(office_ctx(office.id, "name"), office.name) if office else row.office
        self.current.show_answer(status_sentence(self.t, name, row))

    def status_not_found(self, message: str) -> None:
        if isinstance(self.current, StatusLookupScreen):
            self.current.show_answer(message)
