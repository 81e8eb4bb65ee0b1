"""The AsylbLG application, filled in with the real engine as visitors with different
papers, families and homes would: each journey can be submitted, and the notes that
send a visitor elsewhere show exactly where they should."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from typing import Any

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.engine.compiler import field_options
from kiosk.engine.form import CompiledForm
from kiosk.simulation.answers import AnswerMaker
from tests.conftest import TODAY

SIGNATURE = AnswerMaker(random.Random(0)).value  # for the signature's PNG only

PERSON: dict[str, Any] = {
    "family_name": "Haidari",
    "given_names": "Nasrin",
    "birth_date": "1994-03-12",
    "birth_place": "Herat",
    "birth_country": "AF",
    "sex": "f",
    "nationality": "AF",
    "entry_date": "2025-09-30",
    "address": {
        "street": "Grüne Straße",
        "house_number": "12",
        "postcode": "44147",
        "city": "Dortmund",
    },
}
CONFIRM: dict[str, Any] = {"consent_data": True, "truthful": True}


def compiled(demo: CompiledCatalog) -> CompiledForm:
    return demo.compiled_form("asylblg")


def with_signature(demo: CompiledCatalog, answers: dict[str, Any]) -> dict[str, Any]:
    form = demo.catalog.form("asylblg")
    signature = next(f for p in form.pages for f in p.fields if f.id == "signature")
    return {**answers, "signature": SIGNATURE(signature, None, TODAY)}


def problems(demo: CompiledCatalog, answers: dict[str, Any]) -> list[str]:
    result = compiled(demo).validate(answers, "de", TODAY)
    return [f"{m.path}: {m.text}" for m in result.messages]


SINGLE_IN_SHELTER: dict[str, Any] = {
    **PERSON,
    "residence_paper": "gestattung",
    "paper_valid_until": "2027-03-31",
    "bamf_file_number": "1234567-423",
    "assigned_to_city": "yes",
    "previous_benefits": True,
    "previous_place": "Landesunterkunft Bochum",
    "marital_status": "single",
    "household": [],
    "pregnancy": False,
    "housing_type": "shelter",
    "works": False,
    "other_income": False,
    "cash_total": "40",
    "valuables": False,
    "health_insurance": "none",
    "special_needs": False,
    "has_bank_account": False,
    **CONFIRM,
}

FAMILY_IN_FLAT: dict[str, Any] = {
    **PERSON,
    "residence_paper": "duldung",
    "paper_valid_until": "2027-01-15",
    "assigned_to_city": "yes",
    "previous_benefits": False,
    "marital_status": "married",
    "household": [
        {
            "family_name": "Haidari",
            "given_names": "Ahmad",
            "birth_date": "1990-07-01",
            "relationship": "spouse",
            "residence_paper": "same",
            "has_income": True,
        },
        {
            "family_name": "Haidari",
            "given_names": "Sara",
            "birth_date": "2018-05-20",
            "relationship": "child",
            "residence_paper": "duldung",
            "has_income": False,
        },
        {
            "family_name": "Haidari",
            "given_names": "Omid",
            "birth_date": "2026-08-02",
            "relationship": "child",
            "residence_paper": "none",
            "has_income": False,
        },
    ],
    "pregnancy": False,
    "school_children": True,
    "housing_type": "flat",
    "rent_base": "520,00",
    "utility_costs": "140,00",
    "heating_costs": "85,00",
    "landlord": "Wohnungsgesellschaft Nord GmbH",
    "rent_agreed": True,
    "works": False,
    "other_income": True,
    "incomes": [{"income_kind": "household_work", "amount": "480,00"}],
    "cash_total": "350",
    "valuables": False,
    "health_insurance": "none",
    "special_needs": True,
    "special_needs_details": "Sara braucht jeden Tag ein Medikament gegen Asthma.",
    "has_bank_account": True,
    "iban": "DE89 3704 0044 0532 0130 00",
    "account_holder": "Nasrin Haidari",
    **CONFIRM,
}


@pytest.mark.parametrize(
    ("journey", "answers"),
    [
        ("a single person with an Aufenthaltsgestattung in a shelter", SINGLE_IN_SHELTER),
        ("a family with a Duldung in a rented flat", FAMILY_IN_FLAT),
    ],
)
def test_a_journey_can_be_submitted(demo: CompiledCatalog, journey: str, answers: dict) -> None:
    assert problems(demo, with_signature(demo, answers)) == [], journey


def test_the_family_journey_counts_rent_people_and_their_allowance(demo: CompiledCatalog) -> None:
    state = compiled(demo).evaluate(with_signature(demo, FAMILY_IN_FLAT), TODAY)
    values = state.values
    assert values["persons_total"] == 4
    assert values["housing_total"] == Decimal("745")
    assert values["asset_allowance"] == Decimal("800")  # 200 euros for each of 4 people
    assert values["income_total"] == Decimal("480")
    assert "school_children" in state.visible  # children in the household: Bildung und Teilhabe
    assert "above_allowance_note" not in state.visible  # 350 euros are below 4 x 200


def test_nothing_is_missing_without_its_answers(demo: CompiledCatalog) -> None:
    """The checks run: leave out the rent and the signature, and the form says so."""
    answers = {k: v for k, v in FAMILY_IN_FLAT.items() if k != "rent_base"}
    found = problems(demo, answers)
    assert any(p.startswith("rent_base:") for p in found), found
    assert any(p.startswith("signature:") for p in found), found


#: (what the visitor chose, the note that must show, the note that must not)
NOTES = [
    ({"residence_paper": "other"}, "other_paper_note", "no_paper_note"),
    ({"residence_paper": "none"}, "no_paper_note", "other_paper_note"),
    ({"assigned_to_city": "no"}, "other_city_note", "homeless_note"),
    ({"housing_type": "homeless"}, "homeless_note", "other_city_note"),
    ({"paper_valid_until": "2026-10-01"}, "paper_expired_note", "homeless_note"),
    ({"cash_total": "950"}, "above_allowance_note", "no_account_note"),
    ({"has_bank_account": False}, "no_account_note", "above_allowance_note"),
    # law.yaml: the move of § 24 holders to the AsylbLG is not in force in the demo
    ({"residence_paper": "temporary_protection"}, "protection_jobcenter_note", "protection_since"),
]


@pytest.mark.parametrize(("chosen", "shown", "hidden"), NOTES)
def test_notes_send_visitors_on_and_the_form_stays_submittable(
    demo: CompiledCatalog, chosen: dict[str, Any], shown: str, hidden: str
) -> None:
    answers = with_signature(demo, {**FAMILY_IN_FLAT, **chosen})
    state = compiled(demo).evaluate(answers, TODAY)
    assert shown in state.visible
    assert hidden not in state.visible
    assert problems(demo, answers) == []


def with_law(catalog: CompiledCatalog, **values: object) -> CompiledCatalog:
    """*catalog* with some values of law.yaml changed, as an admin would on a new law."""
    model = catalog.catalog
    law = [v.model_copy(update={"value": values.get(v.id, v.value)}) for v in model.law]
    return CompiledCatalog.create(model.model_copy(update={"law": law}), catalog.translations)


#: (first § 24 paper, the Jobcenter note shows) once the move to the AsylbLG is law
PROTECTION_SINCE = [
    ("2024-05-02", True),
    ("2025-03-31", True),  # the cut-off day itself: still the Jobcenter
    ("2025-04-01", False),
    ("2026-02-14", False),
]


@pytest.mark.parametrize(("since", "jobcenter"), PROTECTION_SINCE)
def test_the_ukraine_cut_off_follows_law_yaml(
    demo: CompiledCatalog, since: str, jobcenter: bool
) -> None:
    in_force = with_law(demo, ukraine_asylblg_in_force=True)
    answers = {**FAMILY_IN_FLAT, "residence_paper": "temporary_protection"}
    form = in_force.compiled_form("asylblg")
    assert "protection_since" in form.evaluate(answers, TODAY).visible
    answers = with_signature(demo, {**answers, "protection_since": since})
    state = form.evaluate(answers, TODAY)
    assert ("protection_jobcenter_note" in state.visible) is jobcenter
    assert form.validate(answers, "de", TODAY).messages == []


def test_the_asset_allowance_follows_law_yaml(demo: CompiledCatalog) -> None:
    raised = with_law(demo, asylblg_assets_per_person=250)
    state = raised.compiled_form("asylblg").evaluate(FAMILY_IN_FLAT, TODAY)
    assert state.values["asset_allowance"] == Decimal("1000")  # 4 people


def complete(demo: CompiledCatalog, pinned: dict[str, Any], seed: int) -> dict[str, Any]:
    """*pinned* answers plus an answer for every other field the form shows, drawn like a
    visitor's (a group gets one item); an answer the engine refuses (a random IBAN whose
    bank check fails) is drawn again, a pinned one never."""
    form = compiled(demo)
    codelists = {c.id: c for c in demo.catalog.codelists}
    maker = AnswerMaker(random.Random(seed))

    def draw(spec: Any) -> Any:
        return maker.value(spec.field, field_options(spec.field, codelists), TODAY)

    answers = dict(pinned)
    for _ in range(20):
        state = form.evaluate(answers, TODAY)
        before = len(answers)
        for key in form.display_order:
            spec = form.specs[key]
            shown = key in state.visible and spec.compute is None and spec.field.holds_answer
            if key in answers or not shown:
                continue
            if spec.children:
                answers[key] = [{c.id: draw(c) for c in spec.children if c.compute is None}]
            else:
                answers[key] = draw(spec)
        refused = [m.path for m in form.validate(answers, "de", TODAY).messages]
        drawn_again = [path for path in refused if path in answers and path not in pinned]
        if not drawn_again and len(answers) == before:
            break
        for path in drawn_again:
            answers[path] = draw(form.specs[path])
    return answers


def choices(demo: CompiledCatalog, field_id: str) -> list[str]:
    form = demo.catalog.form("asylblg")
    field = next(f for p in form.pages for f in p.fields if f.id == field_id)
    assert field.options is not None
    return [o.value for o in field.options]


def test_every_paper_home_and_branch_can_be_submitted(demo: CompiledCatalog) -> None:
    """Each residence paper with each kind of home, working or not, with or without an
    account, other money and valuables: all 512 ways through the form's branches end in
    an application the engine accepts."""
    base = {
        **PERSON,
        "entry_date": "2023-02-01",
        "protection_since": "2025-06-10",
        "iban": FAMILY_IN_FLAT["iban"],  # random ones mostly fail the bank's own check
        **CONFIRM,
    }
    base = with_signature(demo, base)
    branches = itertools.product(
        choices(demo, "residence_paper"),
        choices(demo, "housing_type"),
        [True, False],  # works
        [True, False],  # has_bank_account
        [True, False],  # other_income
        [True, False],  # valuables
    )
    checked = 0
    for seed, (paper, home, works, account, other, valuables) in enumerate(branches):
        pinned = {
            **base,
            "residence_paper": paper,
            "housing_type": home,
            "works": works,
            "has_bank_account": account,
            "other_income": other,
            "valuables": valuables,
        }
        answers = complete(demo, pinned, seed)
        found = problems(demo, answers)
        assert found == [], (paper, home, works, account, other, valuables, found)
        checked += 1
    assert checked == 8 * 4 * 2 * 2 * 2 * 2


def test_the_sample_documents_fill_the_form_too(demo: CompiledCatalog) -> None:
    """The simulation (kiosk simulate, sample PDFs) finds answers for the new form."""
    maker = AnswerMaker(random.Random(3))
    codelists = {c.id: c for c in demo.catalog.codelists}
    answers = maker.fill(compiled(demo), codelists, TODAY)
    assert answers is not None
    assert compiled(demo).validate(answers, "de", TODAY).ok
    assert dt.date.fromisoformat(answers["birth_date"]) <= TODAY.replace(year=TODAY.year - 18)
