"""The values of the expression language: their types, and what checking yields.

Shared by the parser (literals carry a type), the checker and the built-in
functions, so that each of them can say what it needs and what it gives without
importing the others.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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


@dataclass
class Env:
    """Values visible to an expression while a form is evaluated."""

    top: dict[str, Any]
    today: dt.date
    item: dict[str, Any] | None = None


@dataclass
class Checked:
    """Result of checking one expression."""

    vt: VT
    deps: frozenset[str]
    fn: Callable[[Env], Any]
    options: frozenset[str] | None = None
    refs: frozenset[str] = field(default_factory=frozenset)


def is_answered(value: Any) -> bool:
    """An answer counts when it holds something: not None, not blank, not an empty list."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict):
        return len(value) > 0
    return True
