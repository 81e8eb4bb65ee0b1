"""How large the catalog's expressions, and the numbers they compute, may get.

An expression is parsed by an LALR parser, which needs no recursion, but the
syntax tree is then transformed, type-checked and compiled into nested
closures, each of which recurses once per level. A sum of 999 terms is a tree
999 levels deep and ends in a ``RecursionError`` deep inside the parser library;
so the depth is measured on the parse tree, without recursion, before anything
walks it, and the admin is told at build time where the expression stands.

Numbers are bounded for the same reason: a literal, a visitor's answer or a
product of two answers beyond 10^15 is no amount, count or age, and chains of
computed fields could otherwise multiply their way past what ``Decimal`` can
hold and raise while a visitor types.
"""

from __future__ import annotations

from decimal import Decimal, DecimalException
from typing import Any

from lark import Token, Tree

#: Longest expression; the model refuses longer ones, this guards other callers.
MAX_EXPRESSION_LENGTH = 2000
#: Deepest nesting of operators, function calls, lists and parentheses. A real
#: condition nests a handful of levels; 64 levels keep every walk of the tree far
#: from Python's recursion limit.
MAX_EXPRESSION_DEPTH = 64
#: Largest magnitude of any number: a literal, an answer, a computed result.
NUMBER_LIMIT = 10**15
_LIMIT = Decimal(NUMBER_LIMIT)
_INTEGER_DIGITS = 15
_FRACTION_DIGITS = 10


def source_problem(source: str) -> str | None:
    """What is too large about *source* before it is parsed: length and parentheses."""
    if len(source) > MAX_EXPRESSION_LENGTH:
        return (
            f"the expression has {len(source)} characters; "
            f"at most {MAX_EXPRESSION_LENGTH} are allowed"
        )
    depth = 0
    quote = ""
    for ch in source:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
            if depth > MAX_EXPRESSION_DEPTH:
                return _too_deep()
        elif ch in ")]":
            depth -= 1
    return None


def tree_problem(tree: Tree[Token]) -> str | None:
    """What is too large about a parse tree: its depth or a number literal; None if fine.

    Walks the tree with an explicit stack, so that a tree of any depth is measured
    without recursion.
    """
    stack: list[tuple[Tree[Token] | Token | None, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Token):
            if node.type == "NUMBER":
                problem = _literal_problem(str(node))
                if problem is not None:
                    return problem
            continue
        if node is None:
            continue  # an optional part that is absent
        if depth > MAX_EXPRESSION_DEPTH:
            return _too_deep()
        stack.extend((child, depth + 1) for child in node.children)
    return None


def _too_deep() -> str:
    return (
        f"expression too deep: more than {MAX_EXPRESSION_DEPTH} levels of operators, "
        "functions or parentheses; split it, e.g. into computed fields"
    )


def _literal_problem(text: str) -> str | None:
    whole, _, fraction = text.partition(".")
    if len(whole.lstrip("0")) > _INTEGER_DIGITS:
        return f"the number {text[:20]}... is too large: at most {_INTEGER_DIGITS} digits"
    if len(fraction) > _FRACTION_DIGITS:
        return f"the number {text[:20]}... has more than {_FRACTION_DIGITS} decimal places"
    return None


def bounded(value: Decimal) -> Decimal | None:
    """*value*, or None (no value, like a division by zero) if it is beyond the limit."""
    if not value.is_finite() or abs(value) > _LIMIT:
        return None
    return value


def arithmetic(op: str, x: Any, y: Any) -> Any:
    """``x op y`` for the expression language: unknown in, unknown out; never raises.

    A result beyond :data:`NUMBER_LIMIT` and a division by zero have no value.
    """
    if x is None or y is None:
        return None
    try:
        if op == "+":
            result = Decimal(x) + Decimal(y)
        elif op == "-":
            result = Decimal(x) - Decimal(y)
        elif op == "*":
            result = Decimal(x) * Decimal(y)
        elif y == 0:
            return None
        else:
            result = Decimal(x) / Decimal(y)
    except DecimalException:
        return None
    return bounded(result)
