"""The finder at work: which question comes next, where the answers lead, and what they
fill in.

Conditions are compiled once with the expression language's own checker, against a
scope that holds only the choice questions asked before (for a question) or all of
them (for a route), each typed as its list of answers: ``status = 'duldungg'`` is a
build error, not a route that silently never applies. An unknown condition (one
that reads a question the visitor was never asked) counts as false, as
``visible_if`` does in forms.

The visitor's answers are a plain mapping from question id to answer value (a date
for a date question, None for one skipped); only the answers of questions that are
visible for the answers before them count, so changing an early answer can never
leave a stale later one in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.definition.finder import Finder, FinderQuestion, FinderRoute, PrefillRule
from kiosk.definition.model import Form, FormField, form_fields
from kiosk.engine.compiler import field_vt
from kiosk.engine.expression_syntax import Ref
from kiosk.engine.expressions import VT, Env, ExprError, RefInfo, Scope, check

#: Where a problem sits in finder.yaml: ("routes", 3, "when").
Loc = tuple[str | int, ...]
Answers = Mapping[str, Any]
_Test = Callable[[Env], Any]


class FinderBuildError(ValueError):
    """A finder whose conditions do not compile; carries every problem with its place."""

    def __init__(self, issues: list[tuple[Loc, str]]) -> None:
        self.issues = issues
        super().__init__("finder: " + "; ".join(m for _, m in issues))


class _FinderScope(Scope):
    """The answers a condition may read, with a plain word for the ones it may not."""

    def __init__(
        self,
        known: Mapping[str, RefInfo],
        later: frozenset[str],
        dates: frozenset[str],
        laws: Mapping[str, Any],
    ) -> None:
        super().__init__(known, {}, laws=laws)
        self.later, self.dates = later, dates

    def resolve(self, ref: Ref) -> RefInfo:
        name = ref.parts[0]
        if len(ref.parts) == 2:
            raise ExprError(f"'{ref.dotted}': a finder answer has no parts; write '{name}'")
        if name in self.dates:
            raise ExprError(
                f"'{name}' is a date question: conditions read only the answers of choice questions"
            )
        if name in self.later:
            raise ExprError(
                f"'{name}' is asked after this question: a condition may only read "
                "answers given before"
            )
        return super().resolve(ref)


@dataclass
class CompiledFinder:
    """The finder with its conditions compiled; cheap to ask on every tap."""

    finder: Finder
    visible: dict[str, _Test | None] = field(default_factory=dict)
    routes: list[tuple[FinderRoute, _Test]] = field(default_factory=list)

    # ---------------------------------------------------------------- the way through
    def effective(self, answers: Answers, today: dt.date | None = None) -> dict[str, Any]:
        """The answers that count: those of questions visible for the answers before them."""
        counted: dict[str, Any] = {}
        env = Env(counted, today or dt.date.today())
        for q in self.finder.questions:
            if q.id in answers and self._shown(q, env):
                counted[q.id] = answers[q.id]
        return counted

    def next_question(
        self, answers: Answers, today: dt.date | None = None
    ) -> FinderQuestion | None:
        """The first question still to ask (visible and not answered), or None: done."""
        counted: dict[str, Any] = {}
        env = Env(counted, today or dt.date.today())
        for q in self.finder.questions:
            if not self._shown(q, env):
                continue
            if q.id not in answers:
                return q
            counted[q.id] = answers[q.id]
        return None

    def outcome(self, answers: Answers, today: dt.date | None = None) -> list[FinderRoute]:
        """The routes that apply to *answers*, in the order of finder.yaml."""
        env = Env(self.effective(answers, today), today or dt.date.today())
        return [route for route, test in self.routes if test(env) is True]

    def _shown(self, q: FinderQuestion, env: Env) -> bool:
        test = self.visible.get(q.id)
        return test is None or test(env) is True

    # ---------------------------------------------------------------- prefill
    def prefill(self, form: Form, answers: Answers, today: dt.date | None = None) -> dict[str, Any]:
        """What the answers fill in on *form*: field id -> answer as forms store it (ISO
        dates). Only for the visit: the values go into the form's draft, nowhere else."""
        counted = self.effective(answers, today)
        out: dict[str, Any] = {}
        for rule in self.finder.prefill:
            if rule.forms and form.id not in rule.forms:
                continue
            raw = prefill_value(rule, counted.get(rule.answer))
            if raw is None:
                continue
            for target in prefill_targets(rule, form):
                value = stored_as(target, raw)
                if value is not None:
                    out.setdefault(target.id, value)
        return out


def prefill_targets(rule: PrefillRule, form: Form) -> list[FormField]:
    """The fields of *form* that *rule* writes into (top-level fields that hold answers)."""
    return [
        f
        for f in form_fields(form)
        if f.holds_answer
        and not f.is_group
        and f.compute is None
        and (f.id == rule.field if rule.field is not None else f.prefill == rule.profile)
    ]


def prefill_value(rule: PrefillRule, answer: Any) -> str | None:
    """The word *rule* writes for *answer* (an ISO date for a date); None: nothing."""
    if answer is None:
        return None
    if isinstance(answer, dt.date):
        return answer.isoformat()
    if rule.values is None:
        return str(answer)
    return rule.values.get(str(answer))


def stored_as(target: FormField, word: str) -> Any:
    """*word* as the field *target* stores its answer: yes/no as true or false, a count
    as a whole number, anything else as text; None: it does not fit the field."""
    vt = field_vt(target)
    if vt is VT.BOOL:
        return {"true": True, "false": False}.get(word)
    if vt is VT.NUMBER:
        return int(word) if word.isascii() and word.isdigit() and len(word) <= 9 else None
    return word


def choice_refs(finder: Finder) -> dict[str, RefInfo]:
    """Every choice question as a condition reads it: a text, one of its answer values."""
    return {
        q.id: RefInfo(VT.TEXT, q.id, frozenset(a.value for a in q.answers or ()))
        for q in finder.questions
        if q.kind == "choice"
    }


def compile_finder(
    finder: Finder,
    *,
    laws: Mapping[str, Any] | None = None,
    collect: list[tuple[Loc, str]] | None = None,
) -> CompiledFinder:
    """Compile every condition; problems go to *collect*, else :class:`FinderBuildError`."""
    issues: list[tuple[Loc, str]] = [] if collect is None else collect
    start = len(issues)
    refs = choice_refs(finder)
    dates = frozenset(q.id for q in finder.questions if q.kind == "date")
    every = frozenset(refs)
    out = CompiledFinder(finder)
    before: dict[str, RefInfo] = {}
    for qi, q in enumerate(finder.questions):
        scope = _FinderScope(before, every - set(before), dates, laws or {})
        out.visible[q.id] = _condition(q.visible_if, scope, ("questions", qi, "visible_if"), issues)
        if q.id in refs:
            before = {**before, q.id: refs[q.id]}
    scope = _FinderScope(refs, frozenset(), dates, laws or {})
    for ri, route in enumerate(finder.routes):
        test = _condition(route.when, scope, ("routes", ri, "when"), issues)
        if test is not None:
            out.routes.append((route, test))
    if collect is None and len(issues) > start:
        raise FinderBuildError(issues)
    return out


def _condition(
    source: str | None, scope: Scope, loc: Loc, issues: list[tuple[Loc, str]]
) -> _Test | None:
    if source is None:
        return None
    try:
        return check(source, scope, VT.BOOL).fn
    except ExprError as exc:
        issues.append((loc, str(exc)))
        return None


def walk(compiled: CompiledFinder, today: dt.date) -> Iterator[dict[str, Any]]:
    """Every way through the questions: one mapping of answers per path, in question
    order. A date question adds no branch (conditions cannot read it); it is left
    skipped. Depth-first with an explicit stack; the caller bounds how many it takes."""
    stack: list[dict[str, Any]] = [{}]
    while stack:
        answers = stack.pop()
        q = compiled.next_question(answers, today)
        if q is None:
            yield answers
            continue
        if q.kind == "date":
            stack.append({**answers, q.id: None})
            continue
        for a in reversed(q.answers or ()):
            stack.append({**answers, q.id: a.value})
