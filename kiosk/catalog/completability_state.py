"""One evaluation of a form as a formula: what is visible, required, and wrong.

This mirrors :meth:`kiosk.engine.form.CompiledForm.evaluate` and ``validate`` step
by step, so that "the engine accepts these answers" and "the formula holds" mean
the same thing:

- a field is visible when its page is and its ``visible_if`` is true (unknown is
  false); a hidden field has no value, whatever was typed into it, and is neither
  required nor checked;
- ``required_if`` is evaluated where the engine evaluates it, in field order, so it
  sees the fields before it (a field further down still counts as unanswered then),
  while constraints and rules see the whole form;
- a constraint is only checked on an answered field, and fails only when it is
  false (unknown passes); a rule fails when it is false and shows its message only
  if one of the fields it names is visible;
- a repeat group needs ``min_items`` items (one if it is required), and each item's
  fields are checked like top-level ones, in the item's own scope.

Every check is tracked (:class:`~kiosk.catalog.completability_answers.Tracker`),
so that an unsatisfiable core names the lines of the checks involved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import z3

from kiosk.catalog.completability_answers import Check, Raw, Tracker
from kiosk.catalog.completability_expr import Translator
from kiosk.catalog.completability_terms import (
    Item,
    ListVal,
    Term,
    Val,
    falsity,
    truth,
    undefined,
)
from kiosk.engine.expression_types import LIST_OF, VT
from kiosk.engine.field_types import FIELD_TYPES
from kiosk.engine.form import CompiledForm, FieldSpec


@dataclass(frozen=True)
class _TopScope:
    """Names as the engine's top-level env has them once *upto* fields are evaluated."""

    state: FormStateFormula
    upto: int | None = None  # index in top_order; None: the whole form

    def _known(self, name: str) -> bool:
        return self.upto is None or self.state.position.get(name, 1 << 30) <= self.upto

    def ref(self, parts: tuple[str, ...]) -> Term:
        if not self._known(parts[0]):
            if len(parts) == 2:
                return ListVal(self.state.child_vt(parts[0], parts[1]), ())
            return self.state.empty_term(parts[0])
        if len(parts) == 2:
            return self.state.column(parts[0], parts[1])
        return self.state.top(parts[0])


@dataclass(frozen=True)
class _ItemScope:
    """Names inside item *index* of *group*: siblings first, then the top level."""

    state: FormStateFormula
    group: str
    index: int
    upto_child: int | None  # siblings known so far; None: the whole item
    upto_top: int | None

    def ref(self, parts: tuple[str, ...]) -> Term:
        children = self.state.children[self.group]
        if len(parts) == 1 and parts[0] in children:
            position = children[parts[0]]
            if self.upto_child is not None and position > self.upto_child:
                vt = self.state.child_scalar_vt(self.group, parts[0])
                return ListVal(vt, ()) if vt is VT.TEXT_LIST else undefined(vt)
            return self.state.child_term(self.group, self.index, parts[0])
        return _TopScope(self.state, self.upto_top).ref(parts)


def _answered(term: Term) -> z3.BoolRef:
    if isinstance(term, Val):
        return term.defined
    return z3.Or([i.present for i in term.items]) if term.items else z3.BoolVal(False)


class FormStateFormula:
    """The evaluation of *compiled* over the answers *raws* (absent keys: unanswered)."""

    def __init__(
        self,
        compiled: CompiledForm,
        raws: Mapping[str, Raw],
        translator: Translator,
        tracker: Tracker,
        free: frozenset[str] = frozenset(),
    ) -> None:
        self.compiled = compiled
        #: fields nothing reads and that can always be answered: left out, as satisfied
        self.free = free
        self.raws = raws
        self.tr = translator
        self.tracker = tracker
        self.position = {key: i for i, key in enumerate(compiled.top_order)}
        self.children = {
            key: {c.id: i for i, c in enumerate(spec.children)}
            for key, spec in compiled.specs.items()
            if spec.children
        }
        self._top: dict[str, Term] = {}
        self._visible: dict[str, z3.BoolRef] = {}
        self._pages: dict[str, z3.BoolRef] = {}
        self._items: dict[tuple[str, int, str], Val] = {}
        self._rows: dict[str, list[z3.BoolRef]] = {}
        self._item_visible: dict[tuple[str, int, str], z3.BoolRef] = {}

    # ----------------------------------------------------------------- lookups
    def spec(self, key: str) -> FieldSpec:
        return self.compiled.specs[key]

    def child_spec(self, group: str, child: str) -> FieldSpec:
        return next(c for c in self.spec(group).children if c.id == child)

    def child_scalar_vt(self, group: str, child: str) -> VT:
        vt = FIELD_TYPES[self.child_spec(group, child).field.type].value_type
        assert vt is not None
        return vt

    def child_vt(self, group: str, child: str) -> VT:
        """The type of ``group.child``: a list of the child's values."""
        vt = self.child_scalar_vt(group, child)
        return LIST_OF.get(vt, vt)

    def empty_term(self, key: str) -> Term:
        vt = FIELD_TYPES[self.spec(key).field.type].value_type
        assert vt is not None
        if vt in (VT.GROUP, VT.TEXT_LIST):
            return ListVal(vt, ())
        return undefined(vt)

    def rows(self, key: str) -> list[z3.BoolRef]:
        """Which of a group's possible items exist (the group shown, enough items)."""
        if key not in self._rows:
            raw = self.raws.get(key)
            if raw is None or raw.count is None:
                self._rows[key] = []
            else:
                shown = self.visible(key)
                self._rows[key] = [z3.And(shown, raw.count > i) for i in range(len(raw.items))]
        return self._rows[key]

    # ----------------------------------------------------------------- visibility
    def page_visible(self, page_id: str) -> z3.BoolRef:
        if page_id not in self._pages:
            source = next(p.visible_if for p in self.compiled.form.pages if p.id == page_id)
            shown: z3.BoolRef = z3.BoolVal(True)
            if source is not None:
                shown = truth(self.tr.condition(source, _TopScope(self), f"page {page_id}"))
            self._pages[page_id] = shown
        return self._pages[page_id]

    def visible(self, key: str) -> z3.BoolRef:
        if key not in self._visible:
            spec = self.spec(key)
            shown = self.page_visible(spec.page.id)
            if spec.field.visible_if is not None:
                scope = _TopScope(self, self.position[key] - 1)
                cond = self.tr.condition(spec.field.visible_if, scope, key)
                shown = z3.And(shown, truth(cond))
            self._visible[key] = shown
        return self._visible[key]

    def item_visible(self, group: str, index: int, child: str) -> z3.BoolRef:
        slot = (group, index, child)
        if slot not in self._item_visible:
            row = self.rows(group)[index]
            spec = self.child_spec(group, child)
            shown = row
            if spec.field.visible_if is not None:
                scope = self._item_scope(group, index, self.children[group][child] - 1)
                cond = self.tr.condition(spec.field.visible_if, scope, spec.key)
                shown = z3.And(row, truth(cond))
            self._item_visible[slot] = shown
        return self._item_visible[slot]

    def _item_scope(self, group: str, index: int, upto_child: int | None) -> _ItemScope:
        upto_top = self.position[group] - 1 if upto_child is not None else None
        return _ItemScope(self, group, index, upto_child, upto_top)

    # ----------------------------------------------------------------- values
    def top(self, key: str) -> Term:
        if key not in self._top:
            spec = self.spec(key)
            shown = self.visible(key)
            scope = _TopScope(self, self.position[key] - 1)
            self._top[key] = self._value(spec, self.raws.get(key), shown, scope, key)
        return self._top[key]

    def child(self, group: str, index: int, child: str) -> Val:
        slot = (group, index, child)
        if slot not in self._items:
            spec = self.child_spec(group, child)
            raw = self.raws[group].items[index][child]
            shown = self.item_visible(group, index, child)
            scope = self._item_scope(group, index, self.children[group][child] - 1)
            term = self._value(spec, raw, shown, scope, raw.key)
            assert isinstance(term, Val)
            self._items[slot] = term
        return self._items[slot]

    def child_term(self, group: str, index: int, child: str) -> Term:
        spec = self.child_spec(group, child)
        raw = self.raws[group].items[index][child]
        if spec.field.type == "multi_choice":
            shown = self.item_visible(group, index, child)
            return self._choices(raw, shown)
        return self.child(group, index, child)

    def column(self, group: str, child: str) -> ListVal:
        """``group.child``: that field of every item, in order."""
        raw = self.raws.get(group)
        vt = self.child_vt(group, child)
        if raw is None:
            return ListVal(vt, ())
        rows = self.rows(group)
        items = [Item(rows[i], self.child(group, i, child)) for i in range(len(raw.items))]
        return ListVal(vt, tuple(items))

    def _value(
        self, spec: FieldSpec, raw: Raw | None, shown: z3.BoolRef, scope: object, where: str
    ) -> Term:
        f = spec.field
        vt = FIELD_TYPES[f.type].value_type
        assert vt is not None
        if f.compute is not None:
            term = self.tr.condition(f.compute, scope, where)  # type: ignore[arg-type]
            return Val(term.vt, z3.And(shown, term.defined), term.value, term.length)
        if vt is VT.GROUP:
            return ListVal(VT.GROUP, (), tuple(self.rows(spec.key)))
        if raw is None:
            return self.empty_term(spec.key) if spec.group is None else undefined(vt)
        if vt is VT.TEXT_LIST:
            return self._choices(raw, shown)
        return Val(vt, z3.And(shown, raw.answered), raw.value, raw.length, raw.span)

    def _choices(self, raw: Raw, shown: z3.BoolRef) -> ListVal:
        items = []
        for option, ticked in raw.selected.items():
            code = self.tr.enc.strings.code(option)
            text = Val(VT.TEXT, z3.BoolVal(True), z3.IntVal(code), z3.IntVal(len(option)))
            items.append(Item(z3.And(shown, ticked), text))
        return ListVal(VT.TEXT_LIST, tuple(items))

    # ----------------------------------------------------------------- checks
    def _required(self, spec: FieldSpec, scope: object) -> z3.BoolRef:
        f = spec.field
        if spec.compute is not None or not f.holds_answer or spec.kind.handed_in_later:
            return z3.BoolVal(False)
        if f.required:
            return z3.BoolVal(True)
        if f.required_if is None:
            return z3.BoolVal(False)
        return truth(self.tr.condition(f.required_if, scope, spec.key))  # type: ignore[arg-type]

    def _required_check(self, spec: FieldSpec) -> Check:
        attr = "required" if spec.field.required else "required_if"
        return Check("required", spec.loc + (attr,), attr, frozenset({spec.key}))

    def _answer_problems(
        self, spec: FieldSpec, term: Term, required: z3.BoolRef, scope: object, path: str
    ) -> list[z3.BoolRef]:
        """What must hold for this visible field to raise no message (tracked)."""
        f = spec.field
        if not f.holds_answer or spec.compute is not None:
            return []
        is_answered = _answered(term)
        given = is_answered
        if spec.kind.agreement and isinstance(term, Val):
            given = z3.And(is_answered, term.value)
        out = [self.tracker.guard(self._required_check(spec), z3.Implies(required, given))]
        return out + self._constraints_pass(spec, is_answered, scope, path)

    def _constraints_pass(
        self, spec: FieldSpec, is_answered: z3.BoolRef, scope: object, path: str
    ) -> list[z3.BoolRef]:
        out = []
        for index, constraint in enumerate(spec.field.constraints):
            cond = self.tr.condition(constraint.check, scope, path)  # type: ignore[arg-type]
            check = Check(
                "constraint",
                spec.loc + ("constraints", index, "check"),
                constraint.check,
                frozenset({spec.key}),
            )
            out.append(self.tracker.guard(check, z3.Not(z3.And(is_answered, falsity(cond)))))
        return out

    def answer_fits(self, key: str, slot: tuple[int, str] | None = None) -> z3.BoolRef:
        """The field (or *slot*: an item's child) is answered and its constraints pass."""
        if slot is None:
            spec, term, scope = self.spec(key), self.top(key), _TopScope(self)
        else:
            index, child = slot
            spec = self.child_spec(key, child)
            term = self.child_term(key, index, child)
            scope = self._item_scope(key, index, None)  # type: ignore[assignment]
        is_answered = _answered(term)
        return z3.And(is_answered, *self._constraints_pass(spec, is_answered, scope, spec.key))

    def required_now(self, key: str, slot: tuple[int, str] | None = None) -> z3.BoolRef:
        """Whether the engine counts the field (or *slot*) as required."""
        if slot is None:
            return self._required(self.spec(key), _TopScope(self, self.position[key]))
        index, child = slot
        scope = self._item_scope(key, index, self.children[key][child])
        return self._required(self.child_spec(key, child), scope)

    def field_ok(self, key: str) -> z3.BoolRef:
        """The field (with a group's items) raises no message, or is hidden."""
        spec = self.spec(key)
        if not spec.field.holds_answer or spec.compute is not None or key in self.free:
            return z3.BoolVal(True)
        shown = self.visible(key)
        required = self._required(spec, _TopScope(self, self.position[key]))
        if not spec.children:
            holds = self._answer_problems(spec, self.top(key), required, _TopScope(self), key)
            return z3.Implies(shown, z3.And(holds))
        raw = self.raws.get(key)
        rows = self.rows(key)
        f = spec.field
        lowest = z3.If(required, max(f.min_items or 0, 1), f.min_items or 0)
        count = raw.count if raw is not None and raw.count is not None else z3.IntVal(0)
        items_check = Check("items", spec.loc + ("min_items",), "items", frozenset({key}))
        holds = [self.tracker.guard(items_check, count >= lowest)]
        for index, row in enumerate(rows):
            for child in spec.children:
                if child.key in self.free:
                    continue
                term = self.child_term(key, index, child.id)
                child_required = self._required(
                    child, self._item_scope(key, index, self.children[key][child.id])
                )
                scope = self._item_scope(key, index, None)
                path = f"{key}[{index}].{child.id}"
                problems = self._answer_problems(child, term, child_required, scope, path)
                shown_child = self.item_visible(key, index, child.id)
                holds.append(z3.Implies(z3.And(row, shown_child), z3.And(problems)))
        return z3.Implies(shown, z3.And(holds))

    def rule_ok(self, index: int, page_id: str | None = None) -> z3.BoolRef:
        rule = self.compiled.form.rules[index]
        named = [f for f in rule.fields if f in self.compiled.specs]
        if page_id is not None:
            named = [f for f in named if self.spec(f).page.id == page_id]
        if not named:
            return z3.BoolVal(True)
        cond = self.tr.condition(rule.check, _TopScope(self), f"rule {rule.id}")
        shown = z3.Or([self.visible(f) for f in named])
        check = Check("rule", ("rules", index, "check"), rule.id, frozenset(named))
        return self.tracker.guard(check, z3.Not(z3.And(shown, falsity(cond))))

    def gate_ok(self, key: str) -> z3.BoolRef:
        """No message at *key* itself: its own checks and the rules that name it."""
        holds = [self.field_ok(key)]
        shown = self.visible(key)
        for rule in self.compiled.form.rules:
            if key in rule.fields:
                cond = self.tr.condition(rule.check, _TopScope(self), f"rule {rule.id}")
                holds.append(z3.Not(z3.And(shown, falsity(cond))))
        return z3.And(holds)

    def page_ok(self, page_id: str) -> z3.BoolRef:
        """``validate(pages=[page_id])`` finds nothing."""
        keys = [k for k in self.compiled.display_order if self.spec(k).page.id == page_id]
        holds = [self.field_ok(k) for k in keys]
        holds += [self.rule_ok(i, page_id) for i in range(len(self.compiled.form.rules))]
        return z3.And(holds)

    def submittable(self) -> z3.BoolRef:
        """``validate()`` finds nothing: the form can be sent."""
        holds = [self.field_ok(k) for k in self.compiled.display_order]
        holds += [self.rule_ok(i) for i in range(len(self.compiled.form.rules))]
        return z3.And(holds)
