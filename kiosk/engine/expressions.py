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
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from kiosk.definition.bounds import arithmetic, bounded, source_problem, tree_problem

_GRAMMAR = r"""
?start: or_

?or_: and_
    | or_ "or" and_          -> or_op
?and_: not_
    | and_ "and" not_        -> and_op
?not_: cmp
    | "not" not_             -> not_op
?cmp: sum
    | sum CMP sum            -> compare
    | sum "in" item_list          -> in_op
    | sum "not" "in" item_list    -> not_in_op
?sum: product
    | sum ADD product        -> arith
?product: unary
    | product MUL unary      -> arith
?unary: atom
    | "-" unary              -> neg
?atom: NUMBER                -> number
    | STRING                 -> string
    | "true"                 -> true
    | "false"                -> false
    | NAME "(" [args] ")"    -> call
    | NAME ("." NAME)?       -> ref
    | "(" or_ ")"
args: or_ ("," or_)*
item_list: "[" [args] "]"

CMP: "<=" | ">=" | "!=" | "==" | "=" | "<" | ">"
ADD: "+" | "-"
MUL: "*" | "/"
NAME: /[a-z_][a-z0-9_]*/
STRING: /'[^'\n]*'/ | /"[^"\n]*"/
NUMBER: /\d+(\.\d+)?/
%ignore /[ \t\r\n]+/
"""


class ExprError(ValueError):
    """A problem in an expression, reported to the admin at build time."""


class VT(enum.Enum):
    """Value types of the expression language."""

    BOOL = "yes/no"
    NUMBER = "number"
    TEXT = "text"
    DATE = "date"
    GROUP = "repeat group"
    OPAQUE = "answer"  # address, signature, attachment: only answered() applies
    TEXT_LIST = "list of texts"
    NUMBER_LIST = "list of numbers"
    DATE_LIST = "list of dates"
    BOOL_LIST = "list of yes/no"


LIST_OF: dict[VT, VT] = {
    VT.TEXT: VT.TEXT_LIST,
    VT.NUMBER: VT.NUMBER_LIST,
    VT.DATE: VT.DATE_LIST,
    VT.BOOL: VT.BOOL_LIST,
}
ELEMENT_OF: dict[VT, VT] = {v: k for k, v in LIST_OF.items()}
SCALARS = frozenset({VT.BOOL, VT.NUMBER, VT.TEXT, VT.DATE})


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Node:
    pass


@dataclass(frozen=True)
class Lit(Node):
    value: Any
    vt: VT


@dataclass(frozen=True)
class Ref(Node):
    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True)
class Logic(Node):
    op: str  # "and" | "or"
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class InList(Node):
    left: Node
    items: tuple[Node, ...]
    negate: bool


@dataclass(frozen=True)
class Arith(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@v_args(inline=True)
class _ToAst(Transformer[Token, Node]):
    def number(self, tok: Token) -> Node:
        return Lit(Decimal(str(tok)), VT.NUMBER)

    def string(self, tok: Token) -> Node:
        return Lit(str(tok)[1:-1], VT.TEXT)

    def true(self) -> Node:
        return Lit(True, VT.BOOL)

    def false(self) -> Node:
        return Lit(False, VT.BOOL)

    def ref(self, *names: Token) -> Node:
        return Ref(tuple(str(n) for n in names))

    def call(self, name: Token, args: list[Node] | None) -> Node:
        return Call(str(name), tuple(args or ()))

    def args(self, *items: Node) -> list[Node]:
        return list(items)

    def item_list(self, args: list[Node] | None) -> list[Node]:
        return list(args or ())

    def or_op(self, a: Node, b: Node) -> Node:
        return Logic("or", a, b)

    def and_op(self, a: Node, b: Node) -> Node:
        return Logic("and", a, b)

    def not_op(self, a: Node) -> Node:
        return Not(a)

    def neg(self, a: Node) -> Node:
        return Neg(a)

    def compare(self, a: Node, op: Token, b: Node) -> Node:
        return Compare("=" if str(op) == "==" else str(op), a, b)

    def in_op(self, a: Node, items: list[Node]) -> Node:
        return InList(a, tuple(items), negate=False)

    def not_in_op(self, a: Node, items: list[Node]) -> Node:
        return InList(a, tuple(items), negate=True)

    def arith(self, a: Node, op: Token, b: Node) -> Node:
        return Arith(str(op), a, b)


_PARSER = Lark(_GRAMMAR, parser="lalr", maybe_placeholders=True)


@lru_cache(maxsize=4096)
def parse(source: str) -> Node:
    """Parse an expression; raise :class:`ExprError` with the column on bad syntax.

    Length, nesting and numbers are bounded (:mod:`kiosk.definition.bounds`) before the
    tree is walked, so every later walk, and evaluation, stays shallow.
    """
    problem = source_problem(source)
    if problem is not None:
        raise ExprError(problem)
    try:
        tree = _PARSER.parse(source)
    except UnexpectedEOF:
        raise ExprError("the expression ends too early") from None
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream if exc.pos_in_stream is not None else exc.column - 1
        raise ExprError(f"unexpected character {source[pos]!r} at column {exc.column}") from None
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            raise ExprError("the expression ends too early") from None
        raise ExprError(f"unexpected {str(exc.token)!r} at column {exc.column}") from None
    except UnexpectedInput as exc:  # pragma: no cover - remaining lark variants
        raise ExprError(f"syntax error at column {exc.column}") from None
    problem = tree_problem(tree)
    if problem is not None:
        raise ExprError(problem)
    node = _ToAst().transform(tree)
    assert isinstance(node, Node)
    return node


# ----------------------------------------------------------------- type checking


@dataclass(frozen=True)
class RefInfo:
    """What a name in an expression points at, as the type checker needs it."""

    vt: VT
    key: str  # dependency key: "field" or "group.child"
    options: frozenset[str] | None = None
    in_item: bool = False  # a sibling inside the same repeat-group item


class Scope:
    """Resolves names for one expression site; built by the form compiler."""

    def __init__(
        self,
        top: Mapping[str, RefInfo],
        groups: Mapping[str, Mapping[str, RefInfo]],
        item_group: str | None = None,
    ) -> None:
        self.top = top
        self.groups = groups
        self.item_group = item_group

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


@dataclass
class Checked:
    """Result of checking one expression."""

    vt: VT
    deps: frozenset[str]
    fn: Callable[[Env], Any]
    options: frozenset[str] | None = None
    refs: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Env:
    """Values visible to an expression while a form is evaluated."""

    top: dict[str, Any]
    today: dt.date
    item: dict[str, Any] | None = None


_FUNCS: dict[str, str] = {
    "answered": "answered(field)",
    "today": "today()",
    "age": "age(date)",
    "days_between": "days_between(date, date)",
    "count": "count(group or list)",
    "sum": "sum(group.number_field)",
    "len": "len(text)",
    "contains": "contains(list, value)",
    "min": "min(a, b)",
    "max": "max(a, b)",
    "if": "if(condition, a, b)",
    "date": "date('YYYY-MM-DD')",
}


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
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def visit(self, node: Node) -> Checked:
        method = getattr(self, "_" + type(node).__name__.lower())
        result: Checked = method(node)
        return result

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
        inner = self._expect(node.operand, VT.BOOL, "'not'")
        f = inner.fn
        return Checked(VT.BOOL, inner.deps, lambda env: _kleene_not(f(env)))

    def _logic(self, node: Logic) -> Checked:
        a = self._expect(node.left, VT.BOOL, f"'{node.op}'")
        b = self._expect(node.right, VT.BOOL, f"'{node.op}'")
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
        self._check_option(a, node.right)
        self._check_option(b, node.left)
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
            self._check_option(a, item)
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
        a = self._expect(node.operand, VT.NUMBER, "'-'")
        f = a.fn
        return Checked(VT.NUMBER, a.deps, lambda env: None if (v := f(env)) is None else -v)

    def _arith(self, node: Arith) -> Checked:
        a = self._expect(node.left, VT.NUMBER, f"'{node.op}'")
        b = self._expect(node.right, VT.NUMBER, f"'{node.op}'")
        fa, fb, op = a.fn, b.fn, node.op

        def arith(env: Env) -> Any:
            return arithmetic(op, fa(env), fb(env))

        return Checked(VT.NUMBER, a.deps | b.deps, arith)

    # -- functions
    def _call(self, node: Call) -> Checked:
        name, args = node.name, node.args
        if name not in _FUNCS:
            known = ", ".join(sorted(_FUNCS))
            raise ExprError(f"unknown function '{name}'; known functions: {known}")
        handler = getattr(self, f"_fn_{name}")
        arity = _FUNCS[name].count(",") + 1 if "()" not in _FUNCS[name] else 0
        if len(args) != arity:
            raise ExprError(f"'{name}' takes {arity} argument(s): {_FUNCS[name]}")
        result: Checked = handler(args)
        return result

    def _fn_answered(self, args: Sequence[Node]) -> Checked:
        (arg,) = args
        if not isinstance(arg, Ref):
            raise ExprError("answered() takes a field name")
        if len(arg.parts) == 2:
            raise ExprError("answered() takes a field, not a list; use count() or contains()")
        a = self.visit(arg)
        f = a.fn
        return Checked(VT.BOOL, a.deps, lambda env: is_answered(f(env)))

    def _fn_today(self, args: Sequence[Node]) -> Checked:
        return Checked(VT.DATE, frozenset({"@today"}), lambda env: env.today)

    def _fn_age(self, args: Sequence[Node]) -> Checked:
        a = self._expect(args[0], VT.DATE, "age()")
        f = a.fn

        def age(env: Env) -> Any:
            born = f(env)
            if born is None:
                return None
            t = env.today
            return Decimal(t.year - born.year - ((t.month, t.day) < (born.month, born.day)))

        return Checked(VT.NUMBER, a.deps | {"@today"}, age)

    def _fn_days_between(self, args: Sequence[Node]) -> Checked:
        a = self._expect(args[0], VT.DATE, "days_between()")
        b = self._expect(args[1], VT.DATE, "days_between()")
        fa, fb = a.fn, b.fn

        def days(env: Env) -> Any:
            x, y = fa(env), fb(env)
            return None if x is None or y is None else Decimal((y - x).days)

        return Checked(VT.NUMBER, a.deps | b.deps, days)

    def _fn_count(self, args: Sequence[Node]) -> Checked:
        a = self.visit(args[0])
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

    def _fn_sum(self, args: Sequence[Node]) -> Checked:
        a = self.visit(args[0])
        if a.vt != VT.NUMBER_LIST:
            raise ExprError(f"sum() needs the numbers of a repeat group, not a {a.vt.value}")
        f = a.fn
        return Checked(
            VT.NUMBER,
            a.deps,
            lambda env: bounded(sum((v for v in f(env) or () if v is not None), Decimal(0))),
        )

    def _fn_len(self, args: Sequence[Node]) -> Checked:
        a = self._expect(args[0], VT.TEXT, "len()")
        f = a.fn
        return Checked(VT.NUMBER, a.deps, lambda env: Decimal(len(f(env) or "")))

    def _fn_contains(self, args: Sequence[Node]) -> Checked:
        a, b = self.visit(args[0]), self.visit(args[1])
        elem = ELEMENT_OF.get(a.vt)
        if elem is None:
            raise ExprError(f"contains() needs a list first, not a {a.vt.value}")
        if b.vt != elem:
            raise ExprError(f"contains() looks for a {elem.value} here, not a {b.vt.value}")
        self._check_option(a, args[1])
        fa, fb = a.fn, b.fn

        def contains(env: Env) -> Any:
            needle = fb(env)
            if needle is None:
                return None
            return needle in (fa(env) or ())

        return Checked(VT.BOOL, a.deps | b.deps, contains)

    def _minmax(self, args: Sequence[Node], pick: Callable[[Any, Any], Any], name: str) -> Checked:
        a, b = self.visit(args[0]), self.visit(args[1])
        if a.vt != b.vt or a.vt not in {VT.NUMBER, VT.DATE}:
            raise ExprError(f"{name}() needs two numbers or two dates")
        fa, fb = a.fn, b.fn

        def minmax(env: Env) -> Any:
            x, y = fa(env), fb(env)
            return None if x is None or y is None else pick(x, y)

        return Checked(a.vt, a.deps | b.deps, minmax)

    def _fn_min(self, args: Sequence[Node]) -> Checked:
        return self._minmax(args, min, "min")

    def _fn_max(self, args: Sequence[Node]) -> Checked:
        return self._minmax(args, max, "max")

    def _fn_if(self, args: Sequence[Node]) -> Checked:
        c = self._expect(args[0], VT.BOOL, "if()")
        a, b = self.visit(args[1]), self.visit(args[2])
        if a.vt != b.vt:
            raise ExprError(f"if() gives a {a.vt.value} or a {b.vt.value}; both must be the same")
        fc, fa, fb = c.fn, a.fn, b.fn
        return Checked(
            a.vt, c.deps | a.deps | b.deps, lambda env: fa(env) if fc(env) is True else fb(env)
        )

    def _fn_date(self, args: Sequence[Node]) -> Checked:
        (arg,) = args
        if not (isinstance(arg, Lit) and arg.vt == VT.TEXT):
            raise ExprError("date() takes a fixed date in quotes, e.g. date('2024-01-31')")
        try:
            value = dt.date.fromisoformat(arg.value)
        except ValueError:
            raise ExprError(f"date({arg.value!r}) is not a valid date (YYYY-MM-DD)") from None
        return Checked(VT.DATE, frozenset(), lambda env: value)

    # -- helpers
    def _expect(self, node: Node, vt: VT, where: str) -> Checked:
        c = self.visit(node)
        if c.vt != vt:
            raise ExprError(f"{where} needs a {vt.value}, not a {c.vt.value}")
        return c

    @staticmethod
    def _scalar(c: Checked, where: str) -> None:
        if c.vt in ELEMENT_OF or c.vt == VT.GROUP:
            raise ExprError(
                f"{where} cannot use a {c.vt.value} directly; use count(), sum() or contains()"
            )
        if c.vt == VT.OPAQUE:
            raise ExprError(f"{where} cannot compare this kind of answer; use answered()")

    @staticmethod
    def _check_option(c: Checked, other: Node) -> None:
        if c.options is None or not isinstance(other, Lit) or other.vt != VT.TEXT:
            return
        if other.value not in c.options:
            shown = ", ".join(sorted(c.options)[:12])
            more = ", ..." if len(c.options) > 12 else ""
            raise ExprError(f"'{other.value}' is not an option of this field ({shown}{more})")


_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda x, y: bool(x == y),
    "!=": lambda x, y: bool(x != y),
    "<": lambda x, y: bool(x < y),
    "<=": lambda x, y: bool(x <= y),
    ">": lambda x, y: bool(x > y),
    ">=": lambda x, y: bool(x >= y),
}


def is_answered(value: Any) -> bool:
    """An answer counts when it holds something: not None, not blank, not an empty list."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict):
        return len(value) > 0
    return True
