"""A compiled form at work: which fields are visible and required, and what is wrong.

:mod:`kiosk.engine.compiler` resolves every name, type-checks every expression
and orders the fields so that each is evaluated after everything its visibility
or formula depends on. Evaluation is then a single pass over that order with
precompiled closures, cheap enough to run on every keystroke.

Hidden fields have no value (like ODK's non-relevant nodes): formulas see them
as unanswered, and they are neither validated nor submitted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

from kiosk.definition.model import Form, FormField, Page
from kiosk.definition.strings import constraint_ctx
from kiosk.engine.expressions import Env, is_answered
from kiosk.engine.field_types import FIELD_TYPES, FieldTypeInfo
from kiosk.engine.messages import Message, Problem, render
from kiosk.engine.validators import FieldChecker

#: Where a problem sits in the form's source: ("pages", 0, "fields", 2, "visible_if").
Loc = tuple[str | int, ...]
#: Most items of a repeat group the engine evaluates; the catalog allows max_items <= 50.
MAX_GROUP_ITEMS = 1000
#: (language, msgctxt, German) -> text in that language; the catalog provides it.
Translate = Callable[[str, str, str], str]


@dataclass
class FieldSpec:
    """One field as the evaluator needs it."""

    field: FormField
    key: str  # "id" at top level, "group.id" inside a group
    group: str | None
    page: Page
    checker: FieldChecker
    loc: Loc
    visible: Callable[[Env], Any] | None = None
    required_if: Callable[[Env], Any] | None = None
    compute: Callable[[Env], Any] | None = None
    constraints: list[Callable[[Env], Any]] = dc_field(default_factory=list)
    children: list[FieldSpec] = dc_field(default_factory=list)  # evaluation order
    deps: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return self.field.id

    @property
    def kind(self) -> FieldTypeInfo:
        """The facts of this field's type (see :mod:`kiosk.engine.field_types`)."""
        return FIELD_TYPES[self.field.type]

    def is_required(self, env: Env) -> bool:
        """Whether the visitor must answer this field, as *env* stands.

        A computed field or a note has nothing to answer; a document is handed in
        later (the kiosk takes no files), so it never blocks the form.
        """
        f = self.field
        if self.compute is not None or not f.holds_answer or self.kind.handed_in_later:
            return False
        return f.required or (self.required_if is not None and self.required_if(env) is True)


@dataclass
class FormState:
    """The result of one evaluation."""

    values: dict[str, Any]
    visible: set[str]
    required: set[str]
    type_problems: dict[str, Problem]
    visible_pages: list[str]
    env: Env

    def is_visible(self, path: str) -> bool:
        return path in self.visible

    def is_required(self, path: str) -> bool:
        return path in self.required

    def export(self) -> dict[str, Any]:
        """Answers of visible fields in JSON form (dates ISO, amounts as strings)."""
        return {
            k: _jsonable(v) for k, v in self.values.items() if k in self.visible and v is not None
        }


@dataclass
class ValidationResult:
    state: FormState
    messages: list[Message]

    @property
    def ok(self) -> bool:
        return not self.messages

    def for_path(self, path: str) -> list[Message]:
        return [m for m in self.messages if m.path == path]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    return value


def _identity_translate(lang: str, ctx: str, german: str) -> str:
    return german


class CompiledForm:
    """A form ready to evaluate; build with :func:`kiosk.engine.compiler.compile_form`."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.specs: dict[str, FieldSpec] = {}
        self.top_order: list[str] = []
        self.display_order: list[str] = []
        self.page_visible: dict[str, Callable[[Env], Any] | None] = {}
        self.rules: list[tuple[Callable[[Env], Any], str, str, list[str]]] = []

    # ------------------------------------------------------------ evaluation
    def evaluate(self, answers: Mapping[str, Any], today: dt.date | None = None) -> FormState:
        today = today or dt.date.today()
        env = Env(top={}, today=today)
        visible: set[str] = set()
        required: set[str] = set()
        problems: dict[str, Problem] = {}
        page_vis: dict[str, bool] = {}
        for key in self.top_order:
            spec = self.specs[key]
            page_id = spec.page.id
            if page_id not in page_vis:
                fn = self.page_visible[page_id]
                page_vis[page_id] = fn is None or fn(env) is True
            shown = page_vis[page_id] and (spec.visible is None or spec.visible(env) is True)
            if not shown:
                env.top[key] = None
                continue
            visible.add(key)
            if spec.children:
                env.top[key] = self._evaluate_group(
                    spec, answers.get(key), env, visible, required, problems
                )
                if spec.is_required(env):
                    required.add(key)
                continue
            env.top[key] = self._evaluate_field(spec, key, answers.get(key), env, problems)
            if spec.is_required(env):
                required.add(key)
        pages = [p.id for p in self.form.pages if page_vis.get(p.id, False)]
        return FormState(env.top, visible, required, problems, pages, env)

    @staticmethod
    def _evaluate_field(
        spec: FieldSpec, path: str, raw: Any, env: Env, problems: dict[str, Problem]
    ) -> Any:
        if spec.compute is not None:
            return spec.compute(env)
        if not spec.field.holds_answer or not is_answered(raw):
            return None
        value, problem = spec.checker.check(raw, env.today)
        if problem is not None:
            problems[path] = problem
        return value

    def _evaluate_group(
        self,
        spec: FieldSpec,
        raw: Any,
        env: Env,
        visible: set[str],
        required: set[str],
        problems: dict[str, Problem],
    ) -> list[dict[str, Any]]:
        if raw is None:
            raw = []
        if not isinstance(raw, list) or not all(isinstance(it, Mapping) for it in raw):
            problems[spec.key] = Problem("invalid_type")
            return []
        if len(raw) > MAX_GROUP_ITEMS:  # no form has that many; evaluating them all would stall
            problems[spec.key] = Problem("too_many_items", {"max": MAX_GROUP_ITEMS})
            return []
        items: list[dict[str, Any]] = []
        for index, raw_item in enumerate(raw):
            item: dict[str, Any] = {}
            item_env = Env(top=env.top, today=env.today, item=item)
            for child in spec.children:
                path = f"{spec.key}[{index}].{child.id}"
                if child.visible is not None and child.visible(item_env) is not True:
                    item[child.id] = None
                    continue
                visible.add(path)
                item[child.id] = self._evaluate_field(
                    child, path, raw_item.get(child.id), item_env, problems
                )
                if child.is_required(item_env):
                    required.add(path)
            items.append(item)
        return items

    # ------------------------------------------------------------ validation
    def validate(
        self,
        answers: Mapping[str, Any],
        lang: str = "de",
        today: dt.date | None = None,
        translate: Translate = _identity_translate,
        pages: Iterable[str] | None = None,
    ) -> ValidationResult:
        """Every problem of the visible fields (of *pages*, if given), worded for *lang*."""
        state = self.evaluate(answers, today)
        wanted = set(pages) if pages is not None else None
        found: list[tuple[str, Problem]] = []
        env = state.env
        for key in self.display_order:
            spec = self.specs[key]
            if key not in state.visible or (wanted is not None and spec.page.id not in wanted):
                continue
            if spec.children:
                found.extend(self._group_problems(spec, state, answers, translate, lang))
                continue
            found.extend(self._field_problems(spec, key, state, env, translate, lang))
        for fn, ctx, german, fields in self.rules:
            if fn(env) is False:
                text = (translate(lang, ctx, german), german)
                for fid in fields:
                    spec = self.specs[fid]
                    if fid in state.visible and (wanted is None or spec.page.id in wanted):
                        found.append((fid, Problem("rule", catalog_text=text)))
        return ValidationResult(state, [render(path, p, lang) for path, p in found])

    def _field_problems(
        self,
        spec: FieldSpec,
        path: str,
        state: FormState,
        env: Env,
        translate: Translate,
        lang: str,
    ) -> list[tuple[str, Problem]]:
        if not spec.field.holds_answer or spec.compute is not None:
            return []
        if path in state.type_problems:
            return [(path, state.type_problems[path])]
        value = env.item.get(spec.id) if env.item is not None else env.top.get(spec.id)
        kind = spec.kind
        if path in state.required and (
            not is_answered(value) or (kind.agreement and value is not True)
        ):
            return [(path, Problem(kind.required_code))]
        if not is_answered(value):
            return []
        out = []
        for index, fn in enumerate(spec.constraints):
            if fn(env) is False:
                ctx = constraint_ctx(self.form.id, spec.key, index)
                german = spec.field.constraints[index].message
                out.append(
                    (
                        path,
                        Problem("constraint", catalog_text=(translate(lang, ctx, german), german)),
                    )
                )
        return out

    def _group_problems(
        self,
        spec: FieldSpec,
        state: FormState,
        answers: Mapping[str, Any],
        translate: Translate,
        lang: str,
    ) -> list[tuple[str, Problem]]:
        key = spec.key
        if key in state.type_problems:
            return [(key, state.type_problems[key])]
        items: list[dict[str, Any]] = state.values.get(key) or []
        f = spec.field
        lowest = max(f.min_items or 0, 1 if key in state.required else 0)
        out: list[tuple[str, Problem]] = []
        if len(items) < lowest:
            out.append((key, Problem("required_items", {"min": lowest})))
        if f.max_items is not None and len(items) > f.max_items:
            out.append((key, Problem("too_many_items", {"max": f.max_items})))
        for index, item in enumerate(items):
            item_env = Env(top=state.values, today=state.env.today, item=item)
            for child in spec.children:
                path = f"{key}[{index}].{child.id}"
                if path in state.visible:
                    out.extend(self._field_problems(child, path, state, item_env, translate, lang))
        return out
