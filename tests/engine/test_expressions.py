"""The condition language: every operator, every function, unknowns, and build errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

import pytest

from kiosk.engine.expressions import VT, Env, ExprError, RefInfo, Scope, check, parse

TODAY = dt.date(2026, 11, 21)

SCOPE = Scope(
    top={
        "n": RefInfo(VT.NUMBER, "n"),
        "m": RefInfo(VT.NUMBER, "m"),
        "t": RefInfo(VT.TEXT, "t"),
        "d": RefInfo(VT.DATE, "d"),
        "e": RefInfo(VT.DATE, "e"),
        "b": RefInfo(VT.BOOL, "b"),
        "c": RefInfo(VT.BOOL, "c"),
        "status": RefInfo(VT.TEXT, "status", frozenset({"asyl", "eu"})),
        "langs": RefInfo(VT.TEXT_LIST, "langs", frozenset({"de", "ar", "uk"})),
        "addr": RefInfo(VT.OPAQUE, "addr"),
        "kids": RefInfo(VT.GROUP, "kids"),
        "android": RefInfo(VT.NUMBER, "android"),
    },
    groups={
        "kids": {
            "age": RefInfo(VT.NUMBER, "kids.age", in_item=True),
            "name": RefInfo(VT.TEXT, "kids.name", in_item=True),
            "school": RefInfo(VT.TEXT, "kids.school", frozenset({"yes", "no"}), in_item=True),
        }
    },
)

VALUES: dict[str, Any] = {
    "n": Decimal(5),
    "m": Decimal(2),
    "t": "Hallo",
    "d": dt.date(2000, 11, 22),
    "e": dt.date(2000, 12, 1),
    "b": True,
    "c": False,
    "status": "asyl",
    "langs": ["de", "ar"],
    "addr": {"street": "A"},
    "kids": [
        {"age": Decimal(3), "name": "A", "school": "no"},
        {"age": Decimal(7), "name": None, "school": "yes"},
    ],
    "android": Decimal(1),
}


def ev(
    source: str,
    values: dict[str, Any] | None = None,
    item: dict[str, Any] | None = None,
    scope: Scope = SCOPE,
) -> Any:
    checked = check(source, scope)
    return checked.fn(Env(top=dict(VALUES if values is None else values), today=TODAY, item=item))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("n = 5", True),
        ("n == 5", True),
        ("n != 5", False),
        ("n < 6", True),
        ("n <= 5", True),
        ("n > 5", False),
        ("n >= 5", True),
        ("t = 'Hallo'", True),
        ('t = "Hallo"', True),
        ("b and c", False),
        ("b or c", True),
        ("not c", True),
        ("not (b and c)", True),
        ("status in ['asyl', 'eu']", True),
        ("status not in ['asyl']", False),
        ("n + m = 7", True),
        ("n - m = 3", True),
        ("n * m = 10", True),
        ("n / m = 2.5", True),
        ("-n = 0 - 5", True),
        ("n + m * 2 = 9", True),
        ("(n + m) * 2 = 14", True),
        ("d < e", True),
        ("d = date('2000-11-22')", True),
        ("true", True),
        ("false", False),
        ("b = true", True),
        ("android = 1", True),
    ],
)
def test_operators(source: str, expected: bool) -> None:
    assert ev(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("answered(t)", True),
        ("answered(addr)", True),
        ("answered(kids)", True),
        ("today()", TODAY),
        ("age(d)", Decimal(25)),
        ("age(e)", Decimal(25)),
        ("days_between(d, e)", Decimal(9)),
        ("count(kids)", Decimal(2)),
        ("count(langs)", Decimal(2)),
        ("count(kids.name)", Decimal(1)),
        ("sum(kids.age)", Decimal(10)),
        ("len(t)", Decimal(5)),
        ("contains(langs, 'ar')", True),
        ("contains(langs, 'uk')", False),
        ("contains(kids.school, 'yes')", True),
        ("min(n, m)", Decimal(2)),
        ("max(n, m)", Decimal(5)),
        ("min(d, e)", dt.date(2000, 11, 22)),
        ("if(b, n, m)", Decimal(5)),
        ("if(c, n, m)", Decimal(2)),
        ("date('2024-02-29')", dt.date(2024, 2, 29)),
    ],
)
def test_functions(source: str, expected: Any) -> None:
    assert ev(source) == expected


def test_age_counts_full_years_only() -> None:
    assert ev("age(d)", {"d": dt.date(2008, 11, 22)}) == Decimal(17)  # birthday tomorrow
    assert ev("age(d)", {"d": dt.date(2008, 11, 21)}) == Decimal(18)


def test_item_scope_prefers_the_sibling_in_the_same_item() -> None:
    scope = Scope(SCOPE.top, SCOPE.groups, item_group="kids")
    assert ev("age >= 6", item={"age": Decimal(7)}, scope=scope) is True
    assert ev("age >= 6 and n = 5", item={"age": Decimal(3)}, scope=scope) is False


class TestUnanswered:
    """Kleene logic: unknown stays unknown unless the other side decides."""

    EMPTY: ClassVar[dict[str, Any]] = {}

    @pytest.mark.parametrize(
        ("source", "expected"),
        [
            ("n = 5", None),
            ("n != 5", None),
            ("n > 1", None),
            ("not (n = 5)", None),
            ("n = 5 and false", False),
            ("false and n = 5", False),
            ("n = 5 and true", None),
            ("n = 5 or true", True),
            ("n = 5 or false", None),
            ("status in ['asyl']", None),
            ("answered(n)", False),
            ("answered(kids)", False),
            ("count(kids)", Decimal(0)),
            ("sum(kids.age)", Decimal(0)),
            ("n + 1", None),
            ("len(t)", Decimal(0)),
            ("contains(langs, 'de')", False),
            ("age(d)", None),
            ("if(b, 1, 2)", Decimal(2)),
        ],
    )
    def test_unknown(self, source: str, expected: Any) -> None:
        assert (
            ev(source, self.EMPTY) == expected
            if expected is not None
            else ev(source, self.EMPTY) is None
        )

    def test_blank_text_is_unanswered(self) -> None:
        assert ev("answered(t)", {"t": "   "}) is False

    def test_division_by_zero_has_no_value(self) -> None:
        assert ev("n / m", {"n": Decimal(1), "m": Decimal(0)}) is None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("n = ", "ends too early"),
        ("n = = 1", "unexpected '='"),
        ("n @ 1", "unexpected character '@'"),
        ("'open", "unexpected character"),
        ("ghost = 1", "unknown field 'ghost'"),
        ("kids.ghost = 1", "repeat group 'kids' has no field 'ghost'"),
        ("n.x = 1", "'n' is not a repeat group"),
        ("t > 1", "cannot compare a text with a number"),
        ("t < 'a'", "'<' needs numbers or dates"),
        ("b and n", "'and' needs a yes/no, not a number"),
        ("not n", "'not' needs a yes/no"),
        ("n + t", "'+' needs a number, not a text"),
        ("-t", "'-' needs a number"),
        ("status = 'asylum'", "'asylum' is not an option of this field (asyl, eu)"),
        ("status in ['eu', 'x']", "'x' is not an option"),
        ("contains(langs, 'fr')", "'fr' is not an option"),
        ("status in [n]", "may only hold fixed values"),
        ("status in [1]", "holds a number, not a text"),
        ("kids = 1", "use count(), sum() or contains()"),
        ("kids.age > 1", "use count(), sum() or contains()"),
        ("addr = 'x'", "use answered()"),
        ("answered(1)", "takes a field name"),
        ("answered(kids.age)", "not a list"),
        ("age(t)", "age() needs a date"),
        ("count(n)", "count() needs a repeat group or a list"),
        ("sum(kids.name)", "sum() needs the numbers"),
        ("contains(t, 'a')", "contains() needs a list first"),
        ("contains(langs, 1)", "looks for a text here, not a number"),
        ("min(n, d)", "min() needs two numbers or two dates"),
        ("if(b, n, t)", "both must be the same"),
        ("date(t)", "takes a fixed date in quotes"),
        ("date('2024-02-30')", "not a valid date"),
        ("today(1)", "'today' takes 0 argument(s)"),
        ("age(d, e)", "'age' takes 1 argument(s)"),
        ("shout(t)", "unknown function 'shout'"),
        ("len(t) + 1", None),
    ],
)
def test_build_errors(source: str, message: str | None) -> None:
    if message is None:
        assert check(source, SCOPE).vt == VT.NUMBER
        return
    with pytest.raises(ExprError, match=None) as info:
        check(source, SCOPE)
    assert message in str(info.value)


def test_expected_type_is_enforced() -> None:
    with pytest.raises(ExprError, match="must be a yes/no, but this gives a number"):
        check("n + 1", SCOPE, VT.BOOL)


def test_dependencies_are_collected() -> None:
    checked = check("n > 1 and contains(kids.school, 'yes') and age(d) > 3", SCOPE)
    assert checked.deps == {"n", "kids", "d", "@today"}


def test_no_python_evaluation() -> None:
    for hostile in ["__import__('os')", "n.__class__", "().__class__", "exec('1')", "lambda: 1"]:
        with pytest.raises(ExprError):
            check(hostile, SCOPE)


def test_parse_is_cached_and_pure() -> None:
    assert parse("n = 1") is parse("n = 1")
