"""Document generation time, as a ratio to plain ReportLab drawing the same text.

Run: ``.venv/bin/python bench/documents.py [--runs 15]``. For an application of about
60 fields (the demo catalog's residence permit) prints one line per figure
(``bench/ratios.py``), each beside a floor measured in the same run:
- the visitor copy (visitor's language with German beside) and the receipt, in
  Arabic and Persian, and the German office copy, against ReportLab drawing the very
  same strings in the same fonts, sizes and page format without layout or shaping:
  cut every so many characters, no measuring, no bidi, no joining forms (target <= 3x);
  the receipt's floor also draws its QR code the same way (ReportLab's own widget);
- the worst case: every answer the visitor typed replaced by 2,000 characters without
  a space (de, ar, fa), office + visitor copy + receipt together, against the same
  floor for the three documents (target <= 3x: line breaking must cut such a run
  without measuring every candidate).

The strings a document draws are taken from the document writer itself, by recording
what it is asked to write while the document is made once before the timing.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.graphics import renderPDF  # noqa: E402
from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: E402
from reportlab.graphics.shapes import Drawing  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from bench.ratios import Report, at_most, interleaved_ms, p50  # noqa: E402
from kiosk.catalog.build import build_catalog  # noqa: E402
from kiosk.catalog.compiled import CompiledCatalog  # noqa: E402
from kiosk.definition.model import form_fields, iter_fields  # noqa: E402
from kiosk.documents import render  # noqa: E402
from kiosk.documents.render import (  # noqa: E402
    ApplicationRecord,
    office_copy,
    receipt,
    visitor_copy,
)
from kiosk.documents.text import BOLD, REGULAR, register_fonts  # noqa: E402
from kiosk.documents.writer import Writer  # noqa: E402
from kiosk.simulation.sample_documents import sample_record, with_unbroken_answers  # noqa: E402

FORM_ID = "residence_permit"
UNBROKEN = 2000
TARGET = at_most(3.0)
#: characters per line of the floor at 10 pt on A4 (no measuring: a fixed count)
CHARS_PER_CM = 6


@dataclass(frozen=True)
class Run:
    """One piece of text a document asked its writer for, with its font and size."""

    text: str
    size: float
    bold: bool


@dataclass
class Plain:
    """What a document draws, for the floor: its page format, texts, footer, QR code."""

    pagesize: tuple[float, float]
    runs: list[Run]
    footer: str = ""
    qr: str | None = None


@contextmanager
def recording() -> Iterator[list[Plain]]:
    """Every document made inside, as the texts its writer was asked to draw.

    The writer's methods are wrapped only for this block, which runs outside any timing.
    """
    made: list[Plain] = []
    original_init, original_text, original_table = Writer.__init__, Writer.text, Writer.table
    original_qr = render._qr

    def init(self: Writer, pagesize: tuple[float, float], **kwargs: Any) -> None:
        original_init(self, pagesize, **kwargs)
        made.append(Plain(pagesize, [], kwargs.get("footer", "")))

    def text(self: Writer, text: str, **kwargs: Any) -> None:
        made[-1].runs.append(Run(text, kwargs.get("size", 10), kwargs.get("bold", False)))
        original_text(self, text, **kwargs)

    def table(self: Writer, header: list[str], rows: list[list[str]], **kwargs: Any) -> None:
        size = kwargs.get("size", 8)
        made[-1].runs.extend(Run(cell, size, False) for row in [header, *rows] for cell in row)
        original_table(self, header, rows, **kwargs)

    def qr(writer: Writer, payload: str, size: float, x: float) -> None:
        made[-1].qr = payload
        original_qr(writer, payload, size, x)

    Writer.__init__ = init  # type: ignore[method-assign]
    Writer.text = text  # type: ignore[method-assign]
    Writer.table = table  # type: ignore[method-assign]
    render._qr = qr
    try:
        yield made
    finally:
        Writer.__init__ = original_init  # type: ignore[method-assign]
        Writer.text = original_text  # type: ignore[method-assign]
        Writer.table = original_table  # type: ignore[method-assign]
        render._qr = original_qr


def contents(make: Callable[[ApplicationRecord], bytes], record: ApplicationRecord) -> Plain:
    with recording() as made:
        make(record)
    return made[0]


def plain_pdf(plain: Plain) -> bytes:
    """The floor: *plain*'s texts drawn top to bottom in the same fonts and sizes, cut
    at a fixed number of characters per line, without shaping, reordering or measuring."""
    buffer = io.BytesIO()
    width, height = plain.pagesize
    pdf = canvas.Canvas(buffer, pagesize=plain.pagesize, pageCompression=1)
    margin: float = 18 * mm if plain.pagesize == A4 else 5 * mm
    top = height - margin
    y = top

    def new_page() -> float:
        if plain.footer:
            pdf.setFont(REGULAR, 8)
            pdf.drawCentredString(width / 2, 8 * mm, plain.footer)
        pdf.showPage()
        return top

    for run in plain.runs:
        per_line = max(8, int((width - 2 * margin) / 28.35 * CHARS_PER_CM * 10 / run.size))
        for start in range(0, max(len(run.text), 1), per_line):
            if y < margin + 6 * mm:
                y = new_page()
            y -= run.size * 1.3
            pdf.setFont(BOLD if run.bold else REGULAR, run.size)
            pdf.drawString(margin, y, run.text[start : start + per_line])
    if plain.qr is not None:
        size = 42 * mm
        widget = QrCodeWidget(plain.qr, barLevel="M")
        left, bottom, right, upper = widget.getBounds()
        drawing = Drawing(
            size, size, transform=[size / (right - left), 0, 0, size / (upper - bottom), 0, 0]
        )
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, (width - size) / 2, max(y - size, margin))
    new_page()
    pdf.save()
    return buffer.getvalue()


def document_figures(report: Report, catalog: CompiledCatalog, runs: int) -> None:
    report.note(
        "floor: ReportLab drawing the same strings, fonts, sizes and page format, "
        "without layout or shaping"
    )
    cases: list[tuple[str, str, Callable[[ApplicationRecord], bytes]]] = [
        ("visitor copy", "ar", visitor_copy),
        ("receipt", "ar", receipt),
        ("visitor copy", "fa", visitor_copy),
        ("receipt", "fa", receipt),
        ("office copy", "de", office_copy),
    ]
    for name, lang, make in cases:
        record = sample_record(catalog, FORM_ID, lang)
        plain = contents(make, record)
        times = interleaved_ms(
            {"document": partial(make, record), "floor": partial(plain_pdf, plain)}, runs=runs
        )
        report.figure(
            f"{name}, {lang}, p50", p50(times["document"]), p50(times["floor"]), "ms", TARGET
        )


def worst_case_figures(report: Report, catalog: CompiledCatalog, runs: int) -> None:
    report.note(
        f"worst case: {UNBROKEN:,} characters without a space in every answer the visitor "
        "typed; office + visitor copy + receipt together"
    )
    makers = (office_copy, visitor_copy, receipt)
    for lang in ["de", "ar", "fa"]:
        record = with_unbroken_answers(sample_record(catalog, FORM_ID, lang), UNBROKEN)
        plains = [contents(make, record) for make in makers]

        def documents(record: ApplicationRecord = record) -> list[bytes]:
            return [make(record) for make in makers]

        def floors(plains: list[Plain] = plains) -> list[bytes]:
            return [plain_pdf(p) for p in plains]

        times = interleaved_ms({"documents": documents, "floor": floors}, runs=runs)
        pages = sum(d.count(b"/Type /Page\n") for d in documents())
        report.figure(
            f"worst case, 3 documents, {lang}, {pages} pages, p50",
            p50(times["documents"]),
            p50(times["floor"]),
            "ms",
            TARGET,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per figure")
    args = parser.parse_args()
    register_fonts()
    catalog = build_catalog(ROOT / "forms_catalog").catalog
    if catalog is None:
        raise RuntimeError("the demo catalog does not build")
    form = catalog.catalog.form(FORM_ID)
    fields = [f for f in iter_fields(form_fields(form)) if f.holds_answer]
    report = Report("documents")
    report.note(f"form {FORM_ID}: {len(fields)} fields")
    document_figures(report, catalog, args.runs)
    worst_case_figures(report, catalog, max(3, args.runs // 3))


if __name__ == "__main__":
    main()
