"""Hostile catalogs: every one is refused with file:line, quickly and in little memory.

A catalog comes from outside the program. Whatever a file holds (an alias bomb, a
formula thousands of levels deep, a number no column can store, a byte that is not
UTF-8, a pattern that backtracks for minutes) ``kiosk catalog validate`` must name
the file and line within a bounded time and memory, and never freeze or crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from cli.main import main
from kiosk.catalog.build import BuildResult, build_catalog
from tests.catalog.test_broken_catalogs import Case, reported
from tests.conftest import FORM_YAML, write_catalog
from tests.engine.bounded import within

FORM = "forms_catalog/amt/test_form.yaml"
TODAY = dt.date(2026, 11, 21)
AGE = "        label: Alter\n"  # line 18 of FORM_YAML; a key added after it is line 19


def after_age(line: str) -> dict[str, str]:
    """The form with *line* added to the field ``age`` (it lands on line 19)."""
    return {"amt/test_form.yaml": FORM_YAML.replace(AGE, AGE + f"        {line}\n", 1)}


def in_age_label(text: str) -> dict[str, str]:
    """The form with *text* inside the label of ``age`` (line 18)."""
    return {"amt/test_form.yaml": FORM_YAML.replace(AGE, f"        label: Al{text}ter\n", 1)}


def appended(extra: str) -> dict[str, str]:
    """The form with *extra* after its last line (line 25 onwards)."""
    return {"amt/test_form.yaml": FORM_YAML + extra}


def code_field(pattern: str) -> dict[str, str]:
    """A text field ``code`` whose ``pattern:`` is on line 28."""
    return appended(
        f"      - id: code\n        type: text\n        label: Code\n        pattern: '{pattern}'\n"
    )


def alias_bomb() -> str:
    """Nine levels of nine aliases: 9^9 values once expanded, from 10 short lines."""
    lines = ["a: &a [" + ", ".join(['"x"'] * 9) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


CASES = [
    # YAML that expands, nests or repeats without end
    Case(
        "alias bomb",
        {"amt/test_form.yaml": alias_bomb()},
        FORM,
        5,
        "(yaml)",
        "the aliases (*name) expand to more than 50,000 values",
    ),
    Case("recursive alias", appended("x: &r [*r]\n"), FORM, 25, "(yaml)", "inside its own anchor"),
    Case("undefined alias", appended("x: *nothing\n"), FORM, 25, "(yaml)", "names no anchor"),
    Case(
        "deep block nesting",
        appended("x:\n" + "".join("  " * i + "-\n" for i in range(1, 41))),
        FORM,
        57,
        "(yaml)",
        "nests more than 32 levels deep",
    ),
    Case("deep flow nesting", appended("x: " + "[" * 100_000 + "\n"), FORM, 25, "(yaml)", "nest"),
    Case("two documents", appended("---\nid: other\n"), FORM, 25, "(yaml)", "more than one YAML"),
    # sizes
    Case(
        "file over 1 MB",
        appended("# " + "x" * 1_000_000 + "\n"),
        FORM,
        1,
        "(yaml)",
        "larger than 1,000,000 bytes",
    ),
    Case(
        "900 kB label",
        in_age_label("x" * 900_000),
        FORM,
        18,
        "pages[person].fields[age].label",
        "at most 20000 characters",
    ),
    Case(
        "3000 fields on a page",
        appended("".join(f"      - {{id: f{i}, type: yes_no, label: F}}\n" for i in range(3000))),
        FORM,
        11,
        "pages[person].fields",
        "at most 100 items",
    ),
    Case(
        "1000 options",
        {
            "amt/test_form.yaml": FORM_YAML.replace(
                "          - {value: b, label: B}\n",
                "".join(f"          - {{value: o{i}, label: O}}\n" for i in range(1000)),
            )
        },
        FORM,
        22,
        "pages[person].fields[status].options",
        "at most 500 items",
    ),
    # expressions
    Case(
        "999-term sum",
        after_age("compute: " + "+".join(["1"] * 999)),  # 1,997 characters
        FORM,
        19,
        "pages[person].fields[age].compute",
        "expression too deep",
    ),
    Case(
        "500 unary minus",
        after_age("visible_if: " + "-" * 500 + "1 < 0"),
        FORM,
        19,
        "pages[person].fields[age].visible_if",
        "expression too deep",
    ),
    Case(
        "400 'not'",
        after_age("required_if: " + "not " * 400 + "answered(name)"),
        FORM,
        19,
        "pages[person].fields[age].required_if",
        "expression too deep",
    ),
    Case(
        "deep rule",
        appended(
            "rules:\n  - id: r\n    check: " + "age + " * 300 + "1 > 2\n"
            "    message: Zu alt.\n    fields: [age]\n"
        ),
        FORM,
        27,
        "rules[r].check",
        "expression too deep",
    ),
    Case(
        "huge number in a formula",
        after_age("compute: 100000000000000000000000000 * 2"),
        FORM,
        19,
        "pages[person].fields[age].compute",
        "too large: at most 15 digits",
    ),
    # numbers the store keeps or arithmetic uses
    Case(
        "form version 10^26",
        {
            "amt/test_form.yaml": FORM_YAML.replace(
                "version: 1\n", "version: " + "1" + "0" * 26 + "\n"
            )
        },
        FORM,
        2,
        "(yaml)",
        "the number 100000000000000000000000000 is too large",
    ),
    Case(
        "form version of 6000 digits",
        {"amt/test_form.yaml": FORM_YAML.replace("version: 1\n", "version: " + "9" * 6000 + "\n")},
        FORM,
        2,
        "(yaml)",
        "is too large",
    ),
    Case(
        "catalog version 10^26",
        {
            "catalog.yaml": "id: test_catalog\ntitle: T\nversion: 1"
            + "0" * 26
            + "\nlanguages: [de]\n"
        },
        "forms_catalog/catalog.yaml",
        3,
        "(yaml)",
        "the number 100000000000000000000000000 is too large",
    ),
    Case(
        "min 1e400",
        after_age("min: 1e400"),
        FORM,
        19,
        "(yaml)",
        "the number 1e400 is too large",
    ),
    Case("max nan", after_age("max: nan"), FORM, 19, "pages[person].fields[age].max", "finite"),
    Case("max -inf", after_age("max: -inf"), FORM, 19, "pages[person].fields[age].max", "finite"),
    Case(
        "max -10^16",
        after_age("max: -10000000000000000"),
        FORM,
        19,
        "pages[person].fields[age].max",
        "greater than or equal to",
    ),
    Case(
        "max_length 10^17",  # small enough for the parser, too large for the model
        {
            "amt/test_form.yaml": FORM_YAML.replace(
                "        type: person_name\n",
                "        type: person_name\n        max_length: 1" + "0" * 17 + "\n",
            )
        },
        FORM,
        14,
        "pages[person].fields[name].max_length",
        "less than or equal to 100000",
    ),
    Case(
        "max_length 10^26",
        {
            "amt/test_form.yaml": FORM_YAML.replace(
                "        type: person_name\n",
                "        type: person_name\n        max_length: 1" + "0" * 26 + "\n",
            )
        },
        FORM,
        14,
        "(yaml)",
        "the number 100000000000000000000000000 is too large",
    ),
    Case(
        "date bound of -9999 years",
        appended("      - id: d\n        type: date\n        label: D\n        min_date: -9999y\n"),
        FORM,
        28,
        "pages[person].fields[d].min_date",
        "should match pattern",
    ),
    Case(
        "date bound that is no date",
        appended(
            "      - id: d\n        type: date\n        label: D\n        max_date: 2024-02-30\n"
        ),
        FORM,
        28,
        "pages[person].fields[d].max_date",
        "'2024-02-30' is not a date of the calendar",
    ),
    # bytes and characters
    Case("NUL byte", in_age_label("\x00"), FORM, 18, "(yaml)", "U+0000 NULL is not allowed"),
    Case("escape", in_age_label("\x1b[2J"), FORM, 18, "(yaml)", "U+001B ESCAPE is not allowed"),
    Case(
        "byte order mark inside",
        in_age_label("\ufeff"),
        FORM,
        18,
        "(yaml)",
        "U+FEFF ZERO WIDTH NO-BREAK SPACE is not allowed in a catalog file (a byte order mark",
    ),
    Case(
        "bidi override",
        in_age_label("\u202e"),
        FORM,
        18,
        "(yaml)",
        "U+202E RIGHT-TO-LEFT OVERRIDE is not allowed",
    ),
    Case(
        "line separator",
        in_age_label("\u2028"),
        FORM,
        18,
        "(yaml)",
        "U+2028 LINE SEPARATOR is not allowed",
    ),
    Case("next line", in_age_label("\x85"), FORM, 18, "(yaml)", "U+0085 NEXT LINE is not allowed"),
    Case("zero width space", in_age_label("\u200b"), FORM, 18, "(yaml)", "U+200B ZERO WIDTH SPACE"),
    # patterns RE2 cannot run, or that are too large
    Case(
        "backreference",
        code_field(r"(a)\1"),
        FORM,
        28,
        "pages[person].fields[code].pattern",
        r"backreferences such as \1 are not supported",
    ),
    Case(
        "lookahead",
        code_field("(?=a)a+"),
        FORM,
        28,
        "pages[person].fields[code].pattern",
        "lookahead (?=...) is not supported",
    ),
    Case(
        "lookbehind",
        code_field("(?<=a)b"),
        FORM,
        28,
        "pages[person].fields[code].pattern",
        "lookbehind",
    ),
    Case(
        "pattern that does not compile",
        code_field("[a-"),
        FORM,
        28,
        "pages[person].fields[code].pattern",
        "not a valid pattern: missing ]",
    ),
    Case(
        "pattern of 501 characters",
        code_field("a" * 501),
        FORM,
        28,
        "pages[person].fields[code].pattern",
        "at most 500 characters",
    ),
    Case(
        "pattern too large for bounded memory",
        code_field(r"(\p{L}{1,100}){1,10}"),
        FORM,
        28,
        "pages[person].fields[code].pattern",
        "too large to run in bounded memory",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_catalog_is_refused_with_file_and_line(
    case: Case, make_catalog: Callable[..., BuildResult]
) -> None:
    with within(seconds=2, megabytes=100):
        result = make_catalog(case.files)
    reported(result, case)
    assert all(len(str(i)) < 400 for i in result.issues), "a message repeats hostile input"


def test_invalid_utf8_is_reported_on_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    root = write_catalog(tmp_path)
    (root / "amt" / "test_form.yaml").write_bytes(
        FORM_YAML.replace("label: Alter", "label: Alt\xe9r").encode("latin-1")
    )
    with within(seconds=2, megabytes=100):
        result = build_catalog(root)
    assert [str(i).split("forms_catalog/")[-1] for i in result.errors] == [
        "amt/test_form.yaml:18: (yaml): not valid UTF-8: byte 0xE9 at column 19; "
        "save the file as UTF-8"
    ]


def test_a_byte_order_mark_may_start_a_file(make_catalog: Callable[..., BuildResult]) -> None:
    """Editors on Windows write one; it is part of the encoding, not of the content."""
    result = make_catalog({"amt/test_form.yaml": "\ufeff" + FORM_YAML})
    assert result.ok, [str(i) for i in result.errors]


def test_aliases_that_stay_small_still_work(make_catalog: Callable[..., BuildResult]) -> None:
    options = "        options: &yes_no_options\n          - {value: a, label: A}\n"
    form = FORM_YAML.replace("        options:\n          - {value: a, label: A}\n", options) + (
        "      - id: again\n        type: choice\n        label: Nochmal\n"
        "        options: *yes_no_options\n"
    )
    result = make_catalog({"amt/test_form.yaml": form})
    assert result.ok, [str(i) for i in result.errors]


def test_a_flood_of_problems_is_listed_up_to_a_limit(
    make_catalog: Callable[..., BuildResult],
) -> None:
    extra = "".join(f"unknown_{i}: 1\n" for i in range(5000))
    with within(seconds=2, megabytes=100):
        result = make_catalog(appended(extra))
    mine = [i for i in result.errors if i.file.endswith(FORM)]
    assert len(mine) == 101
    assert "... and 4900 more problems in this file" in {i.message for i in mine}


def test_a_catastrophic_pattern_runs_in_linear_time_in_the_built_form(tmp_path: Path) -> None:
    """From the catalog folder to the terminal: the field is checked on every keystroke."""
    root = write_catalog(
        tmp_path,
        appended(
            "      - id: code\n        type: text\n        label: Code\n"
            "        pattern: '^(a+)+$'\n        max_length: 100000\n"
        ),
    )
    result = build_catalog(root)
    assert result.catalog is not None and result.ok, [str(i) for i in result.errors]
    form = result.catalog.compiled_form("test_form")
    with within(seconds=2, megabytes=100):
        short = form.validate({"code": "a" * 39 + "!"}, "de", TODAY).for_path("code")
        long_ok = form.validate({"code": "a" * 100_000}, "de", TODAY).for_path("code")
        long_bad = form.validate({"code": "a" * 100_000 + "!"}, "de", TODAY).for_path("code")
    assert [m.code for m in short] == ["pattern"]
    assert long_ok == []
    assert [m.code for m in long_bad] == ["too_long"]


def test_validate_prints_the_pattern_problem_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_catalog(tmp_path, code_field(r"^(\w+) \1$"))
    assert main(["catalog", "validate", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(
        line.endswith(
            r"test_form.yaml:28: pages[person].fields[code].pattern: "
            r"backreferences such as \1 are not supported"
        )
        for line in out
    ), out


def test_a_long_chain_of_computed_fields_is_ordered_without_recursion(tmp_path: Path) -> None:
    """Each field uses the one after it: ordering them used to recurse once per field."""
    n, per_page = 1500, 50
    pages = []
    for p in range(n // per_page):
        fields = "".join(
            f"      - {{id: c{i}, type: integer, label: C, "
            f"compute: {f'c{i + 1} + 1' if i < n - 1 else 'age'}}}\n"
            for i in range(p * per_page, (p + 1) * per_page)
        )
        pages.append(f"  - id: chain{p}\n    title: Kette\n    fields:\n{fields}")
    root = write_catalog(tmp_path, appended("".join(pages)))
    with within(seconds=5, megabytes=200):
        result = build_catalog(root)
    assert result.catalog is not None and result.ok, [str(i) for i in result.errors[:3]]
    state = result.catalog.compiled_form("test_form").evaluate({"age": "3"}, TODAY)
    assert state.values["c0"] == 3 + (n - 1)  # c1499 = age, each one before adds 1
