"""Catalog compile time and form-engine evaluation time, each as a ratio to a floor.

Run: ``.venv/bin/python bench/engine.py [--runs 2000]``. Prints one line per figure
(``bench/ratios.py``), each beside a floor measured in the same run:
- compiling the demo catalog (YAML + PO files -> compiled, hashed catalog) and a
  generated one of 300 forms in 16 languages, against parsing the same YAML and PO
  files (PyYAML's C loader, Babel's PO reader) and nothing else: target <= 5x;
- loading that generated catalog's compiled JSON (hash check + model), against
  ``json.loads`` and SHA-256 of the same bytes: target <= 3x;
- a 150-field form with 40 conditions, p50 of ``evaluate`` (visibility, requirement,
  every answer's check: what runs on every keystroke) with all fields answered and
  with none, and of ``validate`` (the same plus problems and messages), against the
  same form written by hand as Python closures over the same answers
  (``bench/handwritten.py``): target <= 3x;
- one check of a text field whose catalog pattern backtracks catastrophically in
  Python's ``re`` (``^(a+)+$``), on 40 and on 100,000 characters, against the same
  check with a trivial pattern on the same text: target <= 2x (linear-time matching
  makes the pattern's shape irrelevant).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generated import (  # noqa: E402
    TODAY,
    answers_for,
    compiled_generated_form,
    one_office_catalog,
    write_generated_catalog,
)
from bench.handwritten import HandWrittenForm  # noqa: E402
from bench.ratios import Report, at_most, interleaved_ms, p50  # noqa: E402
from kiosk.catalog.build import build_catalog  # noqa: E402
from kiosk.catalog.compiled import CompiledCatalog  # noqa: E402
from kiosk.engine.form import CompiledForm  # noqa: E402

COMPILE_TARGET = at_most(5.0)
LOAD_TARGET = at_most(3.0)
ENGINE_TARGET = at_most(3.0)
PATTERN_TARGET = at_most(2.0)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_sources(catalog: Path, translations: Path) -> int:
    """The compile floor: every YAML file of *catalog* and every catalog PO file of
    *translations* parsed into Python objects, nothing checked or built."""
    count = 0
    for path in sorted(catalog.rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        count += 1
    for path in sorted(translations.glob("*/LC_MESSAGES/catalog.po")):
        with path.open("rb") as fh:
            read_po(fh)
        count += 1
    return count


def load_floor(data: bytes) -> object:
    """The load floor: the compiled catalog's bytes hashed and parsed, no model."""
    hashlib.sha256(data).hexdigest()
    return json.loads(data)


def compile_figures(report: Report) -> None:
    demo_root = ROOT / "forms_catalog"
    demo = build_catalog(demo_root)
    if demo.catalog is None:
        raise RuntimeError(f"the demo catalog does not build: {demo.errors[:5]}")
    report.note(
        f"catalog compile: demo catalog {len(demo.catalog.catalog.forms)} forms, "
        f"{len(demo.strings)} strings x {len(demo.catalog.languages)} languages; "
        "floor: parsing the same YAML and PO files"
    )
    times = interleaved_ms(
        {
            "compile": lambda: build_catalog(demo_root),
            "floor": lambda: parse_sources(demo_root, ROOT / "translations"),
        },
        runs=7,
    )
    report.figure(
        "compile demo catalog, p50",
        p50(times["compile"]),
        p50(times["floor"]),
        "ms",
        COMPILE_TARGET,
    )

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        catalog_dir = write_generated_catalog(Path(tmp), 300, 30)
        report.note(
            f"generated catalog: 300 forms x 30 fields x 16 languages "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        times = interleaved_ms(
            {
                "compile": lambda: build_catalog(catalog_dir),
                "floor": lambda: parse_sources(catalog_dir, Path(tmp) / "translations"),
            },
            runs=3,
        )
        report.figure(
            "compile 300 forms x 16 languages, p50",
            p50(times["compile"]),
            p50(times["floor"]),
            "ms",
            COMPILE_TARGET,
        )
        big = build_catalog(catalog_dir).catalog
        if big is None:
            raise RuntimeError("the generated catalog does not build")
    data = big.to_json()
    report.note(f"compiled JSON of the generated catalog: {len(data) / 1e6:.1f} MB")
    times = interleaved_ms(
        {"load": lambda: CompiledCatalog.from_json(data), "floor": lambda: load_floor(data)},
        runs=5,
    )
    report.figure(
        "load compiled catalog JSON, p50",
        p50(times["load"]),
        p50(times["floor"]),
        "ms",
        LOAD_TARGET,
    )


def check_floor_agrees(
    compiled: CompiledForm, floor: HandWrittenForm, answers: dict[str, Any]
) -> None:
    """The floor must decide what the engine decides, or the ratio compares other work."""
    for given in (answers, {}):
        state = compiled.evaluate(given, TODAY)
        _values, visible, required = floor.evaluate(given, TODAY)
        if (state.visible, state.required) != (visible, required):
            raise RuntimeError(
                "the hand-written floor disagrees with the engine: visible "
                f"{sorted(state.visible ^ visible)}, required {sorted(state.required ^ required)}"
            )
    if compiled.validate(answers, "uk", TODAY).messages or floor.validate(answers, TODAY):
        raise RuntimeError("the sample answers are not all valid; the figures would mislead")


def engine_figures(report: Report, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        form_model, compiled = compiled_generated_form(Path(tmp), 150, 40)
    floor = HandWrittenForm(150, 40)
    answers = answers_for(form_model)
    check_floor_agrees(compiled, floor, answers)
    n_fields = sum(len(p.fields) for p in form_model.pages)
    n_conditions = sum(
        1 for p in form_model.pages for f in p.fields if f.visible_if or f.required_if
    )
    report.note(
        f"form engine: {n_fields} fields, {n_conditions} conditions, p50 of {runs} runs; "
        "floor: the same form as hand-written Python closures"
    )
    cases = [
        (
            "evaluate 150 fields, all answered, p50",
            lambda: compiled.evaluate(answers, TODAY),
            lambda: floor.evaluate(answers, TODAY),
        ),
        (
            "evaluate 150 fields, none answered, p50",
            lambda: compiled.evaluate({}, TODAY),
            lambda: floor.evaluate({}, TODAY),
        ),
        (
            "validate 150 fields in uk, p50",
            lambda: compiled.validate(answers, "uk", TODAY),
            lambda: floor.validate(answers, TODAY),
        ),
    ]
    for name, engine, hand in cases:
        times = interleaved_ms({"engine": engine, "floor": hand}, runs=runs, warmup=50)
        report.figure(name, p50(times["engine"]), p50(times["floor"]), "ms", ENGINE_TARGET)


PATTERN_FORM = """\
id: patterns
version: 1
office: amt
title: Muster
description: Zwei Felder mit Muster.
next_steps: Das Amt meldet sich.
pages:
  - id: p
    title: Seite
    fields:
      - {id: pathological, type: text, label: A, max_length: 100000, pattern: '^(a+)+$'}
      - {id: floor, type: text, label: B, max_length: 100000, pattern: '^[a!]*$'}
"""


def pattern_figures(report: Report) -> None:
    """The field check as the engine runs it on a keystroke, pattern compiled by the build."""
    with tempfile.TemporaryDirectory() as tmp:
        root = one_office_catalog(Path(tmp) / "forms_catalog", ["de"])
        (root / "amt" / "patterns.yaml").write_text(PATTERN_FORM)
        result = build_catalog(root)
        if result.catalog is None:
            raise RuntimeError(f"the pattern form does not build: {result.errors[:5]}")
        form = result.catalog.compiled_form("patterns")
    bad, plain = form.specs["pathological"].checker, form.specs["floor"].checker
    report.note(
        "catalog pattern '^(a+)+$' (minutes in a backtracking engine), one field check; "
        "floor: the same check with the pattern '^[a!]*$'"
    )
    for label, text, runs in [
        ("39 x 'a' + '!'", "a" * 39 + "!", 2000),
        ("100,000 x 'a'", "a" * 100_000, 50),
        ("99,999 x 'a' + '!'", "a" * 99_999 + "!", 50),
    ]:
        times = interleaved_ms(
            {"bad": partial(bad.check, text, TODAY), "floor": partial(plain.check, text, TODAY)},
            runs=runs,
        )
        report.figure(
            f"pattern check, {label}, p50",
            p50(times["bad"]),
            p50(times["floor"]),
            "ms",
            PATTERN_TARGET,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="runs per engine figure")
    args = parser.parse_args()
    report = Report("engine")
    compile_figures(report)
    engine_figures(report, args.runs)
    pattern_figures(report)


if __name__ == "__main__":
    main()
