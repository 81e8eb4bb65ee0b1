"""The PDFs, checked with real tools: pdftotext, pdfinfo, pdftoppm and zbarimg."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from babel.dates import format_date
from PySide6.QtGui import QImage

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.strings import field_ctx, form_ctx
from kiosk.documents.render import ApplicationRecord, info_sheet, office_copy, receipt, visitor_copy
from kiosk.simulation.sample_documents import sample_record

REFERENCE_IMAGES = Path(__file__).with_name("reference")
# pdftotext separates direction runs with bidi marks: they stand between words
BIDI_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), " "
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_of(pdf: Path) -> str:
    """What a reader's copy and paste gives: logical order, plain letters."""
    raw = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return unicodedata.normalize("NFKC", raw).translate(BIDI_MARKS)


def plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def words(text: str) -> list[str]:
    """Words and numbers in reading order (punctuation and joiners left out)."""
    folded = unicodedata.normalize("NFKC", text).replace("\u200c", "")
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")  # vowel marks
    return re.findall(r"\w+", folded)


def contains_in_order(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack)))


_RTL_RUN = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff\u200c]+(?: [\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff\u200c]+)*"
)


def reads_in_order(found: list[str], run: list[str]) -> bool:
    """*run* in *found* in its order, whole or broken in two where a line wraps."""
    return contains_in_order(found, run) or any(
        contains_in_order(found, run[:i]) and contains_in_order(found, run[i:])
        for i in range(1, len(run))
    )


def rtl_runs(text: str) -> list[list[str]]:
    """The runs of right-to-left words of *text* between its German words, numbers and
    punctuation. A text extractor places those in-between parts by guesses of its own
    (pdftotext moves a sentence's full stop, a bracketed German term, a year), so what
    shows that a line was written in logical order is each run read in its order."""
    folded = unicodedata.normalize("NFKC", text)
    return [words(run) for run in _RTL_RUN.findall(folded) if words(run)]


@pytest.fixture(scope="module")
def german(demo: CompiledCatalog) -> ApplicationRecord:
    return sample_record(demo, "buergergeld", "de")


def test_office_copy_has_german_labels_answers_and_reference(
    tmp_path: Path, demo: CompiledCatalog
) -> None:
    record = sample_record(demo, "buergergeld", "uk")
    pdf = write(tmp_path, "office.pdf", office_copy(record))
    text = text_of(pdf)
    assert record.reference in text
    assert "Antrag auf Bürgergeld (Hauptantrag)" in text and "Fassung 1" in text
    assert f"Familienname: {record.answers['family_name']}" in text
    assert "Sprache der antragstellenden Person: Ukrainisch" in text
    assert "Seite 1 von" in text
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVuSans" in fonts and all(
        " yes " in line for line in fonts.splitlines()[2:] if line.strip()
    )  # every font embedded


def test_repeat_groups_become_tables(tmp_path: Path, demo: CompiledCatalog) -> None:
    record = sample_record(demo, "sozialticket", "de", seed=4)
    record = ApplicationRecord(
        **{
            **record.__dict__,
            "answers": {
                **record.answers,
                "household": [
                    {
                        "family_name": "Kovalenko",
                        "given_names": "Taras",
                        "birth_date": "2015-02-01",
                        "relationship": "child",
                    }
                ],
            },
        }
    )
    text = text_of(write(tmp_path, "office.pdf", office_copy(record)))
    assert "Kovalenko" in text and "Taras" in text and "Kind" in text


def test_a_document_the_form_asks_for_is_listed_as_to_be_handed_in(
    tmp_path: Path, demo: CompiledCatalog
) -> None:
    """The kiosk takes no files: the office reads which proof the visitor will bring."""
    record = sample_record(demo, "change_report", "fa", seed=2)
    answers = {k: v for k, v in record.answers.items() if k != "proof"}
    record = ApplicationRecord(**{**record.__dict__, "answers": answers})
    state = demo.compiled_form("change_report").evaluate(answers, record.application_date)
    if "proof" not in state.visible:
        pytest.skip("the sample did not reach the page with the proof")
    text = plain(text_of(write(tmp_path, "office.pdf", office_copy(record))))
    assert (
        "Foto von einem Nachweis: wird nachgereicht (beim Personal abgegeben oder zum Termin "
        "mitgebracht)" in text
    )


def test_visitor_copy_is_bilingual(tmp_path: Path, demo: CompiledCatalog) -> None:
    record = sample_record(demo, "kita_place", "uk")
    text = plain(text_of(write(tmp_path, "visitor.pdf", visitor_copy(record))))
    form = demo.catalog.form("kita_place")
    assert plain(demo.t("uk", form_ctx("kita_place", "title"), "")) in text
    assert plain(form.title) in text  # the German beside
    first = form.pages[0].fields[0]
    assert plain(demo.t("uk", field_ctx("kita_place", first.id, "label"), first.label)) in text
    assert plain(first.label) in text
    assert record.reference in text
    assert demo.catalog.office("jugendamt").contact.address.split(",")[0] in text


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_script_copies_read_in_logical_order(
    tmp_path: Path, demo: CompiledCatalog, lang: str
) -> None:
    record = sample_record(demo, "buergergeld", lang)
    text = text_of(write(tmp_path, "visitor.pdf", visitor_copy(record)))
    found = words(text)
    for ctx in (
        "form:buergergeld:title",
        "form:buergergeld:page:person:title",
        "office:jobcenter:opening_hours",
    ):
        runs = rtl_runs(demo.t(lang, ctx, ""))
        assert runs and all(reads_in_order(found, run) for run in runs), ctx
    # the application date: the month's name as a word of its own (reversed letters would
    # make another word), beside the day and the year
    month = str(format_date(record.application_date, "MMMM", locale=lang))
    date_line = next(line for line in text.splitlines() if "2026" in line and "21" in line)
    assert words(month)[0] in words(date_line)
    assert record.reference in text


def test_receipt_qr_code_decodes_to_the_reference(
    tmp_path: Path, german: ApplicationRecord
) -> None:
    record = ApplicationRecord(**{**german.__dict__, "resume_code": "G0D7-N7A2-TAP"})
    for name, data, width_pt in [
        ("receipt-80mm.pdf", receipt(record), 226.77),
        ("receipt-a4.pdf", receipt(record, a4=True), 595.28),
    ]:
        pdf = write(tmp_path, name, data)
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert f"{width_pt:.2f}" in info.replace(" ", "") or str(round(width_pt)) in info
        assert re.search(r"Pages:\s+1\n", info)
        subprocess.run(
            ["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / name)], check=True
        )
        png = next(tmp_path.glob(f"{name}*.png"))
        decoded = subprocess.run(
            ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True
        ).stdout.strip()
        assert decoded == record.reference
        text = text_of(pdf)
        assert "G0D7-N7A2-TAP" in text and "PIN" not in text


def test_info_sheet_printout(tmp_path: Path, demo: CompiledCatalog) -> None:
    text = text_of(write(tmp_path, "info.pdf", info_sheet(demo, "sozialamt", "ru")))
    sheet = demo.catalog.info_sheet("sozialamt")
    assert plain(demo.t("ru", "info:sozialamt:title", sheet.title)) in text
    assert sheet.url is not None and sheet.url in text


def test_every_form_renders_in_every_language(demo: CompiledCatalog) -> None:
    for form in demo.catalog.forms:
        for lang in demo.languages:
            record = sample_record(demo, form.id, lang)
            for data in (office_copy(record), visitor_copy(record), receipt(record)):
                assert data.startswith(b"%PDF") and len(data) > 1000


def test_arabic_page_looks_like_the_reference(tmp_path: Path, demo: CompiledCatalog) -> None:
    """Shaping, joining and order checked on pixels against a reviewed rendering."""
    record = sample_record(demo, "buergergeld", "ar")
    pdf = write(tmp_path, "visitor.pdf", visitor_copy(record))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-gray",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    page = QImage(str(next(tmp_path.glob("page*.png"))))
    reference = QImage(str(REFERENCE_IMAGES / "visitor-ar-buergergeld-p1.png"))
    assert page.size() == reference.size()
    differing = 0
    for y in range(page.height()):
        for x in range(page.width()):
            if abs((page.pixel(x, y) & 0xFF) - (reference.pixel(x, y) & 0xFF)) > 64:
                differing += 1
    assert differing / (page.width() * page.height()) < 0.01


def test_resume_slip(tmp_path: Path, demo: CompiledCatalog) -> None:
    import datetime as dt

    from kiosk.documents.render import resume_slip

    pdf = write(
        tmp_path,
        "slip.pdf",
        resume_slip(demo, ["wbs", "kita_place"], "tr", "G0D7-N7A2-TAP", dt.date(2026, 11, 28)),
    )
    text = plain(text_of(pdf))
    assert "G0D7-N7A2-TAP" in text and "2026" in text
    assert plain(demo.t("tr", form_ctx("wbs", "title"), "")) in text
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "slip")], check=True)
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(next(tmp_path.glob("slip*.png")))],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert decoded == "G0D7-N7A2-TAP"
