"""The finder's file: broken ones are refused with file and line, every way through the
questions is walked, and a form no route reaches is named."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from kiosk.catalog.build import BuildResult
from kiosk.catalog.finder_check import MAX_PATHS
from kiosk.catalog.issues import Issue
from kiosk.engine.finder import walk
from tests.conftest import FORM_YAML

FINDER = "forms_catalog/finder.yaml"
#: A small finder over the test catalog: two needs, a choice that follows one of them,
#: a date that follows the other, and routes to both forms and to the info sheet.
FINDER_YAML = """\
questions:
  - id: need
    text: Was brauchen Sie?
    answers:
      - {value: money, label: Geld}
      - {value: flat, label: Wohnung}
  - id: kind
    text: Welche Art?
    visible_if: need = 'money'
    answers:
      - {value: a, label: Art A}
      - {value: b, label: Art B}
  - id: born
    kind: date
    text: Wann ist das Kind geboren?
    visible_if: need = 'flat'
    min_date: -20y
    max_date: today
routes:
  - id: money_a
    when: need = 'money' and kind = 'a'
    forms: [test_form]
    why: Das Testamt zahlt Art A.
  - id: money_b
    when: need = 'money' and kind = 'b'
    forms: [second_form]
    why: Das Testamt zahlt auch Art B.
  - id: flat
    when: need = 'flat'
    info: [amt]
    why: Das Testamt hilft bei der Wohnung.
prefill:
  - answer: kind
    field: status
    forms: [test_form]
"""
INFO_YAML = """\
id: amt
office: amt
title: Das Testamt
sections:
  - id: what
    heading: Was macht das Amt?
    body: Es testet.
"""


def catalog_files(finder: str = FINDER_YAML) -> dict[str, str]:
    return {
        "amt/second_form.yaml": FORM_YAML.replace("id: test_form", "id: second_form", 1),
        "info/amt.yaml": INFO_YAML,
        "finder.yaml": finder,
    }


def changed(old: str, new: str) -> str:
    """The finder with *old* replaced by *new*."""
    assert FINDER_YAML.count(old) == 1, old
    return FINDER_YAML.replace(old, new)


@dataclass(frozen=True)
class Case:
    name: str
    finder: str
    line: int
    path: str
    message: str


def case(
    name: str, old: str, new: str, path: str, message: str, at: str = "", offset: int = 0
) -> Case:
    """*new* in place of *old*; the problem is reported on the line where *at* (default:
    *new*) starts in the changed file, plus *offset*."""
    text = changed(old, new)
    marker = at or new
    assert text.count(marker) == 1, marker
    return Case(name, text, text[: text.index(marker)].count("\n") + 1 + offset, path, message)


CASES = [
    case(
        "unknown form",
        "forms: [second_form]",
        "forms: [nope]",
        "routes[money_b].forms[0]",
        "unknown form 'nope'",
    ),
    case(
        "unknown info sheet",
        "info: [amt]",
        "info: [nope]",
        "routes[flat].info[0]",
        "unknown info sheet 'nope'",
    ),
    case(
        "condition that does not parse",
        "when: need = 'flat'",
        "when: need = = 'flat'",
        "routes[flat].when",
        "unexpected '='",
    ),
    case(
        "answer that the question does not have",
        "when: need = 'flat'",
        "when: need = 'flats'",
        "routes[flat].when",
        "'flats' is not an option of this field (flat, money)",
    ),
    case(
        "condition on a question asked later",
        "visible_if: need = 'money'",
        "visible_if: need = 'money' and kind = 'a'",
        "questions[kind].visible_if",
        "'kind' is asked after this question",
    ),
    case(
        "condition on a date question",
        "when: need = 'flat'",
        "when: need = 'flat' and answered(born)",
        "routes[flat].when",
        "'born' is a date question",
    ),
    case(
        "unknown question in a condition",
        "when: need = 'flat'",
        "when: needs = 'flat'",
        "routes[flat].when",
        "unknown field 'needs'",
    ),
    case(
        "unknown law value",
        "when: need = 'flat'",
        "when: need = 'flat' and law('nope')",
        "routes[flat].when",
        "unknown law value 'nope'",
    ),
    case(
        "question id twice",
        "  - id: kind\n",
        "  - id: need\n",
        "questions[need].id",
        "question id 'need' is used twice",
        at="  - id: need\n    text: Welche Art?",
    ),
    case(
        "answer value twice",
        "{value: b, label: Art B}",
        "{value: a, label: Art B}",
        "questions[kind].answers[1].value",
        "answer value 'a' is used twice",
    ),
    case(
        "choice question with one answer",
        "      - {value: b, label: Art B}\n",
        "",
        "questions[kind]",
        "a choice question needs at least 2 answers",
        at="  - id: kind\n",
    ),
    case(
        "date question with answers",
        "    max_date: today\n",
        "    max_date: today\n    answers:\n      - {value: x, label: X}\n",
        "questions[born]",
        "a date question has no answers",
        at="  - id: born\n",
    ),
    case(
        "route that leads nowhere",
        "    info: [amt]\n",
        "",
        "routes[flat]",
        "a route needs at least one form or info sheet",
        at="  - id: flat\n",
    ),
    case(
        "a way that ends without a form: witness and the answer that ends it",
        "  - id: money_b\n    when: need = 'money' and kind = 'b'\n",
        "  - id: money_b\n    when: need = 'money' and kind = 'a'\n",
        "questions[kind].answers[1]",
        "no route leads to a form or info sheet after: need = 'money', kind = 'b'",
        at="{value: b, label: Art B}",
    ),
    case(
        "prefill from an unknown question",
        "  - answer: kind\n",
        "  - answer: sort\n",
        "prefill[0].answer",
        "unknown question 'sort'",
    ),
    case(
        "prefill into a form without that field",
        "    field: status\n",
        "    field: colour\n",
        "prefill[0].forms",
        "form 'test_form' has no field 'colour' to fill in",
        offset=1,
    ),
    case(
        "prefill of an answer that is no option of the field",
        "    field: status\n    forms: [test_form]\n",
        "    field: status\n    forms: [test_form]\n    values: {a: a, b: c}\n",
        "prefill[0]",
        "form 'test_form', field 'status': 'c' is not an option of this field",
        at="  - answer: kind\n",
    ),
    case(
        "prefill of an answer the question does not have",
        "    field: status\n    forms: [test_form]\n",
        "    field: status\n    forms: [test_form]\n    values: {c: a}\n",
        "prefill[0].values.c",
        "'c' is not an answer of question 'kind'",
        at="    values: {c: a}\n",
    ),
    case(
        "prefill of a date into a number",
        "  - answer: kind\n    field: status\n",
        "  - answer: born\n    field: age\n",
        "prefill[0]",
        "form 'test_form', field 'age': a date cannot fill in a 'integer' field",
    ),
    case(
        "prefill of a word into a number field that is no whole number",
        "  - answer: kind\n    field: status\n    forms: [test_form]\n",
        "  - answer: kind\n    field: age\n    forms: [test_form]\n    values: {a: 3, b: drei}\n",
        "prefill[0]",
        "form 'test_form', field 'age': this field takes a whole number, not 'drei'",
    ),
]


def issue_for(result: BuildResult, case: Case, severity: str = "error") -> Issue:
    found = [
        i
        for i in result.issues
        if i.severity == severity
        and i.file.endswith(FINDER)
        and i.path == case.path
        and case.message in i.message
    ]
    assert found, "\n".join(str(i)[:300] for i in result.issues)
    assert found[0].line == case.line, str(found[0])
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_finder_is_refused_with_file_and_line(
    case: Case, make_catalog: Callable[..., BuildResult]
) -> None:
    result = make_catalog(catalog_files(case.finder))
    assert result.catalog is None or result.errors
    issue_for(result, case)


def test_the_small_finder_builds_and_its_ways_end_in_forms(
    make_catalog: Callable[..., BuildResult],
) -> None:
    result = make_catalog(catalog_files())
    assert result.ok, [str(i) for i in result.errors]
    assert not [i for i in result.issues if i.file.endswith(FINDER)]
    assert result.catalog is not None
    compiled = result.catalog.compiled_finder()
    assert compiled is not None
    ways = list(walk(compiled, dt.date(2026, 11, 21)))
    assert ways == [
        {"need": "money", "kind": "a"},
        {"need": "money", "kind": "b"},
        {"need": "flat", "born": None},  # a date adds no branch: conditions cannot read it
    ]
    outcomes = [[(r.id, r.forms, r.info) for r in compiled.outcome(w)] for w in ways]
    assert outcomes == [
        [("money_a", ["test_form"], [])],
        [("money_b", ["second_form"], [])],
        [("flat", [], ["amt"])],
    ]


def test_a_form_no_route_reaches_is_named(make_catalog: Callable[..., BuildResult]) -> None:
    text = changed("forms: [second_form]", "forms: [test_form]")
    result = make_catalog(catalog_files(text))
    assert result.ok, [str(i) for i in result.errors]
    routes_line = text.splitlines().index("routes:") + 1
    warning = issue_for(
        result,
        Case("", text, routes_line, "routes", "form 'second_form' cannot be reached"),
        "warning",
    )
    assert "warning: " in str(warning)


def test_a_route_that_never_applies_and_a_question_never_asked_are_named(
    make_catalog: Callable[..., BuildResult],
) -> None:
    text = FINDER_YAML.replace(
        "visible_if: need = 'flat'\n", "visible_if: need = 'flat' and need = 'money'\n"
    ).replace("when: need = 'flat'\n", "when: need = 'flat' or need = 'money'\n")
    text = text.replace("when: need = 'money' and kind = 'a'", "when: kind = 'a' and kind = 'b'")
    spare = "  - id: spare\n    when: need = 'money'\n    forms: [test_form]\n    why: Auch.\n"
    text = text.replace("prefill:\n", spare + "prefill:\n")
    result = make_catalog(catalog_files(text))
    assert result.ok, [str(i) for i in result.errors]
    messages = {i.message for i in result.issues if i.severity == "warning"}
    assert "route 'money_a' applies to no combination of answers" in messages
    assert "question 'born' is never asked" in messages


def test_too_many_combinations_are_refused_rather_than_walked_for_ever(
    make_catalog: Callable[..., BuildResult],
) -> None:
    answers = "".join(f"      - {{value: v{n}, label: Antwort {n}}}\n" for n in range(20))
    questions = "".join(
        f"  - id: q{i}\n    text: Frage {i}?\n    answers:\n{answers}" for i in range(4)
    )
    text = f"questions:\n{questions}routes:\n  - id: all\n    when: 'true'\n    info: [amt]\n"
    text += "    why: Immer.\n"
    result = make_catalog(catalog_files(text))
    assert MAX_PATHS < 20**4
    problem = next(i for i in result.errors if i.file.endswith(FINDER))
    assert problem.line == 1 and problem.path == "questions"
    assert f"more than {MAX_PATHS:,} combinations" in problem.message


def test_finder_strings_are_extracted_with_stable_contexts(
    make_catalog: Callable[..., BuildResult],
) -> None:
    result = make_catalog(catalog_files())
    contexts = {s.ctx: s.text for f, s in result.strings if f.display.endswith(FINDER)}
    assert contexts == {
        "finder:question:need:text": "Was brauchen Sie?",
        "finder:question:need:answer:money": "Geld",
        "finder:question:need:answer:flat": "Wohnung",
        "finder:question:kind:text": "Welche Art?",
        "finder:question:kind:answer:a": "Art A",
        "finder:question:kind:answer:b": "Art B",
        "finder:question:born:text": "Wann ist das Kind geboren?",
        "finder:route:money_a:why": "Das Testamt zahlt Art A.",
        "finder:route:money_b:why": "Das Testamt zahlt auch Art B.",
        "finder:route:flat:why": "Das Testamt hilft bei der Wohnung.",
    }


def test_a_catalog_without_finder_has_none(make_catalog: Callable[..., BuildResult]) -> None:
    result = make_catalog()
    assert result.ok and result.catalog is not None
    assert result.catalog.compiled_finder() is None
    assert not [i for i in result.issues if "finder" in i.message]


def test_the_demo_finder_is_sound(demo_result: BuildResult) -> None:
    """Every way through the demo finder ends in a form or an info sheet, and every form of
    the demo catalog is reachable through it."""
    finder_issues = [i for i in demo_result.issues if i.file.endswith(FINDER)]
    assert not [i for i in finder_issues if i.is_error], [str(i) for i in finder_issues]
    assert not [i for i in finder_issues if "cannot be reached" in i.message]


def test_a_finder_yaml_elsewhere_is_not_taken_for_one(
    make_catalog: Callable[..., BuildResult],
) -> None:
    result = make_catalog({"amt/finder.yaml": textwrap.dedent(FINDER_YAML)})
    assert not result.ok  # a form folder holds forms: the finder stands at the top


def test_a_profile_key_fills_the_fields_prefilled_from_it(
    make_catalog: Callable[..., BuildResult],
) -> None:
    """``profile: birth_date`` writes the answer into every field of the opened form that
    is prefilled from the visitor's birth date, whatever the field is called."""
    form = FORM_YAML + (
        "      - id: geboren\n        type: date\n        label: Geburtsdatum\n"
        "        prefill: birth_date\n"
    )
    text = changed(
        "  - answer: kind\n    field: status\n    forms: [test_form]\n",
        "  - answer: born\n    profile: birth_date\n",
    )
    files = catalog_files(text) | {"amt/test_form.yaml": form}
    result = make_catalog(files)
    assert result.ok and result.catalog is not None, [str(i) for i in result.errors]
    compiled = result.catalog.compiled_finder()
    assert compiled is not None
    born = dt.date(2020, 5, 17)
    answers = {"need": "flat", "born": born}
    test_form = result.catalog.catalog.form("test_form")
    assert compiled.prefill(test_form, answers) == {"geboren": "2020-05-17"}
    assert compiled.prefill(result.catalog.catalog.form("second_form"), answers) == {}
    wrong = make_catalog(catalog_files(text.replace("birth_date", "birthday")))
    assert any(
        i.path == "prefill[0].profile" and "unknown profile key 'birthday'" in i.message
        for i in wrong.errors
    )
