"""Named law values: the numbers and dates a new law changes, in one file.

Asset limits, cut-off dates and pension ages used to be written into the
conditions and formulas of several forms, so a new law meant finding every
copy. ``law.yaml`` names each value once, with a German description for admins
and its legal source; expressions read it as ``law('id')``. Changing a law is
then one edit in one file, and ``kiosk catalog validate`` shows every place
that uses the value (an unknown id is a build error with its file and line).

A value has a declared type, and its YAML value must fit it. Dates are written
as ISO text (``2025-03-31``) because the catalog reads YAML 1.2, where a date
is text; the declared type says it is meant as a date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)

from kiosk.definition.bounds import NUMBER_LIMIT

#: ``money`` is a number of euros: expressions see a number, texts show it as an amount.
LawType = Literal["number", "money", "date", "text", "bool"]
#: What an expression sees for each declared type.
LawConstant = Decimal | dt.date | str | bool

#: Longest text value: a law value names something short (a status, a code).
MAX_TEXT_VALUE = 300
_BOOL_WORDS = {"true": True, "True": True, "false": False, "False": False}
_INTEGER = re.compile(r"^[-+]?[0-9]{1,18}$")
_NUMBER = re.compile(r"^[-+]?(\.[0-9]+|[0-9]{1,18}(\.[0-9]*)?)([eE][-+]?[0-9]{1,3})?$")

# The catalog model (kiosk.definition.model) holds law values, so this module
# cannot import its annotated types; these follow the same rules.
LawId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    Field(description="Lower-case identifier: letters a-z, digits and _; starts with a letter."),
]
AdminText = Annotated[str, StringConstraints(min_length=1, max_length=20000)]


class LawValue(BaseModel):
    """One value a law sets, such as an asset limit or a cut-off date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: LawId
    type: LawType = Field(
        description="number, money (euros), date (YYYY-MM-DD), text or bool (true/false)."
    )
    value: StrictBool | StrictInt | StrictFloat | StrictStr
    description: AdminText = Field(
        description="For admins, in German: what the value means and where forms use it."
    )
    source: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        description="The legal source, e.g. '§ 12 Absatz 4 SGB II'."
    )

    @model_validator(mode="before")
    @classmethod
    def _plain_scalar_as_declared(cls, data: Any) -> Any:
        """A plain ``40000`` or ``true`` may reach the model as text (the YAML reader
        keeps some plain scalars as text); the declared type says what it means."""
        if isinstance(data, dict) and isinstance(data.get("value"), str):
            declared, text = data.get("type"), data["value"].strip()
            if declared == "bool" and text in _BOOL_WORDS:
                return {**data, "value": _BOOL_WORDS[text]}
            if declared in {"number", "money"} and _NUMBER.match(text):
                number = float(text)
                return {**data, "value": int(text) if _INTEGER.match(text) else number}
        return data

    @model_validator(mode="after")
    def _value_fits_type(self) -> LawValue:
        problem = _type_problem(self.type, self.value)
        if problem is not None:
            raise ValueError(problem)
        return self

    @property
    def constant(self) -> LawConstant:
        """The value as expressions see it (numbers as Decimal, dates as dates)."""
        return typed_value(self.type, self.value)


class LawBook(BaseModel):
    """``law.yaml``: every named law value of the catalog."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    values: list[LawValue] = Field(min_length=1, max_length=500)


def _type_problem(kind: LawType, value: bool | int | float | str) -> str | None:
    if kind == "bool":
        return None if isinstance(value, bool) else f"a bool value is true or false, not {value!r}"
    if kind in {"number", "money"}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"a {kind} value must be a number, not {value!r}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"a {kind} value must be finite"
        if abs(value) > NUMBER_LIMIT:
            return f"a {kind} value must lie within ±{NUMBER_LIMIT:,}"
        return None
    if not isinstance(value, str):
        return f"a {kind} value must be written as text, not {value!r}"
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"'{value}' is not a date of the calendar (YYYY-MM-DD)"
        if len(value) != 10:
            return f"write the date as YYYY-MM-DD, not '{value}'"
        return None
    if len(value) > MAX_TEXT_VALUE:
        return f"a text value may have at most {MAX_TEXT_VALUE} characters"
    return None


def typed_value(kind: LawType, value: bool | int | float | str) -> LawConstant:
    """*value* (already checked against *kind*) as the expression language holds it."""
    if kind in {"number", "money"}:
        return Decimal(str(value))
    if kind == "date":
        return dt.date.fromisoformat(str(value))
    if kind == "bool":
        return bool(value)
    return str(value)


def law_constants(values: list[LawValue]) -> dict[str, LawConstant]:
    """Id -> value, as the expression compiler takes them."""
    return {v.id: v.constant for v in values}
