"""``law.yaml``: named law values are read with their lines, checked, carried in the compiled
catalog to the terminal, and every problem is reported at its file and line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from kiosk.catalog.build import BuildResult
from kiosk.catalog.compiled import CompiledCatalog
from tests.catalog.test_broken_catalogs import Case, reported
from tests.conftest import FORM_YAML

LAW = "forms_catalog/law.yaml"
FORM = "forms_catalog/amt/test_form.yaml"

LAW_YAML = """\
values:
  - id: limit
    type: number
    value: 40000
    description: Eine Grenze.
    source: § 1 Testgesetz
  - id: cutoff
    type: date
    value: 2025-03-31
    description: Ein Stichtag.
    source: § 2 Testgesetz
"""
#: a computed field and a note that read the law values; appended to the test form
USES = """\
      - id: limit_shown
        type: money
        label: Grenze
        compute: law('limit') + 1
      - id: late_note
        type: note
        label: Nach dem Stichtag.
        visible_if: today() > law('cutoff')
"""
COMPUTE_LINE = FORM_YAML.count("\n") + 4


def law(old: str, new: str) -> dict[str, str]:
    assert old in LAW_YAML, old
    return {"law.yaml": LAW_YAML.replace(old, new, 1), "amt/test_form.yaml": FORM_YAML + USES}


def test_forms_read_law_values_and_the_terminal_gets_them(
    make_catalog: Callable[..., BuildResult],
) -> None:
    result = make_catalog({"law.yaml": LAW_YAML, "amt/test_form.yaml": FORM_YAML + USES})
    assert result.ok, [str(i) for i in result.errors]
    assert result.catalog is not None
    # the terminal loads the compiled catalog from its bytes and compiles the form there
    terminal = CompiledCatalog.from_json(result.catalog.to_json())
    assert [v.id for v in terminal.catalog.law] == ["limit", "cutoff"]
    state = terminal.compiled_form("test_form").evaluate({}, dt.date(2026, 11, 21))
    assert state.values["limit_shown"] == Decimal(40001)
    assert "late_note" in state.visible
    early = terminal.compiled_form("test_form").evaluate({}, dt.date(2025, 3, 31))
    assert "late_note" not in early.visible


def test_one_edit_in_law_yaml_changes_every_form_that_reads_it(
    make_catalog: Callable[..., BuildResult],
) -> None:
    result = make_catalog(law("value: 40000", "value: 25000"))
    assert result.catalog is not None
    state = result.catalog.compiled_form("test_form").evaluate({}, dt.date(2026, 11, 21))
    assert state.values["limit_shown"] == Decimal(25001)


CASES = [
    Case(
        "law() names an id law.yaml does not hold",
        {
            "law.yaml": LAW_YAML,
            "amt/test_form.yaml": FORM_YAML + USES.replace("law('limit')", "law('limmit')"),
        },
        FORM,
        COMPUTE_LINE,
        "pages[person].fields[limit_shown].compute",
        "unknown law value 'limmit' (law.yaml holds: cutoff, limit)",
    ),
    Case(
        "law() without a catalog law.yaml",
        {"amt/test_form.yaml": FORM_YAML + USES},
        FORM,
        COMPUTE_LINE,
        "pages[person].fields[limit_shown].compute",
        "unknown law value 'limit' (law.yaml holds: none)",
    ),
    Case(
        "law() with a field instead of an id in quotes",
        {
            "law.yaml": LAW_YAML,
            "amt/test_form.yaml": FORM_YAML + USES.replace("law('limit')", "law(age)"),
        },
        FORM,
        COMPUTE_LINE,
        "pages[person].fields[limit_shown].compute",
        "law() takes the id of a value in law.yaml in quotes",
    ),
    Case(
        "a law value of the wrong type for its use",
        {
            "law.yaml": LAW_YAML,
            "amt/test_form.yaml": FORM_YAML + USES.replace("law('limit')", "law('cutoff')"),
        },
        FORM,
        COMPUTE_LINE,
        "pages[person].fields[limit_shown].compute",
        "'+' needs a number, not a date",
    ),
    Case(
        "a value that does not fit its type",
        law("value: 40000", "value: vierzigtausend"),
        LAW,
        2,
        "values[limit]",
        "a number value must be a number, not 'vierzigtausend'",
    ),
    Case(
        "a date that is not in the calendar",
        law("value: 2025-03-31", "value: 2025-02-30"),
        LAW,
        7,
        "values[cutoff]",
        "'2025-02-30' is not a date of the calendar",
    ),
    Case(
        "an unknown type",
        law("type: date", "type: datum"),
        LAW,
        8,
        "values[cutoff].type",
        "Input should be 'number', 'money', 'date', 'text' or 'bool'",
    ),
    Case(
        "no legal source",
        law("    source: § 2 Testgesetz\n", ""),
        LAW,
        7,
        "values[cutoff].source",
        "this key is required",
    ),
    Case(
        "a misspelt key",
        law("    description: Eine Grenze.\n", "    descripton: Eine Grenze.\n"),
        LAW,
        5,
        "values[limit].descripton",
        "unknown key",
    ),
    Case(
        "an id used twice",
        law("  - id: cutoff", "  - id: limit"),
        LAW,
        7,
        "values[limit].id",
        "law value id 'limit' is used twice",
    ),
    Case(
        "not valid YAML",
        law("    value: 40000\n", "    value: [40000\n"),
        LAW,
        5,
        "(yaml)",
        "not valid YAML",
    ),
    Case(
        "no values at all",
        {"law.yaml": "values: []\n"},
        LAW,
        1,
        "values",
        "List should have at least 1 item",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_broken_law_file_or_use_is_reported_at_its_line(
    case: Case, make_catalog: Callable[..., BuildResult]
) -> None:
    reported(make_catalog(case.files), case)


def test_law_yaml_holds_no_string_to_translate(make_catalog: Callable[..., BuildResult]) -> None:
    result = make_catalog({"law.yaml": LAW_YAML})
    assert result.ok
    assert not [s for f, s in result.strings if f.kind == "law"]
