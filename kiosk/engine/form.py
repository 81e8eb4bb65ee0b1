"""A form compiled for evaluation: which fields are visible and required, and what is wrong.

Compiling resolves every name, type-checks every expression, and orders the
fields so that each is evaluated after everything its visibility or formula
depends on; a cycle is a build error. Evaluation is then a single pass over
that order with precompiled closures, cheap enough to run on every keystroke.

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

from kiosk.definition.codelists import country_codes
from kiosk.definition.model import CHOICE_TYPES, CODELIST_TYPES, CodeList, Form, FormField, Page
from kiosk.definition.strings import constraint_ctx, rule_ctx
from kiosk.engine.expressions import VT, Checked, Env, ExprError, RefInfo, Scope, check, is_answered
from kiosk.engine.messages import Message, Problem, render
from kiosk.engine.validators import FieldChecker, build_checker

Loc = tuple[str | int, ...]
#: Most items of a repeat group the engine evaluates; the catalog allows max_items <= 50.
MAX_GROUP_ITEMS = 1000
#: (language, msgctxt, German) -> text in that language; the catalog provides it.
Translate = Callable[[str, str, str], str]

_VT_BY_TYPE: dict[str, VT] = {
    "text": VT.TEXT,
    "long_text": VT.TEXT,
    "integer": VT.NUMBER,
    "decimal": VT.NUMBER,
    "money": VT.NUMBER,
    "date": VT.DATE,
    "yes_no": VT.BOOL,
    "consent": VT.BOOL,
    "choice": VT.TEXT,
    "multi_choice": VT.TEXT_LIST,
    "country": VT.TEXT,
    "nationality": VT.TEXT,
    "phone": VT.TEXT,
    "email": VT.TEXT,
    "iban": VT.TEXT,
    "postcode": VT.TEXT,
    "person_name": VT.TEXT,
    "place": VT.TEXT,
    "address": VT.OPAQUE,
    "signature": VT.OPAQUE,
    "attachment": VT.OPAQUE,
    "group": VT.GROUP,
}

_REQUIRED_CODE = {
    "choice": "required_choice",
    "multi_choice": "required_choice",
    "yes_no": "required_choice",
    "country": "required_choice",
    "nationality": "required_choice",
    "consent": "required_consent",
    "signature": "required_signature",
}


class FormBuildError(ValueError):
    """A form that cannot be compiled; carries every problem with its location."""

    def __init__(self, form_id: str, issues: list[tuple[Loc, str]]) -> None:
        self.form_id = form_id
        self.issues = issues
        super().__init__(f"form '{form_id}': " + "; ".join(m for _, m in issues))


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
    """A form ready to evaluate; build with :func:`compile_form`."""

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
                if spec.field.required or (spec.required_if and spec.required_if(env) is True):
                    required.add(key)
                continue
            env.top[key] = self._evaluate_field(spec, key, answers.get(key), env, problems)
            if (
                spec.compute is None
                and spec.field.holds_answer
                and spec.field.type != "attachment"  # the kiosk takes no files: handed in later
                and (spec.field.required or (spec.required_if and spec.required_if(env) is True))
            ):
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
                if (
                    child.compute is None
                    and child.field.holds_answer
                    and (
                        child.field.required
                        or (child.required_if and child.required_if(item_env) is True)
                    )
                ):
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
        if path in state.required and (
            not is_answered(value) or (spec.field.type == "consent" and value is not True)
        ):
            return [(path, Problem(_REQUIRED_CODE.get(spec.field.type, "required")))]
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


# ------------------------------------------------------------------ compiling


def field_vt(f: FormField) -> VT | None:
    return _VT_BY_TYPE.get(f.type)


def field_options(f: FormField, codelists: Mapping[str, CodeList]) -> frozenset[str] | None:
    """The stored values a choice or country field accepts (None: not a choice)."""
    if f.type in CHOICE_TYPES:
        if f.options is not None:
            return frozenset(o.value for o in f.options)
        if f.codelist is not None and f.codelist in codelists:
            return frozenset(o.value for o in codelists[f.codelist].options)
        return frozenset()
    if f.type in CODELIST_TYPES:
        return country_codes() | frozenset(o.value for o in f.extra_options or ())
    if f.type == "address" and f.foreign:
        return country_codes()
    return None


def compile_form(
    form: Form, codelists: Mapping[str, CodeList], *, collect: list[tuple[Loc, str]] | None = None
) -> CompiledForm:
    """Compile *form*; problems go to *collect* if given, else raise :class:`FormBuildError`."""
    issues: list[tuple[Loc, str]] = [] if collect is None else collect
    start = len(issues)
    compiled = _Compiler(form, codelists, issues).run()
    if collect is None and len(issues) > start:
        raise FormBuildError(form.id, issues)
    return compiled


class _Compiler:
    def __init__(
        self, form: Form, codelists: Mapping[str, CodeList], issues: list[tuple[Loc, str]]
    ) -> None:
        self.form = form
        self.codelists = codelists
        self.issues = issues
        self.out = CompiledForm(form)

    def run(self) -> CompiledForm:
        top, groups = self._symbols()
        self._build_specs(top, groups)
        self._order()
        self._rules(top, groups)
        return self.out

    # symbols -----------------------------------------------------------
    def _symbols(self) -> tuple[dict[str, RefInfo], dict[str, dict[str, RefInfo]]]:
        top: dict[str, RefInfo] = {}
        groups: dict[str, dict[str, RefInfo]] = {}
        seen: dict[str, Loc] = {}
        for pi, page in enumerate(self.form.pages):
            for fi, f in enumerate(page.fields):
                loc: Loc = ("pages", pi, "fields", fi)
                if f.id in seen:
                    self.issues.append(
                        (loc + ("id",), f"field id '{f.id}' is used twice in this form")
                    )
                seen[f.id] = loc
                if f.type in CHOICE_TYPES and f.codelist and f.codelist not in self.codelists:
                    self.issues.append((loc + ("codelist",), f"unknown code list '{f.codelist}'"))
                vt = field_vt(f)
                if vt is not None:
                    top[f.id] = RefInfo(vt, f.id, field_options(f, self.codelists))
                if f.type == "group":
                    children: dict[str, RefInfo] = {}
                    for ci, c in enumerate(f.fields or []):
                        cloc = loc + ("fields", ci)
                        if c.type == "group":
                            self.issues.append((cloc + ("type",), "repeat groups cannot be nested"))
                            continue
                        if c.id in children:
                            self.issues.append(
                                (
                                    cloc + ("id",),
                                    f"field id '{c.id}' is used twice in group '{f.id}'",
                                )
                            )
                        if (
                            c.type in CHOICE_TYPES
                            and c.codelist
                            and c.codelist not in self.codelists
                        ):
                            self.issues.append(
                                (cloc + ("codelist",), f"unknown code list '{c.codelist}'")
                            )
                        cvt = field_vt(c)
                        if cvt is not None:
                            children[c.id] = RefInfo(
                                cvt,
                                f"{f.id}.{c.id}",
                                field_options(c, self.codelists),
                                in_item=True,
                            )
                    groups[f.id] = children
        return top, groups

    def _expr(
        self, source: str | None, scope: Scope, loc: Loc, expect: VT | None
    ) -> Checked | None:
        if source is None:
            return None
        try:
            return check(source, scope, expect)
        except ExprError as exc:
            self.issues.append((loc, str(exc)))
            return None

    # specs -------------------------------------------------------------
    def _build_specs(self, top: dict[str, RefInfo], groups: dict[str, dict[str, RefInfo]]) -> None:
        top_scope = Scope(top, groups)
        for pi, page in enumerate(self.form.pages):
            page_expr = self._expr(page.visible_if, top_scope, ("pages", pi, "visible_if"), VT.BOOL)
            self.out.page_visible[page.id] = page_expr.fn if page_expr else None
            page_deps = page_expr.deps if page_expr else frozenset()
            for fi, f in enumerate(page.fields):
                loc: Loc = ("pages", pi, "fields", fi)
                if f.id in self.out.specs:
                    continue  # duplicate id, already reported
                spec = self._spec(f, f.id, None, page, loc, top_scope)
                spec.deps = spec.deps | page_deps
                if f.type == "group" and f.id in groups:
                    scope = Scope(top, groups, item_group=f.id)
                    for ci, c in enumerate(f.fields or []):
                        if c.type == "group" or any(s.id == c.id for s in spec.children):
                            continue
                        spec.children.append(
                            self._spec(c, f"{f.id}.{c.id}", f.id, page, loc + ("fields", ci), scope)
                        )
                self.out.specs[f.id] = spec
                self.out.display_order.append(f.id)

    def _spec(
        self, f: FormField, key: str, group: str | None, page: Page, loc: Loc, scope: Scope
    ) -> FieldSpec:
        options = field_options(f, self.codelists)
        spec = FieldSpec(f, key, group, page, build_checker(f, options), loc)
        deps: set[str] = set()
        vis = self._expr(f.visible_if, scope, loc + ("visible_if",), VT.BOOL)
        req = self._expr(f.required_if, scope, loc + ("required_if",), VT.BOOL)
        vt = field_vt(f)
        comp = self._expr(f.compute, scope, loc + ("compute",), vt) if vt else None
        if f.compute is not None and vt is None:
            self.issues.append((loc + ("compute",), f"a '{f.type}' field cannot be computed"))
        if f.compute and f.prefill:
            self.issues.append((loc + ("prefill",), "a computed field cannot also be prefilled"))
        if vis:
            spec.visible = vis.fn
            deps |= vis.deps
        if req:
            spec.required_if = req.fn
        if comp:
            spec.compute = comp.fn
            deps |= comp.deps
        for index, constraint in enumerate(f.constraints):
            c = self._expr(constraint.check, scope, loc + ("constraints", index, "check"), VT.BOOL)
            spec.constraints.append(c.fn if c else _always_true)
        spec.deps = frozenset(d for d in deps if not d.startswith("@"))
        return spec

    # ordering ----------------------------------------------------------
    def _order(self) -> None:
        specs = self.out.specs
        graph: dict[str, set[str]] = {}
        for key, spec in specs.items():
            deps = set(spec.deps)
            for child in spec.children:
                if key in child.deps:
                    self.issues.append(
                        (
                            child.loc,
                            f"a field inside repeat group '{key}' cannot use the "
                            f"list '{key}.…' of its own group; name the field directly",
                        )
                    )
                deps |= {d for d in child.deps if d != key and not d.startswith(f"{key}.")}
            graph[key] = {d.split(".")[0] for d in deps}
            if spec.children:
                spec.children = self._order_children(spec)
        self.out.top_order = self._toposort(graph, lambda k: specs[k].loc)

    def _order_children(self, spec: FieldSpec) -> list[FieldSpec]:
        by_key = {c.key: c for c in spec.children}
        graph = {c.key: {d for d in c.deps if d in by_key} for c in spec.children}
        order = self._toposort(graph, lambda k: by_key[k].loc)
        return [by_key[k] for k in order]

    def _toposort(self, graph: dict[str, set[str]], loc_of: Callable[[str], Loc]) -> list[str]:
        """Depth-first order with an explicit stack: a chain of thousands of fields that
        each use the one before must not exhaust Python's recursion limit."""
        order: list[str] = []
        state: dict[str, int] = {}  # 1 = visiting, 2 = done
        path: list[str] = []  # the fields being visited, outermost first
        reported: set[frozenset[str]] = set()
        for start in graph:
            if state.get(start) is not None:
                continue
            state[start] = 1
            path.append(start)
            pending = [iter(sorted(graph[start]))]
            while pending:
                dep = next(pending[-1], None)
                if dep is None:
                    pending.pop()
                    node = path.pop()
                    state[node] = 2
                    order.append(node)
                    continue
                if dep not in graph:
                    continue
                if state.get(dep) == 1:
                    cycle = path[path.index(dep) :] + [dep]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        chain = " -> ".join(cycle)
                        self.issues.append(
                            (loc_of(dep), f"cycle: {chain} (each one uses the next)")
                        )
                elif state.get(dep) is None:
                    state[dep] = 1
                    path.append(dep)
                    pending.append(iter(sorted(graph[dep])))
        return order

    # rules -------------------------------------------------------------
    def _rules(self, top: dict[str, RefInfo], groups: dict[str, dict[str, RefInfo]]) -> None:
        scope = Scope(top, groups)
        for ri, rule in enumerate(self.form.rules):
            loc: Loc = ("rules", ri)
            c = self._expr(rule.check, scope, loc + ("check",), VT.BOOL)
            for fi, fid in enumerate(rule.fields):
                if fid not in self.out.specs:
                    self.issues.append((loc + ("fields", fi), f"unknown field '{fid}'"))
            if c is not None:
                self.out.rules.append(
                    (
                        c.fn,
                        rule_ctx(self.form.id, rule.id),
                        rule.message,
                        [f for f in rule.fields if f in self.out.specs],
                    )
                )


def _always_true(env: Env) -> bool:
    return True
