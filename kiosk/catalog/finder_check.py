"""The checks of ``finder.yaml`` that ``kiosk catalog validate`` and ``build`` run.

Beyond the model's own rules, the finder must lead somewhere on every way through
it: the questions' answers are walked in every combination (their number is
bounded), and each combination must end in at least one form or info sheet; a
combination that does not is an error naming the answer that ends it, with the
answers before it as the witness. Every form of the catalog should be reachable
through the finder (a warning names each one that is not), and every route should
apply on some way (a warning otherwise). Names the finder uses (forms, info sheets,
questions, fields of the forms it fills in) must exist, and its conditions must
compile; each problem is reported with its file and line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, get_args

from kiosk.catalog.issues import Issue
from kiosk.catalog.source import SourceFile
from kiosk.definition.finder import Finder, FinderQuestion, PrefillRule
from kiosk.definition.model import CodeList, Form, FormField, ProfileKey
from kiosk.engine.compiler import field_options, field_vt
from kiosk.engine.expressions import VT
from kiosk.engine.finder import (
    CompiledFinder,
    compile_finder,
    prefill_targets,
    stored_as,
    walk,
)

#: Most ways through the questions the check walks; a finder of a few questions with a
#: handful of answers each has hundreds. Beyond this, the proof would take too long.
MAX_PATHS = 50_000
#: Most dead ends listed one by one; the rest are counted.
MAX_DEAD_ENDS = 10
PROFILE_KEYS = frozenset(get_args(ProfileKey))


def check_finder(
    f: SourceFile,
    forms: Mapping[str, Form],
    sheets: frozenset[str],
    codelists: Mapping[str, CodeList],
    laws: Mapping[str, Any],
    *,
    today: dt.date | None = None,
) -> list[Issue]:
    """Every problem of the finder in *f*, against the catalog's forms and info sheets."""
    finder = f.model
    assert isinstance(finder, Finder)
    out = _unique_ids(f, finder)
    out += _targets(f, finder, forms, sheets)
    out += _prefill(f, finder, forms, codelists)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    compiled = compile_finder(finder, laws=laws, collect=problems)
    out += [f.issue(loc, message) for loc, message in problems]
    if not any(i.is_error for i in out):
        out += _paths(f, compiled, forms, today or dt.date.today())
    return out


def _unique_ids(f: SourceFile, finder: Finder) -> list[Issue]:
    out: list[Issue] = []
    seen: set[str] = set()
    for qi, q in enumerate(finder.questions):
        if q.id in seen:
            out.append(f.issue(("questions", qi, "id"), f"question id '{q.id}' is used twice"))
        seen.add(q.id)
        values: set[str] = set()
        for ai, a in enumerate(q.answers or ()):
            if a.value in values:
                out.append(
                    f.issue(
                        ("questions", qi, "answers", ai, "value"),
                        f"answer value '{a.value}' is used twice",
                    )
                )
            values.add(a.value)
    routes: set[str] = set()
    for ri, route in enumerate(finder.routes):
        if route.id in routes:
            out.append(f.issue(("routes", ri, "id"), f"route id '{route.id}' is used twice"))
        routes.add(route.id)
    return out


def _targets(
    f: SourceFile, finder: Finder, forms: Mapping[str, Form], sheets: frozenset[str]
) -> list[Issue]:
    out: list[Issue] = []
    for ri, route in enumerate(finder.routes):
        for i, form_id in enumerate(route.forms):
            if form_id not in forms:
                out.append(f.issue(("routes", ri, "forms", i), f"unknown form '{form_id}'"))
        for i, sheet_id in enumerate(route.info):
            if sheet_id not in sheets:
                out.append(f.issue(("routes", ri, "info", i), f"unknown info sheet '{sheet_id}'"))
    return out


# ------------------------------------------------------------------ prefill


def _prefill(
    f: SourceFile, finder: Finder, forms: Mapping[str, Form], codelists: Mapping[str, CodeList]
) -> list[Issue]:
    out: list[Issue] = []
    questions = {q.id: q for q in finder.questions}
    for pi, rule in enumerate(finder.prefill):
        loc: tuple[str | int, ...] = ("prefill", pi)
        q = questions.get(rule.answer)
        if q is None:
            out.append(f.issue(loc + ("answer",), f"unknown question '{rule.answer}'"))
            continue
        if rule.profile is not None and rule.profile not in PROFILE_KEYS:
            out.append(f.issue(loc + ("profile",), f"unknown profile key '{rule.profile}'"))
            continue
        out += _prefill_values(f, loc, rule, q)
        named = []
        for i, form_id in enumerate(rule.forms):
            if form_id not in forms:
                out.append(f.issue(loc + ("forms", i), f"unknown form '{form_id}'"))
            else:
                named.append(forms[form_id])
        candidates = named or list(forms.values())
        written = 0
        for form in candidates:
            targets = prefill_targets(rule, form)
            if not targets and rule.forms:
                where = rule.field or f"prefill: {rule.profile}"
                out.append(
                    f.issue(loc + ("forms",), f"form '{form.id}' has no field '{where}' to fill in")
                )
            for target in targets:
                written += 1
                problem = _misfit(rule, q, target, codelists)
                if problem:
                    out.append(f.issue(loc, f"form '{form.id}', field '{target.id}': {problem}"))
        if not written and not rule.forms:
            what = f"field '{rule.field}'" if rule.field else f"field with prefill: {rule.profile}"
            out.append(f.issue(loc, f"no form has a {what} to fill in"))
    return out


def _prefill_values(
    f: SourceFile, loc: tuple[str | int, ...], rule: PrefillRule, q: FinderQuestion
) -> list[Issue]:
    if q.kind == "date":
        if rule.values is not None:
            return [f.issue(loc + ("values",), "a date answer is written as it is: no 'values'")]
        return []
    answers = {a.value for a in q.answers or ()}
    return [
        f.issue(loc + ("values", key), f"'{key}' is not an answer of question '{q.id}'")
        for key in rule.values or {}
        if key not in answers
    ]


def _misfit(
    rule: PrefillRule, q: FinderQuestion, target: FormField, codelists: Mapping[str, CodeList]
) -> str | None:
    """Why the answers of *q* cannot go into the field *target*, or None."""
    vt = field_vt(target)
    if q.kind == "date":
        return None if vt is VT.DATE else f"a date cannot fill in a '{target.type}' field"
    if vt not in {VT.BOOL, VT.NUMBER, VT.TEXT}:
        return f"an answer cannot fill in a '{target.type}' field"
    words = (
        list(rule.values.values())
        if rule.values is not None
        else [a.value for a in q.answers or ()]
    )
    options = field_options(target, codelists)
    for word in words:
        if options is not None:
            if word not in options:
                return f"'{word}' is not an option of this field"
        elif stored_as(target, word) is None:
            wanted = "true or false" if vt is VT.BOOL else "a whole number"
            return f"this field takes {wanted}, not '{word}'"
    return None


# ------------------------------------------------------------------ every way through


def _paths(
    f: SourceFile, compiled: CompiledFinder, forms: Mapping[str, Form], today: dt.date
) -> list[Issue]:
    """Walk every combination of answers: dead ends, unused routes, unreachable forms."""
    finder = compiled.finder
    reached: set[str] = set()
    used: set[str] = set()
    shown: set[str] = set()
    dead: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for count, answers in enumerate(walk(compiled, today), start=1):
        if count > MAX_PATHS:
            return [
                f.issue(
                    ("questions",),
                    f"the questions have more than {MAX_PATHS:,} combinations of answers; "
                    "use fewer answers, or ask some questions only after others (visible_if)",
                )
            ]
        shown.update(answers)
        routes = compiled.outcome(answers, today)
        for route in routes:
            used.add(route.id)
            reached.update(route.forms)
        if not routes:
            last = next(reversed(answers), "")
            dead.setdefault((last, str(answers.get(last))), []).append(answers)
    out = _dead_ends(f, finder, dead)
    for ri, route in enumerate(finder.routes):
        if route.id not in used:
            out.append(
                f.issue(
                    ("routes", ri, "when"),
                    f"route '{route.id}' applies to no combination of answers"
                    + _under_law(route.when),
                    "warning",
                )
            )
    for qi, q in enumerate(finder.questions):
        if q.id not in shown:
            out.append(
                f.issue(
                    ("questions", qi, "visible_if"),
                    f"question '{q.id}' is never asked" + _under_law(q.visible_if),
                    "warning",
                )
            )
    for form_id in sorted(set(forms) - reached):
        out.append(
            f.issue(
                ("routes",),
                f"form '{form_id}' cannot be reached through the finder: no route leads to it",
                "warning",
            )
        )
    return out


def _under_law(condition: str | None) -> str:
    """Said of a condition that reads law values: a new law may well switch it on."""
    return " with the law values of law.yaml in force" if "law(" in (condition or "") else ""


def _dead_ends(
    f: SourceFile, finder: Finder, dead: dict[tuple[str, str], list[dict[str, Any]]]
) -> list[Issue]:
    out: list[Issue] = []
    index = {q.id: qi for qi, q in enumerate(finder.questions)}
    ends = sorted(dead.items())
    for (qid, value), ways in ends[:MAX_DEAD_ENDS]:
        qi = index.get(qid)
        q = finder.questions[qi] if qi is not None else None
        ai = (
            next((i for i, a in enumerate(q.answers or ()) if a.value == value), None)
            if q
            else None
        )
        loc: tuple[str | int, ...] = ("routes",)
        if qi is not None:
            loc = ("questions", qi) if ai is None else ("questions", qi, "answers", ai)
        witness = ", ".join(
            f"{k} = '{v}'" if v is not None else f"{k} skipped" for k, v in ways[0].items()
        )
        also = f" (and {len(ways) - 1} more ways ending here)" if len(ways) > 1 else ""
        out.append(f.issue(loc, f"no route leads to a form or info sheet after: {witness}{also}"))
    if len(ends) > MAX_DEAD_ENDS:
        more = sum(len(ways) for _, ways in ends[MAX_DEAD_ENDS:])
        out.append(f.issue(("routes",), f"... and {more} more ways with no form or info sheet"))
    return out
