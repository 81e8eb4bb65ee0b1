"""The proof's checks of single fields: can each be shown, and answered when shown?

These run on one translation of the whole form (every answer free), one solver
question per field: is there any state in which it is visible; in which it is
visible and answered with a value that its limits and its constraints accept; and
does its own constraint refuse values its limits admit. The same questions tell
which fields nothing in the form reads and that can always be answered: the
search for dead ends leaves those out (they can never be what closes a way), which
keeps its questions small, and keeps an answer for each to replay paths through
the engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import z3

from kiosk.catalog.completability_answers import Answers, Check, Raw, Tracker
from kiosk.catalog.completability_expr import referenced_names
from kiosk.catalog.completability_replay import answer_of, plain_answer
from kiosk.catalog.completability_state import FormStateFormula
from kiosk.catalog.completability_terms import Encoding, Val, falsity
from kiosk.catalog.completability_witness import Fixing, fixings, room_for, widened
from kiosk.definition.model import FormField
from kiosk.engine.expression_types import VT
from kiosk.engine.form import FieldSpec, Loc


@dataclass
class Finding:
    """One result of the proof for one form, before it is placed in a file."""

    severity: str  # error, warning, info
    kind: str
    message: str
    loc: Loc = ()
    checks: list[Check] = field(default_factory=list)
    #: other witnesses that lead into the same dead end
    others: int = 0


@dataclass
class Copy:
    """One translation of the form with every answer free, and a solver over it."""

    enc: Encoding
    answers: Answers
    state: FormStateFormula
    tracker: Tracker
    deadline: float
    solver: z3.Solver = field(default_factory=z3.Solver)
    out_of_time: bool = False
    _side: int = 0

    def __post_init__(self) -> None:
        self.solver.add(*self.answers.domain)

    def check(self, goal: z3.BoolRef) -> tuple[z3.CheckSatResult, list[Check], z3.ModelRef | None]:
        """Whether *goal* can hold; the checks in the way if not, a model if so."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.out_of_time = True
            return z3.unknown, [], None
        self.solver.add(*self.enc.side[self._side :])  # facts the new terms rely on
        self._side = len(self.enc.side)
        self.solver.set("timeout", max(1, int(left * 1000)))
        mark = z3.Bool("goal")
        self.solver.push()
        self.solver.add(z3.Implies(mark, goal))
        verdict = self.solver.check(mark, *self.tracker.literals)
        model = self.solver.model() if verdict == z3.sat else None
        core = []
        if verdict == z3.unsat:
            checks = self.tracker.checks
            core = [checks[str(c)] for c in self.solver.unsat_core() if str(c) in checks]
        self.solver.pop()
        if verdict == z3.unknown:
            self.out_of_time = True
        return verdict, core, model


class FieldChecks:
    """Never-shown, never-answerable and partly refused fields of one form."""

    def __init__(self, copy: Copy, referenced: set[str]) -> None:
        self.copy = copy
        self.referenced = referenced
        self.findings: list[Finding] = []
        #: fields that can never be answered (a dead end through them is already said)
        self.empty: set[str] = set()
        #: fields nothing reads that can always be answered, and an answer for each
        self.free: set[str] = set()
        self.samples: dict[str, Any] = {}

    def run(self) -> None:
        state = self.copy.state
        form = state.compiled.form
        hidden: set[str] = set()
        for index, page in enumerate(form.pages):
            if page.visible_if is None:
                continue
            verdict, _, _ = self.copy.check(state.page_visible(page.id))
            if verdict == z3.unsat:
                hidden.add(page.id)
                self.findings.append(
                    Finding(
                        "warning",
                        "never_shown",
                        f"page '{page.id}' is never shown: its visible_if can never be true"
                        + _with_laws(page.visible_if),
                        ("pages", index, "visible_if"),
                    )
                )
        for key in state.compiled.display_order:
            spec = state.spec(key)
            if spec.page.id in hidden:
                continue
            for child, shown in self._slots(spec):
                if self.copy.out_of_time:
                    return
                self._field(spec, child, shown)

    def _slots(self, spec: FieldSpec) -> list[tuple[FieldSpec | None, z3.BoolRef]]:
        """The field, or for a group each child in its first item, with when it is shown."""
        state = self.copy.state
        out: list[tuple[FieldSpec | None, z3.BoolRef]] = [(None, state.visible(spec.key))]
        raw = state.raws.get(spec.key)
        if raw is not None and raw.items:
            out += [(c, state.item_visible(spec.key, 0, c.id)) for c in spec.children]
        return out

    def _field(self, spec: FieldSpec, child: FieldSpec | None, shown: z3.BoolRef) -> None:
        target = child or spec
        f = target.field
        if target.field.visible_if is not None or (child is None and spec.page.visible_if):
            verdict, _, _ = self.copy.check(shown)
            if verdict == z3.unsat:
                self.findings.append(
                    Finding(
                        "warning",
                        "never_shown",
                        f"'{target.key}' is never shown: its visible_if can never be true"
                        + _with_laws(target.field.visible_if),
                        target.loc + ("visible_if",),
                    )
                )
                return
        if not f.holds_answer or target.compute is not None or target.children:
            return
        state = self.copy.state
        own = {(f.id,)}
        alone = target.key not in self.referenced and all(
            not referenced_names(c.check) - own for c in f.constraints
        )
        if _unlimited(f):  # any answer of its type will do: nothing to ask the solver
            if alone:
                self.free.add(target.key)
                options = target.checker.options
                self.samples[target.key] = plain_answer(f, options, state.tr.enc.today)
            return
        slot = None if child is None else (0, child.id)
        raw = state.raws[spec.key] if child is None else state.raws[spec.key].items[0][child.id]
        verdict, core, model = self.copy.check(z3.And(shown, state.answer_fits(spec.key, slot)))
        if verdict == z3.unsat:
            must, _, _ = self.copy.check(z3.And(shown, state.required_now(spec.key, slot)))
            error = must != z3.unsat
            what = (
                "must be answered, but no answer fits"
                if error
                else ("can never be answered: no answer fits")
            )
            self.findings.append(
                Finding(
                    "error" if error else "warning",
                    "empty_range",
                    f"'{target.key}' {what}",
                    target.loc,
                    core,
                )
            )
            self.empty.add(target.key)
            return
        if model is None:
            return
        if alone:
            self.free.add(target.key)
            sample = True if target.kind.agreement else answer_of(model, raw, state.tr.enc.strings)
            if sample is not None:
                self.samples[target.key] = sample
        self._refused(target, raw)

    def _refused(self, target: FieldSpec, raw: Raw) -> None:
        """A warning when the field's own constraint refuses answers its limits admit."""
        f = target.field
        own = {(f.id,)}
        refusing = []
        state = self.copy.state
        for index, constraint in enumerate(f.constraints):
            if referenced_names(constraint.check) - own:
                continue  # about other answers too: a consistency check, not a range
            cond = state.tr.condition(constraint.check, OwnScope(f.id, raw), target.key)
            refusing.append((index, falsity(cond)))
        if not refusing:
            return
        verdict, _, model = self.copy.check(z3.And(raw.answered, z3.Or([r for _, r in refusing])))
        if verdict != z3.sat or model is None:
            return
        fixing = fixings(raw, model, target.key, state.tr.enc)[0]
        shown = self._band(fixing, z3.Or([r for _, r in refusing]))
        hit = [i for i, r in refusing if z3.is_true(model.eval(r, model_completion=True))]
        checks = [
            Check(
                "constraint",
                target.loc + ("constraints", i, "check"),
                f.constraints[i].check,
                frozenset({target.key}),
            )
            for i in hit
        ]
        self.findings.append(
            Finding(
                "warning",
                "refused_range",
                f"'{target.key}' admits answers that its own constraint always refuses: "
                f"{shown}; narrow its limits to match, or make sure refusing them is intended",
                target.loc,
                checks,
            )
        )

    def _band(self, fixing: Fixing, refused: z3.BoolRef) -> str:
        """The run of numbers or dates around the example that are all refused, in words
        (the example alone for other answers, or when time runs short)."""
        raw, point = fixing.raw, fixing.point
        if raw is None or point is None or raw.value is None:
            return f"e.g. {fixing.label}"
        edges = []
        for step in (-1, 1):
            nearest = self._nearest_accepted(raw, refused, point, step)
            if nearest is None:
                return f"e.g. {fixing.label}"
            room = room_for(fixing, step)
            edges.append(point + step * room if nearest is False else nearest - step)
        return widened(fixing, edges[0], edges[1]).label

    def _nearest_accepted(
        self, raw: Raw, refused: z3.BoolRef, point: int, step: int
    ) -> int | bool | None:
        """The nearest value past *point* (in direction *step*) that the constraint
        accepts; False if there is none; None if the solver gave no answer in time."""
        left = self.copy.deadline - time.monotonic()
        if left <= 0:
            return None
        value: z3.ArithRef = raw.value
        optimizer = z3.Optimize()
        optimizer.set("timeout", max(1, int(left * 1000)))
        optimizer.add(*self.copy.answers.domain, *self.copy.enc.side, *self.copy.tracker.literals)
        optimizer.add(raw.answered, z3.Not(refused), value > point if step > 0 else value < point)
        if step > 0:
            optimizer.minimize(value)
        else:
            optimizer.maximize(value)
        verdict = optimizer.check()
        if verdict == z3.unsat:
            return False
        if verdict != z3.sat:
            return None
        found = optimizer.model().eval(value, model_completion=True)
        if raw.vt is VT.NUMBER:
            return int(found.as_fraction().numerator // found.as_fraction().denominator)
        return int(found.as_long())


def _with_laws(source: str | None) -> str:
    """A condition that reads law.yaml may be off on purpose until a law is in force."""
    return " with the law values of law.yaml in force" if source and "law(" in source else ""


def _unlimited(f: FormField) -> bool:
    """Whether every answer of the field's type is accepted: no constraint, no pattern,
    no limits that could leave nothing (numbers and lengths are checked by the model)."""
    if f.constraints or f.pattern or f.min_length:
        return False
    if f.min is not None or f.max is not None:
        return False
    return not (f.min_date and f.max_date)


@dataclass(frozen=True)
class OwnScope:
    """A field's own answer, for a constraint that reads nothing else."""

    name: str
    raw: Raw

    def ref(self, parts: tuple[str, ...]) -> Val:
        assert parts == (self.name,), parts
        raw = self.raw
        assert raw.vt is not None
        return Val(raw.vt, raw.answered, raw.value, raw.length, raw.span)
