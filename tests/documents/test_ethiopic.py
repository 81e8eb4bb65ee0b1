"""Tigrinya on paper: the Ge'ez letters come from Noto Sans Ethiopic, everything else on
the same line (brackets, Latin German terms, digits) from the kiosk's sans, both embedded;
a line cut into runs measures as it draws."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.documents.render import receipt, visitor_copy
from kiosk.documents.text import (
    BOLD,
    ETHIOPIC,
    ETHIOPIC_BOLD,
    REGULAR,
    register_fonts,
    runs,
    string_width,
)
from kiosk.simulation.sample_documents import sample_record
from tests.documents.test_documents import plain, text_of, write


@pytest.mark.parametrize(
    ("text", "font", "expected"),
    [
        ("Familienname", REGULAR, [("Familienname", REGULAR)]),
        ("ሽም (Familienname)", REGULAR, [("ሽም", ETHIOPIC), (" (Familienname)", REGULAR)]),
        (
            "ቁጽሪ መመልከቲ: MD-1",
            BOLD,
            [("ቁጽሪ", ETHIOPIC_BOLD), (" ", BOLD), ("መመልከቲ", ETHIOPIC_BOLD), (": MD-1", BOLD)],
        ),
        ("ሕጋዊ እዩ።", REGULAR, [("ሕጋዊ", ETHIOPIC), (" ", REGULAR), ("እዩ።", ETHIOPIC)]),
    ],
)
def test_a_line_is_cut_where_the_script_changes(
    text: str, font: str, expected: list[tuple[str, str]]
) -> None:
    assert runs(text, font) == expected
    assert "".join(piece for piece, _ in runs(text, font)) == text


def test_a_mixed_line_measures_as_the_sum_of_its_runs() -> None:
    register_fonts()
    from reportlab.pdfbase import pdfmetrics

    text = "ሽም (Familienname)"
    parts = pdfmetrics.stringWidth("ሽም", ETHIOPIC, 10) + pdfmetrics.stringWidth(
        " (Familienname)", REGULAR, 10
    )
    assert string_width(text, REGULAR, 10) == pytest.approx(parts)


def test_the_tigrinya_visitor_copy_carries_both_fonts_and_reads_whole(
    demo: CompiledCatalog, tmp_path: Path
) -> None:
    record = sample_record(demo, "sozialticket", "ti")
    pdf = write(tmp_path, "ti.pdf", visitor_copy(record))
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+")[-1]: line.split() for line in fonts}
    assert {"NotoSansEthiopic-Regular", "NotoSansEthiopic-Bold", "DejaVuSans"} <= set(names)
    assert all(row[-5] == "yes" for row in names.values())  # every font embedded
    text = plain(text_of(pdf))
    office = demo.t("ti", "office:sozialamt:name", "Sozialamt")
    assert office in text  # Ge'ez and the bracketed German term, brackets included
    assert "(Sozialamt)" in office
    receipt_text = plain(text_of(write(tmp_path, "r.pdf", receipt(record))))
    assert any("\u1200" <= ch <= "\u139f" for ch in receipt_text)
