"""The simulated visitor's answers: one way to draw an answer for every declared field
type, and every drawn answer one the engine accepts."""

from __future__ import annotations

import datetime as dt
import inspect
import random
from typing import Any, get_args

import pytest

from kiosk.definition.model import Consent, FieldType, FormField, Option
from kiosk.engine.compiler import field_options
from kiosk.engine.field_types import build_checker
from kiosk.simulation.answers import ANSWER_FOR_TYPE, AnswerMaker
from tests.engine.test_field_types import assert_covers_declared_types

TODAY = dt.date(2026, 11, 21)


def test_every_declared_type_has_exactly_one_way_to_draw_an_answer() -> None:
    assert_covers_declared_types(ANSWER_FOR_TYPE)


def _field(type_: str, **extra: Any) -> FormField:
    if type_ in {"choice", "multi_choice"}:
        extra["options"] = [Option(value=v, label=v.upper()) for v in ("a", "b", "c", "d")]
    if type_ == "consent":
        extra["consent"] = Consent(text="Ich stimme zu.", version="1")
    if type_ == "group":
        extra["fields"] = [FormField(id="child", type="text", label="Kind")]
    return FormField(id="f", type=type_, label="Frage", **extra)


FIELDS = [_field(t) for t in get_args(FieldType)] + [
    _field("address", foreign=True),
    _field("text", pattern="^[A-Z]{2}[0-9]{4}$"),
    _field("money", min=10, max=20),
]


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.type)
@pytest.mark.parametrize("seed", range(5))
def test_a_field_gets_an_answer_its_check_accepts_within_the_rounds_of_a_fill(
    f: FormField, seed: int
) -> None:
    """The simulation draws again what the engine refuses (an IBAN's account number often
    misses its bank's check digit), so the rounds of one fill must be enough for every type."""
    options = field_options(f, {})
    maker, checker = AnswerMaker(random.Random(seed)), build_checker(f, options)
    rounds = inspect.signature(AnswerMaker.fill).parameters["rounds"].default
    results = [checker.check(maker.value(f, options, TODAY), TODAY) for _ in range(rounds)]
    accepted = [value for value, problem in results if problem is None]
    assert accepted, results
    if f.holds_answer and not f.is_group:
        assert None not in accepted
