"""From a form of the catalog to a :class:`~kiosk.engine.form.CompiledForm`.

Compiling resolves every name a condition or formula uses, type-checks every
expression, and orders the fields so that each is evaluated after everything its
visibility or formula depends on; a cycle, an unknown name or a wrong type is a
build error with the place in the form's source where it sits. The work is done
once, when the catalog is built or loaded, so that evaluation on each keystroke
needs no lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.definition.codelists import country_codes
from kiosk.definition.model import CodeList, Form, FormField, Page
from kiosk.definition.strings import rule_ctx
from kiosk.engine.expressions import VT, Checked, Env, ExprError, RefInfo, Scope, check
from kiosk.engine.field_types import FIELD_TYPES, Choices, build_checker
from kiosk.engine.form import CompiledForm, FieldSpec, Loc


class FormBuildError(ValueError):
    """A form that cannot be compiled; carries every problem with its location."""

    def __init__(self, form_id: str, issues: list[tuple[Loc, str]]) -> None:
        self.form_id = form_id
        self.issues = issues
        super().__init__(f"form '{form_id}': " + "; ".join(m for _, m in issues))


def field_vt(f: FormField) -> VT | None:
    """How expressions see *f*'s answer (None: the field holds nothing to refer to)."""
    return FIELD_TYPES[f.type].value_type


def field_options(f: FormField, codelists: Mapping[str, CodeList]) -> frozenset[str] | None:
    """The stored values a choice or country field accepts (None: not a choice)."""
    choices = FIELD_TYPES[f.type].choices
    if choices is Choices.LISTED:
        if f.options is not None:
            return frozenset(o.value for o in f.options)
        if f.codelist is not None and f.codelist in codelists:
            return frozenset(o.value for o in codelists[f.codelist].options)
        return frozenset()
    if choices is Choices.COUNTRIES:
        return country_codes() | frozenset(o.value for o in f.extra_options or ())
    if choices is Choices.FOREIGN_ADDRESS and f.foreign:
        return country_codes()
    return None


def compile_form(
    form: Form,
    codelists: Mapping[str, CodeList],
    *,
    laws: Mapping[str, Any] | None = None,
    collect: list[tuple[Loc, str]] | None = None,
) -> CompiledForm:
    """Compile *form*; problems go to *collect* if given, else raise :class:`FormBuildError`.

    *laws* are the catalog's named law values (id -> value, see
    :func:`kiosk.definition.law.law_constants`) that ``law('id')`` reads.
    """
    issues: list[tuple[Loc, str]] = [] if collect is None else collect
    start = len(issues)
    compiled = _Compiler(form, codelists, issues, laws or {}).run()
    if collect is None and len(issues) > start:
        raise FormBuildError(form.id, issues)
    return compiled


class _Compiler:
    def __init__(
        self,
        form: Form,
        codelists: Mapping[str, CodeList],
        issues: list[tuple[Loc, str]],
        laws: Mapping[str, Any],
    ) -> None:
        self.form = form
        self.codelists = codelists
        self.issues = issues
        self.laws = laws
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
                self._check_codelist(f, loc)
                vt = field_vt(f)
                if vt is not None:
                    top[f.id] = RefInfo(vt, f.id, field_options(f, self.codelists))
                if f.is_group:
                    children: dict[str, RefInfo] = {}
                    for ci, c in enumerate(f.fields or []):
                        cloc = loc + ("fields", ci)
                        if c.is_group:
                            self.issues.append((cloc + ("type",), "repeat groups cannot be nested"))
                            continue
                        if c.id in children:
                            self.issues.append(
                                (
                                    cloc + ("id",),
                                    f"field id '{c.id}' is used twice in group '{f.id}'",
                                )
                            )
                        self._check_codelist(c, cloc)
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

    def _check_codelist(self, f: FormField, loc: Loc) -> None:
        if f.codelist and f.codelist not in self.codelists:
            self.issues.append((loc + ("codelist",), f"unknown code list '{f.codelist}'"))

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
        top_scope = Scope(top, groups, laws=self.laws)
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
                if f.is_group and f.id in groups:
                    scope = Scope(top, groups, item_group=f.id, laws=self.laws)
                    for ci, c in enumerate(f.fields or []):
                        if c.is_group or any(s.id == c.id for s in spec.children):
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
        scope = Scope(top, groups, laws=self.laws)
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
