"""A large catalog for the bundle benchmark: forms x languages, every string translated.

Each form has 20-40 fields of every kind on 3-6 pages, with choices, repeat groups,
constraints and conditions; the translations are stand-ins as long as real ones and
written in each language's own script, so that sizes and parse times are realistic.
"""

from __future__ import annotations

import random
from typing import Any

from bench.generated import LANGS
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.crypto.sealing import generate_office_key
from kiosk.definition.model import Catalog
from kiosk.definition.strings import document_strings
from kiosk.engine.compiler import compile_form

#: German first (the source language), then the fifteen a large city's kiosk offers.
LANGUAGES = LANGS
# a language's translations are written in its own script, so their UTF-8 size is real
_SCRIPTS = {
    "uk": 0x0430,
    "ru": 0x0430,
    "bg": 0x0430,
    "ar": 0x0627,
    "fa": 0x0627,
    "ps": 0x0627,
    "el": 0x03B1,
}
_WORDS = " ".join(
    [
        "Antrag Angaben Person Familie Wohnung Miete Einkommen Kinder Arbeit Aufenthalt",
        "Bescheid Nachweis Leistungen Datum Geburt Anschrift Staatsangehörigkeit Unterlagen",
        "Behörde Konto bitte geben Sie hier an ob Ihre Ihr wenn welche seit wie viele",
        "monatlich zusätzlich Haushalt Mitglied Ehepartner Schule Ausbildung Versicherung",
        "Krankenkasse Beitrag Zahlung Termin Unterschrift Erklärung vollständig richtig",
        "gemeldet beantragt bewilligt erhalten",
    ]
).split()
_KINDS = [
    "person_name",
    "text",
    "date",
    "yes_no",
    "choice",
    "integer",
    "money",
    "email",
    "phone",
    "postcode",
    "long_text",
    "nationality",
    "multi_choice",
    "iban",
    "decimal",
    "address",
    "consent",
    "group",
]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _field(rng: random.Random, i: int, kind: str, earlier: dict[str, list[str]]) -> dict[str, Any]:
    field: dict[str, Any] = {"id": f"f{i}", "type": kind, "label": _sentence(rng, 3, 8)}
    if rng.random() < 0.6:
        field["help"] = _sentence(rng, 12, 35)
    if kind in {"choice", "multi_choice"}:
        field["options"] = [
            {"value": f"o{n}", "label": _sentence(rng, 1, 5)} for n in range(rng.randint(3, 8))
        ]
    elif kind in {"integer", "money", "decimal"}:
        field["min"] = 0
        field["constraints"] = [{"check": f"f{i} < 100000", "message": _sentence(rng, 6, 12)}]
    elif kind == "date":
        field["min_date"], field["max_date"] = "-120y", "today"
    elif kind == "consent":
        field["consent"] = {
            "text": " ".join(_sentence(rng, 15, 30) for _ in range(4)),
            "version": "1",
        }
    elif kind == "group":
        field["item_label"] = _sentence(rng, 1, 3)
        field["max_items"] = 10
        field["fields"] = [
            {"id": "name", "type": "person_name", "label": _sentence(rng, 2, 4)},
            {"id": "birth", "type": "date", "label": _sentence(rng, 2, 4)},
            {
                "id": "relation",
                "type": "choice",
                "label": _sentence(rng, 2, 4),
                "options": [{"value": f"r{n}", "label": _sentence(rng, 1, 3)} for n in range(4)],
            },
        ]
    if earlier["yes_no"] and rng.random() < 0.2:
        field["visible_if"] = f"{rng.choice(earlier['yes_no'])} = true"
    elif earlier["choice"] and rng.random() < 0.1 and kind not in {"group", "consent"}:
        field["required_if"] = f"{rng.choice(earlier['choice'])} in ['o0', 'o1']"
    elif kind not in {"group", "consent"}:
        field["required"] = rng.random() < 0.5
    earlier.setdefault(kind, []).append(f"f{i}")
    return field


def _form(rng: random.Random, n: int, office: str, topics: list[str]) -> dict[str, Any]:
    earlier: dict[str, list[str]] = {"yes_no": [], "choice": []}
    n_fields = rng.randint(20, 40)
    n_pages = rng.randint(3, 6)
    fields = [_field(rng, i, _KINDS[(i + n) % len(_KINDS)], earlier) for i in range(n_fields)]
    per_page = -(-n_fields // n_pages)
    pages = [
        {
            "id": f"p{p}",
            "title": _sentence(rng, 2, 5),
            "intro": _sentence(rng, 10, 25),
            "fields": fields[p * per_page : (p + 1) * per_page],
        }
        for p in range(n_pages)
        if fields[p * per_page : (p + 1) * per_page]
    ]
    return {
        "id": f"form_{n:03d}",
        "version": 1 + n % 3,
        "office": office,
        "title": _sentence(rng, 3, 7),
        "description": _sentence(rng, 15, 30),
        "topics": rng.sample(topics, 2),
        "keywords": ", ".join(rng.sample(_WORDS, 6)),
        "info_sheet": office,
        "documents_needed": [_sentence(rng, 2, 6) for _ in range(rng.randint(1, 4))],
        "next_steps": _sentence(rng, 12, 25),
        "pages": pages,
    }


def _translate(lang: str, german: str) -> str:
    """A stand-in translation as long as a real one, in the language's own script."""
    base = _SCRIPTS.get(lang)
    if base is None:
        return f"[{lang}] {german}"
    return "".join(chr(base + ord(c) % 26) if c.isalpha() else c for c in german)


def make_large_catalog(forms: int = 300, languages: int = 16, *, seed: int = 1) -> CompiledCatalog:
    """A catalog of *forms* forms (20-40 fields on 3-6 pages each, choices, groups,
    conditions) in *languages* languages with every string translated."""
    rng = random.Random(seed)
    langs = LANGUAGES[:languages]
    offices = [f"amt_{n}" for n in range(10)]
    office_key = generate_office_key(2048)[1].decode()
    topics = [f"thema_{n}" for n in range(12)]
    doc = {
        "header": {"id": "generated", "title": "Erzeugt", "version": 1, "languages": langs},
        "offices": [
            {
                "id": o,
                "name": _sentence(rng, 2, 4),
                "description": _sentence(rng, 10, 20),
                "icon": "house",
                "contact": {"address": "Platz 1, 44135 Dortmund", "opening_hours": "Mo-Fr 8-12"},
                "public_key": office_key,  # a bundle must bring every office's sealing key
            }
            for o in offices
        ],
        "topics": [
            {
                "id": t,
                "title": _sentence(rng, 1, 3),
                "description": _sentence(rng, 5, 10),
                "icon": "money",
            }
            for t in topics
        ],
        "info_sheets": [
            {
                "id": o,
                "office": o,
                "title": _sentence(rng, 2, 4),
                "sections": [
                    {"id": f"s{s}", "heading": _sentence(rng, 2, 5), "body": _sentence(rng, 40, 80)}
                    for s in range(4)
                ],
            }
            for o in offices
        ],
        "codelists": [],
        "forms": [_form(rng, n, offices[n % len(offices)], topics) for n in range(forms)],
    }
    catalog = Catalog.model_validate(doc)
    strings = [s for f in catalog.forms for s in document_strings(f)]
    for part in (catalog.header, *catalog.info_sheets):
        strings.extend(document_strings(part))
    translations = {lang: {s.ctx: _translate(lang, s.text) for s in strings} for lang in langs[1:]}
    return CompiledCatalog.create(catalog, translations)


def check_forms(catalog: CompiledCatalog, sample: int = 10) -> None:
    """The generated forms compile like any built catalog's (a few, to stay quick)."""
    for form in catalog.catalog.forms[:sample]:
        compile_form(form, {})
