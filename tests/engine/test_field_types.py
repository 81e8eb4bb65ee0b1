"""The table of field types: one row for every type the catalog model declares, no more,
and each row saying what the rest of the core relies on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, get_args

import pytest

from kiosk.definition.model import Consent, FieldType, FormField, Option
from kiosk.engine.compiler import field_options
from kiosk.engine.expressions import VT
from kiosk.engine.field_types import (
    ALWAYS_LTR_TYPES,
    FIELD_TYPES,
    FREE_TEXT_TYPES,
    Choices,
    build_checker,
)
from kiosk.engine.messages import TEXTS

DECLARED = frozenset(get_args(FieldType))
TODAY = dt.date(2026, 11, 21)


def assert_covers_declared_types(table: Mapping[Any, Any]) -> None:
    """*table* has a row for every declared field type and none for a type not declared."""
    missing = sorted(DECLARED - set(table))
    unknown = sorted(set(table) - DECLARED)
    assert (missing, unknown) == ([], []), f"missing rows {missing}, unknown rows {unknown}"


def test_every_declared_type_has_exactly_one_row() -> None:
    assert_covers_declared_types(FIELD_TYPES)


def test_the_coverage_check_fails_on_a_missing_or_an_unknown_row() -> None:
    rows = dict(FIELD_TYPES)
    with pytest.raises(AssertionError, match="missing rows \\['iban'\\]"):
        assert_covers_declared_types({t: r for t, r in rows.items() if t != "iban"})
    with pytest.raises(AssertionError, match="unknown rows \\['vehicle_plate'\\]"):
        assert_covers_declared_types({**rows, "vehicle_plate": rows["text"]})


def test_every_required_message_exists() -> None:
    codes = {t: info.required_code for t, info in FIELD_TYPES.items()}
    assert {t: c for t, c in codes.items() if c not in TEXTS} == {}


#: What the design promises: numbers, IBANs and codes stay left to right in Arabic or
#: Persian layouts; the visitor words free text in their own script.
LTR = {"integer", "decimal", "money", "phone", "email", "iban", "postcode"}
FREE_TEXT = {"text", "long_text"}


def test_numbers_and_codes_always_read_left_to_right() -> None:
    assert ALWAYS_LTR_TYPES == LTR


def test_only_free_text_is_in_the_visitors_own_script() -> None:
    assert FREE_TEXT_TYPES == FREE_TEXT
    assert not FREE_TEXT_TYPES & ALWAYS_LTR_TYPES


#: type, how a condition sees the answer, message when a required answer is missing
ROWS = [
    ("text", VT.TEXT, "required"),
    ("integer", VT.NUMBER, "required"),
    ("money", VT.NUMBER, "required"),
    ("date", VT.DATE, "required"),
    ("yes_no", VT.BOOL, "required_choice"),
    ("choice", VT.TEXT, "required_choice"),
    ("multi_choice", VT.TEXT_LIST, "required_choice"),
    ("nationality", VT.TEXT, "required_choice"),
    ("consent", VT.BOOL, "required_consent"),
    ("signature", VT.OPAQUE, "required_signature"),
    ("address", VT.OPAQUE, "required"),
    ("group", VT.GROUP, "required"),
    ("note", None, "required"),
]


@pytest.mark.parametrize(("type_", "value_type", "required_code"), ROWS)
def test_a_rows_value_type_and_required_message(
    type_: FieldType, value_type: VT | None, required_code: str
) -> None:
    info = FIELD_TYPES[type_]
    assert (info.value_type, info.required_code) == (value_type, required_code)


def test_only_a_consent_needs_a_yes_and_only_a_document_is_handed_in_later() -> None:
    assert {t for t, i in FIELD_TYPES.items() if i.agreement} == {"consent"}
    assert {t for t, i in FIELD_TYPES.items() if i.handed_in_later} == {"attachment"}


def _field(type_: str, **extra: Any) -> FormField:
    if type_ in {"choice", "multi_choice"}:
        extra.setdefault("options", [Option(value="a", label="A"), Option(value="b", label="B")])
    if type_ == "consent":
        extra["consent"] = Consent(text="Ich stimme zu.", version="1")
    if type_ == "group":
        extra["fields"] = [FormField(id="child", type="text", label="Kind")]
    return FormField(id="f", type=type_, label="Frage", **extra)


@pytest.mark.parametrize("type_", sorted(DECLARED))
def test_every_type_builds_a_checker_that_refuses_a_wrong_shape(type_: str) -> None:
    """A row's checker runs for a plain field of its type: an answer of the wrong shape
    (an object where text, a number or a choice belongs) is a problem, never an error;
    a note and a repeat group take no answer of their own."""
    f = _field(type_)
    checker = build_checker(f, field_options(f, {}))
    value, problem = checker.check(object(), TODAY)
    assert value is None
    assert (problem is None) == (type_ in {"note", "group"})


CHOICES = [
    # field, stored values it accepts (None: no fixed set)
    (_field("choice"), {"a", "b"}),
    (_field("text"), None),
    (_field("address"), None),
    (_field("address", foreign=True), {"UA", "SY", "DE"}),
    (_field("nationality", extra_options=[Option(value="XX", label="staatenlos")]), {"XX", "UA"}),
]


@pytest.mark.parametrize(("f", "some_accepted"), CHOICES, ids=lambda v: getattr(v, "type", ""))
def test_where_accepted_answers_come_from(f: FormField, some_accepted: set[str] | None) -> None:
    accepted = field_options(f, {})
    if some_accepted is None:
        assert accepted is None and FIELD_TYPES[f.type].choices is not Choices.LISTED
    else:
        assert accepted is not None and some_accepted <= accepted
