"""The visitor profile: person data typed once, offered again in the next form of the same visit.

It lives only in the session's memory and dies with it: the next visitor starts
with an empty profile, and a resumed draft does not bring one back.
"""

from __future__ import annotations

import copy
from typing import Any

from kiosk.definition.model import Form, form_fields
from kiosk.engine.expressions import is_answered


class VisitorProfile:
    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def learn(self, form: Form, answers: dict[str, Any]) -> None:
        """Remember the answers of every prefill field of *form*."""
        for f in form_fields(form):
            if f.prefill and is_answered(answers.get(f.id)):
                self._values[f.prefill] = copy.deepcopy(answers[f.id])

    def prefill(self, form: Form, answers: dict[str, Any]) -> list[str]:
        """Fill empty prefill fields of *form*; return the ids filled."""
        filled = []
        for f in form_fields(form):
            if not f.prefill or is_answered(answers.get(f.id)) or f.prefill not in self._values:
                continue
            value = copy.deepcopy(self._values[f.prefill])
            if f.type == "group" and isinstance(value, list):
                child_ids = {c.id for c in f.fields or ()}
                value = [
                    {k: v for k, v in item.items() if k in child_ids}
                    for item in value
                    if isinstance(item, dict)
                ]
                value = [item for item in value if item][: f.max_items or None]
            answers[f.id] = value
            filled.append(f.id)
        return filled

    def wipe(self) -> None:
        self._values.clear()

    def __bool__(self) -> bool:
        return bool(self._values)
