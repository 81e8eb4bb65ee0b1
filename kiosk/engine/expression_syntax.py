"""The expression language's grammar and syntax tree: source text in, typed nodes out.

Parsing knows nothing of forms: it turns ``age(birth_date) >= 18`` into a tree
of frozen nodes, or an :class:`ExprError` with the column an admin can find.
The tree is what the checker (:mod:`kiosk.engine.expressions`) walks; its node
classes form the closed union :data:`Expr`, so a walk that forgets a kind of
node is a type error, not a surprise while a visitor types.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeAlias

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from kiosk.definition.bounds import source_problem, tree_problem
from kiosk.engine.expression_types import VT

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


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Node:
    """What every node of the syntax tree is; the concrete kinds are listed in :data:`Expr`."""


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
    operand: Expr


@dataclass(frozen=True)
class Neg(Node):
    operand: Expr


@dataclass(frozen=True)
class Logic(Node):
    op: str  # "and" | "or"
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class InList(Node):
    left: Expr
    items: tuple[Expr, ...]
    negate: bool


@dataclass(frozen=True)
class Arith(Node):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Expr, ...]


#: Every kind of node the parser makes; a ``match`` over it is checked for completeness.
Expr: TypeAlias = Lit | Ref | Not | Neg | Logic | Compare | InList | Arith | Call


@v_args(inline=True)
class _ToAst(Transformer[Token, Expr]):
    def number(self, tok: Token) -> Expr:
        return Lit(Decimal(str(tok)), VT.NUMBER)

    def string(self, tok: Token) -> Expr:
        return Lit(str(tok)[1:-1], VT.TEXT)

    def true(self) -> Expr:
        return Lit(True, VT.BOOL)

    def false(self) -> Expr:
        return Lit(False, VT.BOOL)

    def ref(self, *names: Token) -> Expr:
        return Ref(tuple(str(n) for n in names))

    def call(self, name: Token, args: list[Expr] | None) -> Expr:
        return Call(str(name), tuple(args or ()))

    def args(self, *items: Expr) -> list[Expr]:
        return list(items)

    def item_list(self, args: list[Expr] | None) -> list[Expr]:
        return list(args or ())

    def or_op(self, a: Expr, b: Expr) -> Expr:
        return Logic("or", a, b)

    def and_op(self, a: Expr, b: Expr) -> Expr:
        return Logic("and", a, b)

    def not_op(self, a: Expr) -> Expr:
        return Not(a)

    def neg(self, a: Expr) -> Expr:
        return Neg(a)

    def compare(self, a: Expr, op: Token, b: Expr) -> Expr:
        return Compare("=" if str(op) == "==" else str(op), a, b)

    def in_op(self, a: Expr, items: list[Expr]) -> Expr:
        return InList(a, tuple(items), negate=False)

    def not_in_op(self, a: Expr, items: list[Expr]) -> Expr:
        return InList(a, tuple(items), negate=True)

    def arith(self, a: Expr, op: Token, b: Expr) -> Expr:
        return Arith(str(op), a, b)


_PARSER = Lark(_GRAMMAR, parser="lalr", maybe_placeholders=True)


@lru_cache(maxsize=4096)
def parse(source: str) -> Expr:
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
