"""The checker handles every kind of node and every built-in function it knows of.

mypy proves the checker's ``match`` covers the union :data:`Expr`; these tests
prove the union covers every node class, and that the table of built-ins is
the one place a function's name, signature and arity come from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import get_args

import pytest

from kiosk.engine.expression_functions import BUILTINS
from kiosk.engine.expression_syntax import Expr, Node, parse
from kiosk.engine.expressions import VT, Env, ExprError, RefInfo, Scope, check

SCOPE = Scope(top={"n": RefInfo(VT.NUMBER, "n"), "b": RefInfo(VT.BOOL, "b")}, groups={})
ENV = Env(top={"n": Decimal(4), "b": True}, today=dt.date(2026, 11, 21))


def test_every_node_class_is_a_kind_of_expression() -> None:
    assert set(get_args(Expr)) == set(Node.__subclasses__())


#: one expression per kind of node: source, the kind at its root, its value
ONE_OF_EACH_KIND = [
    ("7", "Lit", Decimal(7)),
    ("n", "Ref", Decimal(4)),
    ("not b", "Not", False),
    ("-n", "Neg", Decimal(-4)),
    ("b or false", "Logic", True),
    ("n >= 4", "Compare", True),
    ("n in [1, 4]", "InList", True),
    ("n * 2", "Arith", Decimal(8)),
    ("max(n, 9)", "Call", Decimal(9)),
]


@pytest.mark.parametrize(("source", "kind", "value"), ONE_OF_EACH_KIND)
def test_each_kind_of_node_is_checked_and_evaluated(source: str, kind: str, value: object) -> None:
    assert type(parse(source)).__name__ == kind
    assert check(source, SCOPE).fn(ENV) == value


def test_the_examples_above_cover_every_kind() -> None:
    covered = {kind for _, kind, _ in ONE_OF_EACH_KIND}
    assert covered == {kind.__name__ for kind in get_args(Expr)}


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_each_builtin_is_named_by_its_signature_and_holds_to_its_arity(name: str) -> None:
    builtin = BUILTINS[name]
    assert builtin.signature.startswith(f"{name}(")
    wrong = ", ".join(["n"] * (builtin.arity + 1))
    with pytest.raises(ExprError) as info:
        check(f"{name}({wrong})", SCOPE)
    assert str(info.value) == f"'{name}' takes {builtin.arity} argument(s): {builtin.signature}"


def test_an_unknown_function_lists_every_builtin() -> None:
    with pytest.raises(ExprError) as info:
        check("median(n)", SCOPE)
    assert str(info.value).endswith("known functions: " + ", ".join(sorted(BUILTINS)))
