"""The proof never flags a form that can always be finished, and says when it stops early.

Random forms are built around a witness chosen first: every field gets limits
that contain the witness's answer, and every constraint, rule and condition is
made true by it. The choices are what a visitor decides; the other answers are
typed, so a visitor can always type the witness's. Such a form can be finished
on every path, so any error the proof reports would be a false alarm; and the
answers it finds for the whole form must be accepted by the engine itself.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog.build import build_catalog
from kiosk.catalog.proof_limits import ProofLimits
from tests.catalog.test_completability import (
    FILE,
    ONE_STATUS_DEAD_END,
    form_yaml,
    proof_issues,
)
from tests.conftest import TODAY, write_catalog

CHOICES = ("a", "b", "c")


@dataclass(frozen=True)
class Number:
    name: str
    value: int
    low: int
    high: int


@dataclass(frozen=True)
class Birth:
    name: str
    years: int  # the witness's age in whole years
    oldest: int
    youngest: int


@st.composite
def forms(draw: st.DrawFn) -> str:
    """A one-page form whose every path can be finished with the witness's typed answers."""
    numbers = [
        Number(f"n{i}", value, value - draw(st.integers(0, 50)), value + draw(st.integers(0, 50)))
        for i, value in enumerate(draw(st.lists(st.integers(-100, 100), min_size=1, max_size=3)))
    ]
    births = [
        Birth(
            f"d{i}",
            years,
            years + draw(st.integers(1, 30)),
            max(0, years - draw(st.integers(0, 5))),
        )
        for i, years in enumerate(draw(st.lists(st.integers(0, 80), max_size=2)))
    ]
    choices = [f"c{i}" for i in range(draw(st.integers(1, 3)))]
    lines: list[str] = ["- id: p", "  title: Seite", "  fields:"]
    for name in choices:
        lines += [
            f"    - id: {name}",
            "      type: choice",
            "      label: Wahl",
            f"      required: {str(draw(st.booleans())).lower()}",
            "      options:",
            *(f"        - {{value: {v}, label: {v.upper()}}}" for v in CHOICES),
        ]
    guards = [f"{c} = '{v}'" for c in choices for v in CHOICES]
    for number in numbers:
        lines += _field(draw, number.name, "integer", guards)
        lines += [f"      min: {number.low}", f"      max: {number.high}"]
        lines += _constraints(
            draw, guards, [f"{number.name} >= {number.value - draw(st.integers(0, 9))}"]
        )
    for birth in births:
        lines += _field(draw, birth.name, "date", guards)
        lines += [f"      min_date: -{birth.oldest + 1}y", f"      max_date: -{birth.youngest}y"]
        lines += _constraints(
            draw, guards, [f"age({birth.name}) <= {birth.years + draw(st.integers(0, 9))}"]
        )
    rules = []
    for index, number in enumerate(numbers):
        if draw(st.booleans()):
            guard = draw(st.sampled_from(guards))
            check = (
                f"not ({guard}) or not answered({number.name}) or {number.name} <= {number.value}"
            )
            rules += [
                f"  - id: r{index}",
                f"    check: {check}",
                "    message: Zu groß.",
                f"    fields: [{number.name}]",
            ]
    body = "\n".join("  " + line for line in lines) + "\n"
    if rules:
        body += "rules:\n" + "\n".join(rules) + "\n"
    return form_yaml(body)


def _field(draw: st.DrawFn, name: str, kind: str, guards: list[str]) -> list[str]:
    out = [f"    - id: {name}", f"      type: {kind}", "      label: Angabe"]
    if draw(st.booleans()):
        out.append(f"      visible_if: {draw(st.sampled_from(guards))}")
    if draw(st.booleans()):
        out.append("      required: true")
    elif draw(st.booleans()):
        out.append(f"      required_if: {draw(st.sampled_from(guards))}")
    return out


def _constraints(draw: st.DrawFn, guards: list[str], holds: list[str]) -> list[str]:
    """Constraints the witness's answer satisfies, some only under a choice."""
    if not draw(st.booleans()):
        return []
    out = ["      constraints:"]
    for check in holds:
        if draw(st.booleans()):
            check = f"not ({draw(st.sampled_from(guards))}) or {check}"
        out += [f"        - check: {check}", "          message: Passt nicht."]
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=forms())
def test_forms_that_can_always_be_finished_are_never_flagged(tmp_path: Path, text: str) -> None:
    root = write_catalog(tmp_path, {"amt/broken.yaml": text})
    result = build_catalog(root, prove=ProofLimits(today=TODAY))
    errors = proof_issues(result, "error")
    assert not errors, "\n".join([*map(str, errors), textwrap.indent(text, "  ")])
    disagreements = [i for i in proof_issues(result, "info") if "engine refuses" in i.message]
    assert not disagreements, "\n".join([*map(str, disagreements), text])
    stopped = [i for i in proof_issues(result, "warning") if "proven" in i.message]
    assert not stopped, "\n".join(map(str, stopped))


# ------------------------------------------------------------------ limits

DEAD_END = form_yaml(ONE_STATUS_DEAD_END)


def test_the_round_limit_is_reported_when_hit(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"amt/broken.yaml": DEAD_END})
    result = build_catalog(root, prove=ProofLimits(today=TODAY, rounds=0))
    stopped = [i for i in proof_issues(result, "warning") if "not fully proven" in i.message]
    assert stopped and "0 candidates" in stopped[0].message, [str(i) for i in result.issues]
    assert stopped[0].line == 1  # placed at the form's id
    # with room to search, the same form has its dead end found
    found = build_catalog(root, prove=ProofLimits(today=TODAY))
    assert any("dead end" in i.message for i in proof_issues(found, "error"))


def test_the_time_limit_is_reported_when_hit(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"amt/broken.yaml": DEAD_END})
    result = build_catalog(root, prove=ProofLimits(today=TODAY, seconds=0.0))
    not_proven = [i for i in proof_issues(result, "warning") if "not proven" in i.message]
    assert not_proven, [str(i) for i in result.issues]
    assert "time limit of 0 s for the whole catalog" in not_proven[0].message
    per_form = build_catalog(root, prove=ProofLimits(today=TODAY, seconds_per_form=0.0))
    stopped = [i for i in proof_issues(per_form, "warning") if "not fully proven" in i.message]
    assert stopped and "(0 s)" in stopped[0].message, [str(i) for i in per_form.issues]


def test_the_check_date_is_the_one_given(tmp_path: Path) -> None:
    """Relative limits and ages are taken from the proof's day, so a finding can be
    reproduced: a range that is empty only from a given day on."""
    text = form_yaml(
        """\
          - id: p
            title: Seite
            fields:
              - id: start
                type: date
                label: Beginn
                required: true
                min_date: today
                max_date: 2026-12-31
        """
    )
    root = write_catalog(tmp_path, {"amt/broken.yaml": text})
    before = build_catalog(root, prove=ProofLimits(today=dt.date(2026, 11, 21)))
    after = build_catalog(root, prove=ProofLimits(today=dt.date(2027, 1, 5)))
    assert not proof_issues(before, "error")
    assert any("no answer fits" in i.message for i in proof_issues(after, "error"))
    assert FILE in str(proof_issues(after, "error")[0])
