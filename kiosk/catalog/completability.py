"""Proof that every form of the catalog can be finished, as part of validate and build.

An admin who writes ``min_date: -5y`` beside a constraint ``age(...) >= 6``, or two
rules that a one-person household in a two-room flat cannot both satisfy, builds a
form that some visitors can never send. The engine only notices when such a
visitor is stuck at the terminal. This module asks a solver (z3) instead, for
every form, before the catalog is published:

1. Can the form be submitted at all? If not, the rules and limits that contradict
   each other are named (error).
2. Can each field be shown? A field or page whose ``visible_if`` can never be true
   is reported (warning).
3. Can each field be answered when it is shown? A required field whose range is
   empty (``min_date`` after ``max_date``, a pattern longer than ``max_length``, a
   constraint that excludes every option or every date of its range) is an error;
   an optional one a warning.
4. Does a field's own constraint always refuse answers its limits admit (birth dates
   of five-year-olds inside ``max_date: -5y`` that ``age >= 6`` refuses)? Warning,
   with an example: it may be intended, but the limits then promise too much.
5. Dead ends (:mod:`kiosk.catalog.completability_search`): answers a visitor can give,
   each page accepted as they leave it, from which no answers lead to a
   submittable form. Error, with the witness (``current_rooms = 2, count(household)
   = 0``) and the lines of the rules that close the way.

What the translation covers, what it approximates and where the search is bounded
is written in ``docs/completability.md``. Each finding names the file and line of
what is involved; what could not be checked is said (``not checked: ...``, info),
and so is a search stopped by its limits (warning), never silently passed over.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

import z3

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.completability_answers import Answers, Check, FormFacts, Tracker
from kiosk.catalog.completability_expr import (
    LawValues,
    Translator,
    referenced_names,
    string_literals,
)
from kiosk.catalog.completability_fields import Copy, FieldChecks, Finding
from kiosk.catalog.completability_questions import Questions
from kiosk.catalog.completability_replay import engine_problems, model_answers
from kiosk.catalog.completability_search import (
    CHOICE_TYPES,
    DeadEnd,
    search,
)
from kiosk.catalog.completability_state import FormStateFormula
from kiosk.catalog.completability_terms import Encoding, StringTable
from kiosk.catalog.issues import Issue
from kiosk.catalog.proof_limits import ProofLimits
from kiosk.catalog.source import SourceFile
from kiosk.definition.law import law_constants
from kiosk.definition.model import Form, Page
from kiosk.engine.form import CompiledForm, FieldSpec, Loc


def prove_catalog(
    forms: Mapping[str, tuple[CompiledForm, SourceFile]],
    laws: LawValues,
    limits: ProofLimits,
) -> list[Issue]:
    """Every finding of the proof for *forms* (form id -> compiled form and its file)."""
    started = time.monotonic()
    issues: list[Issue] = []
    for form_id in sorted(forms):
        compiled, source = forms[form_id]
        now = time.monotonic()
        if now - started >= limits.seconds:
            issues.append(
                source.issue(
                    ("id",),
                    f"not proven: the proof's time limit of {limits.seconds:g} s for the "
                    "whole catalog was reached before this form",
                    "warning",
                )
            )
            continue
        deadline = min(now + limits.seconds_per_form, started + limits.seconds)
        try:
            findings = prove_form(compiled, laws, limits, deadline)
        except (z3.Z3Exception, ArithmeticError, LookupError, ValueError) as exc:
            # a form the translation cannot take must not pass as proven, nor stop the
            # check of the others: said, with what went wrong, for the maintainers
            message = f"not proven: the proof failed on this form ({type(exc).__name__}: {exc})"
            issues.append(source.issue(("id",), message, "warning"))
            continue
        issues.extend(_issue(source, finding) for finding in findings)
    return issues


def prove_built_catalog(
    catalog: CompiledCatalog, files: list[SourceFile], limits: ProofLimits
) -> list[Issue]:
    """The proof for every form of a catalog just built from *files*."""
    sources = {f.model.id: f for f in files if isinstance(f.model, Form)}
    forms = {form_id: (catalog.compiled_form(form_id), f) for form_id, f in sources.items()}
    return prove_catalog(forms, law_constants(catalog.catalog.law), limits)


#: Which check a finding is placed at, when several are involved: the rule or
#: constraint an admin wrote for the purpose, before a limit or a requirement.
_PLACE_FIRST = ("rule", "constraint", "bound", "approximation", "items", "required")


def _issue(source: SourceFile, finding: Finding) -> Issue:
    checks = sorted(
        {c.loc: c for c in finding.checks}.values(), key=lambda c: source.line_of(c.loc)
    )
    placed = sorted(checks, key=lambda c: _PLACE_FIRST.index(c.kind))
    loc = finding.loc or (placed[0].loc if placed else ("id",))
    involved = ", ".join(f"line {source.line_of(c.loc)} ({_describe(c)})" for c in checks)
    message = finding.message + (f"; involved: {involved}" if involved else "")
    return source.issue(loc, message, finding.severity)


def _describe(check: Check) -> str:
    if check.kind == "constraint":
        return f"constraint {check.text}"
    if check.kind == "rule":
        return f"rule {check.text}"
    if check.kind == "required":
        return f"{check.text} {', '.join(sorted(check.owners))}"
    if check.kind == "items":
        return f"items of {', '.join(sorted(check.owners))}"
    return f"{', '.join(sorted(check.owners))}: {check.text}"


# --------------------------------------------------------------------- one form


class _FormProof:
    """The proof of one form: its fields, the whole form, then its dead ends."""

    def __init__(
        self, compiled: CompiledForm, laws: LawValues, limits: ProofLimits, deadline: float
    ) -> None:
        self.compiled = compiled
        self.laws = laws
        self.limits = limits
        self.deadline = deadline
        self.today = limits.today or dt.date.today()
        self.strings = StringTable()
        options = _options(compiled)
        # the largest option lists first, so that each gets consecutive codes
        for values in sorted((v for v in options.values() if v), key=len, reverse=True):
            for value in sorted(values):
                self.strings.code(value)
        self.facts = FormFacts(
            self.today,
            options,
            _literals(compiled, laws),
            limits.group_items,
            frozenset(_referenced_keys(compiled)),
        )
        self.findings: list[Finding] = []
        self.approximations: set[str] = set()
        self.stopped: set[str] = set()
        #: fields nothing reads that can always be answered, and an answer for each
        self.free: set[str] = set()
        self.samples: dict[str, Any] = {}

    # ----------------------------------------------------------- one copy
    def _copy(self, prefix: str) -> tuple[Encoding, Answers, FormStateFormula, Tracker]:
        enc = Encoding(self.today, self.strings, exact_outside=True)
        tracker = Tracker(prefix)
        answers = Answers(enc, tracker, self.facts, prefix)
        for key in self.compiled.top_order:
            spec = self.compiled.specs[key]
            if spec.field.holds_answer and spec.compute is None:
                answers.add(spec)
        state = FormStateFormula(self.compiled, answers.raws, Translator(enc, self.laws), tracker)
        return enc, answers, state, tracker

    def run(self) -> list[Finding]:
        enc, answers, state, tracker = self._copy("x")
        whole = Copy(enc, answers, state, tracker, self.deadline)
        fields = FieldChecks(whole, _referenced_keys(self.compiled))
        fields.run()
        self.findings += fields.findings
        self.free, self.samples = fields.free, fields.samples
        if not whole.out_of_time and self._submittable(whole, fields.empty):
            self._dead_ends(fields.empty)
        if whole.out_of_time:
            self.stopped.add("time")
        for note in sorted(self.approximations | set(enc.approximations)):
            self.findings.append(Finding("info", "not_checked", f"not checked: {note}"))
        for reason in sorted(self.stopped):
            what = (
                f"{self.limits.seconds_per_form:g} s"
                if reason == "time"
                else (f"{self.limits.rounds} candidates")
            )
            self.findings.append(
                Finding(
                    "warning",
                    "limit",
                    f"not fully proven: the proof stopped at its limit "
                    f"({what}); raise it to prove more",
                    ("id",),
                )
            )
        return self.findings

    # ----------------------------------------------------------- the whole form
    def _submittable(self, whole: Copy, empty: set[str]) -> bool:
        goal = whole.state.submittable()
        verdict, core, model = whole.check(goal)
        if verdict == z3.unsat and any(c.kind == "required" and c.owners & empty for c in core):
            return False  # said already: a required field that can never be answered
        if verdict == z3.unsat:
            self.findings.append(
                Finding(
                    "error",
                    "contradiction",
                    "no answers make this form submittable: its rules and limits contradict "
                    "each other",
                    (),
                    core,
                )
            )
            return False
        if model is not None:  # the translation, held against the engine
            found = model_answers(model, whole.answers.raws.values(), self.strings)
            problems = engine_problems(self.compiled, found or {}, self.today)
            if found is None or problems:
                self.approximations.add(
                    "the engine refuses the answers the proof found for the whole form "
                    f"({'; '.join(problems[:3]) or 'no concrete answers'})"
                )
        return bool(verdict == z3.sat)

    def _dead_ends(self, empty: set[str]) -> None:
        pages = self.compiled.form.pages
        by_checks: dict[frozenset[Loc], Finding] = {}
        rounds = self.limits.rounds
        questions = Questions(
            self.compiled,
            self.facts,
            self.strings,
            self.laws,
            frozenset(self.free),
            self.samples,
        )
        self.approximations.update(questions.approximations)
        for k in range(len(pages)):
            if k > 0 and not self._new_facts(pages[k - 1]):
                continue  # nothing given there that the question before did not cover
            query = questions.query(k)
            if query is None:
                continue
            outcome = search(query, self.deadline, rounds)
            rounds -= outcome.rounds
            for dead in outcome.dead_ends:
                self._report(dead, empty, by_checks)
            self.approximations.update(
                f"a dead end is not proven: {u}" for u in outcome.unconfirmed
            )
            if outcome.stopped is not None:
                self.stopped.add(outcome.stopped)
                return

    def _report(
        self, dead: DeadEnd, empty: set[str], by_checks: dict[frozenset[Loc], Finding]
    ) -> None:
        """One finding per set of checks that close a way: the first witness found, and
        how many other ways lead into the same dead end."""
        if any(c.kind == "required" and c.owners & empty for c in dead.checks):
            return  # already reported: the field can never be answered
        key = frozenset(c.loc for c in dead.checks)
        given = ", ".join(dead.witness) or "any answers"
        if key in by_checks:
            finding = by_checks[key]
            finding.others += 1
            head, _, _ = finding.message.partition(" [")
            finding.message = f"{head} [{finding.others} more way(s) into it found]"
            return
        finding = Finding(
            "error",
            "dead_end",
            f"dead end: with {given}, the form can never be submitted (stuck from page "
            f"'{dead.page}' on)",
            (),
            dead.checks,
        )
        by_checks[key] = finding
        self.findings.append(finding)

    def _new_facts(self, page: Page) -> bool:
        """Whether *page* holds answers that are facts for the pages after it: not left
        out as free, and not choices (those are already given in every question)."""
        for key in self.compiled.display_order:
            spec = self.compiled.specs[key]
            if spec.page.id != page.id or not spec.field.holds_answer or spec.compute:
                continue
            if key not in self.free and spec.field.type not in CHOICE_TYPES:
                return True
        return False


def prove_form(
    compiled: CompiledForm, laws: LawValues, limits: ProofLimits, deadline: float
) -> list[Finding]:
    return _FormProof(compiled, laws, limits, deadline).run()


def _options(compiled: CompiledForm) -> dict[str, frozenset[str] | None]:
    out: dict[str, frozenset[str] | None] = {}
    for spec in compiled.specs.values():
        out[spec.key] = spec.checker.options
        for child in spec.children:
            out[child.key] = child.checker.options
    return out


def _literals(compiled: CompiledForm, laws: LawValues) -> frozenset[str]:
    sources: list[str | None] = [p.visible_if for p in compiled.form.pages]
    sources += [r.check for r in compiled.form.rules]
    for spec in compiled.specs.values():
        for s in [spec, *spec.children]:
            f = s.field
            sources += [f.visible_if, f.required_if, f.compute]
            sources += [c.check for c in f.constraints]
    found: set[str] = {v for v in laws.values() if isinstance(v, str)}
    for source in sources:
        if source is not None:
            found |= string_literals(source)
    return frozenset(found)


def _referenced_keys(compiled: CompiledForm) -> set[str]:
    """Every field some expression of the form reads (``group.child`` for items' fields)."""
    out: set[str] = set()

    def note(source: str | None, group: FieldSpec | None) -> None:
        if source is None:
            return
        siblings = {c.id for c in group.children} if group is not None else set()
        for parts in referenced_names(source):
            if len(parts) == 2:
                out.update({parts[0], ".".join(parts)})
            elif group is not None and parts[0] in siblings:
                out.add(f"{group.key}.{parts[0]}")
            else:
                out.add(parts[0])

    for page in compiled.form.pages:
        note(page.visible_if, None)
    for rule in compiled.form.rules:
        note(rule.check, None)
    for spec in compiled.specs.values():
        for s, group in [(spec, None), *((c, spec) for c in spec.children)]:
            f = s.field
            for source in (
                f.visible_if,
                f.required_if,
                f.compute,
                *(c.check for c in f.constraints),
            ):
                note(source, group)
    return out
