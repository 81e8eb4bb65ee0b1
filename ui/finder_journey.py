"""The finder in the visit: from the home screen's big button through one question per
screen to the forms and info sheets the answers lead to.

The answers live in the visit controller's :class:`~ui.finder_flow.FinderFlow`
(wiped with the visit); the finder's conditions are compiled on the core thread
once per catalog, and evaluating them on a tap is cheap enough for the UI thread.
A form opened from the outcome is filled in with what the answers say (the
catalog's ``prefill`` rules), and leaving it leads back to the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from ui import texts
from ui.screens.finder import FinderOutcomeScreen, FinderQuestionScreen
from ui.visit_controller import VisitController
from ui.widgets import Card

if TYPE_CHECKING:
    from ui.screens.base import Screen, ScreenEnv
    from ui.tr import Tr

FINDER_SCREENS = frozenset({FinderQuestionScreen.name, FinderOutcomeScreen.name})


class FinderJourney:
    """The finder's part of the visit's screens; mixed into the journey of the window."""

    visit: VisitController
    current: Screen | None
    back_to_list: Callable[[], None] | None
    #: the finder was on screen when the visitor asked to change the language
    finder_was_showing: bool = False

    if TYPE_CHECKING:

        @property
        def t(self) -> Tr: ...

        def env(self) -> ScreenEnv: ...
        def set_screen(self, screen: Screen) -> None: ...
        def today(self) -> dt.date: ...
        def show_home(self) -> None: ...
        def show_sheet(self, sheet_id: str) -> None: ...

    @property
    def finder_showing(self) -> bool:
        return self.current is not None and self.current.name in FINDER_SCREENS

    def finder_card(self) -> QWidget | None:
        """The home screen's big button into the finder; None when the catalog has none."""
        if self.visit.catalog.catalog.finder is None:
            return None
        card = Card("finder", "help", self.t(texts.FINDER_TITLE), self.t(texts.FINDER_INVITE))
        card.clicked.connect(self.show_finder)
        return card

    def show_finder(self) -> None:
        """From the first question; the finder is compiled on the core thread first."""
        self.visit.start_finder(self.show_finder_step)

    def show_finder_step(self) -> None:
        """The question to answer now, or where the answers lead once all are given."""
        flow = self.visit.finder
        question = flow.question(self.today())
        if question is None:
            self.show_finder_outcome()
            return
        self.set_screen(
            FinderQuestionScreen(
                self.env(),
                question,
                flow.number,
                self.today(),
                chosen=flow.taken_back.get(question.id),
                on_answer=partial(self.finder_answer, question.id),
                on_back=self.finder_back,
            )
        )

    def finder_answer(self, question_id: str, value: Any) -> None:
        self.visit.finder.answer(question_id, value)
        self.show_finder_step()

    def finder_back(self) -> None:
        """The question before; before the first one, the home screen."""
        if self.visit.finder.back():
            self.show_finder_step()
        else:
            self.finder_home()

    def show_finder_outcome(self) -> None:
        self.set_screen(
            FinderOutcomeScreen(
                self.env(),
                self.visit.finder.outcome(self.today()),
                on_form=self.open_from_finder,
                on_sheet=self.finder_sheet,
                on_back=self.finder_back,
                on_again=self.show_finder,
                on_home=self.finder_home,
            )
        )

    def open_from_finder(self, form_id: str) -> None:
        """The form, filled in with what the answers say; leaving it leads back here."""
        form = self.visit.catalog.catalog.form(form_id)
        self.back_to_list = self.show_finder_outcome
        self.visit.open_form(form_id, prefill=self.visit.finder.prefill(form, self.today()))

    def finder_sheet(self, sheet_id: str) -> None:
        self.back_to_list = self.show_finder_outcome
        self.show_sheet(sheet_id)

    def finder_home(self) -> None:
        self.visit.finder.reset()
        self.show_home()
