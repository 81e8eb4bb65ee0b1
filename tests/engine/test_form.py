"""The form engine: visibility, requirement, formulas, repeat groups, rules and messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kiosk.catalog.build import build_catalog
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.engine.form import CompiledForm
from tests.conftest import write_catalog

TODAY = dt.date(2026, 11, 21)

FORM = """\
id: family
version: 3
office: amt
title: Familie
description: Test.
next_steps: Fertig.
pages:
  - id: person
    title: Person
    fields:
      - {id: name, type: person_name, label: Name, required: true}
      - id: birth_date
        type: date
        label: Geburtsdatum
        required: true
        max_date: today
        constraints:
          - {check: "age(birth_date) >= 18", message: Sie müssen volljährig sein.}
      - id: status
        type: choice
        label: Status
        required: true
        options:
          - {value: eu, label: EU}
          - {value: asyl, label: Asyl}
      - id: permit_until
        type: date
        label: Aufenthaltstitel gültig bis
        visible_if: status != 'eu'
        required_if: status = 'asyl'
      - {id: phone, type: phone, label: Telefon}
      - {id: email, type: email, label: E-Mail}
  - id: household
    title: Haushalt
    visible_if: answered(status)
    fields:
      - id: kids
        type: group
        label: Kinder
        item_label: Kind
        max_items: 3
        fields:
          - {id: kname, type: person_name, label: Name, required: true}
          - {id: kage, type: integer, label: Alter, min: 0, max: 17, required: true}
          - {id: school, type: yes_no, label: Schule, visible_if: kage >= 6, required_if: kage >= 6}
      - id: size
        type: integer
        label: Personen
        compute: count(kids) + 1
      - id: ages
        type: integer
        label: Alter zusammen
        compute: sum(kids.age_again)
      - {id: big_family, type: note, label: Große Familie!, visible_if: size >= 4}
      - {id: income, type: money, label: Einkommen}
      - {id: rent, type: money, label: Miete}
      - id: left
        type: money
        label: Bleibt
        compute: income - rent
      - id: consent
        type: consent
        label: Zustimmung
        required: true
        consent: {text: Ich stimme zu., version: "1"}
rules:
  - id: contact
    check: answered(phone) or answered(email)
    message: Bitte geben Sie Telefon oder E-Mail an.
    fields: [phone, email]
"""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[CompiledCatalog, CompiledForm]:
    form = FORM.replace("sum(kids.age_again)", "sum(kids.kage)")
    root = write_catalog(tmp_path_factory.mktemp("cat"), {"amt/test_form.yaml": form})
    result = build_catalog(root)
    assert result.catalog is not None, [str(i) for i in result.issues]
    return result.catalog, result.catalog.compiled_form("family")


def answers(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Anna",
        "birth_date": "1990-05-01",
        "status": "eu",
        "phone": "0231 1234567",
        "consent": True,
    }
    base.update(kw)
    return base


def codes(form: CompiledForm, data: dict[str, Any], lang: str = "de") -> dict[str, list[str]]:
    result = form.validate(data, lang, TODAY)
    out: dict[str, list[str]] = {}
    for m in result.messages:
        out.setdefault(m.path, []).append(m.code)
    return out


def test_valid_answers_pass(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    assert codes(form, answers()) == {}


def test_visible_if_and_required_if(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    state = form.evaluate(answers(status="eu"), TODAY)
    assert not state.is_visible("permit_until")
    state = form.evaluate(answers(status="asyl"), TODAY)
    assert state.is_visible("permit_until") and state.is_required("permit_until")
    assert codes(form, answers(status="asyl")) == {"permit_until": ["required"]}


def test_hidden_answers_are_dropped(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    state = form.evaluate(answers(status="eu", permit_until="not even a date"), TODAY)
    assert "permit_until" not in state.export()
    assert codes(form, answers(status="eu", permit_until="not even a date")) == {}


def test_page_visibility(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    state = form.evaluate({"name": "Anna"}, TODAY)
    assert state.visible_pages == ["person"]
    assert not state.is_visible("consent")
    assert form.evaluate(answers(), TODAY).visible_pages == ["person", "household"]


def test_required_messages_by_type(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    found = codes(form, answers(name="", status="asyl", consent=False))
    assert found["name"] == ["required"]
    assert found["consent"] == ["required_consent"]
    assert codes(form, {"phone": "0231 1234567"}).get("status") == ["required_choice"]


def test_constraint_message_from_catalog(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    result = form.validate(answers(birth_date="2010-01-01"), "de", TODAY)
    (message,) = result.for_path("birth_date")
    assert message.text == message.text_de == "Sie müssen volljährig sein."


def test_type_problem_wins_over_constraint(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    assert codes(form, answers(birth_date="2030-01-01")) == {"birth_date": ["date_after"]}


def test_cross_field_rule(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    found = codes(form, answers(phone=None))
    assert found == {"phone": ["rule"], "email": ["rule"]}
    assert codes(form, answers(phone=None, email="a@b.de")) == {}


def test_computed_values(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    kids = [{"kname": "Ali", "kage": 4}, {"kname": "Mia", "kage": "9", "school": True}]
    state = form.evaluate(answers(kids=kids, income="1500,50", rent="600"), TODAY)
    assert state.values["size"] == Decimal(3)
    assert state.values["ages"] == Decimal(13)
    assert state.values["left"] == Decimal("900.50")
    assert state.export()["left"] == "900.50"
    assert not state.is_visible("big_family")
    state = form.evaluate(answers(kids=kids + [{"kname": "Ben", "kage": 1}]), TODAY)
    assert state.is_visible("big_family")


def test_computed_values_ignore_submitted_input(
    compiled: tuple[CompiledCatalog, CompiledForm],
) -> None:
    _, form = compiled
    state = form.evaluate(answers(size=99), TODAY)
    assert state.values["size"] == Decimal(1)


class TestRepeatGroups:
    def test_child_visibility_per_item(
        self, compiled: tuple[CompiledCatalog, CompiledForm]
    ) -> None:
        _, form = compiled
        kids = [{"kname": "Ali", "kage": 4}, {"kname": "Mia", "kage": 9}]
        state = form.evaluate(answers(kids=kids), TODAY)
        assert not state.is_visible("kids[0].school")
        assert state.is_visible("kids[1].school") and state.is_required("kids[1].school")
        assert codes(form, answers(kids=kids)) == {"kids[1].school": ["required_choice"]}

    def test_item_problems_have_item_paths(
        self, compiled: tuple[CompiledCatalog, CompiledForm]
    ) -> None:
        _, form = compiled
        kids = [{"kname": "Ali", "kage": 30}, {"kname": "Ольга", "kage": 2}, {"kage": 1}]
        assert codes(form, answers(kids=kids)) == {
            "kids[0].kage": ["above_max"],
            "kids[1].kname": ["name_character"],
            "kids[2].kname": ["required"],
        }

    def test_max_items(self, compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
        _, form = compiled
        kids = [{"kname": "A", "kage": 1}] * 4
        assert codes(form, answers(kids=kids))["kids"] == ["too_many_items"]

    def test_add_and_remove_items(self, compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
        _, form = compiled
        kids: list[dict[str, Any]] = []
        for n in range(3):
            kids.append({"kname": f"K{'abc'[n]}", "kage": n})
            assert form.evaluate(answers(kids=kids), TODAY).values["size"] == Decimal(n + 2)
        kids.pop(0)
        state = form.evaluate(answers(kids=kids), TODAY)
        assert state.values["size"] == Decimal(3)
        assert [k["kname"] for k in state.values["kids"]] == ["Kb", "Kc"]

    def test_malformed_group_value(self, compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
        _, form = compiled
        assert codes(form, answers(kids="three kids"))["kids"] == ["invalid_type"]
        assert codes(form, answers(kids=[1, 2]))["kids"] == ["invalid_type"]


def test_min_items(tmp_path: Path) -> None:
    form = FORM.replace("max_items: 3", "min_items: 1\n        max_items: 3").replace(
        "sum(kids.age_again)", "sum(kids.kage)"
    )
    result = build_catalog(write_catalog(tmp_path, {"amt/test_form.yaml": form}))
    assert result.catalog is not None
    compiled = result.catalog.compiled_form("family")
    msgs = compiled.validate(answers(), "de", TODAY).for_path("kids")
    assert [m.text for m in msgs] == ["Bitte fügen Sie mindestens 1 Eintrag hinzu."]


def test_validate_selected_pages_only(compiled: tuple[CompiledCatalog, CompiledForm]) -> None:
    _, form = compiled
    result = form.validate(answers(consent=False, name=""), "de", TODAY, pages=["household"])
    assert [m.path for m in result.messages] == ["consent"]


def test_messages_in_visitor_language_with_german_beside(demo: CompiledCatalog) -> None:
    form = demo.compiled_form("sozialticket")
    result = form.validate({"family_name": "Шевченко"}, "uk", TODAY, translate=demo.t)
    (message,) = result.for_path("family_name")
    assert message.text_de.startswith("Das Zeichen „Ш“ ist in Namen nicht erlaubt.")
    assert "Ш" in message.text and message.text != message.text_de
    assert "{" not in message.text
    # a catalog message (a rule) comes in the visitor's language too
    rule = form.validate({"household": [{}] * 9}, "ar", TODAY, translate=demo.t).for_path(
        "household"
    )
    texts = {m.text_de: m.text for m in rule}
    german = "Bitte geben Sie höchstens 8 weitere Personen an."
    assert german in texts and texts[german] != german


def test_every_engine_message_is_translated_in_every_language(demo: CompiledCatalog) -> None:
    from kiosk.engine.messages import TEXTS, Problem, render

    params = {
        "min": 2,
        "max": 5,
        "char": "Ш",
        "date": "2026-11-21",
        "whole": Decimal(40000),
        "part": Decimal(40),
    }
    for lang in demo.languages:
        if lang == "de":
            continue
        for code, german in TEXTS.items():
            message = render(
                "f",
                Problem(code, {k: v for k, v in params.items() if "{" + k + "}" in german}),
                lang,
            )
            if not lang.startswith("de@"):  # Leichte Sprache may keep a plain German text
                assert message.text != message.text_de, (lang, code)
            assert "{" not in message.text, (lang, code)


def test_demo_forms_compile(demo: CompiledCatalog) -> None:
    for form in demo.catalog.forms:
        compiled = demo.compiled_form(form.id)
        state = compiled.evaluate({}, TODAY)
        assert state.visible_pages, form.id


def test_a_required_document_never_blocks_the_form(tmp_path: Path) -> None:
    """The kiosk takes no files (it shows no file system): a document the office needs is
    handed in later, so a form that asks for one can still be finished."""
    form = (
        FORM.replace("sum(kids.age_again)", "sum(kids.kage)")
        .replace(
            "      - {id: phone, type: phone, label: Telefon}",
            "      - {id: proof, type: attachment, label: Nachweis, required: true}\n"
            "      - {id: phone, type: phone, label: Telefon}",
        )
        .replace(
            "          - {id: kname, type: person_name, label: Name, required: true}",
            "          - {id: kname, type: person_name, label: Name, required: true}\n"
            "          - {id: kpass, type: attachment, label: Ausweis, required: true}",
        )
    )
    result = build_catalog(write_catalog(tmp_path, {"amt/test_form.yaml": form}))
    assert result.catalog is not None, [str(i) for i in result.issues]
    c = result.catalog.compiled_form("family")
    data = answers(kids=[{"kname": "Mia", "kage": 3}])
    state = c.evaluate(data, TODAY)
    assert {"proof", "kids[0].kpass"} <= state.visible
    assert not {"proof", "kids[0].kpass"} & state.required  # in a repeat group too
    assert codes(c, data) == {}
