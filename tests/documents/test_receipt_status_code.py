"""The receipt carries the status code: printed beside the reference and inside its QR
code, so a scanner at any terminal reads both; the visitor copy never carries it."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.documents.render import ApplicationRecord, receipt, visitor_copy
from kiosk.i18n import gettext_for
from kiosk.session.receipt_status import new_secret, parse_scan, qr_text
from kiosk.simulation.sample_documents import sample_record
from tests.documents.test_documents import contains_in_order, plain, text_of, words, write

SECRET = "7K3Q-9XPF-8"  # a well-formed secret: eight characters and the check


def with_secret(record: ApplicationRecord, secret: str = SECRET) -> ApplicationRecord:
    return dataclasses.replace(
        record, status_secret=secret, status_qr=qr_text(record.reference, secret)
    )


def pages_as_png(pdf: Path, folder: Path, dpi: int = 200) -> list[Path]:
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return sorted(folder.glob(f"{pdf.stem}*.png"))


def decoded(png: Path) -> list[str]:
    """Every QR code a phone or a scanner reads on the page."""
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True
    ).stdout
    return [line for line in out.splitlines() if line]


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(ln.split()[-1] for ln in info.stdout.splitlines() if ln.startswith("Pages")))


@pytest.mark.parametrize(
    ("lang", "a4"), [("de", False), ("ar", False), ("fa", False), ("uk", False), ("ar", True)]
)
def test_the_receipt_carries_the_code_in_print_and_in_its_qr_code(
    tmp_path: Path, demo: CompiledCatalog, lang: str, a4: bool
) -> None:
    record = with_secret(sample_record(demo, "buergergeld", lang, with_resume=True))
    pdf = write(tmp_path, f"receipt-{lang}.pdf", receipt(record, a4=a4))
    assert pdf_pages(pdf) == 1  # the code and its sentence still fit the 80 mm slip
    (page,) = pages_as_png(pdf, tmp_path)
    assert decoded(page) == [qr_text(record.reference, SECRET)]
    assert parse_scan(decoded(page)[0]) == (record.reference.replace("-", ""), "7K3Q9XPF8")
    text = text_of(pdf)
    tr = gettext_for(lang).gettext
    assert SECRET in text and record.reference in text
    assert contains_in_order(words(text), words(tr("Status-Code")))
    hint = tr("Mit diesem Beleg können Sie an jedem Terminal sehen, ob das Amt Ihren Antrag hat.")
    assert contains_in_order(words(text), words(hint))
    if lang != "de":
        assert "Status-Code" in text  # the German label beside, for staff


def test_a_receipt_without_a_secret_keeps_the_reference_alone(
    tmp_path: Path, demo: CompiledCatalog
) -> None:
    """Sample documents (and receipts from before) have no status code: nothing half-done."""
    record = sample_record(demo, "kita_place", "de")
    pdf = write(tmp_path, "receipt.pdf", receipt(record))
    (page,) = pages_as_png(pdf, tmp_path)
    assert decoded(page) == [record.reference]
    assert "Status-Code" not in text_of(pdf)


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_the_visitor_copy_keeps_the_reference_only(
    tmp_path: Path, demo: CompiledCatalog, lang: str
) -> None:
    """The copy of the application is not the key to its status: no code, no QR code."""
    secret = new_secret()
    record = with_secret(sample_record(demo, "kita_place", lang), secret)
    pdf = write(tmp_path, "visitor.pdf", visitor_copy(record))
    text = plain(text_of(pdf))
    assert record.reference in text
    assert secret not in text and secret.replace("-", "") not in text.replace("-", "")
    assert all(not decoded(page) for page in pages_as_png(pdf, tmp_path, dpi=100))
