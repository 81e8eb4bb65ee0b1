"""The proof that every form can be finished, on small forms broken on purpose.

Each case is one form that some visitor can never send (or that hides a field from
everyone); the proof must report it with the kind of problem, the file and line of
what is involved, and a witness: the answers that lead into the dead end.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.main import main
from kiosk.catalog.build import BuildResult, build_catalog
from kiosk.catalog.issues import Issue
from kiosk.catalog.proof_limits import ProofLimits
from tests.conftest import TODAY, write_catalog

FILE = "forms_catalog/amt/broken.yaml"
LIMITS = ProofLimits(today=TODAY)

HEAD = """\
id: broken
version: 1
office: amt
title: Kaputt
description: Ein Formular mit Fehlern.
topics: [money]
next_steps: Wir melden uns.
pages:
"""


def form_yaml(body: str) -> str:
    return HEAD + textwrap.dedent(body)


def line_of(text: str, marker: str) -> int:
    """The line of *text* on which *marker* stands (it must stand on exactly one)."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(lines) == 1, (marker, lines)
    return lines[0]


def prove(tmp_path: Path, text: str, limits: ProofLimits = LIMITS) -> BuildResult:
    root = write_catalog(tmp_path, {"amt/broken.yaml": text})
    return build_catalog(root, prove=limits)


def proof_issues(result: BuildResult, severity: str) -> list[Issue]:
    return [i for i in result.issues if i.file.endswith(FILE) and i.severity == severity]


@dataclass(frozen=True)
class Case:
    name: str
    body: str
    #: what the message says (its kind), where the issue is placed, and where the
    #: checks involved stand (markers of their lines)
    says: str
    at: str
    involved: tuple[str, ...]
    witness: str = ""
    severity: str = "error"


# with a Duldung the amount would have to exceed what the field allows
ONE_STATUS_DEAD_END = """\
  - id: status_page
    title: Status
    fields:
      - id: status
        type: choice
        label: Status
        required: true
        options:
          - {value: permit, label: Aufenthaltserlaubnis}
          - {value: toleration, label: Duldung}
  - id: money
    title: Geld
    fields:
      - id: amount
        type: integer
        label: Betrag
        required: true
        min: 0
        max: 100
rules:
  - id: toleration_needs_more
    check: status != 'toleration' or not answered(amount) or amount > 200
    message: Mit Duldung mehr als 200.
    fields: [amount]
"""


CASES = [
    Case(
        "two rules that no answer satisfies together",
        """\
          - id: p
            title: Seite
            fields:
              - id: amount
                type: integer
                label: Betrag
                required: true
        rules:
          - id: at_least_six
            check: not answered(amount) or amount > 5
            message: Mehr als 5.
            fields: [amount]
          - id: at_most_two
            check: not answered(amount) or amount < 3
            message: Weniger als 3.
            fields: [amount]
        """,
        "no answers make this form submittable",
        "check: not answered(amount) or amount > 5",
        ("check: not answered(amount) or amount > 5", "amount < 3", "required: true"),
    ),
    Case(
        "a required date whose min_date lies after its max_date",
        """\
          - id: p
            title: Seite
            fields:
              - id: start
                type: date
                label: Beginn
                required: true
                min_date: +1y
                max_date: today
        """,
        "'start' must be answered, but no answer fits",
        "- id: start",
        ("min_date: +1y", "max_date: today"),
    ),
    Case(
        "a pattern that needs more characters than max_length allows",
        """\
          - id: p
            title: Seite
            fields:
              - id: file_number
                type: text
                label: Aktenzeichen
                required: true
                max_length: 4
                pattern: "^[0-9]{5}$"
        """,
        "'file_number' must be answered, but no answer fits",
        "- id: file_number",
        ("max_length: 4", "pattern:"),
    ),
    Case(
        "a constraint that excludes every option",
        """\
          - id: p
            title: Seite
            fields:
              - id: status
                type: choice
                label: Status
                required: true
                options:
                  - {value: a, label: A}
                  - {value: b, label: B}
                constraints:
                  - check: status != 'a' and status != 'b'
                    message: Keine Option passt.
        """,
        "'status' must be answered, but no answer fits",
        "- id: status",
        ("check: status != 'a' and status != 'b'",),
    ),
    Case(
        "an age rule against the date range",
        """\
          - id: p
            title: Seite
            fields:
              - id: birth_date
                type: date
                label: Geburtsdatum
                required: true
                min_date: -17y
                max_date: today
                constraints:
                  - check: age(birth_date) >= 18
                    message: Nur Volljährige.
        """,
        "'birth_date' must be answered, but no answer fits",
        "- id: birth_date",
        ("min_date: -17y", "check: age(birth_date) >= 18"),
    ),
    Case(
        "a dead end for one value of a choice only",
        ONE_STATUS_DEAD_END,
        "dead end: with status = 'toleration', the form can never be submitted",
        "check: status != 'toleration'",
        ("max: 100", "check: status != 'toleration'"),
        witness="status = 'toleration'",
    ),
    Case(
        "a dead end from an answer given on a page behind (a fact, not a choice)",
        """\
          - id: flat
            title: Wohnung
            fields:
              - id: current_rooms
                type: integer
                label: Räume jetzt
                required: true
                min: 1
                max: 10
          - id: wishes
            title: Wünsche
            fields:
              - id: desired_rooms
                type: integer
                label: Räume gewünscht
                required: true
                min: 1
                max: 8
        rules:
          - id: bigger
            check: not answered(current_rooms) or desired_rooms > current_rooms
            message: Mehr Räume als jetzt.
            fields: [desired_rooms]
        """,
        "dead end: with current_rooms from 8 to 10, the form can never be submitted "
        "(stuck from page 'wishes' on)",
        "check: not answered(current_rooms)",
        ("max: 8", "check: not answered(current_rooms)"),
        witness="current_rooms from 8 to 10",
    ),
    Case(
        "a dead end inside a repeat group",
        """\
          - id: family
            title: Familie
            fields:
              - id: children
                type: group
                label: Kinder
                max_items: 4
                fields:
                  - id: kind
                    type: choice
                    label: Art
                    required: true
                    options:
                      - {value: own, label: eigenes Kind}
                      - {value: foster, label: Pflegekind}
          - id: care
            title: Betreuung
            fields:
              - id: hours
                type: integer
                label: Stunden
                required: true
                min: 0
                max: 5
        rules:
          - id: foster_hours
            check: not contains(children.kind, 'foster') or hours > 10
            message: Für Pflegekinder mehr als 10 Stunden.
            fields: [hours]
        """,
        "the form can never be submitted (stuck from page 'care' on)",
        "check: not contains(children.kind, 'foster')",
        ("max: 5", "check: not contains(children.kind, 'foster')"),
        witness=".kind = 'foster'",
    ),
    Case(
        "a field that can never be shown",
        """\
          - id: p
            title: Seite
            fields:
              - id: amount
                type: integer
                label: Betrag
              - id: ghost
                type: text
                label: Nie sichtbar
                visible_if: amount > 5 and amount < 3
        """,
        "'ghost' is never shown: its visible_if can never be true",
        "visible_if: amount > 5 and amount < 3",
        (),
        severity="warning",
    ),
    Case(
        "a constraint that refuses part of the declared date range",
        """\
          - id: p
            title: Seite
            fields:
              - id: birth_date
                type: date
                label: Geburtsdatum
                required: true
                min_date: -26y
                max_date: -5y
                constraints:
                  - check: age(birth_date) >= 6
                    message: Ab 6 Jahren.
        """,
        "'birth_date' admits answers that its own constraint always refuses",
        "- id: birth_date",
        ("check: age(birth_date) >= 6",),
        # today is 2026-11-21: the five-year-olds that max_date -5y lets in
        witness="birth_date from 2020-11-22 to 2021-11-21",
        severity="warning",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_proof_reports_the_problem_with_lines_and_witness(tmp_path: Path, case: Case) -> None:
    text = form_yaml(case.body)
    result = prove(tmp_path, text)
    found = [i for i in proof_issues(result, case.severity) if case.says in i.message]
    assert found, "\n".join(str(i) for i in result.issues)
    issue = found[0]
    assert issue.line == line_of(text, case.at), str(issue)
    for marker in case.involved:
        assert f"line {line_of(text, marker)} (" in issue.message, (marker, str(issue))
    assert case.witness in issue.message
    if case.severity == "error":
        assert not result.ok  # nothing that cannot be finished is published


def test_a_form_that_can_always_be_finished_is_not_flagged(tmp_path: Path) -> None:
    text = form_yaml(
        """\
          - id: status_page
            title: Status
            fields:
              - id: status
                type: choice
                label: Status
                required: true
                options:
                  - {value: permit, label: Aufenthaltserlaubnis}
                  - {value: toleration, label: Duldung}
              - id: valid_until
                type: date
                label: Gültig bis
                visible_if: status = 'permit'
                required_if: status = 'permit'
                min_date: today
                max_date: +10y
          - id: flat
            title: Wohnung
            fields:
              - id: current_rooms
                type: integer
                label: Räume jetzt
                min: 1
                max: 10
              - id: desired_rooms
                type: integer
                label: Räume gewünscht
                required: true
                min: 1
                max: 12
        rules:
          - id: bigger
            check: not answered(current_rooms) or desired_rooms > current_rooms
            message: Mehr Räume als jetzt.
            fields: [desired_rooms]
        """
    )
    result = prove(tmp_path, text)
    assert result.ok, "\n".join(str(i) for i in result.errors)
    assert not [i for i in proof_issues(result, "warning") if "not fully proven" in i.message]


def test_a_rule_that_names_the_choice_is_a_gate_not_a_dead_end(tmp_path: Path) -> None:
    """The kiosk tells the visitor at the choice itself that it does not fit: that
    is a deliberate gate, which the visitor can answer, not a trap."""
    text = form_yaml(
        """\
          - id: p
            title: Seite
            fields:
              - id: age_years
                type: integer
                label: Alter
                required: true
                min: 0
                max: 120
              - id: young_couple
                type: yes_no
                label: Junges Paar?
                required: true
        rules:
          - id: young_means_young
            check: young_couple != true or age_years < 40
            message: Nur unter 40.
            fields: [young_couple]
        """
    )
    result = prove(tmp_path, text)
    assert result.ok, "\n".join(str(i) for i in result.errors)


def test_validate_reports_a_dead_end_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = next(c for c in CASES if c.name.startswith("a dead end for one value"))
    text = form_yaml(case.body)
    root = write_catalog(tmp_path, {"amt/broken.yaml": text})
    assert main(["catalog", "validate", str(root)]) == 1
    out = capsys.readouterr().out
    expected = f"{FILE}:{line_of(text, case.at)}: "
    assert any(
        expected in line and "dead end: with status = 'toleration'" in line
        for line in out.splitlines()
    ), out
