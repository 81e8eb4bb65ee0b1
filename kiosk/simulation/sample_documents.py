"""Sample applications for checking document layouts: random but valid, reproducible."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import unicodedata
from typing import Any

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import FormField
from kiosk.documents.render import ApplicationRecord
from kiosk.engine.expressions import VT
from kiosk.engine.field_types import FIELD_TYPES
from kiosk.session.codes import check_char
from kiosk.simulation.answers import AnswerMaker

SAMPLE_DATE = dt.date(2026, 11, 21)


def sample_reference(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    body = "".join(rng.choice(alphabet) for _ in range(8))
    full = body + check_char(body)
    return "MD-" + "-".join(full[i : i + 4] for i in range(0, len(full), 4))


def sample_record(
    catalog: CompiledCatalog, form_id: str, lang: str, seed: int = 1, *, with_resume: bool = False
) -> ApplicationRecord:
    rng = random.Random(f"{form_id}:{lang}:{seed}")
    maker = AnswerMaker(rng)
    compiled = catalog.compiled_form(form_id)
    codelists = {c.id: c for c in catalog.catalog.codelists}
    answers = None
    while answers is None:
        answers = maker.fill(compiled, codelists, SAMPLE_DATE)
    exported = compiled.evaluate(answers, SAMPLE_DATE).export()
    return ApplicationRecord(
        catalog=catalog,
        form_id=form_id,
        answers=exported,
        reference=sample_reference(rng),
        application_date=SAMPLE_DATE,
        terminal="terminal-sample",
        language=lang,
        resume_code="G0D7-N7A2-TAP" if with_resume else None,
        resume_until=SAMPLE_DATE + dt.timedelta(days=7) if with_resume else None,
    )


#: Field types whose whole answer is text the visitor typed.
TYPED_TEXT_TYPES: frozenset[str] = frozenset(
    t for t, info in FIELD_TYPES.items() if info.typed and info.value_type is VT.TEXT
)
#: The parts of an address answer that are typed text (the country is a code).
ADDRESS_TEXT_PARTS = ("street", "house_number", "postcode", "city", "extra")
#: Words that run on without a space, per script: German compounds with umlauts, a
#: decomposed letter with its combining mark and digits; Arabic with lam-alef, harakat
#: and Arabic-Indic digits; Persian with zero-width non-joiners and Persian digits.
UNBROKEN_RUNS = {
    "de": "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung"
    "Lu\u0308tzowstraße0123456789",
    "ar": "المسؤوليةالاجتماعيةللمؤسساتالحكوميةبِسْمِلا٠١٢٣٤٥٦٧٨٩",
    "fa": "درخواست\u200cنامه\u200cیاقامت\u200cموقت\u200cبرایدانشجویانگذرنامه۰۱۲۳۴۵۶۷۸۹",
}


def unbroken_run(lang: str, length: int) -> str:
    """*length* characters without a space in the script of *lang* (German's if not listed),
    never ending inside a letter with combining marks."""
    unit = UNBROKEN_RUNS.get(lang, UNBROKEN_RUNS["de"])
    run = (unit * (length // len(unit) + 1))[:length]
    while run and unicodedata.combining(unit[len(run) % len(unit)]):
        run = run[:-1]  # the next character is a mark of the last one: keep them together
    return run + "0" * (length - len(run))


def with_unbroken_answers(record: ApplicationRecord, length: int = 2000) -> ApplicationRecord:
    """*record* with every answer the visitor typed replaced by *length* characters without a
    space: the worst case for line breaking, which must still be fast and stay inside the page.
    """
    run = unbroken_run(record.language, length)

    def replaced(f: FormField, value: Any) -> Any:
        if f.type in TYPED_TEXT_TYPES and isinstance(value, str):
            return run
        if f.type == "address" and isinstance(value, dict):
            return {k: run if k in ADDRESS_TEXT_PARTS else v for k, v in value.items()}
        if f.type == "attachment" and isinstance(value, dict):
            return {**value, "filename": run}
        if f.type == "group" and isinstance(value, list):
            children = {c.id: c for c in f.fields or ()}
            return [
                {k: replaced(children[k], v) if k in children else v for k, v in item.items()}
                for item in value
            ]
        return value

    fields = {f.id: f for page in record.form.pages for f in page.fields}
    answers = {k: replaced(fields[k], v) if k in fields else v for k, v in record.answers.items()}
    return dataclasses.replace(record, answers=answers)
