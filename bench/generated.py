"""Generated forms and catalogs for the benchmarks: large, every field type, conditions.

A generated form cycles through fifteen field types and puts its conditions on
fields after the twentieth, each referring to earlier fields in one of four shapes
(a yes/no, a choice, two amounts, a date's age). The conditions are kept as data
(:class:`Condition`) so that the engine benchmark can write the very same logic as
plain Python closures for its floor (``bench/handwritten.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import write_po

from kiosk.catalog.build import build_catalog
from kiosk.definition.model import Form
from kiosk.engine.form import CompiledForm

#: German first (the source language), then the fifteen a large city's kiosk offers.
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
OPTIONS = ("a", "b", "c")
MONEY_MAX = 100000
DATE_MIN, DATE_MAX = "-120y", "+1y"


@dataclass(frozen=True)
class Condition:
    """The condition on field ``f{target}``, in one of four shapes over earlier fields:

    - ``flag``: visible if the yes/no ``refs[0]`` is yes;
    - ``choice``: visible if the choice ``refs[0]`` is ``a`` or ``b``;
    - ``amounts``: required if the number ``refs[0]`` > 10 and the number ``refs[1]`` < 1000;
    - ``adult``: visible if the date ``refs[0]`` is 18 years ago or more, or the date
      ``refs[1]`` is unanswered.
    """

    target: int
    shape: str
    refs: tuple[int, ...]

    @property
    def yaml(self) -> str:
        a, *rest = self.refs
        if self.shape == "flag":
            return f"visible_if: f{a} = true"
        if self.shape == "choice":
            return f"visible_if: f{a} in ['a', 'b']"
        if self.shape == "amounts":
            return f"required_if: f{a} > 10 and f{rest[0]} < 1000"
        return f"visible_if: age(f{a}) >= 18 or not answered(f{rest[0]})"


def field_kinds(n_fields: int) -> list[str]:
    return [FIELD_CYCLE[i % len(FIELD_CYCLE)] for i in range(n_fields)]


def plan_conditions(kinds: list[str], n_conditions: int) -> dict[int, Condition]:
    """Up to *n_conditions* conditions spread over the fields after the twentieth."""
    numbers = [i for i, k in enumerate(kinds) if k in {"integer", "money", "decimal"}]
    bools = [i for i, k in enumerate(kinds) if k == "yes_no"]
    choices = [i for i, k in enumerate(kinds) if k == "choice"]
    dates = [i for i, k in enumerate(kinds) if k == "date"]
    targets = [i for i in range(20, len(kinds)) if kinds[i] not in {"money", "integer"}]
    step = max(1, len(targets) // n_conditions)
    out: dict[int, Condition] = {}
    for n, target in enumerate(targets[::step][:n_conditions]):

        def earlier(pool: list[int], target: int = target) -> list[int]:
            return [i for i in pool if i < target]

        shape = n % 4
        if shape == 0 and earlier(bools):
            out[target] = Condition(target, "flag", (earlier(bools)[-1],))
        elif shape == 1 and earlier(choices):
            out[target] = Condition(target, "choice", (earlier(choices)[-1],))
        elif shape == 2 and earlier(numbers):
            out[target] = Condition(target, "amounts", (earlier(numbers)[-1], earlier(numbers)[0]))
        elif earlier(dates):
            out[target] = Condition(target, "adult", (earlier(dates)[-1], earlier(dates)[0]))
    return out


def field_yaml(i: int, kind: str, condition: Condition | None) -> str:
    lines = [
        f"      - id: f{i}",
        f"        type: {kind}",
        f"        label: Frage Nummer {i}",
        f"        help: Hilfe zu Frage {i}",
    ]
    if kind in {"choice", "multi_choice"}:
        lines += [
            "        options:",
            *(f"          - {{value: {o}, label: Antwort {o.upper()}}}" for o in OPTIONS),
        ]
    if kind == "money":
        lines.append(f"        max: {MONEY_MAX}")
    if kind == "date":
        lines += [f"        min_date: {DATE_MIN}", f"        max_date: {DATE_MAX}"]
    if condition:
        lines.append(f"        {condition.yaml}")
    return "\n".join(lines)


def generated_form(form_id: str, n_fields: int, n_conditions: int, per_page: int = 15) -> str:
    """A form whose conditions reference earlier fields of every kind."""
    kinds = field_kinds(n_fields)
    conditions = plan_conditions(kinds, n_conditions)
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


SAMPLE_ANSWERS: dict[str, Any] = {
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


def answers_for(form: Form) -> dict[str, Any]:
    """A valid answer in every field of a generated form, as the screens store them."""
    return {f.id: SAMPLE_ANSWERS[f.type] for page in form.pages for f in page.fields}


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
    """*n_forms* generated forms in ``root/forms_catalog`` and a PO file per language
    under ``root/translations`` with every string translated."""
    catalog = one_office_catalog(root / "forms_catalog", LANGS)
    for n in range(n_forms):
        (catalog / "amt" / f"form_{n:03d}.yaml").write_text(
            generated_form(f"form_{n:03d}", fields_per_form, 8)
        )
    result = build_catalog(catalog, languages=["de"])
    if result.catalog is None:
        raise RuntimeError(f"the generated catalog does not build: {result.errors[:5]}")
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


def compiled_generated_form(
    folder: Path, n_fields: int, n_conditions: int
) -> tuple[Form, CompiledForm]:
    """The model and the compiled form of one generated form, built in *folder*."""
    root = one_office_catalog(folder / "forms_catalog", ["de"])
    (root / "amt" / "big.yaml").write_text(generated_form("big", n_fields, n_conditions))
    result = build_catalog(root)
    if result.catalog is None:
        raise RuntimeError(f"the generated form does not build: {result.errors[:5]}")
    return result.catalog.catalog.form("big"), result.catalog.compiled_form("big")
