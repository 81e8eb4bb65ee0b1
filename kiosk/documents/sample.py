"""Sample applications for checking document layouts: random but valid, reproducible."""

from __future__ import annotations

import datetime as dt
import random

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.documents.render import ApplicationRecord
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
