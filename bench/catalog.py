"""Signed catalog bundles at full size: build, sign, verify.

Run: ``.venv/bin/python bench/catalog.py [--forms 300] [--languages 16] [--runs 7]``.
Prints:
- the size of a generated catalog (forms x languages, every string translated) and of
  its bundle;
- the time to build the bundle (manifest around the compiled catalog) and to sign it;
- ``verify_bundle`` over several runs, median and max, split into the signature check
  (strict parse of the layout, Ed25519) and the catalog load (hash check and model
  validation), and in total. Target: a terminal verifies and installs in under 1 s.

``make_large_catalog`` is the catalog generator; further stages (installing on a
terminal) take its catalog and add their own figures to ``main``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from bench.engine import LANGS  # noqa: E402
from kiosk.catalog.bundle import (  # noqa: E402
    build_bundle,
    read_manifest,
    sign_bundle,
    split_bundle,
    verify_bundle,
    verify_signatures,
)
from kiosk.catalog.compiled import CompiledCatalog  # noqa: E402
from kiosk.crypto.sealing import generate_office_key  # noqa: E402
from kiosk.crypto.signing import key_id  # noqa: E402
from kiosk.definition.model import Catalog  # noqa: E402
from kiosk.definition.strings import document_strings  # noqa: E402
from kiosk.engine.form import compile_form  # noqa: E402

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


# ------------------------------------------------------------ measuring


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds per run; freeing a run's result is not counted (a terminal keeps
    the catalog it loaded, and frees the old one later)."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - start) * 1000)
        del result
    return out


def summary(samples: list[float]) -> str:
    return f"median {statistics.median(samples):7.1f} ms   max {max(samples):7.1f} ms"


def figures(data: bytes, trusted: list[Any], runs: int) -> Iterator[tuple[str, list[float]]]:
    yield (
        "signature check (parse + Ed25519)",
        timed(lambda: verify_signatures(split_bundle(data), trusted), runs),
    )
    parts = split_bundle(data)
    yield (
        "catalog load (hash + model)",
        timed(lambda: CompiledCatalog.from_json(parts.catalog), runs),
    )
    yield "verify_bundle, total", timed(lambda: verify_bundle(data, trusted), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=300)
    parser.add_argument("--languages", type=int, default=16)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    catalog = make_large_catalog(args.forms, args.languages)
    check_forms(catalog)
    generated = time.perf_counter() - started
    n_fields = sum(len(p.fields) for f in catalog.catalog.forms for p in f.pages)
    n_strings = len(next(iter(catalog.translations.values()), {}))
    print(
        f"catalog: {args.forms} forms, {n_fields} top-level fields, {n_strings} strings x "
        f"{args.languages} languages (generated in {generated:.1f} s)"
    )
    key = Ed25519PrivateKey.generate()
    trusted = [key.public_key()]
    build_ms = timed(lambda: build_bundle(catalog), 3)
    unsigned = build_bundle(catalog)
    sign_ms = timed(lambda: sign_bundle(unsigned, key), 3)
    data = sign_bundle(unsigned, key)
    manifest = read_manifest(data)
    print(
        f"bundle: {len(data) / 2**20:.1f} MiB ({len(data)} bytes), version {manifest.version}, "
        f"signed by {key_id(trusted[0])}"
    )
    print(f"  build (manifest around the compiled catalog)  {summary(build_ms)}")
    print(f"  sign (checks the catalog first)               {summary(sign_ms)}")
    print(f"verify_bundle over {args.runs} runs:")
    for name, samples in figures(data, trusted, args.runs):
        print(f"  {name:<36} {summary(samples)}")
    print("  (target: verify + install under 1000 ms)")
    print(f"installing on a terminal over {args.runs} runs:")
    medians = {"verify_bundle, total": 0.0}
    for name, samples in figures(data, trusted, 1):
        medians[name] = statistics.median(samples)
    for name, samples in install_figures(catalog, data, key, args.runs):
        print(f"  {name:<36} {summary(samples)}")
        medians[name] = statistics.median(samples)
    total = medians["verify_bundle, total"] + medians["install (between visitors)"]
    print(f"  verify + install (medians)           {total:7.1f} ms   (target: under 1000 ms)")


def install_figures(
    catalog: CompiledCatalog, data: bytes, key: Ed25519PrivateKey, runs: int
) -> Iterator[tuple[str, list[float]]]:
    """The terminal's path: the sync thread stages (verify, write, fsync), then between two
    visitors the terminal installs (verify from disk, two renames, snapshot for drafts,
    staff list) and runs the new catalog."""
    import tempfile

    from kiosk.catalog.install import CatalogInstaller, save_trust
    from kiosk.crypto.signing import public_key_pem
    from kiosk.session.terminal import Terminal
    from kiosk.store import Store

    stage_ms: list[float] = []
    install_ms: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        trust = save_trust(home, catalog.catalog.header.id, [public_key_pem(key.public_key())])
        installer = CatalogInstaller(home, trust)
        store = Store(home / "kiosk.sqlite3")
        terminal = Terminal(store, catalog, home, installer=installer)
        for _ in range(runs):
            # the same version again each run: forget it was installed
            for name in ("current.bundle", "previous.bundle", "highest-version"):
                (installer.folder / name).unlink(missing_ok=True)
            stage_ms += timed(lambda: installer.stage(data), 1)
            install_ms += timed(terminal.install_staged_catalog, 1)
            assert terminal.bundle_version == read_manifest(data).version
            store.snapshots.purge_unused(keep="")
            terminal._kept_catalogs.clear()
        store.close()
    yield "stage (sync thread: verify + write)", stage_ms
    yield "install (between visitors)", install_ms


if __name__ == "__main__":
    main()
