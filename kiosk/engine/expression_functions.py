"""The built-in functions of the expression language, in one table.

Each function is checked and compiled by a function of its own, registered in
:data:`BUILTINS` with the signature admins see in error messages. The table is
the only place a name is looked up, so a function is either in it or unknown,
never missing at run time. The arguments are compiled through the checker
(:class:`Compiler`), which stays in :mod:`kiosk.engine.expressions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from kiosk.definition.bounds import bounded
from kiosk.engine.expression_syntax import Expr, ExprError, Lit, Ref
from kiosk.engine.expression_types import ELEMENT_OF, VT, Checked, Env, is_answered


class Compiler(Protocol):
    """What a built-in function needs from the checker to compile its arguments."""

    def visit(self, node: Expr) -> Checked: ...

    def expect(self, node: Expr, vt: VT, where: str) -> Checked: ...

    def check_option(self, c: Checked, other: Expr) -> None: ...

    def law_value(self, law_id: str) -> Any: ...


Args = Sequence[Expr]


@dataclass(frozen=True)
class Builtin:
    """One function: how admins write it, and how a call of it is checked and compiled."""

    signature: str
    compile: Callable[[Compiler, Args], Checked]

    @property
    def arity(self) -> int:
        return self.signature.count(",") + 1 if "()" not in self.signature else 0


def _answered(c: Compiler, args: Args) -> Checked:
    (arg,) = args
    if not isinstance(arg, Ref):
        raise ExprError("answered() takes a field name")
    if len(arg.parts) == 2:
        raise ExprError("answered() takes a field, not a list; use count() or contains()")
    a = c.visit(arg)
    f = a.fn
    return Checked(VT.BOOL, a.deps, lambda env: is_answered(f(env)))


def _today(c: Compiler, args: Args) -> Checked:
    return Checked(VT.DATE, frozenset({"@today"}), lambda env: env.today)


def _age(c: Compiler, args: Args) -> Checked:
    a = c.expect(args[0], VT.DATE, "age()")
    f = a.fn

    def age(env: Env) -> Any:
        born = f(env)
        if born is None:
            return None
        t = env.today
        return Decimal(t.year - born.year - ((t.month, t.day) < (born.month, born.day)))

    return Checked(VT.NUMBER, a.deps | {"@today"}, age)


def _days_between(c: Compiler, args: Args) -> Checked:
    a = c.expect(args[0], VT.DATE, "days_between()")
    b = c.expect(args[1], VT.DATE, "days_between()")
    fa, fb = a.fn, b.fn

    def days(env: Env) -> Any:
        x, y = fa(env), fb(env)
        return None if x is None or y is None else Decimal((y - x).days)

    return Checked(VT.NUMBER, a.deps | b.deps, days)


def _count(c: Compiler, args: Args) -> Checked:
    a = c.visit(args[0])
    if a.vt != VT.GROUP and a.vt not in ELEMENT_OF:
        raise ExprError(f"count() needs a repeat group or a list, not a {a.vt.value}")
    f = a.fn
    if a.vt == VT.GROUP or (
        a.vt == VT.TEXT_LIST and isinstance(args[0], Ref) and len(args[0].parts) == 1
    ):
        return Checked(VT.NUMBER, a.deps, lambda env: Decimal(len(f(env) or ())))
    # group.child: count the answered ones
    return Checked(
        VT.NUMBER,
        a.deps,
        lambda env: Decimal(sum(1 for v in f(env) or () if is_answered(v))),
    )


def _sum(c: Compiler, args: Args) -> Checked:
    a = c.visit(args[0])
    if a.vt != VT.NUMBER_LIST:
        raise ExprError(f"sum() needs the numbers of a repeat group, not a {a.vt.value}")
    f = a.fn
    return Checked(
        VT.NUMBER,
        a.deps,
        lambda env: bounded(sum((v for v in f(env) or () if v is not None), Decimal(0))),
    )


def _len(c: Compiler, args: Args) -> Checked:
    a = c.expect(args[0], VT.TEXT, "len()")
    f = a.fn
    return Checked(VT.NUMBER, a.deps, lambda env: Decimal(len(f(env) or "")))


def _contains(c: Compiler, args: Args) -> Checked:
    a, b = c.visit(args[0]), c.visit(args[1])
    elem = ELEMENT_OF.get(a.vt)
    if elem is None:
        raise ExprError(f"contains() needs a list first, not a {a.vt.value}")
    if b.vt != elem:
        raise ExprError(f"contains() looks for a {elem.value} here, not a {b.vt.value}")
    c.check_option(a, args[1])
    fa, fb = a.fn, b.fn

    def contains(env: Env) -> Any:
        needle = fb(env)
        if needle is None:
            return None
        return needle in (fa(env) or ())

    return Checked(VT.BOOL, a.deps | b.deps, contains)


def _minmax(c: Compiler, args: Args, pick: Callable[[Any, Any], Any], name: str) -> Checked:
    a, b = c.visit(args[0]), c.visit(args[1])
    if a.vt != b.vt or a.vt not in {VT.NUMBER, VT.DATE}:
        raise ExprError(f"{name}() needs two numbers or two dates")
    fa, fb = a.fn, b.fn

    def minmax(env: Env) -> Any:
        x, y = fa(env), fb(env)
        return None if x is None or y is None else pick(x, y)

    return Checked(a.vt, a.deps | b.deps, minmax)


def _min(c: Compiler, args: Args) -> Checked:
    return _minmax(c, args, min, "min")


def _max(c: Compiler, args: Args) -> Checked:
    return _minmax(c, args, max, "max")


def _if(c: Compiler, args: Args) -> Checked:
    cond = c.expect(args[0], VT.BOOL, "if()")
    a, b = c.visit(args[1]), c.visit(args[2])
    if a.vt != b.vt:
        raise ExprError(f"if() gives a {a.vt.value} or a {b.vt.value}; both must be the same")
    fc, fa, fb = cond.fn, a.fn, b.fn
    return Checked(
        a.vt, cond.deps | a.deps | b.deps, lambda env: fa(env) if fc(env) is True else fb(env)
    )


def _date(c: Compiler, args: Args) -> Checked:
    (arg,) = args
    if not (isinstance(arg, Lit) and arg.vt == VT.TEXT):
        raise ExprError("date() takes a fixed date in quotes, e.g. date('2024-01-31')")
    try:
        value = dt.date.fromisoformat(arg.value)
    except ValueError:
        raise ExprError(f"date({arg.value!r}) is not a valid date (YYYY-MM-DD)") from None
    return Checked(VT.DATE, frozenset(), lambda env: value)


def _law_type(value: Any) -> VT:
    """The language's type of a named law value (bool before number: True is an int)."""
    if isinstance(value, bool):
        return VT.BOOL
    if isinstance(value, Decimal):
        return VT.NUMBER
    if isinstance(value, dt.date):
        return VT.DATE
    return VT.TEXT


def _law(c: Compiler, args: Args) -> Checked:
    """A value of ``law.yaml``; fixed when the catalog is built, so it depends on nothing."""
    (arg,) = args
    if not (isinstance(arg, Lit) and arg.vt == VT.TEXT):
        raise ExprError(
            "law() takes the id of a value in law.yaml in quotes, e.g. law('asset_limit')"
        )
    value = c.law_value(arg.value)
    return Checked(_law_type(value), frozenset(), lambda env: value)


BUILTINS: dict[str, Builtin] = {
    "answered": Builtin("answered(field)", _answered),
    "today": Builtin("today()", _today),
    "age": Builtin("age(date)", _age),
    "days_between": Builtin("days_between(date, date)", _days_between),
    "count": Builtin("count(group or list)", _count),
    "sum": Builtin("sum(group.number_field)", _sum),
    "len": Builtin("len(text)", _len),
    "contains": Builtin("contains(list, value)", _contains),
    "min": Builtin("min(a, b)", _min),
    "max": Builtin("max(a, b)", _max),
    "if": Builtin("if(condition, a, b)", _if),
    "date": Builtin("date('YYYY-MM-DD')", _date),
    "law": Builtin("law('id')", _law),
}
