"""The finder on the real window: a visitor taps through the questions from the home
screen, reaches the right office, and the form opened from there already holds what
the answers said. In German, Ukrainian, English and Arabic (right to left)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.definition.strings import finder_question_ctx
from kiosk.staff.records import StaffRecord, hash_pin
from tests.ui.conftest import Kiosk
from tests.ui.test_assisted_mode import ANNA_PIN, CHEAP, unlock
from ui.screens.finder import FinderOutcomeScreen, FinderQuestionScreen
from ui.screens.form import FormScreen


def open_finder(kiosk: Kiosk, lang: str) -> FinderQuestionScreen:
    kiosk.start(lang)
    kiosk.click("finder")
    assert isinstance(kiosk.screen, FinderQuestionScreen)
    assert kiosk.screen.question.id == "need"
    return kiosk.screen


def tap(kiosk: Kiosk, *values: str) -> None:
    """Tap the answers, one question after another."""
    for value in values:
        assert isinstance(kiosk.screen, FinderQuestionScreen), kiosk.screen.name
        kiosk.click(f"finder-answer-{value}")


def pick_date(kiosk: Kiosk, day: dt.date) -> None:
    """Choose a date on a date question, as the picker would, then go on."""
    screen = kiosk.screen
    assert isinstance(screen, FinderQuestionScreen) and screen.date is not None
    assert not kiosk.find("finder-next").isEnabled()  # nothing chosen yet
    screen.date.set_value(day.isoformat())
    screen.date.changed.emit()
    kiosk.click("finder-next")


def outcome(kiosk: Kiosk) -> FinderOutcomeScreen:
    assert isinstance(kiosk.screen, FinderOutcomeScreen), kiosk.screen.name
    return kiosk.screen


def shown_ids(kiosk: Kiosk, prefix: str) -> set[str]:
    return {
        str(w.property("kiosk_id"))[len(prefix) :]
        for w in kiosk.window.findChildren(QWidget)
        if str(w.property("kiosk_id") or "").startswith(prefix) and w.isVisibleTo(kiosk.window)
    }


def opened(kiosk: Kiosk, form_id: str) -> FormScreen:
    kiosk.click(f"finder-open-{form_id}")
    assert isinstance(kiosk.screen, FormScreen) and kiosk.screen.form.id == form_id
    return kiosk.screen


def draft_answer(kiosk: Kiosk, key: str) -> Any:
    """The answer as the session holds it (what is saved and submitted)."""
    session = kiosk.window.visit.session
    assert session is not None and session.current is not None
    return session.current.answers.get(key)


def x_of(widget: QWidget, window: QWidget) -> int:
    return widget.mapTo(window, QPoint(0, 0)).x()


def test_duldung_and_money_lead_to_the_asylblg_at_the_sozialamt_in_arabic(kiosk: Kiosk) -> None:
    screen = open_finder(kiosk, "ar")
    assert screen.layoutDirection() == Qt.LayoutDirection.RightToLeft
    tap(kiosk, "money")
    # the German name of each paper stands beside its translation, as it is printed on it
    duldung = kiosk.find("finder-answer-duldung")
    # (isolated: the German word keeps its order inside the Arabic line)
    words = [w.text() for w in duldung.findChildren(QLabel)]
    assert "(\u2068Duldung\u2069)" in words[0] and words[0] != "Duldung"
    assert "Duldung" in duldung.accessibleName()
    tap(kiosk, "duldung")
    result = outcome(kiosk)
    assert shown_ids(kiosk, "finder-open-") == {"asylblg"}
    assert "buergergeld" not in shown_ids(kiosk, "finder-form-")
    assert shown_ids(kiosk, "finder-where-") == {"sozialamt"}
    why = next(
        w
        for w in result.findChildren(QLabel)
        if w.property("kiosk_id") == "finder-why-money_asylblg"
    )
    assert why.text() != kiosk.terminal.catalog.catalog.finder.routes[0].why  # in Arabic
    # right to left: Back sits at the reading start, on the right
    assert x_of(kiosk.find("back"), kiosk.window) > x_of(kiosk.find("finder-home"), kiosk.window)
    form = opened(kiosk, "asylblg")
    assert form.frames["residence_paper"].value() == "duldung"
    assert draft_answer(kiosk, "residence_paper") == "duldung"
    kiosk.click("back")  # leaving the form leads back to where the finder sent the visitor
    assert isinstance(kiosk.screen, FinderOutcomeScreen)


def test_a_ukrainian_with_a_24_permit_follows_the_rule_in_force(kiosk: Kiosk) -> None:
    catalog = kiosk.terminal.catalog.catalog
    in_force = next(v.constant for v in catalog.law if v.id == "ukraine_asylblg_in_force")
    open_finder(kiosk, "uk")
    tap(kiosk, "money", "p24")
    if in_force:  # the Rechtskreiswechsel: a first § 24 permit after the cut-off day
        tap(kiosk, "after_cutoff")
        expected, office = "asylblg", "sozialamt"
    else:
        tap(kiosk, "yes")  # can work: the Jobcenter, as before the law
        expected, office = "buergergeld", "jobcenter"
    outcome(kiosk)
    assert shown_ids(kiosk, "finder-open-") == {expected}
    assert office in shown_ids(kiosk, "finder-where-")
    form = opened(kiosk, expected)
    key, value = (
        ("residence_paper", "temporary_protection")
        if expected == "asylblg"
        else ("residence_status", "temporary_protection")
    )
    assert form.frames[key].value() == value
    assert draft_answer(kiosk, key) == value


def test_a_five_year_old_turning_six_by_september_goes_to_school_in_english(
    kiosk: Kiosk,
) -> None:
    open_finder(kiosk, "en")
    tap(kiosk, "kita_school", "turns_6")
    born = dt.date(2021, 3, 10)  # 5 on the kiosk's day (21 November 2026), 6 in March 2027
    pick_date(kiosk, born)
    outcome(kiosk)
    forms = shown_ids(kiosk, "finder-open-")
    assert "school_registration" in forms
    assert shown_ids(kiosk, "finder-where-") >= {"schulamt"}
    form = opened(kiosk, "school_registration")
    assert form.frames["child_birth_date"].value() == born.isoformat()
    assert draft_answer(kiosk, "child_birth_date") == born.isoformat()
    # the form takes the date: a 5-year-old who must start school is not turned away
    assert not [m for m in form.show_messages() if m.path == "child_birth_date"]


def test_a_pregnant_visitor_registers_the_unborn_child_for_a_kita_place_in_arabic(
    kiosk: Kiosk,
) -> None:
    open_finder(kiosk, "ar")
    tap(kiosk, "kita_school", "unborn")
    due = dt.date(2027, 3, 14)
    pick_date(kiosk, due)
    outcome(kiosk)
    assert shown_ids(kiosk, "finder-open-") == {"kita_place"}
    assert shown_ids(kiosk, "finder-where-") == {"jugendamt"}
    form = opened(kiosk, "kita_place")
    assert form.frames["child_birth_date"].value() == due.isoformat()
    assert form.frames["child_born"].value() is False
    assert draft_answer(kiosk, "child_birth_date") == due.isoformat()
    assert not [m for m in form.show_messages() if m.path == "child_birth_date"]  # a due date


def test_an_eu_citizen_looking_for_a_flat_gets_wbs_and_housing_search_in_german(
    kiosk: Kiosk,
) -> None:
    open_finder(kiosk, "de")
    tap(kiosk, "flat", "eu")
    outcome(kiosk)
    assert shown_ids(kiosk, "finder-open-") == {"wbs", "housing_search"}
    assert shown_ids(kiosk, "finder-where-") == {"wohnungsamt"}
    form = opened(kiosk, "wbs")
    assert form.frames["german"].value() is False
    assert form.frames["residence_status"].value() == "eu"
    assert draft_answer(kiosk, "residence_status") == "eu"
    kiosk.click("back")
    outcome(kiosk)
    housing = opened(kiosk, "housing_search")
    assert housing.form.id == "housing_search"


def test_back_asks_again_with_the_earlier_choice_marked_and_leads_home(kiosk: Kiosk) -> None:
    open_finder(kiosk, "uk")
    tap(kiosk, "money")
    assert kiosk.screen.question.id == "status"
    kiosk.click("back")
    assert kiosk.screen.question.id == "need"
    assert kiosk.find("finder-answer-money").isChecked()
    assert not kiosk.find("finder-answer-flat").isChecked()
    kiosk.click("back")
    assert kiosk.screen.name == "home"
    assert kiosk.window.visit.finder.answers == {}


def test_the_finders_answers_end_with_the_visit(kiosk: Kiosk) -> None:
    open_finder(kiosk, "de")
    tap(kiosk, "money", "duldung")
    outcome(kiosk)
    assert kiosk.window.visit.finder.answers == {"need": "money", "status": "duldung"}
    kiosk.start_over()
    assert kiosk.screen.name == "welcome"
    finder = kiosk.window.visit.finder
    assert finder.answers == {} and finder.compiled is None and not finder.taken_back
    screen = open_finder(kiosk, "de")  # the next visitor starts at the first question
    assert not any(tile.isChecked() for tile in screen.answers.values())


def test_a_language_change_keeps_the_finder_and_its_answers(kiosk: Kiosk) -> None:
    open_finder(kiosk, "de")
    tap(kiosk, "flat")
    kiosk.click("language")
    kiosk.click("lang-uk")
    screen = kiosk.screen
    assert isinstance(screen, FinderQuestionScreen) and screen.question.id == "status"
    catalog = kiosk.terminal.catalog
    german = catalog.catalog.finder.question("status").text
    assert screen.speech_text().startswith(
        catalog.t("uk", finder_question_ctx("status", "text"), german)
    )
    assert kiosk.window.visit.finder.answers == {"need": "flat"}


@pytest.fixture
def helped(kiosk: Kiosk) -> Kiosk:
    """A kiosk whose terminal knows one member of staff."""
    kiosk.terminal.store.staff_accounts.add(
        StaffRecord(id="anna", name="Anna K.", pin_hash=hash_pin(ANNA_PIN, CHEAP)),
        now=kiosk.clock.now(),
    )
    kiosk.window.staff.hold.setInterval(100)
    return kiosk


def test_staff_see_the_german_question_beside_the_translated_one(
    helped: Kiosk, qtbot: QtBot
) -> None:
    open_finder(helped, "uk")
    tap(helped, "money")
    unlock(helped, qtbot)
    screen = helped.screen
    assert isinstance(screen, FinderQuestionScreen) and screen.question.id == "status"
    german = "Welches Papier für Ihren Aufenthalt haben Sie?"
    labels = [w.text() for w in screen.findChildren(QLabel) if w.isVisibleTo(helped.window)]
    title = next(t for t in labels if german in t)
    translated, beside = title.split("\n")
    assert beside == german and translated and translated != german
    tile = helped.find("finder-answer-duldung")
    assert any("Duldung" in w.text() and "\n" in w.text() for w in tile.findChildren(QLabel))
