"""The finder's screens: one question at a time with big answers, then where to go.

Every text comes from the catalog (questions, answers, why this office, what to
bring) or the kiosk's own texts, in the visitor's language; the German wording
of an answer (the name printed on the paper in the visitor's hand) stands under
its translation, and while staff help, every text carries its German beside it.
The outcome names each form and info sheet with its office's address and hours,
and a button to open it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any, cast

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.finder import FinderAnswer, FinderQuestion, FinderRoute
from kiosk.definition.model import Catalog, Form
from kiosk.definition.strings import (
    finder_question_ctx,
    finder_route_ctx,
    form_ctx,
    info_ctx,
    office_ctx,
)
from kiosk.engine.validators import resolve_date_bound
from ui import texts
from ui.fields.date_picker import DateRange
from ui.fields.inputs import DateInput
from ui.glossary import add_term_buttons, term_label
from ui.screens.base import Screen, ScreenEnv
from ui.screens.contact import ContactBlock
from ui.tr import Tr
from ui.widgets import Card, button, german_label, label, scroll


class AnswerButton(QPushButton):
    """A big answer: the visitor's words, the German ones under them (the name on the
    paper), and a line that says what the answer means or what the paper looks like."""

    def __init__(self, tr: Tr, name: str, text: str, german: str, detail: str) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.setProperty("kiosk_id", name)
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        column = QVBoxLayout(self)
        column.setContentsMargins(18, 12, 18, 12)
        column.setSpacing(2)
        self.main = label(text, "subtitle")
        self.main.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        parts = [self.main]
        spoken = [text]
        if german and not tr.shows_german and german not in text:  # "Duldung" once
            parts.append(german_label(german, tr))
            spoken.append(f"({german})")
        if detail:
            description = label(detail, "muted")
            description.setAlignment(Qt.AlignmentFlag.AlignLeading)
            parts.append(description)
            spoken.append(detail)
        for part in parts:
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            column.addWidget(part)
        terms = QHBoxLayout()  # the German names of papers, each explained when tapped
        terms.setSpacing(8)
        if add_term_buttons(terms, tr, [(text, german), (detail, None)], name):
            terms.addStretch(1)
            column.addLayout(terms)
        self.setAccessibleName(" ".join(spoken[:2]))
        self.setAccessibleDescription(detail)

    def text(self) -> str:  # the words, as a plain button has them
        return self.main.text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        layout = self.layout()
        hint = layout.sizeHint() if layout is not None else QSize(100, 64)
        return hint.expandedTo(QSize(64, 72))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        layout = self.layout()
        hint = layout.minimumSize() if layout is not None else QSize(64, 64)
        return hint.expandedTo(QSize(64, 72))


class FinderQuestionScreen(Screen):
    """One question: big answers to tap, or a date to pick (or skip)."""

    name = "finder-question"
    scrolls_itself = True

    def __init__(
        self,
        env: ScreenEnv,
        question: FinderQuestion,
        number: int,
        today: dt.date,
        *,
        chosen: Any,
        on_answer: Callable[[Any], None],
        on_back: Callable[[], None],
    ) -> None:
        super().__init__(env)
        tr = self.t
        self.question = question
        q = question
        self.set_title(tr.cat(finder_question_ctx(q.id, "text"), q.text), q.text)
        self.heading.insertWidget(
            0, label(tr(texts.FINDER_QUESTION_NUMBER, number=number), "muted")
        )
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.setSpacing(12)
        spoken = [self._title]
        if q.help:
            help_ctx = finder_question_ctx(q.id, "help")
            help_text = tr.cat(help_ctx, q.help)
            box.addWidget(term_label(help_text, tr, german=q.help, ctx=help_ctx))
            spoken.append(help_text)
        self.answers: dict[str, AnswerButton] = {}
        self.date: DateInput | None = None
        self.next: QPushButton | None = None
        for a in q.answers or ():
            tile = self._answer(tr, q, a)
            tile.setChecked(a.value == chosen)
            tile.clicked.connect(partial(self._chosen, a.value))
            box.addWidget(tile)
            self.answers[a.value] = tile
            spoken.append(tile.accessibleName())
        if q.kind == "date":
            self._date_input(box, today, chosen, on_answer)
        box.addStretch(1)
        self.body.addWidget(scroll(inner), 1)
        self.on_answer = on_answer
        self._spoken = ". ".join(spoken)
        self.footer.addWidget(button(tr(texts.BACK), "back", on_click=on_back, icon="back"))
        self.footer.addStretch(1)
        if self.next is not None:
            self.footer.addWidget(
                button(tr(texts.FINDER_SKIP), "finder-skip", on_click=lambda: on_answer(None))
            )
            self.footer.addWidget(self.next)

    @staticmethod
    def _answer(tr: Tr, q: FinderQuestion, a: FinderAnswer) -> AnswerButton:
        text = tr.cat(finder_question_ctx(q.id, "answer", a.value), a.label)
        detail = ""
        if a.description:
            ctx = finder_question_ctx(q.id, "answer", a.value, "description")
            detail = tr.cat(ctx, a.description)
        return AnswerButton(tr, f"finder-answer-{a.value}", text, a.label, detail)

    def _date_input(
        self, box: QVBoxLayout, today: dt.date, chosen: Any, on_answer: Callable[[Any], None]
    ) -> None:
        q = self.question
        low = resolve_date_bound(q.min_date, today) if q.min_date else today.replace(year=1900)
        high = resolve_date_bound(q.max_date, today) if q.max_date else today
        self.date = DateInput(
            self.t, "finder-date", DateRange(low, max(low, high)), title=self._title, german=q.text
        )
        if isinstance(chosen, dt.date):
            self.date.set_value(chosen.isoformat())
        box.addWidget(self.date)
        self.next = button(
            self.t(texts.NEXT), "finder-next", primary=True, on_click=self._date_chosen, icon="next"
        )
        self.next.setEnabled(self.date.value() is not None)
        self.date.changed.connect(lambda: self._enable_next())

    def _enable_next(self) -> None:
        if self.next is not None and self.date is not None:
            self.next.setEnabled(self.date.value() is not None)

    def _date_chosen(self) -> None:
        if self.date is not None and self.date.value():
            self.on_answer(dt.date.fromisoformat(str(self.date.value())))

    def _chosen(self, value: str) -> None:
        self.on_answer(value)

    def speech_text(self) -> str:
        return self._spoken


class FinderOutcomeScreen(Screen):
    """Where the answers lead: for each route why this office, the forms and info sheets
    with a button each, what to bring, and where the office is."""

    name = "finder-outcome"
    scrolls_itself = True

    def __init__(
        self,
        env: ScreenEnv,
        routes: list[FinderRoute],
        *,
        on_form: Callable[[str], None],
        on_sheet: Callable[[str], None],
        on_back: Callable[[], None],
        on_again: Callable[[], None],
        on_home: Callable[[], None],
    ) -> None:
        super().__init__(env)
        tr = self.t
        catalog = cast(CompiledCatalog, env.tr.catalog).catalog
        self.set_title(tr(texts.FINDER_RESULT_TITLE))
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.setSpacing(10)
        if not routes:  # validate proves every way leads somewhere; a stale catalog may not
            box.addWidget(label(tr(texts.STAFF_NEEDED), "subtitle"))
        shown: set[str] = set()
        spoken: list[str] = [self._title]
        for route in routes:
            spoken += self._route(box, tr, catalog, route, shown, on_form, on_sheet)
        box.addStretch(1)
        self.body.addWidget(scroll(inner), 1)
        self._spoken = ". ".join(spoken)
        self.footer.addWidget(button(tr(texts.BACK), "back", on_click=on_back, icon="back"))
        self.footer.addStretch(1)
        self.footer.addWidget(button(tr(texts.FINDER_AGAIN), "finder-again", on_click=on_again))
        self.footer.addWidget(button(tr(texts.FINDER_HOME), "finder-home", on_click=on_home))

    def _route(
        self,
        box: QVBoxLayout,
        tr: Tr,
        catalog: Catalog,
        route: FinderRoute,
        shown: set[str],
        on_form: Callable[[str], None],
        on_sheet: Callable[[str], None],
    ) -> list[str]:
        """One route's part of the screen; what is already shown above is not repeated."""
        why_ctx = finder_route_ctx(route.id, "why")
        why = tr.cat(why_ctx, route.why)
        box.addWidget(label(tr(texts.FINDER_WHY), "subtitle"))
        why_label = term_label(why, tr, german=route.why, ctx=why_ctx)
        why_label.setProperty("kiosk_id", f"finder-why-{route.id}")
        box.addWidget(why_label)
        spoken = [why]
        offices: list[str] = []
        for form_id in route.forms:
            form = catalog.form(form_id)
            offices.append(form.office)
            if f"form:{form_id}" not in shown:
                shown.add(f"form:{form_id}")
                box.addWidget(self._form_card(tr, catalog, form, on_form))
                spoken.append(tr.cat(form_ctx(form.id, "title"), form.title))
        for sheet_id in route.info:
            sheet = catalog.info_sheet(sheet_id)
            offices.append(sheet.office)
            if f"info:{sheet_id}" not in shown:
                shown.add(f"info:{sheet_id}")
                box.addWidget(self._sheet_card(tr, catalog, sheet_id, on_sheet))
                spoken.append(tr.cat(info_ctx(sheet.id, "title"), sheet.title))
        bring = self._bring(tr, catalog, route)
        if bring:
            box.addWidget(label(tr(texts.FINDER_BRING), "subtitle"))
            for item in bring:
                box.addWidget(term_label(f"• {item}", tr))
            spoken += [tr(texts.FINDER_BRING), *bring]
        for office_id in dict.fromkeys(offices):
            if f"office:{office_id}" in shown:
                continue
            shown.add(f"office:{office_id}")
            contact = ContactBlock(tr, catalog.office(office_id))
            contact.setProperty("kiosk_id", f"finder-where-{office_id}")
            box.addWidget(contact)
            spoken.append(contact.spoken)
        return spoken

    @staticmethod
    def _bring(tr: Tr, catalog: Catalog, route: FinderRoute) -> list[str]:
        """The route's own list, else every document its forms ask for (each once)."""
        if route.bring:
            return [
                tr.cat(finder_route_ctx(route.id, "bring", str(i)), item)
                for i, item in enumerate(route.bring)
            ]
        documents: dict[str, None] = {}
        for form_id in route.forms:
            form = catalog.form(form_id)
            for i, doc in enumerate(form.documents_needed):
                documents.setdefault(tr.cat(form_ctx(form.id, "document", str(i)), doc))
        return list(documents)

    @staticmethod
    def _form_card(tr: Tr, catalog: Catalog, form: Form, on_form: Callable[[str], None]) -> QWidget:
        title = tr.cat(form_ctx(form.id, "title"), form.title)
        card = Card(
            f"finder-form-{form.id}",
            catalog.office(form.office).icon,
            title,
            tr.cat(form_ctx(form.id, "description"), form.description),
            german=None if tr.shows_german or title == form.title else form.title,
            rtl=tr.rtl,
        )
        card.clicked.connect(partial(on_form, form.id))
        row = QHBoxLayout()
        row.addStretch(1)
        start = button(
            tr(texts.START_FORM),
            f"finder-open-{form.id}",
            primary=True,
            on_click=partial(on_form, form.id),
            icon="next",
        )
        start.setAccessibleName(f"{tr(texts.START_FORM)}: {title}")
        row.addWidget(start)
        card.text.addLayout(row)
        return card

    @staticmethod
    def _sheet_card(
        tr: Tr, catalog: Catalog, sheet_id: str, on_sheet: Callable[[str], None]
    ) -> QWidget:
        sheet = catalog.info_sheet(sheet_id)
        title = tr.cat(info_ctx(sheet.id, "title"), sheet.title)
        office = catalog.office(sheet.office)
        card = Card(
            f"finder-sheet-{sheet.id}",
            "info_sheet",
            title,
            tr.cat(office_ctx(office.id, "name"), office.name),
            german=None if tr.shows_german or title == sheet.title else sheet.title,
            rtl=tr.rtl,
        )
        card.clicked.connect(partial(on_sheet, sheet.id))
        row = QHBoxLayout()
        row.addStretch(1)
        read = button(
            tr(texts.FINDER_READ),
            f"finder-info-{sheet.id}",
            on_click=partial(on_sheet, sheet.id),
            icon="info_sheet",
        )
        read.setAccessibleName(f"{tr(texts.FINDER_READ)}: {title}")
        row.addWidget(read)
        card.text.addLayout(row)
        return card

    def speech_text(self) -> str:
        return self._spoken
