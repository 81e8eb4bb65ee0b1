"""Broken catalogs: each problem is reported with its file, line, path and a clear message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from kiosk.catalog.build import BuildResult
from kiosk.catalog.issues import Issue
from tests.conftest import FORM_YAML

FORM = "forms_catalog/amt/test_form.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str]
    file: str
    line: int
    path: str
    message: str


def reported(result: BuildResult, case: Case) -> Issue:
    """The issue *case* expects, at the line it expects; fails listing what was reported."""
    accepted = result.ok  # a plain bool: a failing assert must not print the whole catalog
    assert not accepted
    matching = [
        i
        for i in result.errors
        if i.file.endswith(case.file) and i.path == case.path and case.message in i.message
    ]
    assert matching, "\n".join(str(i)[:300] for i in result.issues)
    assert matching[0].line == case.line, str(matching[0])
    return matching[0]


def form(old: str, new: str) -> dict[str, str]:
    assert old in FORM_YAML, old
    return {"amt/test_form.yaml": FORM_YAML.replace(old, new, 1)}


def add_fields(extra: str) -> dict[str, str]:
    return {"amt/test_form.yaml": FORM_YAML + extra}


CASES = [
    Case(
        "misspelt key",
        form("        label: Alter\n", "        label: Alter\n        visble_if: age > 1\n"),
        FORM,
        19,
        "pages[person].fields[age].visble_if",
        "unknown key",
    ),
    Case(
        "unknown field type",
        form("type: integer", "type: number"),
        FORM,
        17,
        "pages[person].fields[age].type",
        "Input should be",
    ),
    Case(
        "missing label",
        form("        label: Alter\n", ""),
        FORM,
        16,
        "pages[person].fields[age].label",
        "this key is required",
    ),
    Case(
        "upper-case id",
        form("- id: age", "- id: Age"),
        FORM,
        16,
        "pages[person].fields[Age].id",
        "should match pattern",
    ),
    Case(
        "unknown field in condition",
        form("        label: Alter\n", "        label: Alter\n        visible_if: nope = 1\n"),
        FORM,
        19,
        "pages[person].fields[age].visible_if",
        "unknown field 'nope'",
    ),
    Case(
        "syntax error",
        form("        label: Alter\n", "        label: Alter\n        visible_if: name = = 'x'\n"),
        FORM,
        19,
        "pages[person].fields[age].visible_if",
        "unexpected '=' at column 8",
    ),
    Case(
        "type mismatch",
        form("        label: Alter\n", "        label: Alter\n        required_if: name > 3\n"),
        FORM,
        19,
        "pages[person].fields[age].required_if",
        "cannot compare a text with a number",
    ),
    Case(
        "value that is no option",
        form("        label: Alter\n", "        label: Alter\n        visible_if: status = 'c'\n"),
        FORM,
        19,
        "pages[person].fields[age].visible_if",
        "'c' is not an option of this field (a, b)",
    ),
    Case(
        "cycle",
        add_fields(
            "      - id: x\n        type: integer\n        label: X\n        compute: y + 1\n"
            "      - id: y\n        type: integer\n        label: Y\n        compute: x + 1\n"
        ),
        FORM,
        25,
        "pages[person].fields[x]",
        "cycle: x -> y -> x",
    ),
    Case(
        "visibility cycle",
        add_fields(
            "      - id: p\n        type: yes_no\n        label: P\n        visible_if: q\n"
            "      - id: q\n        type: yes_no\n        label: Q\n        visible_if: p\n"
        ),
        FORM,
        25,
        "pages[person].fields[p]",
        "cycle: p -> q -> p",
    ),
    Case(
        "unknown office",
        form("office: amt", "office: nobody"),
        FORM,
        3,
        "office",
        "unknown office 'nobody'",
    ),
    Case(
        "form in the wrong folder",
        {
            "other/test_form.yaml": FORM_YAML,
            "amt/test_form.yaml": FORM_YAML.replace("id: test_form", "id: test_form_b"),
        },
        "forms_catalog/other/test_form.yaml",
        3,
        "office",
        "move it to 'amt/'",
    ),
    Case(
        "unknown topic",
        form("topics: [money]", "topics: [money, fun]"),
        FORM,
        6,
        "topics[1]",
        "unknown topic 'fun'",
    ),
    Case(
        "unknown info sheet",
        form("next_steps:", "info_sheet: nothing\nnext_steps:"),
        FORM,
        7,
        "info_sheet",
        "unknown info sheet 'nothing'",
    ),
    Case(
        "unknown code list",
        form(
            "        options:\n          - {value: a, label: A}\n          - {value: b, label: B}\n",
            "        codelist: colours\n",
        ),
        FORM,
        22,
        "pages[person].fields[status].codelist",
        "unknown code list 'colours'",
    ),
    Case(
        "duplicate field id",
        form("- id: age", "- id: name"),
        FORM,
        16,
        "pages[person].fields[name].id",
        "field id 'name' is used twice",
    ),
    Case(
        "duplicate option value",
        form("{value: b, label: B}", "{value: a, label: B}"),
        FORM,
        24,
        "pages[person].fields[status].options[1].value",
        "option value 'a' is used twice",
    ),
    Case(
        "min above max",
        form("        label: Alter\n", "        label: Alter\n        min: 10\n        max: 5\n"),
        FORM,
        16,
        "pages[person].fields[age]",
        "min is greater than max",
    ),
    Case(
        "key not allowed for the type",
        form("        label: Alter\n", "        label: Alter\n        pattern: '[0-9]+'\n"),
        FORM,
        16,
        "pages[person].fields[age]",
        "'pattern' is not allowed on a field of type 'integer'",
    ),
    Case(
        "invalid YAML",
        form("    title: Person\n", "    title: Person\n   bad: indent\n"),
        FORM,
        11,
        "(yaml)",
        "not valid YAML",
    ),
    Case(
        "prefill does not fit",
        form("        label: Alter\n", "        label: Alter\n        prefill: birth_date\n"),
        FORM,
        19,
        "pages[person].fields[age].prefill",
        "prefill 'birth_date' fits fields of type date, not 'integer'",
    ),
    Case(
        "formula of the wrong type",
        form("        label: Alter\n", "        label: Alter\n        compute: name\n"),
        FORM,
        19,
        "pages[person].fields[age].compute",
        "must be a number, but this gives a text",
    ),
    Case(
        "condition that is not yes/no",
        form("        label: Alter\n", "        label: Alter\n        visible_if: len(name) + 1\n"),
        FORM,
        19,
        "pages[person].fields[age].visible_if",
        "must be a yes/no, but this gives a number",
    ),
    Case(
        "nested group",
        add_fields(
            "      - id: kids\n        type: group\n        label: Kinder\n        fields:\n"
            "          - id: inner\n            type: group\n            label: Innen\n            fields:\n"
            "              - {id: z, type: text, label: Z}\n"
        ),
        FORM,
        30,
        "pages[person].fields[kids].fields[inner].type",
        "repeat groups cannot be nested",
    ),
    Case(
        "unknown language",
        {"catalog.yaml": "id: test_catalog\ntitle: Test\nversion: 1\nlanguages: [de, xx]\n"},
        "forms_catalog/catalog.yaml",
        4,
        "languages[1]",
        "'xx' is not a language code CLDR knows",
    ),
    Case(
        "a language terminals have no locale data for",
        {"catalog.yaml": "id: test_catalog\ntitle: Test\nversion: 1\nlanguages: [de, en_GB]\n"},
        "forms_catalog/catalog.yaml",
        4,
        "languages[1]",
        "terminals carry no locale data for 'en_GB'",
    ),
    Case(
        "file in an unexpected place",
        {"amt/deep/form.yaml": FORM_YAML},
        "forms_catalog/amt/deep/form.yaml",
        1,
        "(file)",
        "unexpected file",
    ),
    Case(
        "form id used twice",
        {"amt/copy.yaml": FORM_YAML},
        "forms_catalog/amt/test_form.yaml",
        1,
        "id",
        "form id 'test_form' is also used in forms_catalog/amt/copy.yaml",
    ),
    Case(
        "choice without options",
        form(
            "        options:\n          - {value: a, label: A}\n          - {value: b, label: B}\n",
            "",
        ),
        FORM,
        19,
        "pages[person].fields[status]",
        "needs exactly one of 'options' or 'codelist'",
    ),
    Case(
        "rule naming an unknown field",
        add_fields(
            "rules:\n  - id: r\n    check: age > 1\n    message: Zu jung.\n    fields: [ghost]\n"
        ),
        FORM,
        29,
        "rules[r].fields[0]",
        "unknown field 'ghost'",
    ),
    Case(
        "unknown function",
        form(
            "        label: Alter\n",
            "        label: Alter\n        visible_if: weekday(name) = 1\n",
        ),
        FORM,
        19,
        "pages[person].fields[age].visible_if",
        "unknown function 'weekday'",
    ),
    Case(
        "consent without text",
        form("        type: integer\n", "        type: consent\n"),
        FORM,
        16,
        "pages[person].fields[age]",
        "needs 'consent' with its full text",
    ),
    Case(
        "group list used directly",
        add_fields(
            "      - id: kids\n        type: group\n        label: Kinder\n        fields:\n"
            "          - {id: age, type: integer, label: Alter}\n"
            "      - id: flag\n        type: yes_no\n        label: F\n        visible_if: kids.age > 3\n"
        ),
        FORM,
        33,
        "pages[person].fields[flag].visible_if",
        "use count(), sum() or contains()",
    ),
    Case(
        "group uses its own list",
        add_fields(
            "      - id: kids\n        type: group\n        label: Kinder\n        fields:\n"
            "          - {id: age, type: integer, label: Alter}\n"
            "          - {id: share, type: integer, label: Anteil, compute: sum(kids.age)}\n"
        ),
        FORM,
        30,
        "pages[person].fields[kids].fields[share]",
        "cannot use the list 'kids.…' of its own group",
    ),
    Case(
        "missing catalog.yaml",
        {"catalog.yaml": ""},
        "forms_catalog/catalog.yaml",
        1,
        "(top)",
        "must hold a mapping",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_catalog_is_reported_precisely(
    case: Case, make_catalog: Callable[..., BuildResult]
) -> None:
    reported(make_catalog(case.files), case)


def test_there_are_at_least_twenty_broken_catalogs() -> None:
    assert len(CASES) >= 20


def test_every_problem_is_reported_not_just_the_first(
    make_catalog: Callable[..., BuildResult],
) -> None:
    broken = (
        FORM_YAML.replace("office: amt", "office: nobody")
        .replace("        label: Alter\n", "        label: Alter\n        visible_if: ghost = 1\n")
        .replace("type: choice", "type: choise")
    )
    result = make_catalog({"amt/test_form.yaml": broken})
    messages = [str(i) for i in result.errors]
    assert any("type" in m and "Input should be" in m for m in messages), messages
    # model errors stop a file before cross checks, so a second file shows both kinds at once
    result = make_catalog(
        {
            "amt/test_form.yaml": FORM_YAML.replace("office: amt", "office: nobody"),
            "amt/other.yaml": FORM_YAML.replace("id: test_form", "id: other").replace(
                "        label: Alter\n", "        label: Alter\n        visible_if: ghost = 1\n"
            ),
        }
    )
    text = "\n".join(str(i) for i in result.errors)
    assert "unknown office 'nobody'" in text and "unknown field 'ghost'" in text


def test_error_line_format(make_catalog: Callable[..., BuildResult]) -> None:
    result = make_catalog(form("office: amt", "office: nobody"))
    assert str(result.errors[0]).endswith("test_form.yaml:3: office: unknown office 'nobody'")
