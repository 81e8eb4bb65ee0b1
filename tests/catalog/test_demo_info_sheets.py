"""The demo catalog's info sheets for what newcomers ask most after the first weeks
(Bürgergeld continuation, first furnishing, Wohngeld, Bildung und Teilhabe, work
permission, Wohnsitzauflage, recognition of qualifications, Dortmund-Karte, "lokal
willkommen", Elterngeld): each belongs to the office that handles it, is listed under
home-screen topics, and the finder leads a realistic visitor to it (law in force in
December 2026)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.glossary import TermFinder
from kiosk.engine.finder import CompiledFinder

TODAY = dt.date(2026, 12, 3)

SHEETS: list[tuple[str, str, set[str], str, dict[str, Any]]] = [
    # (sheet, office, some of its topics, who, finder answers that lead there)
    (
        "weiterbewilligung",
        "jobcenter",
        {"living_costs"},
        "the period on a Bürgergeld Bescheid ends next month",
        {"need": "renewal", "renewal_of": "buergergeld"},
    ),
    (
        "erstausstattung",
        "jobcenter",
        {"living_costs", "housing"},
        "moving from a shelter into a first flat, with Bürgergeld",
        {"need": "costs", "costs_for": "furnishing", "benefits": "buergergeld"},
    ),
    (
        "wohngeld",
        "wohnungsamt",
        {"housing"},
        "a small wage, and the rent is too high",
        {"need": "costs", "costs_for": "rent"},
    ),
    (
        "bildung_teilhabe",
        "sozialamt",
        {"school"},
        "money for a school trip, with Bürgergeld",
        {"need": "costs", "costs_for": "school", "benefits": "buergergeld"},
    ),
    (
        "work_permission",
        "auslaenderbehoerde",
        {"work"},
        "a Duldung and a job offer",
        {"need": "job", "status": "duldung"},
    ),
    (
        "wohnsitzauflage",
        "auslaenderbehoerde",
        {"residence"},
        "a § 24 permit and a job in another city",
        {"need": "job", "status": "p24"},
    ),
    (
        "anerkennung",
        "migrado",
        {"work"},
        "a nurse from abroad with a settlement permit",
        {"need": "job", "status": "settlement"},
    ),
    (
        "dortmund_karte",
        "sozialamt",
        {"living_costs"},
        "a cheaper ticket for the zoo",
        {"need": "costs", "costs_for": "leisure"},
    ),
    (
        "lokal_willkommen",
        "lokal_willkommen",
        {"residence"},
        "a letter from an office nobody in the family understands",
        {"need": "advice"},
    ),
    (
        "elterngeld",
        "elterngeldstelle",
        {"children"},
        "a newborn, and the parents get no benefits",
        {"need": "baby", "benefits": "none"},
    ),
]
IDS = [s[0] for s in SHEETS]


def finder_of(demo: CompiledCatalog) -> CompiledFinder:
    compiled = demo.compiled_finder()
    assert compiled is not None
    return compiled


def led_to(compiled: CompiledFinder, answers: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(forms, info sheets) the finder shows once every question is answered."""
    assert compiled.next_question(answers, TODAY) is None, "a question is still open"
    routes = compiled.outcome(answers, TODAY)
    return {f for r in routes for f in r.forms}, {s for r in routes for s in r.info}


@pytest.mark.parametrize(("sheet_id", "office_id", "topics", "who", "answers"), SHEETS, ids=IDS)
def test_each_sheet_belongs_to_its_office_and_is_listed_under_topics(
    demo: CompiledCatalog,
    sheet_id: str,
    office_id: str,
    topics: set[str],
    who: str,
    answers: dict[str, Any],
) -> None:
    catalog = demo.catalog
    sheet = catalog.info_sheet(sheet_id)
    assert sheet.office == office_id
    assert catalog.office(office_id).id == office_id
    assert topics <= set(sheet.topics)
    assert set(sheet.topics) <= {t.id for t in catalog.topics}
    assert not any(f.info_sheet == sheet_id for f in catalog.forms)  # found by its topics


@pytest.mark.parametrize(("sheet_id", "office_id", "topics", "who", "answers"), SHEETS, ids=IDS)
def test_the_finder_leads_a_visitor_to_each_sheet(
    demo: CompiledCatalog,
    sheet_id: str,
    office_id: str,
    topics: set[str],
    who: str,
    answers: dict[str, Any],
) -> None:
    assert sheet_id in led_to(finder_of(demo), answers)[1], who


ROUTES: list[tuple[str, dict[str, Any], set[str], set[str]]] = [
    # (who, answers, forms, info sheets)
    (
        "a newborn in a family with Bürgergeld: Elterngeld, Kindergeld, baby things, Kita",
        {"need": "baby", "benefits": "buergergeld"},
        {"kita_place"},
        {"elterngeld", "kindergeld", "erstausstattung"},
    ),
    (
        "a newborn, no benefits: no first furnishing offered",
        {"need": "baby", "benefits": "none"},
        {"kita_place"},
        {"elterngeld", "kindergeld"},
    ),
    (
        "Aufenthaltsgestattung, work: permission first, recognition too, no Wohnsitzauflage",
        {"need": "job", "status": "gestattung"},
        set(),
        {"work_permission", "anerkennung"},
    ),
    (
        "EU citizen, work: free to work, only recognition",
        {"need": "job", "status": "eu"},
        set(),
        {"anerkennung"},
    ),
    (
        "a school trip and no benefits: BuT needs a benefit, so Wohngeld and Kinderzuschlag",
        {"need": "costs", "costs_for": "school", "benefits": "none"},
        set(),
        {"bildung_teilhabe", "wohngeld", "kindergeld"},
    ),
    (
        "furniture with AsylbLG: first furnishing, asked at the Sozialamt",
        {"need": "costs", "costs_for": "furnishing", "benefits": "asylblg"},
        set(),
        {"erstausstattung"},
    ),
    (
        "Wohngeld runs out: the Wohngeld sheet",
        {"need": "renewal", "renewal_of": "wohngeld"},
        set(),
        {"wohngeld"},
    ),
    (
        "Wohngeld and a change: the Wohngeldstelle, and the Anmeldung for a move",
        {"need": "change", "benefits": "wohngeld"},
        set(),
        {"wohngeld", "anmeldung"},
    ),
]


@pytest.mark.parametrize(("who", "answers", "forms", "sheets"), ROUTES, ids=[r[0] for r in ROUTES])
def test_the_finder_routes_these_needs_to_the_right_places(
    demo: CompiledCatalog, who: str, answers: dict[str, Any], forms: set[str], sheets: set[str]
) -> None:
    assert led_to(finder_of(demo), answers) == (forms, sheets)


def test_places_visitors_go_in_person_take_no_forms_and_mark_unchecked_contacts(
    demo: CompiledCatalog,
) -> None:
    for office_id in ("elterngeldstelle", "lokal_willkommen"):
        office = demo.catalog.office(office_id)
        assert not office.receives_applications and office.city_office
        assert office.contact.demo  # addresses and hours not yet confirmed by the office
        assert not [f for f in demo.catalog.forms if f.office == office_id]


def test_the_words_on_these_papers_are_explained(demo: CompiledCatalog) -> None:
    terms = {e.term: e.id for e in demo.catalog.glossary}
    assert set(terms) >= {
        "Weiterbewilligungsantrag",
        "Erstausstattung",
        "Wohngeld",
        "Beschäftigungserlaubnis",
        "Wohnsitzauflage",
        "Elterngeld",
        "Dortmund-Karte",
    }
    finder = TermFinder(demo.catalog.glossary)
    # the old name on passes still in use counts as the card
    title = demo.catalog.info_sheet("dortmund_karte").title
    assert finder.terms_in_german(title) == ["dortmund_karte"]
    # "Wohngeldstelle" is an office, not the benefit: a term counts as a whole word
    assert finder.terms_in_german("bei der Wohngeldstelle") == []
