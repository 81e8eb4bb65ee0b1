"""The search for dead ends: answers a visitor can give from which no way leads on.

A visitor answers a form page by page, and the kiosk lets them leave a page only
when it has nothing to say about it. What they answered on the pages behind them
are facts about their life (a birth date, the rooms of their flat); the choices
they make further on (a residence status, yes or no) are theirs to make, truthfully.
So for each page *k* the question is::

    are there answers to the pages before k, each page accepted as it was left,
    and choices on page k and after, such that no answers to the remaining
    questions make the form submittable?

That is an exists-forall question; z3's ``qsat`` tactic decides it for the linear
arithmetic, Booleans and finite choices the translation produces. A model of it is
a candidate dead end. It is then pinned down by an unsat core: which of the given
answers matter (the witness, made minimal) and which checks leave no way out (the
rules, constraints and limits to report, with their lines).

A candidate is not reported when the only checks involved are those of a later
choice itself (its constraints, the rules that name it, that it must be answered):
the kiosk then tells the visitor at the choice that it does not fit, which is a
deliberate gate, not a trap. Nor when the engine, given the same answers, refuses
one of the pages on the way (the witness must be a path a visitor can really take),
nor when the proof rests on an approximation, such as a repeat group tried with
fewer items than it allows. Every candidate, reported or not, is blocked and the
search goes on, within the limits of time and rounds it was given.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3

from kiosk.catalog.completability_answers import Check, Raw, Tracker
from kiosk.catalog.completability_replay import model_answers, reached_pages
from kiosk.catalog.completability_terms import Encoding
from kiosk.catalog.completability_witness import (
    Fixing,
    fixings,
    raw_variables,
    room_for,
    widened,
)
from kiosk.engine.form import CompiledForm, Loc

#: Field types a visitor chooses rather than types: the branches of a form.
CHOICE_TYPES = frozenset({"choice", "multi_choice", "yes_no", "country", "nationality"})


@dataclass
class DeadEnd:
    witness: list[str]
    checks: list[Check]
    page: str


@dataclass
class SearchOutcome:
    dead_ends: list[DeadEnd] = field(default_factory=list)
    #: candidates dropped, and why (approximation, not reproduced by the engine)
    unconfirmed: list[str] = field(default_factory=list)
    #: what stopped the search early, if anything (time or rounds)
    stopped: str | None = None
    rounds: int = 0


@dataclass
class Query:
    """One exists-forall question, ready to ask: see :func:`search`."""

    compiled: CompiledForm
    page_index: int
    given: dict[str, Raw]  # the universal side: pages behind, and choices
    remaining: list[Raw]  # the answers still to give
    later_choices: frozenset[str]  # keys of choices on page k and after
    outer: list[z3.BoolRef]  # what the given answers satisfy (pages accepted, domains)
    inner: list[z3.BoolRef]  # submittable, with the remaining answers' domains
    inner_tracker: Tracker
    enc: Encoding
    #: the given answers' own limits (tracked): a witness made smaller stays inside them
    given_domain: list[z3.BoolRef]
    #: answers for the fields left out of the question (nothing reads them)
    samples: dict[str, Any]


def search(query: Query, deadline: float, rounds: int) -> SearchOutcome:
    """Look for dead ends of *query* until *deadline* or after *rounds* candidates."""
    outcome = SearchOutcome()
    true = z3.BoolVal(True)
    # every check holds in the question itself; the literals only serve the cores
    literals = [(lit, true) for lit in query.inner_tracker.literals]
    body = z3.substitute(z3.And(query.inner), *literals)
    outer = z3.substitute(z3.And(query.outer), *literals)
    bound = [v for raw in query.remaining for v in raw_variables(raw)] + query.enc.fresh_vars
    claim = z3.ForAll(bound, z3.Not(body)) if bound else z3.Not(body)
    explainer = _Explainer(query, deadline)
    blocked: list[z3.BoolRef] = []
    seen: dict[frozenset[Loc], int] = {}
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or outcome.rounds >= rounds:
            outcome.stopped = "time" if left <= 0 else "rounds"
            return outcome
        verdict, model = _ask([outer, claim, *blocked], len(bound), deadline)
        if verdict == z3.unsat:
            return outcome
        if model is None:
            outcome.stopped = "time"
            return outcome
        outcome.rounds += 1
        pins = [
            pin for key, raw in query.given.items() for pin in fixings(raw, model, key, query.enc)
        ]
        explained = explainer.explain(pins)
        if explained is None:
            outcome.stopped = "time"
            return outcome
        witness, checks = explained
        if not witness and not checks:  # did not hold up: rule out exactly these answers
            blocked.append(z3.Not(z3.And([p.formula for p in pins])))
            continue
        if _judge(query, model, witness, checks, outcome):
            wide = explainer.widen(witness)
            wide_checks = explainer.checks_for(wide) if wide is not None else None
            if wide is None or wide_checks is None:
                outcome.stopped = "time"
                return outcome
            witness = wide
            outcome.dead_ends.append(DeadEnd([w.label for w in wide], wide_checks, _page(query)))
            same = frozenset(c.loc for c in wide_checks)
            seen[same] = seen.get(same, 0) + 1
            if seen[same] >= _WAYS_SHOWN:  # enough ways into one dead end: it is shown
                outcome.stopped = None
                return outcome
        if not witness:  # no way on whatever was answered before: nothing more to find
            return outcome
        blocked.append(z3.Not(z3.And([p.formula for p in witness])))


#: Ways into the same dead end (the same checks) looked for in one question.
_WAYS_SHOWN = 3

#: Ways to decide an exists-forall question, tried in turn: each is quick on some
#: shapes of question and slow on others. Quantifier elimination suits few remaining
#: answers; qsat (after simplification, which it needs) and z3's default solver the
#: rest. Each but the last gets a slice of the time left.
_FEW_REMAINING = 8
_SLICE_SECONDS = 1.5


def _strategies(remaining: int) -> list[Callable[[], z3.Solver]]:
    qsat = z3.Then("simplify", "propagate-values", "simplify", "qsat")
    eliminate = z3.Then("simplify", "qe", "smt")
    first = [eliminate.solver, qsat.solver] if remaining <= _FEW_REMAINING else [qsat.solver]
    return [*first, z3.Solver, eliminate.solver]


def _ask(
    formulas: list[z3.BoolRef], remaining: int, deadline: float
) -> tuple[z3.CheckSatResult, z3.ModelRef | None]:
    """sat with a model, unsat, or unknown (no strategy decided in time)."""
    strategies = _strategies(remaining)
    for index, make in enumerate(strategies):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        budget = left if index == len(strategies) - 1 else min(left, _SLICE_SECONDS)
        solver = make()
        solver.set("timeout", max(1, int(budget * 1000)))
        solver.add(*formulas)
        verdict = solver.check()
        if verdict == z3.unsat:
            return verdict, None
        if verdict == z3.sat:
            return verdict, solver.model()
    return z3.unknown, None


def _page(query: Query) -> str:
    return query.compiled.form.pages[query.page_index].id


class _Explainer:
    """Unsat cores for candidates: which given answers and which checks close the way."""

    def __init__(self, query: Query, deadline: float) -> None:
        self.query = query
        self.deadline = deadline
        self.solver = z3.Solver()
        self.solver.add(*query.inner, *query.given_domain)
        self.checks = query.inner_tracker.checks

    def _verdict(self, assumptions: list[z3.BoolRef]) -> tuple[bool, set[str]] | None:
        """(no way on, the names in the unsat core) under *assumptions*; None: no time."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            return None
        self.solver.set("timeout", max(1, int(left * 1000)))
        verdict = self.solver.check(*assumptions)
        if verdict == z3.unknown:
            return None
        if verdict == z3.sat:
            return False, set()
        return True, {str(c) for c in self.solver.unsat_core()}

    def explain(self, pins: list[Fixing]) -> tuple[list[Fixing], list[Check]] | None:
        """A minimal witness among *pins* and a minimal set of checks; ([], []) when the
        pins do lead on after all; None when time ran out."""
        self.solver.push()
        marks = [z3.Bool(f"pin!{i}") for i in range(len(pins))]
        for mark, pin in zip(marks, pins, strict=True):
            self.solver.add(z3.Implies(mark, pin.formula))
        try:
            return self._minimal(pins, marks)
        finally:
            self.solver.pop()

    def _minimal(
        self, pins: list[Fixing], marks: list[z3.BoolRef]
    ) -> tuple[list[Fixing], list[Check]] | None:
        tracked = list(self.query.inner_tracker.literals)
        found = self._verdict(tracked + marks)
        if found is None:
            return None
        if not found[0]:
            return [], []
        keep = [i for i, m in enumerate(marks) if str(m) in found[1]]
        checks = [t for t in tracked if str(t) in found[1]]
        for index in list(keep):  # deletion: drop each given answer that is not needed
            trial = [i for i in keep if i != index]
            result = self._verdict(tracked + [marks[i] for i in trial])
            if result is None:
                return None
            if result[0]:
                keep = [i for i in trial if str(marks[i]) in result[1]]
                checks = [t for t in tracked if str(t) in result[1]]
        fewest = self._fewest(checks, [marks[i] for i in keep])
        if fewest is None:
            return None
        return [pins[i] for i in keep], fewest

    def _fewest(self, checks: list[z3.BoolRef], marks: list[z3.BoolRef]) -> list[Check] | None:
        """Deletion: drop each check that is not needed to close the way."""
        for literal in list(checks):
            trial = [t for t in checks if t is not literal]
            result = self._verdict(trial + marks)
            if result is None:
                return None
            if result[0]:
                checks = [t for t in trial if str(t) in result[1]]
        return [self.checks[str(t)] for t in checks]

    def checks_for(self, witness: list[Fixing]) -> list[Check] | None:
        """The fewest checks that close the way for the whole of *witness*."""
        self.solver.push()
        marks = [z3.Bool(f"wide!{i}") for i in range(len(witness))]
        for mark, fixing in zip(marks, witness, strict=True):
            self.solver.add(z3.Implies(mark, fixing.formula))
        try:
            tracked = list(self.query.inner_tracker.literals)
            found = self._verdict(tracked + marks)
            if found is None or not found[0]:
                return None
            return self._fewest([t for t in tracked if str(t) in found[1]], marks)
        finally:
            self.solver.pop()

    def widen(self, witness: list[Fixing]) -> list[Fixing] | None:
        """*witness* with each number or date widened to the whole range that leads into
        the same dead end, so that one finding (and one block) covers it."""
        out = list(witness)
        for index, fixing in enumerate(witness):
            if fixing.raw is None or fixing.point is None:
                continue
            bounds = []
            for step in (-1, 1):
                edge = self._edge(out, index, fixing, step)
                if edge is None:
                    return None
                bounds.append(edge)
            out[index] = widened(fixing, bounds[0], bounds[1])
        return out

    def _edge(self, witness: list[Fixing], index: int, fixing: Fixing, step: int) -> int | None:
        """How far from its point the pinned value can go in direction *step*."""
        point = fixing.point
        assert point is not None
        others = [w.formula for i, w in enumerate(witness) if i != index]
        room = room_for(fixing, step)

        def still_dead(distance: int) -> bool | None:
            if distance > room:
                return False
            low, high = sorted((point, point + step * distance))
            trial = widened(fixing, low, high)
            result = self._verdict([*self.query.inner_tracker.literals, *others, trial.formula])
            return None if result is None else result[0]

        reach, jump = 0, 1
        while jump <= 1 << 22:  # gallop outwards, then halve back
            dead = still_dead(reach + jump)
            if dead is None:
                return None
            if not dead:
                break
            reach += jump
            jump *= 2
        while jump > 1:
            jump //= 2
            dead = still_dead(reach + jump)
            if dead is None:
                return None
            if dead:
                reach += jump
        return point + step * reach


def _judge(
    query: Query,
    model: z3.ModelRef,
    witness: list[Fixing],
    checks: list[Check],
    outcome: SearchOutcome,
) -> bool:
    """Whether the candidate is a dead end to report (else noted or passed over)."""
    labels = [w.label for w in witness]
    if any(c.kind == "approximation" for c in checks):
        reasons = "; ".join(c.text for c in checks if c.kind == "approximation")
        outcome.unconfirmed.append(f"{', '.join(labels)}: {reasons}")
        return False
    if checks and all(c.owners & query.later_choices for c in checks):
        return False  # the visitor is told at the choice itself: a gate, not a trap
    behind_pages = {p.id for p in query.compiled.form.pages[: query.page_index]}
    behind = [
        raw for key, raw in query.given.items() if query.compiled.specs[key].page.id in behind_pages
    ]
    answers = model_answers(model, behind, query.enc.strings, query.samples)
    reached = answers is not None and reached_pages(
        query.compiled, answers, query.enc.today, query.page_index
    )
    if reached is None or reached is False:
        outcome.unconfirmed.append(f"{', '.join(labels)}: the engine refuses the way there")
        return False
    return True
