"""Expressions of the catalog as solver terms, with the engine's three-valued logic.

The syntax tree is the engine's own (:func:`kiosk.engine.expression_syntax.parse`);
the form compiler has already type-checked every expression, so each node here is
known to be well typed. Each node becomes a :class:`~kiosk.catalog.completability_terms.Val`
that is defined exactly when the engine's closure returns a value, and equal to
it then. What has no exact translation (a product or quotient of two answers, the
length of a text whose length is not tracked, a function added to the language
later) becomes an *oracle*: a fresh value the solver may choose freely. An oracle
can only make a form look easier to finish, never harder, and each one is noted so
that the report can say what was not checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import ClassVar, Protocol

import z3

from kiosk.catalog.completability_terms import (
    Encoding,
    ListVal,
    Term,
    Val,
    choose,
    constant,
    kleene_and,
    kleene_not,
    kleene_or,
    total,
    truth,
    within_limit,
)
from kiosk.engine.expression_syntax import (
    Arith,
    Call,
    Compare,
    Expr,
    InList,
    Lit,
    Logic,
    Neg,
    Not,
    Ref,
    parse,
)
from kiosk.engine.expression_types import VT

#: Named constants of the catalog that ``law('id')`` reads (``law.yaml``), by id.
LawValues = Mapping[str, object]


class Scope(Protocol):
    """Resolves the names of one expression site to terms of the state being encoded."""

    def ref(self, parts: tuple[str, ...]) -> Term: ...


def answered(term: Term) -> z3.BoolRef:
    """The engine's ``is_answered`` of a value: not None, not blank, not an empty list."""
    if isinstance(term, ListVal):
        return z3.Or([i.present for i in term.items] + list(term.rows))
    return term.defined


class Translator:
    """Translates one expression at a time for :class:`Encoding` *enc*."""

    def __init__(self, enc: Encoding, laws: LawValues | None = None) -> None:
        self.enc = enc
        self.laws: LawValues = laws or {}
        self.where = ""

    def condition(self, source: str, scope: Scope, where: str) -> Val:
        self.where = where
        term = self.visit(parse(source), scope)
        assert isinstance(term, Val)
        return term

    def visit(self, node: Expr, scope: Scope) -> Term:
        match node:
            case Lit():
                return constant(node.vt, node.value, self.enc.strings)
            case Ref():
                return scope.ref(node.parts)
            case Not():
                return kleene_not(self._scalar(node.operand, scope))
            case Logic():
                a, b = self._scalar(node.left, scope), self._scalar(node.right, scope)
                return kleene_and(a, b) if node.op == "and" else kleene_or(a, b)
            case Compare():
                return self._compare(node, scope)
            case InList():
                return self._in_list(node, scope)
            case Neg():
                a = self._scalar(node.operand, scope)
                return Val(VT.NUMBER, a.defined, -_arith(a))
            case Arith():
                return self._arith(node, scope)
            case Call():
                return self._call(node, scope)

    def _scalar(self, node: Expr, scope: Scope) -> Val:
        term = self.visit(node, scope)
        assert isinstance(term, Val), node
        return term

    def oracle(self, vt: VT, why: str) -> Val:
        """A value the solver chooses freely, for what has no exact translation."""
        self.enc.approximations.append(f"{self.where}: {why}")
        value: z3.ExprRef
        if vt is VT.BOOL:
            value = self.enc.fresh_bool("oracle")
        elif vt is VT.NUMBER:
            value = self.enc.fresh_real("oracle")
        else:
            value = self.enc.fresh_int("oracle")
        return Val(vt, self.enc.fresh_bool("oracle_defined"), value)

    # ----------------------------------------------------------------- operators
    def _compare(self, node: Compare, scope: Scope) -> Val:
        a, b = self._scalar(node.left, scope), self._scalar(node.right, scope)
        if a.value is None or b.value is None:
            return self.oracle(VT.BOOL, "a comparison of answers without a value")
        x, y = a.value, b.value
        ops: dict[str, Callable[[], z3.BoolRef]] = {
            "=": lambda: x == y,
            "!=": lambda: x != y,
            "<": lambda: x < y,
            "<=": lambda: x <= y,
            ">": lambda: x > y,
            ">=": lambda: x >= y,
        }
        return Val(VT.BOOL, z3.And(a.defined, b.defined), ops[node.op]())

    def _in_list(self, node: InList, scope: Scope) -> Val:
        a = self._scalar(node.left, scope)
        assert a.value is not None
        members = [self._scalar(item, scope).value == a.value for item in node.items]
        inside = z3.Or(members) if members else z3.BoolVal(False)
        return Val(VT.BOOL, a.defined, z3.Not(inside) if node.negate else inside)

    def _arith(self, node: Arith, scope: Scope) -> Val:
        a, b = self._scalar(node.left, scope), self._scalar(node.right, scope)
        x, y = _arith(a), _arith(b)
        defined = z3.And(a.defined, b.defined)
        if node.op == "+":
            result = x + y
        elif node.op == "-":
            result = x - y
        elif node.op == "*":
            if not (_is_constant(x) or _is_constant(y)):
                return self.oracle(VT.NUMBER, "a product of two answers (not linear)")
            result = x * y
        else:
            if not _is_constant(y):
                return self.oracle(VT.NUMBER, "a division by an answer (not linear)")
            divisor = z3.simplify(y)
            if z3.is_rational_value(divisor) and divisor.as_fraction() == 0:
                return Val(VT.NUMBER, z3.BoolVal(False), z3.RealVal(0))
            result = x / y
        return Val(VT.NUMBER, z3.And(defined, within_limit(result)), result)

    # ----------------------------------------------------------------- functions
    def _call(self, node: Call, scope: Scope) -> Term:
        name, args = node.name, node.args
        handler = self._FUNCTIONS.get(name)
        if handler is None:
            return self.oracle(VT.BOOL, f"the function {name}() is not known to the proof")
        return handler(self, args, scope)

    def _answered(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        return Val(VT.BOOL, z3.BoolVal(True), answered(self.visit(args[0], scope)))

    def _today(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        return Val(VT.DATE, z3.BoolVal(True), z3.IntVal(self.enc.today_ordinal))

    def _age(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        return self.enc.age(self._scalar(args[0], scope))

    def _days_between(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        a, b = self._scalar(args[0], scope), self._scalar(args[1], scope)
        days = z3.ToReal(b.value - a.value)  # type: ignore[operator]
        return Val(VT.NUMBER, z3.And(a.defined, b.defined), days)

    def _count(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        term = self.visit(args[0], scope)
        assert isinstance(term, ListVal)
        one, zero = z3.RealVal(1), z3.RealVal(0)
        if term.rows:
            counted = [z3.If(row, one, zero) for row in term.rows]
        elif isinstance(args[0], Ref) and len(args[0].parts) == 1:
            counted = [z3.If(i.present, one, zero) for i in term.items]
        else:  # group.child: the answered ones
            counted = [z3.If(z3.And(i.present, i.val.defined), one, zero) for i in term.items]
        return Val(VT.NUMBER, z3.BoolVal(True), total(counted))

    def _sum(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        term = self.visit(args[0], scope)
        assert isinstance(term, ListVal)
        parts = [
            z3.If(z3.And(i.present, i.val.defined), _arith(i.val), z3.RealVal(0))
            for i in term.items
        ]
        value = total(parts)
        return Val(VT.NUMBER, within_limit(value), value)

    def _len(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        text = self._scalar(args[0], scope)
        if text.length is None:
            return self.oracle(VT.NUMBER, "the length of a text whose length is not tracked")
        length = z3.ToReal(text.length)
        return Val(VT.NUMBER, z3.BoolVal(True), z3.If(text.defined, length, z3.RealVal(0)))

    def _contains(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        container = self.visit(args[0], scope)
        needle = self._scalar(args[1], scope)
        assert isinstance(container, ListVal) and needle.value is not None
        hits = [
            z3.And(i.present, i.val.defined, i.val.value == needle.value) for i in container.items
        ]
        return Val(VT.BOOL, needle.defined, z3.Or(hits) if hits else z3.BoolVal(False))

    def _min_max(self, args: tuple[Expr, ...], scope: Scope, smaller: bool) -> Term:
        a, b = self._scalar(args[0], scope), self._scalar(args[1], scope)
        x, y = a.value, b.value
        pick_a = x <= y if smaller else x >= y  # type: ignore[operator]
        return Val(a.vt, z3.And(a.defined, b.defined), z3.If(pick_a, x, y))

    def _min(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        return self._min_max(args, scope, smaller=True)

    def _max(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        return self._min_max(args, scope, smaller=False)

    def _if(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        condition = self._scalar(args[0], scope)
        a, b = self._scalar(args[1], scope), self._scalar(args[2], scope)
        return choose(truth(condition), a, b)

    def _date(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        literal = args[0]
        assert isinstance(literal, Lit)
        return constant(VT.DATE, dt.date.fromisoformat(literal.value), self.enc.strings)

    def _law(self, args: tuple[Expr, ...], scope: Scope) -> Term:
        literal = args[0]
        value = self.laws.get(literal.value) if isinstance(literal, Lit) else None
        if isinstance(value, bool):
            return constant(VT.BOOL, value, self.enc.strings)
        if isinstance(value, Decimal | int):
            return constant(VT.NUMBER, value, self.enc.strings)
        if isinstance(value, dt.date):
            return constant(VT.DATE, value, self.enc.strings)
        if isinstance(value, str):
            return constant(VT.TEXT, value, self.enc.strings)
        return self.oracle(VT.NUMBER, "a law() value the proof does not know")

    _FUNCTIONS: ClassVar[dict[str, Callable[[Translator, tuple[Expr, ...], Scope], Term]]] = {
        "answered": _answered,
        "today": _today,
        "age": _age,
        "days_between": _days_between,
        "count": _count,
        "sum": _sum,
        "len": _len,
        "contains": _contains,
        "min": _min,
        "max": _max,
        "if": _if,
        "date": _date,
        "law": _law,
    }


def _arith(v: Val) -> z3.ArithRef:
    assert v.value is not None
    return v.value


def _is_constant(x: z3.ArithRef) -> bool:
    return bool(z3.is_rational_value(z3.simplify(x)))


def referenced_names(source: str) -> set[tuple[str, ...]]:
    """Every name an expression reads, as written (``field`` or ``group.child``)."""
    out: set[tuple[str, ...]] = set()
    stack: list[Expr] = [parse(source)]
    while stack:
        node = stack.pop()
        match node:
            case Ref():
                out.add(node.parts)
            case Not() | Neg():
                stack.append(node.operand)
            case Logic() | Compare() | Arith():
                stack.extend((node.left, node.right))
            case InList():
                stack.append(node.left)
                stack.extend(node.items)
            case Call():
                stack.extend(node.args)
            case Lit():
                pass
    return out


def string_literals(source: str) -> set[str]:
    """The text literals of an expression, so the string table holds every one."""
    out: set[str] = set()
    stack: list[Expr] = [parse(source)]
    while stack:
        node = stack.pop()
        match node:
            case Lit():
                if node.vt is VT.TEXT:
                    out.add(str(node.value))
            case Not() | Neg():
                stack.append(node.operand)
            case Logic() | Compare() | Arith():
                stack.extend((node.left, node.right))
            case InList():
                stack.append(node.left)
                stack.extend(node.items)
            case Call():
                if node.name not in ("date", "law"):
                    stack.extend(node.args)
            case Ref():
                pass
    return out
