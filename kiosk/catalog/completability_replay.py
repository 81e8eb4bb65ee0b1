"""Concrete answers from a solver's model, judged by the engine itself.

The proof's translation of a form is checked against the engine wherever it
matters: a path into a dead end is reported only after the engine has accepted
every page on the way there with exactly those answers, and the answers that show
a form can be finished are sent through the engine's ``validate`` as well. A
disagreement would mean the translation is wrong somewhere; it is reported as a
note rather than trusted.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import z3

from kiosk.catalog.completability_answers import Raw
from kiosk.catalog.completability_patterns import pattern_shape
from kiosk.catalog.completability_terms import StringTable
from kiosk.definition.model import FormField
from kiosk.engine.expression_types import VT
from kiosk.engine.field_types import FIELD_TYPES, Choices
from kiosk.engine.form import CompiledForm
from kiosk.engine.validators import resolve_date_bound

_NONE = object()  # no concrete answer could be made for the model's value
_SIGNATURE = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode()
_FIXED_TEXT = {
    "phone": "+49 231 9876543",
    "email": "besucherin@example.org",
    "iban": "DE89370400440532013000",
    "postcode": "44135",
}


def model_answers(
    model: z3.ModelRef,
    raws: Iterable[Raw],
    strings: StringTable,
    samples: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The engine's answers dict for *raws* as *model* has them; None if one cannot be made.

    *samples* answer the fields the model leaves out (by key; ``group.child`` for the
    fields of each item).
    """
    samples = samples or {}
    out: dict[str, Any] = {k: v for k, v in samples.items() if "." not in k}
    for raw in raws:
        out.pop(raw.field.id, None)
        if raw.count is not None:
            items = []
            for item in raw.items[: _int(model, raw.count)]:
                values = {
                    k.split(".", 1)[1]: v
                    for k, v in samples.items()
                    if k.startswith(raw.field.id + ".")
                }
                for child in item.values():
                    value = _answer(model, child, strings)
                    if value is _NONE:
                        return None
                    if value is not None:
                        values[child.field.id] = value
                items.append(values)
            if items:
                out[raw.field.id] = items
            continue
        value = _answer(model, raw, strings)
        if value is _NONE:
            return None
        if value is not None:
            out[raw.field.id] = value
    return out


def _int(model: z3.ModelRef, term: z3.ExprRef) -> int:
    return int(model.eval(term, model_completion=True).as_long())


def _true(model: z3.ModelRef, term: z3.ExprRef) -> bool:
    return bool(z3.is_true(model.eval(term, model_completion=True)))


def answer_of(model: z3.ModelRef, raw: Raw, strings: StringTable) -> Any:
    """One field's answer as *model* has it (None: unanswered)."""
    value = _answer(model, raw, strings)
    return None if value is _NONE else value


def _answer(model: z3.ModelRef, raw: Raw, strings: StringTable) -> Any:
    if not _true(model, raw.answered):
        return None
    f = raw.field
    if raw.vt is VT.BOOL:
        assert raw.value is not None
        return _true(model, raw.value)
    if raw.vt is VT.NUMBER:
        assert raw.value is not None
        fraction = model.eval(raw.value, model_completion=True).as_fraction()
        value = Decimal(fraction.numerator) / Decimal(fraction.denominator)
        return value if f.type != "money" else value.quantize(Decimal("0.01"))
    if raw.vt is VT.DATE:
        assert raw.value is not None
        return dt.date.fromordinal(_int(model, raw.value))
    if raw.vt is VT.TEXT_LIST:
        return [o for o, ticked in raw.selected.items() if _true(model, ticked)]
    if raw.vt is VT.TEXT:
        assert raw.value is not None
        code = _int(model, raw.value)
        if code >= 0:
            return strings.text(code)
        if FIELD_TYPES[f.type].choices is not Choices.NONE:
            return _NONE
        length = _int(model, raw.length) if raw.length is not None else 0
        return _typed_text(raw, length, strings)
    return _opaque(raw)


def _typed_text(raw: Raw, length: int, strings: StringTable) -> Any:
    f = raw.field
    if f.type in _FIXED_TEXT:
        return _FIXED_TEXT[f.type]
    if f.pattern is not None:
        text = pattern_shape(f.pattern).sample(length)
        return _NONE if text is None or strings.known(text) is not None else text
    letter = "a"
    while strings.known(letter * length) is not None:
        letter = chr(ord(letter) + 1)
    text = letter * length
    return text.capitalize() if f.type in ("person_name", "place") else text


def _opaque(raw: Raw) -> Any:
    return _opaque_of(raw.field)


def _opaque_of(f: FormField) -> Any:
    if f.type == "signature":
        return _SIGNATURE
    if f.type == "attachment":
        media = (f.accept or ["application/pdf"])[0]
        return {"filename": "nachweis.pdf", "media_type": media, "size": 1000, "sha256": "0" * 64}
    if f.foreign:
        return {"street": "Rue de Rivoli", "house_number": "1", "city": "Paris", "country": "FR"}
    return {"street": "Friedensplatz", "house_number": "1", "postcode": "44135", "city": "Dortmund"}


def engine_problems(
    compiled: CompiledForm,
    answers: dict[str, Any],
    today: dt.date,
    pages: list[str] | None = None,
) -> list[str]:
    """What the engine's ``validate`` says of *answers* (empty: accepted)."""
    result = compiled.validate(answers, today=today, pages=pages)
    return [f"{m.path}: {m.code}" for m in result.messages]


def reached_pages(
    compiled: CompiledForm, answers: dict[str, Any], today: dt.date, before: int
) -> list[str] | None:
    """The visible pages among the first *before* that the engine lets the visitor
    leave with *answers*; None if it refuses one of them."""
    state = compiled.evaluate(answers, today)
    ids = [p.id for p in compiled.form.pages[:before]]
    shown = [p for p in state.visible_pages if p in ids]
    for page in shown:
        if engine_problems(compiled, answers, today, [page]):
            return None
    return shown


def plain_answer(f: FormField, options: frozenset[str] | None, today: dt.date) -> Any:
    """An answer the type check of a field without limits of its own accepts."""
    vt = FIELD_TYPES[f.type].value_type
    if vt is VT.BOOL:
        return True
    if vt is VT.NUMBER:
        return Decimal(0)
    if vt is VT.DATE:
        spec = f.min_date or f.max_date
        return resolve_date_bound(spec, today) if spec else today
    if vt is VT.TEXT_LIST:
        return sorted(options or ())[:1]
    if vt is VT.TEXT and options:
        return sorted(options)[0]
    if vt is VT.TEXT:
        return _FIXED_TEXT.get(f.type, "A")
    return _opaque_of(f)
