"""Catalog compile time and form-engine evaluation time.

Run: ``.venv/bin/python bench/engine.py``. Prints:
- compile time of the demo catalog (YAML + PO files -> compiled, hashed catalog);
- compile time of a generated catalog of 300 forms in 16 languages;
- evaluation time of a 150-field form with 40 conditions: ``evaluate`` (visibility,
  requirement, formulas; what runs on every keystroke) and ``validate`` (everything
  including every field's check and the messages), p50/p95/p99 over many runs;
- one check of a text field whose catalog pattern backtracks catastrophically in
  Python's ``re`` (``^(a+)+$``), on 40 and on 100,000 characters, beside the same
  check with a trivial pattern on the same text (the floor, measured in the same
  run), as a ratio to that floor.
Targets: full re-evaluation under 2 ms; the pathological pattern at most 10 ms per
check of the field.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.catalog.build import build_catalog  # noqa: E402
from kiosk.catalog.compiled import CompiledCatalog  # noqa: E402
from kiosk.definition.model import Form  # noqa: E402
from kiosk.engine.form import CompiledForm  # noqa: E402

LANGS = [
    "de",
    "en",
    "uk",
    "ru",
    "ar",
    "fa",
    "tr",
    "ro",
    "pl",
    "bg",
    "es",
    "fr",
    "it",
    "el",
    "sq",
    "ps",
]
TODAY = dt.date(2026, 11, 21)


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ------------------------------------------------------------- generated forms

FIELD_CYCLE = [
    "person_name",
    "text",
    "integer",
    "money",
    "date",
    "yes_no",
    "choice",
    "email",
    "phone",
    "postcode",
    "long_text",
    "nationality",
    "iban",
    "decimal",
    "multi_choice",
]


def field_yaml(i: int, kind: str, condition: str | None) -> str:
    lines = [
        f"      - id: f{i}",
        f"        type: {kind}",
        f"        label: Frage Nummer {i}",
        f"        help: Hilfe zu Frage {i}",
    ]
    if kind in {"choice", "multi_choice"}:
        lines += [
            "        options:",
            "          - {value: a, label: Antwort A}",
            "          - {value: b, label: Antwort B}",
            "          - {value: c, label: Antwort C}",
        ]
    if kind == "money":
        lines.append("        max: 100000")
    if kind == "date":
        lines += ["        min_date: -120y", "        max_date: +1y"]
    if condition:
        lines.append(f"        {condition}")
    return "\n".join(lines)


def generated_form(form_id: str, n_fields: int, n_conditions: int, per_page: int = 15) -> str:
    """A form whose conditions reference earlier fields of every kind."""
    kinds = [FIELD_CYCLE[i % len(FIELD_CYCLE)] for i in range(n_fields)]
    numbers = [i for i, k in enumerate(kinds) if k in {"integer", "money", "decimal"}]
    bools = [i for i, k in enumerate(kinds) if k == "yes_no"]
    choices = [i for i, k in enumerate(kinds) if k == "choice"]
    dates = [i for i, k in enumerate(kinds) if k == "date"]
    conditions: dict[int, str] = {}
    targets = [i for i in range(20, n_fields) if kinds[i] not in {"money", "integer"}]
    step = max(1, len(targets) // n_conditions)
    for n, target in enumerate(targets[::step][:n_conditions]):

        def earlier(pool: list[int], target: int = target) -> list[int]:
            return [i for i in pool if i < target]

        kind = n % 4
        if kind == 0 and earlier(bools):
            conditions[target] = f"visible_if: f{earlier(bools)[-1]} = true"
        elif kind == 1 and earlier(choices):
            conditions[target] = f"visible_if: f{earlier(choices)[-1]} in ['a', 'b']"
        elif kind == 2 and earlier(numbers):
            conditions[target] = (
                f"required_if: f{earlier(numbers)[-1]} > 10 and f{earlier(numbers)[0]} < 1000"
            )
        elif earlier(dates):
            conditions[target] = (
                f"visible_if: age(f{earlier(dates)[-1]}) >= 18 or not answered(f{earlier(dates)[0]})"
            )
    pages = []
    for p in range(0, n_fields, per_page):
        body = "\n".join(
            field_yaml(i, kinds[i], conditions.get(i))
            for i in range(p, min(n_fields, p + per_page))
        )
        pages.append(f"  - id: p{p}\n    title: Seite {p}\n    fields:\n{body}")
    return (
        f"id: {form_id}\nversion: 1\noffice: amt\ntitle: Antrag {form_id}\n"
        f"description: Ein erzeugter Antrag.\nnext_steps: Das Amt meldet sich.\npages:\n"
        + "\n".join(pages)
        + "\n"
    )


def answers_for(form: Form) -> dict[str, Any]:
    sample = {
        "person_name": "Anna-Lena Müller",
        "text": "Hallo",
        "integer": "42",
        "money": "1200,50",
        "date": "1990-05-01",
        "yes_no": True,
        "choice": "a",
        "email": "anna@example.org",
        "phone": "0231 1234567",
        "postcode": "44135",
        "long_text": "Zeile eins\nZeile zwei",
        "nationality": "UA",
        "iban": "DE89370400440532013000",
        "decimal": "3,5",
        "multi_choice": ["a", "c"],
    }
    return {f.id: sample[f.type] for page in form.pages for f in page.fields}


def one_office_catalog(catalog: Path, languages: list[str]) -> Path:
    """An empty catalog with one office ("amt") and one topic; forms go into catalog/amt/."""
    (catalog / "amt").mkdir(parents=True)
    (catalog / "catalog.yaml").write_text(
        f"id: generated\ntitle: Erzeugt\nversion: 1\nlanguages: [{', '.join(languages)}]\n"
    )
    (catalog / "offices.yaml").write_text(
        "offices:\n  - id: amt\n    name: Amt\n    description: Ein Amt.\n    icon: house\n"
        "    contact:\n      address: Platz 1, 44135 Dortmund\n      opening_hours: Montag\n"
    )
    (catalog / "topics.yaml").write_text(
        "topics:\n  - id: t\n    title: Thema\n    description: Ich brauche etwas.\n    icon: money\n"
    )
    return catalog


def write_generated_catalog(root: Path, n_forms: int, fields_per_form: int) -> Path:
    catalog = one_office_catalog(root / "forms_catalog", LANGS)
    for n in range(n_forms):
        (catalog / "amt" / f"form_{n:03d}.yaml").write_text(
            generated_form(f"form_{n:03d}", fields_per_form, 8)
        )
    result = build_catalog(catalog, languages=["de"])
    assert result.catalog is not None, [str(i) for i in result.errors[:5]]
    strings = [s for _, s in result.strings]
    for lang in LANGS[1:]:
        po = PoCatalog(locale=lang, domain="catalog")
        for s in strings:
            po.add(s.text, f"[{lang}] {s.text}", context=s.ctx)
        path = root / "translations" / lang / "LC_MESSAGES" / "catalog.po"
        path.parent.mkdir(parents=True)
        with path.open("wb") as fh:
            write_po(fh, po, width=0)
    return catalog


def main() -> None:
    print("catalog compile (YAML + PO -> compiled catalog with content hash)")
    demo_times = timed(lambda: build_catalog(ROOT / "forms_catalog"), 5)
    demo = build_catalog(ROOT / "forms_catalog")
    assert demo.catalog is not None
    n_strings = len(demo.strings)
    print(
        f"  demo catalog: {len(demo.catalog.catalog.forms)} forms, {n_strings} strings x "
        f"{len(demo.catalog.languages)} languages: median {statistics.median(demo_times):.0f} ms"
    )

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        catalog_dir = write_generated_catalog(Path(tmp), 300, 30)
        print(f"  (generating 300 forms x 16 languages took {time.perf_counter() - started:.1f} s)")
        big_times = timed(lambda: build_catalog(catalog_dir), 3)
        big = build_catalog(catalog_dir)
        assert big.catalog is not None and not big.errors
        size = len(big.catalog.to_json())
        print(
            f"  generated: 300 forms x 30 fields, {len(big.strings)} strings x 16 languages: "
            f"median {statistics.median(big_times):.0f} ms, compiled JSON {size / 1e6:.1f} MB"
        )
        data = big.catalog.to_json()
        load_times = timed(lambda: CompiledCatalog.from_json(data), 3)
        print(
            f"  loading that compiled JSON (parse + hash check): median {statistics.median(load_times):.0f} ms"
        )

    print("form engine: a 150-field form with 40 conditions")
    with tempfile.TemporaryDirectory() as tmp:
        root = one_office_catalog(Path(tmp) / "forms_catalog", ["de"])
        (root / "amt" / "big.yaml").write_text(generated_form("big", 150, 40))
        result = build_catalog(root)
        assert result.catalog is not None, [str(i) for i in result.errors[:5]]
        form_model = result.catalog.catalog.form("big")
        n_conditions = sum(
            1 for p in form_model.pages for f in p.fields if f.visible_if or f.required_if
        )
        compiled = result.catalog.compiled_form("big")
        answers = answers_for(form_model)
        for _ in range(50):
            compiled.validate(answers, "de", TODAY)
        ev = timed(lambda: compiled.evaluate(answers, TODAY), 2000)
        va = timed(lambda: compiled.validate(answers, "uk", TODAY), 500)
        empty = timed(lambda: compiled.evaluate({}, TODAY), 2000)
        print(
            f"  fields: {sum(len(p.fields) for p in form_model.pages)}, conditions: {n_conditions}"
        )
        for name, samples in [
            ("evaluate, all answered", ev),
            ("evaluate, empty form", empty),
            ("validate, all answered", va),
        ]:
            print(
                f"  {name:<24} p50 {pct(samples, 0.5):.3f} ms  p95 {pct(samples, 0.95):.3f} ms  "
                f"p99 {pct(samples, 0.99):.3f} ms   (target < 2 ms)"
            )


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


def pattern_bench() -> None:
    """The field check as the engine runs it on a keystroke, pattern compiled by the build."""
    print("catalog pattern '^(a+)+$' (minutes in a backtracking engine), one field check")
    with tempfile.TemporaryDirectory() as tmp:
        root = one_office_catalog(Path(tmp) / "forms_catalog", ["de"])
        (root / "amt" / "patterns.yaml").write_text(PATTERN_FORM)
        result = build_catalog(root)
        assert result.catalog is not None, [str(i) for i in result.errors[:5]]
        form: CompiledForm = result.catalog.compiled_form("patterns")
    bad, floor = form.specs["pathological"].checker, form.specs["floor"].checker
    for label, text, runs in [
        ("39 x 'a' + '!'", "a" * 39 + "!", 2000),
        ("100,000 x 'a'", "a" * 100_000, 50),
        ("99,999 x 'a' + '!'", "a" * 99_999 + "!", 50),
    ]:
        bad.check(text, TODAY)
        floor.check(text, TODAY)
        t_bad = statistics.median(timed(lambda t=text: bad.check(t, TODAY), runs))
        t_floor = statistics.median(timed(lambda t=text: floor.check(t, TODAY), runs))
        print(
            f"  {label:<20} {t_bad:8.3f} ms per check   floor '^[a!]*$' {t_floor:8.3f} ms   "
            f"ratio {t_bad / t_floor:5.2f}   (target <= 10 ms)"
        )


if __name__ == "__main__":
    main()
    pattern_bench()
