"""The demo forms can be finished on the paths a content review found blocked, and say
what the law says on them: each path is filled through the real form engine, with the
answers that define it held fixed and every other answer drawn until the form validates.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kiosk.catalog.build import build_catalog
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.paths import default_catalog_dir
from tests.catalog.form_filling import ADDRESS, TODAY, amount, days, finish, person

#: the forms that were in the catalog before the AsylbLG form came
DEMO_FORMS = [
    "appointment_request",
    "buergergeld",
    "change_report",
    "housing_search",
    "kita_place",
    "maintenance_advance",
    "residence_permit",
    "school_registration",
    "school_ticket",
    "social_assistance",
    "sozialticket",
    "wbs",
]


# ------------------------------------------------------------ every form, any answers


@pytest.mark.parametrize("form_id", DEMO_FORMS)
def test_every_demo_form_can_be_finished(demo: CompiledCatalog, form_id: str) -> None:
    for seed in (1, 2, 3):
        assert finish(demo, form_id, {}, seed=seed).ok


# ------------------------------------------------------------ housing_search


@pytest.mark.parametrize(
    ("household", "current_rooms"),
    [
        ([person("spouse", "1990-05-01")], "2"),  # a couple in a too-small 2-room flat
        ([], "2"),  # a single person in 2 rooms
    ],
    ids=["couple in 2 rooms", "single person in 2 rooms"],
)
def test_housing_search_a_too_small_flat_may_be_left_for_as_many_rooms(
    demo: CompiledCatalog, household: list[dict[str, Any]], current_rooms: str
) -> None:
    result = finish(
        demo,
        "housing_search",
        {
            "housing_situation": "too_small",
            "current_rooms": current_rooms,
            "household": household,
            "expecting_child": False,
            "desired_rooms": "2",
        },
    )
    assert result.state.values["desired_rooms"] == 2


# ------------------------------------------------------------ wbs


@pytest.mark.parametrize(
    ("status", "note"),
    [
        ("toleration", "temporary_status_note"),
        ("asylum_procedure", "temporary_status_note"),
        ("fiction", "temporary_status_note"),
        ("temporary_protection", "temporary_protection_note"),
        ("permit", "permit_short_note"),
    ],
)
def test_wbs_papers_valid_for_less_than_a_year_can_still_apply(
    demo: CompiledCatalog, status: str, note: str
) -> None:
    result = finish(
        demo,
        "wbs",
        {
            "nationality": "UA",
            "german": False,
            "residence_status": status,
            "permit_valid_until": days(100),
        },
    )
    assert note in result.state.visible


def test_wbs_asks_for_the_income_expected_in_the_next_twelve_months(
    demo: CompiledCatalog,
) -> None:
    form = demo.catalog.form("wbs")
    labels = {f.id: f.label for page in form.pages for f in page.fields}
    assert "nächsten 12 Monaten" in labels["own_income"]
    special = next(p for p in form.pages if p.id == "special")
    assert special.intro is not None and "nicht schneller" in special.intro


# ------------------------------------------------------------ school_registration


@pytest.mark.parametrize(
    ("born", "today"),
    [
        ("2021-09-15", TODAY),  # turns 6 on 15 September 2027: school from 1 August 2027
        ("2020-09-15", dt.date(2026, 6, 1)),  # turns 6 on 15 September 2026, still 5 in June
    ],
)
def test_school_registration_takes_a_five_year_old_turning_six_by_30_september(
    demo: CompiledCatalog, born: str, today: dt.date
) -> None:
    result = finish(
        demo,
        "school_registration",
        {"child_birth_date": born, "applicant_relation": "mother"},
        today=today,
    )
    assert result.state.values["child_age"] == 5
    assert "school_start_note" in result.state.visible


# ------------------------------------------------------------ kita_place


def test_kita_place_registers_an_unborn_child(demo: CompiledCatalog) -> None:
    result = finish(
        demo,
        "kita_place",
        {"child_born": False, "child_birth_date": days(90), "start_date": days(400)},
    )
    assert "unborn_note" in result.state.visible
    assert "child_given_names" not in result.state.required


def test_kita_place_a_child_turning_seven_tomorrow_may_start_today(demo: CompiledCatalog) -> None:
    # seven years from 22 November 2019 have 2557 days (two leap days): the rule counts them
    result = finish(
        demo,
        "kita_place",
        {"child_born": True, "child_birth_date": "2019-11-22", "start_date": days(0)},
    )
    assert result.state.values["child_age"] == 6


def test_kita_place_a_born_child_cannot_have_a_birth_date_in_the_future(
    demo: CompiledCatalog,
) -> None:
    result = demo.compiled_form("kita_place").validate(
        {"child_born": True, "child_birth_date": days(30)}, "de", TODAY
    )
    assert "in der Zukunft" in " ".join(m.text_de for m in result.for_path("child_birth_date"))


# ------------------------------------------------------------ residence_permit


def test_residence_permit_for_someone_born_in_germany(demo: CompiledCatalog) -> None:
    result = finish(
        demo,
        "residence_permit",
        {"birth_country": "DE", "nationality": "TR", "came_from_abroad": False},
    )
    hidden = {"entry_date", "last_address_abroad", "last_country_abroad", "previous_stays_yes"}
    assert not hidden & result.state.visible


def test_residence_permit_offers_the_papers_the_review_missed(demo: CompiledCatalog) -> None:
    statuses = {o.value for o in demo.catalog.codelist("residence_status").options}
    assert {"visa", "blue_card", "eu_long_term", "residence_card"} <= statuses
    result = finish(
        demo,
        "residence_permit",
        {"current_status": "visa", "application_type": "first", "purpose": "settlement"},
    )
    assert {"german_level", "integration_course"} <= result.state.visible


# ------------------------------------------------------------ buergergeld, social_assistance


@pytest.mark.parametrize("form_id", ["buergergeld", "social_assistance"])
@pytest.mark.parametrize("status", ["asylum_procedure", "toleration"])
def test_gestattung_and_duldung_are_sent_to_the_asylblg_form(
    demo: CompiledCatalog, form_id: str, status: str
) -> None:
    result = finish(demo, form_id, {"nationality": "AF", "residence_status": status})
    assert "asylblg_status_note" in result.state.visible
    note = demo.compiled_form(form_id).specs["asylblg_status_note"].field
    # the note names the form to use by the title the visitor sees in the list
    assert f"„{demo.catalog.form('asylblg').title}“" in " ".join(
        f"{note.label} {note.help}".split()
    )


def test_buergergeld_asset_limit_counts_the_benefit_household_only(
    demo: CompiledCatalog,
) -> None:
    household = [
        person("spouse", "1986-02-01"),
        person("child", "2016-03-01"),
        person("child", "1996-03-01"),  # 30: no longer part of the benefit household
        person("sibling", "1991-03-01"),  # a brother living in the flat
    ]
    result = finish(demo, "buergergeld", {"birth_date": "1985-04-12", "household": household})
    first = amount(demo, "buergergeld_assets_first_person")
    further = amount(demo, "buergergeld_assets_each_further_person")
    assert result.state.values["asset_limit"] == first + 2 * further
    allowances = [item["asset_allowance"] for item in result.state.values["household"]]
    assert allowances == [further, further, Decimal(0), Decimal(0)]


def test_buergergeld_counts_shelter_fees_as_housing_costs(demo: CompiledCatalog) -> None:
    result = finish(demo, "buergergeld", {"housing_type": "shelter", "shelter_fee": "310.00"})
    assert result.state.values["housing_total"] == Decimal("310.00")
    assert "kdu_note" in result.state.visible


def test_social_assistance_asset_limit_adds_the_partner_and_each_dependant(
    demo: CompiledCatalog,
) -> None:
    household = [
        person("spouse", "1955-02-01"),
        person("child", "2012-03-01"),
        person("child", "2004-03-01"),  # 22: not a dependant child
    ]
    result = finish(demo, "social_assistance", {"household": household})
    adult = amount(demo, "sozialhilfe_assets_per_adult")
    dependant = amount(demo, "sozialhilfe_assets_per_dependant")
    assert result.state.values["asset_limit"] == 2 * adult + dependant


@pytest.mark.parametrize(
    ("born", "reached"),
    [
        ("1958-12-31", True),  # 66 years: reached on 31 December 2024
        ("1959-09-21", True),  # 66 years 2 months: reached on 21 November 2025
        ("1960-07-20", True),  # 66 years 4 months: reached on 20 November 2026
        ("1960-08-10", False),  # 66 years 4 months: not before 10 December 2026
        ("1961-01-10", False),  # 65 years old; 66 years 6 months only in July 2027
        ("1964-03-01", False),  # 62; 67 years from the 1964 birth year
    ],
)
def test_social_assistance_age_reason_follows_the_pension_age_of_the_birth_year(
    demo: CompiledCatalog, born: str, reached: bool
) -> None:
    result = demo.compiled_form("social_assistance").validate(
        {"reason": "age", "birth_date": born}, "de", TODAY
    )
    refused = any(m.code == "rule" for m in result.for_path("reason"))
    assert refused is not reached


# ------------------------------------------------------------ the § 24 rule is one edit


def catalog_with_law(tmp_path: Path, law_id: str, value: str) -> CompiledCatalog:
    """A copy of the demo catalog's Jobcenter part with one value of law.yaml changed."""
    source = default_catalog_dir()
    root = tmp_path / "forms_catalog"
    root.mkdir()
    for name in ("catalog.yaml", "offices.yaml", "topics.yaml"):
        shutil.copy(source / name, root / name)
    for folder in ("codelists", "info", "jobcenter"):
        shutil.copytree(source / folder, root / folder)
    text = (source / "law.yaml").read_text(encoding="utf-8")
    edited, count = re.subn(
        rf"(- id: {law_id}\n(?:    .*\n)*?    value: )[^\n]*", rf"\g<1>{value}", text
    )
    assert count == 1
    (root / "law.yaml").write_text(edited, encoding="utf-8")
    result = build_catalog(root, languages=["de"])
    assert result.catalog is not None, [str(i) for i in result.errors]
    return result.catalog


@pytest.mark.parametrize(
    ("in_force", "first_permit", "sent_to_asylblg"),
    [
        ("false", "2025-06-01", False),
        ("true", "2025-06-01", True),
        ("true", "2025-03-31", False),  # on the cut-off day: still Bürgergeld
        ("true", "2023-01-15", False),
    ],
)
def test_buergergeld_the_section_24_cut_off_is_one_edit_in_law_yaml(
    tmp_path: Path, in_force: str, first_permit: str, sent_to_asylblg: bool
) -> None:
    catalog = catalog_with_law(tmp_path, "ukraine_asylblg_in_force", in_force)
    result = finish(
        catalog,
        "buergergeld",
        {
            "nationality": "UA",
            "residence_status": "temporary_protection",
            "protection_first_date": first_permit,
        },
    )
    assert ("ukraine_asylblg_note" in result.state.visible) is sent_to_asylblg


# ------------------------------------------------------------ change_report


def test_change_report_warns_before_travel_abroad_and_knows_new_changes(
    demo: CompiledCatalog,
) -> None:
    result = finish(
        demo,
        "change_report",
        {
            "changes": ["absence", "sick", "pregnancy", "residence", "health_insurance"],
            "absence_from": days(30),
            "absence_to": days(40),
            "absence_abroad": True,
        },
    )
    assert {"abroad_status_note", "sick_note", "pregnancy_note"} <= result.state.visible


# ------------------------------------------------------------ maintenance_advance


def test_maintenance_advance_living_with_a_new_partner_is_not_marriage(
    demo: CompiledCatalog,
) -> None:
    note = demo.compiled_form("maintenance_advance").specs["married_note"].field
    assert "Lebenspartnerschaft leben" not in note.label
    assert "ohne verheiratet zu sein" in (note.help or "")
    result = finish(
        demo,
        "maintenance_advance",
        {"marital_status": "single", "other_parent_status": "known", "address": ADDRESS},
    )
    assert {"other_parent_country", "married_note"} & result.state.visible == {
        "other_parent_country"
    }
