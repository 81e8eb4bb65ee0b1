"""The condition language under hostile input: too deep, too long, too large, and never a crash."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kiosk.definition.bounds import MAX_EXPRESSION_DEPTH, NUMBER_LIMIT
from kiosk.engine.expressions import VT, Env, ExprError, RefInfo, Scope, check
from tests.engine.bounded import within

TODAY = dt.date(2026, 11, 21)
SCOPE = Scope(
    top={
        "n": RefInfo(VT.NUMBER, "n"),
        "m": RefInfo(VT.NUMBER, "m"),
        "b": RefInfo(VT.BOOL, "b"),
        "t": RefInfo(VT.TEXT, "t"),
    },
    groups={},
)
BIG = Decimal(NUMBER_LIMIT)


def ev(source: str, **values: Any) -> Any:
    checked = check(source, SCOPE)
    return checked.fn(Env(top=dict(values), today=TODAY))


#: (expression, what the admin is told). Each used to end in a RecursionError
#: thousands of lines long, or is larger than any real condition.
REFUSED = [
    ("1" + " + 1" * 998, "3993 characters; at most 2000 are allowed"),  # 999 terms
    ("1" + "+1" * 998, "expression too deep"),  # 999 terms in 1,997 characters
    ("n" + "*n" * 600, "expression too deep"),
    ("-" * 500 + "1", "expression too deep"),
    ("not " * 300 + "b", "expression too deep"),
    ("b" + " and b" * 200, "expression too deep"),
    ("(" * 100 + "1" + ")" * 100, "expression too deep"),
    ("max(" * 70 + "1" + ", 1)" * 70, "expression too deep"),
    ("n in [" * 70 + "1" + "]" * 70, "expression too deep"),
    ("n" + " " * 2001, "at most 2000 are allowed"),
    ("n = 1000000000000000000000000000", "too large: at most 15 digits"),
    ("n = 0.12345678901", "more than 10 decimal places"),
]


@pytest.mark.parametrize(("source", "message"), REFUSED, ids=[s[:16] for s, _ in REFUSED])
def test_hostile_expression_is_a_build_error(source: str, message: str) -> None:
    with within(seconds=2, megabytes=100), pytest.raises(ExprError) as caught:
        check(source, SCOPE)
    assert message in str(caught.value)


#: Just within the limits: real conditions are far smaller, and still work.
ALLOWED = [
    ("1" + "+1" * (MAX_EXPRESSION_DEPTH - 2), Decimal(MAX_EXPRESSION_DEPTH - 1)),
    ("-" * (MAX_EXPRESSION_DEPTH - 2) + "1", Decimal(1)),
    ("(" * (MAX_EXPRESSION_DEPTH - 1) + "1" + ")" * (MAX_EXPRESSION_DEPTH - 1), Decimal(1)),
    ("n = 999999999999999", False),
    ("n = 0.1234567890", False),
    ("n = " + "0" * 30 + "7", True),  # leading zeros add no size
]


@pytest.mark.parametrize(("source", "expected"), ALLOWED, ids=[s[:16] for s, _ in ALLOWED])
def test_expressions_within_the_limits_evaluate(source: str, expected: Any) -> None:
    with within(seconds=2, megabytes=100):
        assert ev(source, n=Decimal(7)) == expected


#: (formula, values, result): arithmetic past the limit has no value, like 1 / 0,
#: instead of raising decimal.Overflow while a visitor types.
ARITHMETIC = [
    ("n * m", {"n": BIG, "m": BIG}, None),
    ("n * m * n * m", {"n": BIG, "m": BIG}, None),
    ("n + m", {"n": BIG, "m": Decimal(1)}, None),
    ("n - m", {"n": -BIG, "m": Decimal(1)}, None),
    ("n / m", {"n": BIG, "m": Decimal("0.001")}, None),
    ("n / m", {"n": Decimal(1), "m": Decimal(0)}, None),
    ("n + m", {"n": BIG - 1, "m": Decimal(1)}, BIG),
    ("n * m", {"n": Decimal(1000), "m": Decimal("12.5")}, Decimal("12500.0")),
    ("-n", {"n": BIG}, -BIG),
]


@pytest.mark.parametrize(("source", "values", "expected"), ARITHMETIC)
def test_arithmetic_never_raises(source: str, values: dict[str, Any], expected: Any) -> None:
    assert ev(source, **values) == expected


def test_a_deep_expression_that_passes_evaluates_within_the_recursion_limit() -> None:
    """The compiled closures nest once per level: the deepest allowed tree still runs
    when the caller already uses most of the stack."""
    source = "n" + "+n" * (MAX_EXPRESSION_DEPTH - 2)
    checked = check(source, SCOPE)

    def nested(depth: int) -> Any:
        if depth:
            return nested(depth - 1)
        return checked.fn(Env(top={"n": Decimal(1)}, today=TODAY))

    assert nested(700) == Decimal(MAX_EXPRESSION_DEPTH - 1)
