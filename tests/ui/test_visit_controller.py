"""A visit driven without a single widget: the controller, a real terminal on a real
database, and the core thread; only the controller's signals tell what the screen
would show."""

from __future__ import annotations

import random

from PySide6.QtWidgets import QWidget

from kiosk.session.clock import local_date
from kiosk.session.visitor import Receipt, ResumeTicket
from kiosk.simulation.answers import AnswerMaker
from tests.conftest import FAST
from tests.ui.conftest import Visit
from ui.visit_controller import OpenForm


def start(visit: Visit, lang: str) -> None:
    visit.controller.choose_language(lang)
    visit.settle()
    assert visit.names()[-1] == "visit_started"


def test_no_widget_is_made_for_a_visit(visit: Visit) -> None:
    before = set(_widgets())
    start(visit, "uk")
    visit.controller.open_form("appointment_request")
    visit.settle()
    visit.controller.end("finished")
    visit.settle()
    assert set(_widgets()) - before == set()


def _widgets() -> list[QWidget]:
    from PySide6.QtWidgets import QApplication

    return QApplication.allWidgets()


def test_a_visit_from_language_to_receipt(visit: Visit) -> None:
    c = visit.controller
    start(visit, "uk")
    assert c.lang == "uk" and c.session is not None and c.session.language == "uk"
    c.open_form("appointment_request")
    visit.settle()
    (opened,) = visit.last("form_opened")
    assert isinstance(opened, OpenForm) and c.open is opened
    assert opened.form.id == "appointment_request"

    c.submit()  # nothing answered: the page with the first missing answer is named
    visit.settle()
    (page,) = visit.last("submit_blocked")
    assert page == opened.form.pages[0].id

    codelists = {x.id: x for x in visit.terminal.catalog.catalog.codelists}
    answers = None
    maker = AnswerMaker(random.Random(3))
    while answers is None:
        answers = maker.fill(opened.compiled, codelists, local_date(visit.clock))
    for key, value in answers.items():
        c.answer(key, value)
    visit.clock.advance(1)
    c.submit()
    visit.settle()
    (receipt,) = visit.last("submitted")
    assert isinstance(receipt, Receipt) and c.receipt is receipt and c.open is None
    assert receipt.reference

    session = c.session
    c.end("finished")
    visit.settle()
    assert visit.last("ended") == ("finished",)
    assert c.session is None and c.receipt is None and session is not None and session.ended


def test_continue_later_then_resume_in_the_language_it_was_parked_in(visit: Visit) -> None:
    c = visit.controller
    start(visit, "ar")
    c.open_form("appointment_request")
    visit.settle()
    c.park("12")  # too short
    visit.settle()
    assert visit.names()[-1] == "park_refused"
    first = c.open
    assert first is not None
    key = "family_name"
    c.answer(key, "Popescu")
    visit.clock.advance(1)
    c.park("2468")
    visit.settle()
    (ticket,) = visit.last("parked")
    assert isinstance(ticket, ResumeTicket) and c.session is None

    c.end("finished")  # the visitor leaves with the code; the next one comes
    visit.settle()
    c.resume(ticket.code, "1357")  # a wrong PIN
    visit.settle()
    (message,) = visit.last("resume_refused")
    assert message and c.session is None
    c.resume(ticket.code, "2468")
    visit.settle()
    assert visit.names()[-1] == "visit_started"
    assert c.lang == "ar" and c.open is not None and c.open.answers[key] == "Popescu"


def test_an_idle_visit_is_warned_then_ended(visit: Visit) -> None:
    c = visit.controller
    start(visit, "tr")
    session = c.session
    visit.clock.advance(FAST.idle_seconds + 1)  # quiet for the idle time: the warning
    c.poll(waiting=False)
    visit.settle()
    (seconds,) = visit.last("idle_warning")
    assert 0 < seconds <= FAST.warning_seconds
    c.still_here()
    visit.settle()
    assert visit.names()[-1] == "idle_cleared"
    visit.clock.advance(FAST.idle_seconds + FAST.warning_seconds + 1)  # and past the warning
    c.poll(waiting=False)
    visit.settle()
    assert visit.last("ended") == ("timeout",)
    assert c.session is None and session is not None and session.ended


def test_a_late_answer_about_an_ended_visit_is_dropped(visit: Visit) -> None:
    c = visit.controller
    start(visit, "fa")
    c.open_form("appointment_request")  # asked ...
    c.end("start_over")  # ... and the visit ends before the answer comes
    visit.settle()
    assert "form_opened" not in visit.names() and c.open is None


def test_staff_help_ends_with_the_visit(visit: Visit) -> None:
    from kiosk.session.staff import StaffGrant

    c = visit.controller
    start(visit, "ru")
    c.assist(StaffGrant(staff_id="anna", role="staff", granted_at=visit.clock.now()))
    visit.settle()
    assert c.session is not None and c.session.assisting is not None
    assert c.t.beside  # texts carry German beside while staff help
    c.end("finished")
    visit.settle()
    assert c.grant is None and not c.t.beside
    start(visit, "ru")  # the next visitor is not assisted
    assert c.session is not None and c.session.assisting is None
