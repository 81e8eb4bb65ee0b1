"""Witnesses: the answers that lead into a dead end, as formulas and as words.

A witness is built from a solver's model, one part per given answer (and per
option of a multiple choice, per field of a repeat group's item), so that the
search can drop the parts that do not matter and show the rest as an admin reads
expressions: ``housing_situation = 'too_small', current_rooms = 2``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import z3

from kiosk.catalog.completability_answers import Raw
from kiosk.catalog.completability_terms import LAST_DAY, Encoding
from kiosk.engine.expression_types import VT


@dataclass(frozen=True)
class Fixing:
    """One given answer of a witness: how it reads, and the formula that pins it."""

    label: str
    formula: z3.BoolRef
    #: a number or date pinned to *point*, which :func:`_widen` may turn into a range
    raw: Raw | None = None
    point: int | None = None


def raw_variables(raw: Raw) -> list[z3.ExprRef]:
    out: list[z3.ExprRef] = [raw.answered]
    for term in (raw.value, raw.length, raw.count):
        if term is not None:
            out.append(term)
    out.extend(raw.selected.values())
    for item in raw.items:
        for child in item.values():
            out.extend(raw_variables(child))
    return out


def constants(formulas: Iterable[z3.ExprRef]) -> dict[int, z3.ExprRef]:
    """The uninterpreted constants (the variables) of *formulas*, by z3's id."""
    seen: set[int] = set()
    found: dict[int, z3.ExprRef] = {}
    stack = list(formulas)
    while stack:
        term = stack.pop()
        ident = term.get_id()
        if ident in seen:
            continue
        seen.add(ident)
        if z3.is_const(term) and term.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            found[ident] = term
        elif z3.is_quantifier(term):
            stack.append(term.body())
        else:
            stack.extend(term.children())
    return found


def fixings(raw: Raw, model: z3.ModelRef, name: str, enc: Encoding) -> list[Fixing]:
    """The answer *model* gives *raw*, as formulas to assume and words to show: one per
    option of a multiple choice and per field of an item, so that a witness can be
    made minimal part by part."""
    if raw.count is not None:
        count = model.eval(raw.count, model_completion=True).as_long()
        out = [Fixing(f"count({name}) = {count}", raw.count == count)]
        for index, item in enumerate(raw.items[:count]):
            for child_id, child in item.items():
                out += fixings(child, model, f"{name}[{index + 1}].{child_id}", enc)
        return out
    if raw.selected:
        out = []
        for option, var in raw.selected.items():
            if z3.is_true(model.eval(var, model_completion=True)):
                out.append(Fixing(f"contains({name}, '{option}')", var))
            else:
                out.append(Fixing(f"not contains({name}, '{option}')", z3.Not(var)))
        return out
    if not z3.is_true(model.eval(raw.answered, model_completion=True)):
        return [Fixing(f"{name} unanswered", z3.Not(raw.answered))]
    pins: list[z3.BoolRef] = [raw.answered]
    for term in (raw.value, raw.length):
        if term is not None:
            pins.append(term == model.eval(term, model_completion=True))
    point = None
    if raw.vt in (VT.NUMBER, VT.DATE) and raw.value is not None:
        value = model.eval(raw.value, model_completion=True)
        if raw.vt is VT.DATE or value.as_fraction().denominator == 1:
            point = value.as_long() if raw.vt is VT.DATE else value.as_fraction().numerator
    shown = _shown(raw, model, enc)
    return [Fixing(f"{name} = {shown}", z3.And(pins), raw if point is not None else None, point)]


def _shown(raw: Raw, model: z3.ModelRef, enc: Encoding) -> str:
    if raw.value is None:
        return "(answered)"
    value = model.eval(raw.value, model_completion=True)
    if raw.vt is VT.BOOL:
        return "true" if z3.is_true(value) else "false"
    if raw.vt is VT.DATE:
        return dt.date.fromordinal(value.as_long()).isoformat()
    if raw.vt is VT.TEXT:
        code = value.as_long()
        if code >= 0:
            return f"'{enc.strings.text(code)}'"
        length = model.eval(raw.length, model_completion=True) if raw.length is not None else None
        return f"(a text of {length} characters)" if length is not None else "(a text)"
    fraction = value.as_fraction()
    if fraction.denominator == 1:
        return str(fraction.numerator)
    return str(float(fraction))


def widened(fixing: Fixing, low: int, high: int) -> Fixing:
    """*fixing* with its number or date anywhere from *low* to *high*."""
    raw = fixing.raw
    assert raw is not None and raw.value is not None
    value: z3.ArithRef = raw.value
    name = fixing.label.split(" = ", 1)[0]
    if raw.vt is VT.DATE:
        first, last = dt.date.fromordinal(low), dt.date.fromordinal(high)
        words = f"{name} from {first.isoformat()} to {last.isoformat()}"
    else:
        words = f"{name} from {low} to {high}"
    formula = z3.And(raw.answered, value >= low, value <= high)
    return Fixing(words if low != high else fixing.label, formula, raw, fixing.point)


def room_for(fixing: Fixing, step: int) -> int:
    """How far the pinned value may move in direction *step* within its field's limits."""
    raw, point = fixing.raw, fixing.point
    assert raw is not None and point is not None
    low: float | None
    high: float | None
    if raw.span is not None:
        low, high = raw.span
    elif raw.vt is VT.DATE:
        low, high = 1, LAST_DAY
    else:
        low, high = raw.field.min, raw.field.max
    edge = low if step < 0 else high
    if edge is None:
        return 1 << 22
    return max(0, int(abs(edge - point)))
