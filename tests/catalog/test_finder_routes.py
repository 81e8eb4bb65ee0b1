"""Where the demo finder sends people: a table of answers and the offices they must reach
(Dortmund, NRW, law in force in December 2026), what the answers fill in, and how a
new law is one edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.law import law_constants
from kiosk.engine.finder import CompiledFinder, compile_finder

TODAY = dt.date(2026, 12, 3)


def finder_of(demo: CompiledCatalog) -> CompiledFinder:
    compiled = demo.compiled_finder()
    assert compiled is not None
    return compiled


def forms_and_sheets(
    compiled: CompiledFinder, answers: dict[str, Any]
) -> tuple[set[str], set[str]]:
    routes = compiled.outcome(answers, TODAY)
    return {f for r in routes for f in r.forms}, {s for r in routes for s in r.info}


ROUTES: list[tuple[str, dict[str, Any], set[str], set[str]]] = [
    # (who, answers, forms, info sheets)
    (
        "Duldung, money to live: AsylbLG at the Sozialamt, never Bürgergeld",
        {"need": "money", "status": "duldung"},
        {"asylblg"},
        {"asylblg"},
    ),
    (
        "Aufenthaltsgestattung, money to live",
        {"need": "money", "status": "gestattung"},
        {"asylblg"},
        {"asylblg"},
    ),
    (
        "Ankunftsnachweis, money to live",
        {"need": "money", "status": "arrival"},
        {"asylblg"},
        {"asylblg"},
    ),
    (
        "recognised refugee who can work: Bürgergeld at the Jobcenter",
        {"need": "money", "status": "permit", "permit_kind": "protection", "work": "yes"},
        {"buergergeld"},
        {"jobcenter"},
    ),
    (
        "§ 25 Absatz 5: AsylbLG at the Sozialamt",
        {"need": "money", "status": "permit", "permit_kind": "humanitarian"},
        {"asylblg"},
        {"asylblg"},
    ),
    (
        "settlement permit, pension age: Grundsicherung at the Sozialamt",
        {"need": "money", "status": "settlement", "work": "pension"},
        {"social_assistance"},
        {"sozialamt"},
    ),
    (
        "EU citizen who can work: the Jobcenter checks the right to Bürgergeld",
        {"need": "money", "status": "eu", "work": "yes"},
        {"buergergeld"},
        {"jobcenter"},
    ),
    (
        "unknown paper: both offices' sheets and the staff",
        {"need": "money", "status": "other"},
        set(),
        {"jobcenter", "asylblg"},
    ),
    (
        "EU citizen looking for a flat: WBS and housing search",
        {"need": "flat", "status": "eu"},
        {"wbs", "housing_search"},
        {"wohnungsamt"},
    ),
    (
        "Duldung looking for a flat: housing search, no WBS",
        {"need": "flat", "status": "duldung"},
        {"housing_search"},
        {"wohnungsamt", "asylblg"},
    ),
    (
        "pregnant, Kita place for the unborn child",
        {"need": "kita_school", "child_age": "unborn", "baby_due": None},
        {"kita_place"},
        {"jugendamt"},
    ),
    (
        "5-year-old turning 6 by 30 September: school registration (and Kita until then)",
        {"need": "kita_school", "child_age": "turns_6", "child_birth_date": None},
        {"school_registration", "kita_place"},
        {"schulamt"},
    ),
    (
        "a 10-year-old: school registration",
        {"need": "kita_school", "child_age": "age_6_17", "child_birth_date": None},
        {"school_registration"},
        {"schulamt"},
    ),
    (
        "single parent, no maintenance: Unterhaltsvorschuss and Kindergeld",
        {"need": "child_money", "single_parent": "alone"},
        {"maintenance_advance"},
        {"jugendamt", "kindergeld"},
    ),
    (
        "Duldung, residence papers: an appointment at the Amt für Migration",
        {"need": "residence", "status": "duldung"},
        {"appointment_request"},
        {"auslaenderbehoerde"},
    ),
    (
        "a residence permit running out: the application itself",
        {"need": "residence", "status": "permit", "residence_need": "title"},
        {"residence_permit"},
        {"auslaenderbehoerde"},
    ),
    (
        "AsylbLG, a ticket: SozialTicket",
        {"need": "ticket", "ticket_for": "me", "benefits": "asylblg"},
        {"sozialticket"},
        {"sozialamt"},
    ),
    (
        "the way to school: school ticket",
        {"need": "ticket", "ticket_for": "school"},
        {"school_ticket"},
        {"schulamt"},
    ),
    (
        "Bürgergeld, a change: the change report, and the Anmeldung for a move",
        {"need": "change", "benefits": "buergergeld"},
        {"change_report"},
        {"jobcenter", "anmeldung"},
    ),
]


@pytest.mark.parametrize(("who", "answers", "forms", "sheets"), ROUTES, ids=[r[0] for r in ROUTES])
def test_the_demo_finder_sends_each_visitor_to_the_right_office(
    demo: CompiledCatalog, who: str, answers: dict[str, Any], forms: set[str], sheets: set[str]
) -> None:
    compiled = finder_of(demo)
    assert compiled.next_question(answers, TODAY) is None, "a question is still open"
    assert forms_and_sheets(compiled, answers) == (forms, sheets)


def with_law(demo: CompiledCatalog, law_id: str, value: Any) -> CompiledFinder:
    """The demo finder compiled as if law.yaml said *value* for *law_id*."""
    values = [
        v.model_copy(update={"value": value}) if v.id == law_id else v for v in demo.catalog.law
    ]
    assert any(v.id == law_id for v in values), law_id
    finder = demo.catalog.finder
    assert finder is not None
    return compile_finder(finder, laws=law_constants(values))


@pytest.mark.parametrize(
    ("in_force", "since", "forms"),
    [
        (False, None, {"buergergeld"}),
        (True, "until_cutoff", {"buergergeld"}),
        (True, "after_cutoff", {"asylblg"}),
        (True, "unknown", {"asylblg", "buergergeld"}),
    ],
)
def test_a_ukrainian_with_a_24_permit_follows_the_law_in_force(
    demo: CompiledCatalog, in_force: bool, since: str | None, forms: set[str]
) -> None:
    """The Rechtskreiswechsel is one switch in law.yaml: off, § 24 permits get Bürgergeld;
    on, a first permit after the cut-off day leads to the AsylbLG at the Sozialamt."""
    compiled = with_law(demo, "ukraine_asylblg_in_force", in_force)
    answers: dict[str, Any] = {"need": "money", "status": "p24"}
    question = compiled.next_question(answers, TODAY)
    if since is None:
        assert question is not None and question.id == "work"
    else:
        assert question is not None and question.id == "p24_since"
        answers["p24_since"] = since
    if compiled.next_question(answers, TODAY) is not None:
        answers["work"] = "yes"
    assert compiled.next_question(answers, TODAY) is None
    assert forms_and_sheets(compiled, answers)[0] == forms


def test_a_changed_early_answer_leaves_no_stale_later_one(demo: CompiledCatalog) -> None:
    compiled = finder_of(demo)
    answers = {"need": "money", "status": "duldung", "child_age": "turns_6"}
    assert compiled.effective(answers, TODAY) == {"need": "money", "status": "duldung"}
    assert {r.id for r in compiled.outcome(answers, TODAY)} == {"money_asylblg"}


def test_the_answers_fill_in_the_forms_they_lead_to(demo: CompiledCatalog) -> None:
    compiled = finder_of(demo)
    form = demo.catalog.form
    due = dt.date(2027, 3, 14)
    pregnant = {"need": "kita_school", "child_age": "unborn", "baby_due": due}
    assert compiled.prefill(form("kita_place"), pregnant, TODAY) == {
        "child_birth_date": "2027-03-14",
        "child_born": False,
    }
    assert compiled.prefill(form("school_registration"), pregnant, TODAY) == {}
    eu = {"need": "flat", "status": "eu"}
    assert compiled.prefill(form("wbs"), eu, TODAY) == {"german": False, "residence_status": "eu"}
    duldung = {"need": "money", "status": "duldung"}
    assert compiled.prefill(form("asylblg"), duldung, TODAY) == {"residence_paper": "duldung"}
    assert compiled.prefill(form("buergergeld"), duldung, TODAY) == {
        "residence_status": "toleration"
    }
    ticket = {"need": "ticket", "ticket_for": "me", "benefits": "buergergeld"}
    assert compiled.prefill(form("sozialticket"), ticket, TODAY) == {"benefit_type": "sgb2"}
