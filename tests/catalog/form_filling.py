"""Filling a form of the catalog through the real engine with some answers held fixed:
every other visible question is answered and answered again until the form validates,
or it is shown that no answers do (a dead end on that path)."""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from decimal import Decimal
from typing import Any

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.engine.compiler import field_options
from kiosk.engine.form import CompiledForm, ValidationResult
from kiosk.simulation.answers import AnswerMaker

TODAY = dt.date(2026, 11, 21)
ADDRESS = {"street": "Münsterstraße", "house_number": "12", "postcode": "44145", "city": "Dortmund"}


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def person(relationship: str, born: str, **more: Any) -> dict[str, Any]:
    return {
        "family_name": "Haddad",
        "given_names": "Leyla",
        "birth_date": born,
        "relationship": relationship,
        **more,
    }


def amount(catalog: CompiledCatalog, law_id: str) -> Decimal:
    """A number of law.yaml, as the forms compute with it."""
    value = next(v.constant for v in catalog.catalog.law if v.id == law_id)
    assert isinstance(value, Decimal)
    return value


class UnfinishableError(AssertionError):
    """No answers to the other questions make the form submittable on this path."""


def _is_fixed(path: str, fixed: dict[str, Any]) -> bool:
    item = re.match(r"^(\w+)\[(\d+)\]\.(\w+)$", path)
    if item is None:
        return path in fixed
    group, index, child = item.group(1), int(item.group(2)), item.group(3)
    items = fixed.get(group)
    return isinstance(items, list) and index < len(items) and child in items[index]


def finish(
    catalog: CompiledCatalog,
    form_id: str,
    fixed: dict[str, Any],
    today: dt.date = TODAY,
    seed: int = 1,
) -> ValidationResult:
    """Answer every other visible question until the form validates; *fixed* stays."""
    compiled: CompiledForm = catalog.compiled_form(form_id)
    codelists = {c.id: c for c in catalog.catalog.codelists}
    maker = AnswerMaker(random.Random(seed))
    answers = copy.deepcopy(fixed)
    options: dict[str, Any] = {}
    for spec in compiled.specs.values():
        options[spec.key] = field_options(spec.field, codelists)
        for child in spec.children:
            options[child.key] = field_options(child.field, codelists)
    result = compiled.validate(answers, "de", today)
    for _ in range(120):
        state = compiled.evaluate(answers, today)
        for key in compiled.display_order:
            spec = compiled.specs[key]
            if key not in state.visible or spec.compute is not None or not spec.field.holds_answer:
                continue
            if key not in answers:
                answers[key] = maker.value(spec.field, options[key], today)
            for item in answers[key] if spec.field.is_group else ():
                for child in spec.children:
                    if child.id not in item and child.compute is None and child.field.holds_answer:
                        item[child.id] = maker.value(child.field, options[child.key], today)
        result = compiled.validate(answers, "de", today)
        if result.ok:
            return result
        for message in result.messages:
            if _is_fixed(message.path, fixed):
                continue
            item = re.match(r"^(\w+)\[(\d+)\]\.(\w+)$", message.path)
            if item is not None:
                group, index, child_id = item.group(1), int(item.group(2)), item.group(3)
                spec = next(c for c in compiled.specs[group].children if c.id == child_id)
                answers[group][index][child_id] = maker.value(spec.field, options[spec.key], today)
            else:
                spec = compiled.specs[message.path]
                answers[message.path] = maker.value(spec.field, options[message.path], today)
    raise UnfinishableError("; ".join(f"{m.path}: {m.text_de}" for m in result.messages))
