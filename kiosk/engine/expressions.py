"""The condition and formula language of the catalog.

Admins write ``visible_if``, ``required_if``, constraints, rules and computed
values as short expressions. They are parsed by a grammar (never ``eval``),
type-checked against the form when the catalog is built, and compiled into
plain Python closures so that a whole form can be re-evaluated on every
keystroke.

Unanswered values are ``None`` and follow three-valued (Kleene) logic: a
comparison with an unanswered field is *unknown*, ``unknown and false`` is
false, ``unknown or true`` is true. The engine treats an unknown
``visible_if``/``required_if`` as false and an unknown constraint as passed, so
a rule about two dates never complains while one of them is still empty.

This module checks and compiles; the grammar lives in
:mod:`kiosk.engine.expression_syntax`, the built-in functions in
:mod:`kiosk.engine.expression_functions`, the value types in
:mod:`kiosk.engine.expression_types`. Its names are the language's public face.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, assert_never

from kiosk.definition.bounds import arithmetic
from kiosk.engine.expression_functions import BUILTINS
from kiosk.engine.expression_syntax import (
    Arith,
    Call,
    Compare,
    Expr,
    ExprError,
    InList,
    Lit,
    Logic,
    Neg,
    Node,
    Not,
    Ref,
    parse,
)
from kiosk.engine.expression_types import (
    ELEMENT_OF,
    LIST_OF,
    SCALARS,
    VT,
    Checked,
    Env,
    is_answered,
)

__all__ = [
    "ELEMENT_OF",
    "LIST_OF",
    "SCALARS",
    "VT",
    "Checked",
    "Env",
    "Expr",
    "ExprError",
    "Node",
    "RefInfo",
    "Scope",
    "check",
    "is_answered",
    "parse",
]


@dataclass(frozen=True)
class RefInfo:
    """What a name in an expression points at, as the type checker needs it."""

    vt: VT
    key: str  # dependency key: "field" or "group.child"
    options: frozenset[str] | None = None
    in_item: bool = False  # a sibling inside the same repeat-group item


class Scope:
    """Resolves names for one expression site; built by the form compiler.

    *laws* are the catalog's named law values (``law.yaml``), id -> value as the
    language holds it (Decimal, date, text or bool); ``law('id')`` reads them.
    """

    def __init__(
        self,
        top: Mapping[str, RefInfo],
        groups: Mapping[str, Mapping[str, RefInfo]],
        item_group: str | None = None,
        laws: Mapping[str, Any] | None = None,
    ) -> None:
        self.top = top
        self.groups = groups
        self.item_group = item_group
        self.laws: Mapping[str, Any] = laws or {}

    def law(self, law_id: str) -> Any:
        """The value of the named law value *law_id*, or :class:`ExprError`."""
        if law_id not in self.laws:
            known = ", ".join(sorted(self.laws)[:12]) or "none"
            more = ", ..." if len(self.laws) > 12 else ""
            raise ExprError(f"unknown law value '{law_id}' (law.yaml holds: {known}{more})")
        return self.laws[law_id]

    def resolve(self, ref: Ref) -> RefInfo:
        if len(ref.parts) == 1:
            name = ref.parts[0]
            if self.item_group is not None and name in self.groups[self.item_group]:
                return self.groups[self.item_group][name]
            if name in self.top:
                return self.top[name]
            raise ExprError(f"unknown field '{name}'")
        group, child = ref.parts
        if group not in self.groups:
            if group in self.top:
                raise ExprError(f"'{group}' is not a repeat group, so '{ref.dotted}' is invalid")
            raise ExprError(f"unknown field '{group}'")
        info = self.groups[group].get(child)
        if info is None:
            raise ExprError(f"repeat group '{group}' has no field '{child}'")
        list_vt = LIST_OF.get(info.vt)
        if list_vt is None:
            raise ExprError(f"'{ref.dotted}' cannot be used in a formula ({info.vt.value})")
        return RefInfo(list_vt, key=group, options=info.options)


def check(source: str, scope: Scope, expect: VT | None = None) -> Checked:
    """Parse, type-check and compile *source*; raise :class:`ExprError` on any problem."""
    node = parse(source)
    result = _Checker(scope).visit(node)
    if expect is not None and result.vt != expect:
        raise ExprError(f"must be a {expect.value}, but this gives a {result.vt.value}")
    return result


def _kleene_not(v: Any) -> Any:
    return None if v is None else not v


class _Checker:
    """Type-checks a syntax tree against a :class:`Scope` and compiles it into closures;
    implements :class:`~kiosk.engine.expression_functions.Compiler` for the built-ins."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def visit(self, node: Expr) -> Checked:
        match node:
            case Lit():
                return self._lit(node)
            case Ref():
                return self._ref(node)
            case Not():
                return self._not(node)
            case Logic():
                return self._logic(node)
            case Compare():
                return self._compare(node)
            case InList():
                return self._inlist(node)
            case Neg():
                return self._neg(node)
            case Arith():
                return self._arith(node)
            case Call():
                return self._call(node)
            case _:
                assert_never(node)

    # -- leaves
    def _lit(self, node: Lit) -> Checked:
        value = node.value
        return Checked(node.vt, frozenset(), lambda env: value)

    def _ref(self, node: Ref) -> Checked:
        info = self.scope.resolve(node)
        deps = frozenset({info.key})
        if len(node.parts) == 2:
            group, child = node.parts

            def group_values(env: Env) -> list[Any]:
                items = env.top.get(group) or []
                return [it.get(child) for it in items]

            return Checked(info.vt, deps, group_values, info.options, deps)
        name = node.parts[0]
        if info.in_item:

            def item_value(env: Env) -> Any:
                return env.item.get(name) if env.item is not None else None

            return Checked(info.vt, deps, item_value, info.options, deps)

        def top_value(env: Env) -> Any:
            return env.top.get(name)

        return Checked(info.vt, deps, top_value, info.options, deps)

    # -- logic
    def _not(self, node: Not) -> Checked:
        inner = self.expect(node.operand, VT.BOOL, "'not'")
        f = inner.fn
        return Checked(VT.BOOL, inner.deps, lambda env: _kleene_not(f(env)))

    def _logic(self, node: Logic) -> Checked:
        a = self.expect(node.left, VT.BOOL, f"'{node.op}'")
        b = self.expect(node.right, VT.BOOL, f"'{node.op}'")
        fa, fb = a.fn, b.fn
        if node.op == "and":

            def and_(env: Env) -> Any:
                x = fa(env)
                if x is False:
                    return False
                y = fb(env)
                if y is False:
                    return False
                return None if x is None or y is None else True

            fn = and_
        else:

            def or_(env: Env) -> Any:
                x = fa(env)
                if x is True:
                    return True
                y = fb(env)
                if y is True:
                    return True
                return None if x is None or y is None else False

            fn = or_
        return Checked(VT.BOOL, a.deps | b.deps, fn)

    # -- comparisons
    def _compare(self, node: Compare) -> Checked:
        a, b = self.visit(node.left), self.visit(node.right)
        for side in (a, b):
            self._scalar(side, f"'{node.op}'")
        if a.vt != b.vt:
            raise ExprError(f"cannot compare a {a.vt.value} with a {b.vt.value}")
        if node.op in {"<", "<=", ">", ">="} and a.vt not in {VT.NUMBER, VT.DATE}:
            raise ExprError(f"'{node.op}' needs numbers or dates, not {a.vt.value}")
        self.check_option(a, node.right)
        self.check_option(b, node.left)
        fa, fb = a.fn, b.fn
        op = _COMPARATORS[node.op]

        def cmp(env: Env) -> Any:
            x, y = fa(env), fb(env)
            if x is None or y is None:
                return None
            return op(x, y)

        return Checked(VT.BOOL, a.deps | b.deps, cmp)

    def _inlist(self, node: InList) -> Checked:
        a = self.visit(node.left)
        self._scalar(a, "'in'")
        values = []
        for item in node.items:
            if not isinstance(item, Lit):
                raise ExprError("the list after 'in' may only hold fixed values")
            if item.vt != a.vt:
                raise ExprError(f"the list after 'in' holds a {item.vt.value}, not a {a.vt.value}")
            self.check_option(a, item)
            values.append(item.value)
        frozen = frozenset(values)
        fa, negate = a.fn, node.negate

        def isin(env: Env) -> Any:
            x = fa(env)
            if x is None:
                return None
            return (x in frozen) != negate

        return Checked(VT.BOOL, a.deps, isin)

    # -- arithmetic
    def _neg(self, node: Neg) -> Checked:
        a = self.expect(node.operand, VT.NUMBER, "'-'")
        f = a.fn
        return Checked(VT.NUMBER, a.deps, lambda env: None if (v := f(env)) is None else -v)

    def _arith(self, node: Arith) -> Checked:
        a = self.expect(node.left, VT.NUMBER, f"'{node.op}'")
        b = self.expect(node.right, VT.NUMBER, f"'{node.op}'")
        fa, fb, op = a.fn, b.fn, node.op

        def arith(env: Env) -> Any:
            return arithmetic(op, fa(env), fb(env))

        return Checked(VT.NUMBER, a.deps | b.deps, arith)

    # -- functions
    def _call(self, node: Call) -> Checked:
        name, args = node.name, node.args
        builtin = BUILTINS.get(name)
        if builtin is None:
            known = ", ".join(sorted(BUILTINS))
            raise ExprError(f"unknown function '{name}'; known functions: {known}")
        if len(args) != builtin.arity:
            raise ExprError(f"'{name}' takes {builtin.arity} argument(s): {builtin.signature}")
        return builtin.compile(self, args)

    # -- helpers, also used by the built-in functions
    def expect(self, node: Expr, vt: VT, where: str) -> Checked:
        c = self.visit(node)
        if c.vt != vt:
            raise ExprError(f"{where} needs a {vt.value}, not a {c.vt.value}")
        return c

    def law_value(self, law_id: str) -> Any:
        return self.scope.law(law_id)

    def check_option(self, c: Checked, other: Expr) -> None:
        if c.options is None or not isinstance(other, Lit) or other.vt != VT.TEXT:
            return
        if other.value not in c.options:
            shown = ", ".join(sorted(c.options)[:12])
            more = ", ..." if len(c.options) > 12 else ""
            raise ExprError(f"'{other.value}' is not an option of this field ({shown}{more})")

    @staticmethod
    def _scalar(c: Checked, where: str) -> None:
        if c.vt in ELEMENT_OF or c.vt == VT.GROUP:
            raise ExprError(
                f"{where} cannot use a {c.vt.value} directly; use count(), sum() or contains()"
            )
        if c.vt == VT.OPAQUE:
            raise ExprError(f"{where} cannot compare this kind of answer; use answered()")


_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda x, y: bool(x == y),
    "!=": lambda x, y: bool(x != y),
    "<": lambda x, y: bool(x < y),
    "<=": lambda x, y: bool(x <= y),
    ">": lambda x, y: bool(x > y),
    ">=": lambda x, y: bool(x >= y),
}
