"""``law('id')``: the catalog's named law values inside expressions, and the model that
checks each value against its declared type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from kiosk.definition.law import LawValue, law_constants
from kiosk.engine.expressions import VT, Env, ExprError, RefInfo, Scope, check

TODAY = dt.date(2026, 11, 21)

LAWS = law_constants(
    [
        LawValue(id="asset_limit", type="number", value=40000, description="d", source="s"),
        LawValue(id="share", type="number", value=0.5, description="d", source="s"),
        LawValue(id="cutoff", type="date", value="2025-03-31", description="d", source="s"),
        LawValue(id="office", type="text", value="sozialamt", description="d", source="s"),
        LawValue(id="in_force", type="bool", value=True, description="d", source="s"),
    ]
)
SCOPE = Scope(
    top={
        "entry": RefInfo(VT.DATE, "entry"),
        "assets": RefInfo(VT.NUMBER, "assets"),
        "name": RefInfo(VT.TEXT, "name"),
    },
    groups={},
    laws=LAWS,
)
VALUES: dict[str, Any] = {
    "entry": dt.date(2025, 6, 1),
    "assets": Decimal(50000),
    "name": "asset_limit",
}


def ev(source: str) -> Any:
    return check(source, SCOPE).fn(Env(top=dict(VALUES), today=TODAY))


@pytest.mark.parametrize(
    ("source", "vt", "value"),
    [
        ("law('asset_limit')", VT.NUMBER, Decimal(40000)),
        ("law('share')", VT.NUMBER, Decimal("0.5")),
        ("law('cutoff')", VT.DATE, dt.date(2025, 3, 31)),
        ("law('office')", VT.TEXT, "sozialamt"),
        ("law('in_force')", VT.BOOL, True),
        ('law("asset_limit")', VT.NUMBER, Decimal(40000)),
        # the value takes part in the language like any value of its type
        ("law('asset_limit') + 15000 * 2", VT.NUMBER, Decimal(70000)),
        ("assets > law('asset_limit')", VT.BOOL, True),
        ("entry > law('cutoff')", VT.BOOL, True),
        ("law('in_force') and entry > law('cutoff')", VT.BOOL, True),
        ("law('office') = 'sozialamt'", VT.BOOL, True),
        ("if(law('in_force'), law('asset_limit'), 0)", VT.NUMBER, Decimal(40000)),
    ],
)
def test_a_known_value_has_the_type_and_value_of_law_yaml(
    source: str, vt: VT, value: object
) -> None:
    assert check(source, SCOPE).vt == vt
    assert ev(source) == value


def test_a_law_value_depends_on_no_answer() -> None:
    assert check("law('cutoff')", SCOPE).deps == frozenset()
    assert check("entry > law('cutoff')", SCOPE).deps == {"entry"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("law('asset_limt')", "unknown law value 'asset_limt' (law.yaml holds: asset_limit"),
        ("law(name)", "law() takes the id of a value in law.yaml in quotes"),
        ("law(1)", "law() takes the id of a value in law.yaml in quotes"),
        ("law(date('2025-03-31'))", "law() takes the id of a value in law.yaml in quotes"),
        ("law('asset' + 'limit')", "law() takes the id of a value in law.yaml in quotes"),
        ("law()", "'law' takes 1 argument(s): law('id')"),
        ("law('cutoff') + 1", "'+' needs a number, not a date"),
        ("entry > law('asset_limit')", "cannot compare a date with a number"),
        ("law('in_force') = 1", "cannot compare a yes/no with a number"),
    ],
)
def test_build_errors(source: str, message: str) -> None:
    with pytest.raises(ExprError) as info:
        check(source, SCOPE)
    assert message in str(info.value)


def test_a_scope_without_law_values_knows_none() -> None:
    bare = Scope(top={}, groups={})
    with pytest.raises(ExprError, match=r"unknown law value 'cutoff' \(law.yaml holds: none\)"):
        check("law('cutoff')", bare)


# ------------------------------------------------------------------ the model


def law(kind: str, value: object) -> LawValue:
    return LawValue.model_validate(
        {"id": "x", "type": kind, "value": value, "description": "d", "source": "s"}
    )


@pytest.mark.parametrize(
    ("kind", "value", "constant"),
    [
        ("number", 40000, Decimal(40000)),
        ("number", 30.436875, Decimal("30.436875")),
        ("number", "40000", Decimal(40000)),  # a plain YAML scalar the reader kept as text
        ("number", "-2.5", Decimal("-2.5")),
        ("money", 40000, Decimal(40000)),  # an amount of euros is a number to expressions
        ("money", "15000", Decimal(15000)),
        ("date", "2025-03-31", dt.date(2025, 3, 31)),
        ("text", "sozialamt", "sozialamt"),
        ("text", "40000", "40000"),
        ("bool", True, True),
        ("bool", "false", False),
    ],
)
def test_a_value_is_read_as_its_declared_type(kind: str, value: object, constant: object) -> None:
    assert law(kind, value).constant == constant


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("number", "forty", "a number value must be a number"),
        ("number", True, "a number value must be a number"),
        ("number", 10**16, "a number value must lie within"),
        ("date", "2025-02-30", "is not a date of the calendar"),
        ("date", "20250331", "write the date as YYYY-MM-DD"),
        ("date", 20250331, "a date value must be written as text"),
        ("bool", "yes", "a bool value is true or false"),
        ("bool", 1, "a bool value is true or false"),
        ("text", 12, "a text value must be written as text"),
        ("text", "x" * 301, "at most 300 characters"),
        ("money", "forty", "a money value must be a number"),
        ("amount", 5, "Input should be 'number', 'money', 'date', 'text' or 'bool'"),
    ],
)
def test_a_value_that_does_not_fit_its_type_is_refused(
    kind: str, value: object, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        law(kind, value)
    assert message in str(info.value)


def test_description_and_source_are_required() -> None:
    with pytest.raises(ValidationError) as info:
        LawValue.model_validate({"id": "x", "type": "bool", "value": True})
    missing = {err["loc"][0] for err in info.value.errors() if err["type"] == "missing"}
    assert missing == {"description", "source"}
