"""Document generation speed and size, for normal applications and for the worst case.

Run: ``.venv/bin/python bench/documents.py``. Prints, per language, the time to generate
office copy + visitor copy + receipt for an application of about 60 fields (target under
150 ms together) and the file sizes; then the worst case: every answer the visitor typed
replaced by 2,000 characters without a space (de, ar, fa; target under 1 s for the three
documents together), which line breaking must cut without measuring every candidate.

The machine this runs on is shared and its speed varies, so each time is also printed as
a ratio to floors measured in the same run: a plain ReportLab document that draws the
same characters without shaping or line breaking (what any PDF of that text costs), and
the normal application in the same language.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from kiosk.catalog.build import build_catalog  # noqa: E402
from kiosk.definition.model import form_fields, iter_fields  # noqa: E402
from kiosk.documents.render import ApplicationRecord, office_copy, receipt, visitor_copy  # noqa: E402
from kiosk.documents.text import REGULAR, register_fonts  # noqa: E402
from kiosk.simulation.sample_documents import sample_record, with_unbroken_answers  # noqa: E402

FORM_ID = "residence_permit"
UNBROKEN = 2000


def median_ms(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and maximum of *runs* timings of *work*, in milliseconds (after one warm-up)."""
    work()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def documents(record: ApplicationRecord) -> tuple[bytes, bytes, bytes]:
    return office_copy(record), visitor_copy(record), receipt(record)


def typed_text(value: Any) -> str:
    """Every string in an answer, joined: what the visitor typed, and more."""
    if isinstance(value, str):
        return value if not value.startswith("data:") else ""  # a signature is no text
    if isinstance(value, dict):
        return "".join(typed_text(v) for v in value.values())
    if isinstance(value, list):
        return "".join(typed_text(v) for v in value)
    return ""


def plain_pdf(text: str) -> bytes:
    """The floor: *text* drawn in the documents' font, 90 characters a line, A4 pages,
    without shaping, reordering or measuring."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    top = A4[1] - 51
    y = top
    pdf.setFont(REGULAR, 10)
    for start in range(0, len(text), 90):
        if y < 68:
            pdf.showPage()
            pdf.setFont(REGULAR, 10)
            y = top
        pdf.drawString(51, y, text[start : start + 90])
        y -= 13
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def main() -> None:
    register_fonts()
    catalog = build_catalog(ROOT / "forms_catalog").catalog
    assert catalog is not None
    form = catalog.catalog.form(FORM_ID)
    fields = [f for f in iter_fields(form_fields(form)) if f.holds_answer]
    print(f"form {FORM_ID}: {len(fields)} fields")
    normal: dict[str, float] = {}
    for lang in ["de", "uk", "ar", "fa"]:
        record = sample_record(catalog, FORM_ID, lang)
        median, worst = median_ms(partial(documents, record), 15)
        normal[lang] = median
        sizes = " + ".join(f"{len(d) / 1024:.0f} KB" for d in documents(record))
        print(
            f"  {lang}: office + visitor + receipt median {median:.0f} ms, "
            f"max {worst:.0f} ms (target < 150 ms); sizes {sizes}; "
            f"{len(record.answers)} answers"
        )
    print(
        f"worst case: {UNBROKEN:,} characters without a space in every answer the visitor "
        "typed (target < 1000 ms for the three documents)"
    )
    for lang in ["de", "ar", "fa"]:
        record = with_unbroken_answers(sample_record(catalog, FORM_ID, lang), UNBROKEN)
        text = typed_text(record.answers)
        floor, _ = median_ms(partial(plain_pdf, text + text), 5)  # office + visitor
        median, worst = median_ms(partial(documents, record), 5)
        pages = sum(d.count(b"/Type /Page\n") for d in documents(record))
        print(
            f"  {lang}: office + visitor + receipt median {median:.0f} ms, max {worst:.0f} ms; "
            f"{median / floor:.1f} x the floor (plain ReportLab, the same {2 * len(text):,} "
            f"characters: {floor:.0f} ms), {median / normal[lang]:.1f} x the normal "
            f"application; {pages} pages"
        )


if __name__ == "__main__":
    main()
