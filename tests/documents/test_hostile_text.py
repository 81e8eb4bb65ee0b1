"""Answers nobody plans for: 2,000 characters without a space in every field that takes text.

Documents must take time in proportion to the text they show, and still show all of it
inside the page: a long word is cut between letters (never between a letter and its
marks), right-to-left lines are shaped and reordered, and table rows taller than a page
go on over the next. Line breaking is checked on its own (every line measured with the
real :func:`width`) and the documents with poppler's ``pdftotext``.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import re
import struct
import subprocess
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uharfbuzz  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import FormField
from kiosk.documents import order
from kiosk.documents.linebreak import wrap
from kiosk.documents.render import ApplicationRecord, office_copy, receipt, visitor_copy
from kiosk.documents.text import BOLD, REGULAR, register_fonts, visual, width
from kiosk.simulation.sample_documents import (
    ADDRESS_TEXT_PARTS,
    TYPED_TEXT_TYPES,
    sample_record,
    unbroken_run,
    with_unbroken_answers,
)

RUN = 2000

# ------------------------------------------------------------------ line breaking

#: Runs without a space in every script the kiosk meets, and the marks and joiners
#: that must stay with their letters.
RUNS: dict[str, tuple[str, bool]] = {  # name: (text, right to left)
    "German compound words": (unbroken_run("de", RUN), False),
    "digits": ("0123456789" * (RUN // 10), False),
    "Arabic with harakat and lam-alef": (unbroken_run("ar", RUN), True),
    "Persian with zero-width non-joiners": (unbroken_run("fa", RUN), True),
    "Hebrew": ("שלוםעולם" * (RUN // 8), True),
    "Cyrillic": ("Достопримечательность" * (RUN // 21), False),
    "CJK (no glyphs in the font)": ("漢字仮名交じり文" * (RUN // 8), False),
    "Latin with combining marks": (("e\u0301a\u0308n\u0303o\u0323\u0304") * (RUN // 9), False),
    "letters under many marks": (("a" + "\u0300\u0301\u0302\u0303\u0304\u0306\u0307") * 250, False),
    "Hangul jamo": ("\u1100\u1161\u11a8" * (RUN // 3), False),
    "emoji joined by ZWJ": ("\U0001f469\u200d\U0001f4bb" * (RUN // 3), False),
    "flags": ("\U0001f1e9\U0001f1ea\U0001f1fa\U0001f1e6" * (RUN // 4), False),
    "Arabic, Latin and digits": (("بيانات" + "Daten" + "١٢٣٤") * (RUN // 15), True),
    # a ZWJ before a ligature: the shaper must keep count of the letters it joins
    "Arabic with ZWJ before ligatures": (("ب\u200dلا" + "الله") * (RUN // 8), True),
    "Arabic words, some with ZWJ": (" ".join(["ب\u200dلا", "الله", "كلمة"] * (RUN // 14)), True),
    "Arabic words after one ending in ZWJ": (
        "كلمة\u200d " + " ".join(["الله", "كلمة", "سلام"] * (RUN // 15)),
        True,
    ),
    "words and one long word": (
        "Name: " + unbroken_run("de", RUN) + " und danach noch ein paar Wörter",
        False,
    ),
    "Arabic words and one long word": (
        "الاسم الكامل: " + unbroken_run("ar", RUN) + " ثم بعض الكلمات",
        True,
    ),
    "lines and spaces": ("erste Zeile\n\n  zwei  Leerzeichen \n" + "x" * RUN, False),
}
#: (font size, width of the box): a page, a table cell of the office copy, narrow boxes.
BOXES = [(10.0, 481.9), (8.0, 109.4), (10.0, 60.0), (9.0, 25.0)]

CUT_CLASSES = {"Mn", "Mc", "Me"}
JOINERS = {"\u200c", "\u200d"}


@pytest.fixture(scope="module", autouse=True)
def fonts() -> None:
    register_fonts()


def restore(text: str, lines: list[str]) -> Iterator[tuple[int, str]]:
    """Walk *text* along *lines*: each line must be the text that follows, and between
    two lines stands one break (a space or a line feed) or, where a word was cut,
    nothing. Yields each line's offset in *text*."""
    at = 0
    for line in lines:
        assert text.startswith(line, at), (at, line[:20])
        yield at, line
        at += len(line)
        if at < len(text) and text[at] in " \n":
            at += 1
    assert at == len(text)


def cut_inside_a_letter(text: str, at: int) -> bool:
    """Whether a line starting at *at* separates what belongs to one letter."""
    if at == 0 or text[at - 1] in " \n":
        return False
    char, before = text[at], text[at - 1]
    if unicodedata.category(char) in CUT_CLASSES or char in JOINERS:
        return True  # a mark or joiner torn from its letter
    if before == "\u200d" and unicodedata.category(char) == "So":
        return True  # inside an emoji sequence
    regional = range(0x1F1E6, 0x1F200)
    if ord(char) in regional:
        run = len(text[:at]) - len(text[:at].rstrip("".join(map(chr, regional))))
        return run % 2 == 1  # half a flag
    return 0x1160 <= ord(char) <= 0x11FF  # a vowel or final consonant of a syllable


@pytest.mark.parametrize("size, box", BOXES, ids=[f"{s:g}pt-in-{b:g}pt" for s, b in BOXES])
@pytest.mark.parametrize("name", list(RUNS))
def test_every_line_fits_and_the_lines_give_back_the_text(
    name: str, size: float, box: float
) -> None:
    text, rtl = RUNS[name]
    for font in (REGULAR, BOLD):
        lines = wrap(text, font, size, box, rtl)
        for at, line in restore(text, lines):
            assert width(line, font, size, rtl) <= box, (at, line)
            assert not cut_inside_a_letter(text, at), (at, text[at - 3 : at + 3])


@pytest.mark.parametrize("name", list(RUNS))
def test_the_work_grows_with_the_text_not_with_its_square(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reordering, shaping and measuring are what cost; each character is put through
    the bidi algorithm, shaped (HarfBuzz) and measured a few times, however long the word
    it stands in."""
    text, rtl = RUNS[name]
    work = Counter[str]()
    shape, string_width, levels = uharfbuzz.shape, pdfmetrics.stringWidth, order.levels

    def counted_shape(font: Any, buffer: Any, *args: Any) -> Any:
        work["shaped"] += len(buffer.glyph_infos)  # before shaping: one a character
        return shape(font, buffer, *args)

    def counted_width(chars: str, *args: Any, **kwargs: Any) -> Any:
        work["measured"] += len(chars)
        return string_width(chars, *args, **kwargs)

    def counted_levels(chars: str, *args: Any) -> list[int]:
        work["ordered"] += len(chars)
        return levels(chars, *args)

    monkeypatch.setattr(uharfbuzz, "shape", counted_shape)
    monkeypatch.setattr(pdfmetrics, "stringWidth", counted_width)
    monkeypatch.setattr(order, "levels", counted_levels)
    for size, box in BOXES:
        wrap(text, REGULAR, size, box, rtl)
    boxes = len(BOXES)
    for kind in ("shaped", "measured", "ordered"):
        assert work[kind] <= 5 * boxes * len(text), work


def test_right_to_left_lines_are_shaped_and_reordered_as_single_lines_are() -> None:
    from kiosk.documents.linebreak import layout

    for name, (text, rtl) in RUNS.items():
        for size, box in BOXES:
            for line in layout(text, REGULAR, size, box, rtl):
                assert line.text == visual(line.logical, rtl), name
                assert line.width == width(line.logical, REGULAR, size, rtl), name
                assert line.rtl == rtl


def test_a_paragraph_of_arabic_words_keeps_its_line_order() -> None:
    text = "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة"  # one to ten
    lines = wrap(text, REGULAR, 10, 80, rtl=True)
    assert len(lines) > 2
    assert " ".join(lines) == text  # the first words on the first line


@pytest.mark.parametrize(
    "text, box, lines",
    [
        ("", 100, [""]),
        ("\n", 100, ["", ""]),
        ("eins zwei", 1000, ["eins zwei"]),
        ("eins zwei", 30, ["eins", "zwei"]),
        ("abc", 1, ["a", "b", "c"]),  # narrower than a letter: one letter a line
        ("e\u0301e\u0301", 1, ["e\u0301", "e\u0301"]),
    ],
)
def test_small_cases(text: str, box: float, lines: list[str]) -> None:
    assert wrap(text, REGULAR, 10, box) == lines


# ------------------------------------------------------------------ documents

LANGUAGES = ["de", "ar", "fa"]
#: Field types that take text the visitor typed (an address in parts, an attachment by
#: its file name), and groups, whose answers become table cells on the office copy.
TEXT_TAKING = sorted(TYPED_TEXT_TYPES | {"address", "attachment", "group"})
#: For every document of every case together; the time a normal application takes is
#: about a tenth of a second, a naive line breaker's is minutes.
BUDGET_SECONDS = 10.0
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)
DOCUMENTS: dict[str, Callable[[ApplicationRecord], bytes]] = {
    "office copy": office_copy,
    "visitor copy": visitor_copy,
    "receipt": receipt,
}


def shown_text_answers(record: ApplicationRecord) -> Iterator[tuple[str, Any]]:
    """(field type, answer) of each visible answer that holds typed text."""
    state = record.catalog.compiled_form(record.form_id).evaluate(
        record.answers, record.application_date
    )

    def leaves(f: FormField, value: Any) -> Iterator[tuple[str, Any]]:
        if f.type in TYPED_TEXT_TYPES and isinstance(value, str) and value:
            yield f.type, value
        elif f.type == "address" and isinstance(value, dict):
            yield from (("address", value[k]) for k in ADDRESS_TEXT_PARTS if value.get(k))
        elif f.type == "attachment" and isinstance(value, dict) and value.get("filename"):
            yield "attachment", value["filename"]
        elif f.type == "group" and isinstance(value, list):
            for item in value:
                for child in f.fields or ():
                    for kind, leaf in leaves(child, item.get(child.id)):
                        yield "group", leaf
                        yield kind, leaf

    for page in record.form.pages:
        if page.id in state.visible_pages:
            for f in page.fields:
                if f.id in state.visible:
                    yield from leaves(f, record.answers.get(f.id))


def catalog_text_types(catalog: CompiledCatalog) -> set[str]:
    def kinds(fields: list[FormField]) -> Iterator[str]:
        for f in fields:
            if f.type in TEXT_TAKING:
                yield f.type
            yield from kinds(f.fields or [])

    return {k for form in catalog.catalog.forms for page in form.pages for k in kinds(page.fields)}


def covering_samples(catalog: CompiledCatalog, lang: str) -> list[ApplicationRecord]:
    """Few sample applications that together show an answer of every field type that
    takes text (the samples are random; the first seeds of every form are searched)."""
    wanted = catalog_text_types(catalog)
    candidates = [
        sample_record(catalog, form.id, lang, seed)
        for form in catalog.catalog.forms
        for seed in range(1, 6)
    ]
    chosen: list[ApplicationRecord] = []
    while wanted:
        best = max(candidates, key=lambda r: len(wanted & {k for k, _ in shown_text_answers(r)}))
        gained = wanted & {k for k, _ in shown_text_answers(best)}
        assert gained, f"no sample shows {sorted(wanted)}"
        chosen.append(best)
        wanted -= gained
    return chosen


@dataclasses.dataclass
class Case:
    """One sample application in one language, with every typed answer made unbroken."""

    record: ApplicationRecord
    seconds: float
    pdfs: dict[str, Path]  # document name: the worst case
    placeholders: dict[str, Path]  # the same documents, each answer one letter long


@pytest.fixture(scope="module")
def cases(demo: CompiledCatalog, tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    folder = tmp_path_factory.mktemp("hostile")
    out = []
    for lang in LANGUAGES:
        for sample in covering_samples(demo, lang):
            record = with_unbroken_answers(sample, RUN)
            short = with_unbroken_answers(sample, 1)
            name = f"{lang}-{sample.form_id}"
            start = time.perf_counter()
            made = {doc: make(record) for doc, make in DOCUMENTS.items()}
            seconds = time.perf_counter() - start
            pdfs, placeholders = {}, {}
            for doc, make in DOCUMENTS.items():
                pdfs[doc] = folder / f"{name}-{doc.replace(' ', '-')}.pdf"
                pdfs[doc].write_bytes(made[doc])
                placeholders[doc] = folder / f"{name}-{doc.replace(' ', '-')}-short.pdf"
                placeholders[doc].write_bytes(make(short))
            out.append(Case(record, seconds, pdfs, placeholders))
    return out


def case_ids(cases: list[Case]) -> list[str]:
    return [f"{c.record.language}-{c.record.form_id}" for c in cases]


def test_the_cases_show_every_field_type_that_takes_text(
    cases: list[Case], demo: CompiledCatalog
) -> None:
    in_catalog = catalog_text_types(demo)
    for lang in LANGUAGES:
        shown = {
            kind
            for case in cases
            if case.record.language == lang
            for kind, answer in shown_text_answers(case.record)
            if answer == unbroken_run(lang, RUN)
        }
        assert shown == in_catalog, lang
    missing = set(TEXT_TAKING) - in_catalog
    assert missing <= {"postcode"}, f"no form of the catalog has {sorted(missing)}"


def test_all_documents_of_all_cases_are_made_within_the_budget(cases: list[Case]) -> None:
    spent = {f"{c.record.language}-{c.record.form_id}": round(c.seconds, 2) for c in cases}
    assert sum(spent.values()) < BUDGET_SECONDS, spent


def text_of(pdf: Path, reference: str) -> str:
    """The text as a reader copies it, without the lines naming the reference (page
    footers, whose count differs with the number of pages), spaces, marks the shaping
    drops and bidi marks."""
    raw = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    kept = "".join(line for line in raw.splitlines() if reference not in line)
    return normal(kept)


def normal(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(BIDI_MARKS)
    return "".join(
        ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in {"Mn", "Cf"}
    )


@pytest.mark.parametrize("doc", list(DOCUMENTS))
def test_every_answer_is_printed_whole(cases: list[Case], doc: str) -> None:
    """The worst case differs from the same documents with one-letter answers by the
    answers' letters alone, a whole number of times each: no line lost or cut off."""
    for case in cases:
        name, reference = case_ids([case])[0], case.record.reference
        run = normal(unbroken_run(case.record.language, RUN))
        one = normal(unbroken_run(case.record.language, 1))
        got = Counter(text_of(case.pdfs[doc], reference))
        got.subtract(Counter(text_of(case.placeholders[doc], reference)))
        expected = Counter(run)
        expected.subtract(Counter(one))
        letter = max(expected, key=lambda ch: expected[ch])
        times, rest = divmod(got[letter], expected[letter])
        assert rest == 0, (name, letter)
        assert {ch: n for ch, n in got.items() if n} == {
            ch: n * times for ch, n in expected.items() if n * times
        }, name
        shown = sum(1 for _ in shown_text_answers(case.record))
        if doc == "receipt":
            assert times == 0, name  # the receipt shows no answers
        else:
            assert times >= shown - sum(
                1 for kind, _ in shown_text_answers(case.record) if kind == "group"
            ), name


def test_the_visitor_copy_prints_each_answer_in_reading_order(cases: list[Case]) -> None:
    for case in cases:
        text = text_of(case.pdfs["visitor copy"], case.record.reference)
        run = normal(unbroken_run(case.record.language, RUN))
        groups = sum(1 for kind, _ in shown_text_answers(case.record) if kind == "group")
        shown = sum(1 for _ in shown_text_answers(case.record)) - groups
        assert text.count(run) >= shown, case_ids([case])[0]


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


@pytest.mark.parametrize("doc", list(DOCUMENTS))
def test_no_word_leaves_the_page(cases: list[Case], doc: str) -> None:
    """Every word inside the margins; below the text area only the page footer."""
    for case in cases:
        layout = subprocess.run(
            ["pdftotext", "-bbox", str(case.pdfs[doc]), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages = layout.split("<page ")[1:]
        assert pages, case_ids([case])[0]
        if doc == "receipt":
            assert len(pages) == 1
        for number, page in enumerate(pages, start=1):
            size = PAGE.match("<page " + page)
            assert size is not None
            page_width, page_height = float(size[1]), float(size[2])
            margin = 5 * 72 / 25.4 if doc == "receipt" else 18 * 72 / 25.4
            for x_min, y_min, x_max, y_max, word in WORD.findall(page):
                where = (case_ids([case])[0], number, html.unescape(word)[:20])
                assert float(x_min) >= margin - 1 and float(x_max) <= page_width - margin + 1, where
                assert float(y_min) >= margin - 12, where
                if float(y_max) > page_height - margin:
                    # the footer (baseline 8 mm up): its top as the extractor boxes it, from
                    # the font's ascent, which Noto Sans Arabic's makes 1.37 em (for marks)
                    assert float(y_min) > page_height - 14 * 72 / 25.4, where


# ------------------------------------------------------------------ other answers


def png_header(width: int, height: int) -> str:
    """A PNG that claims *width* x *height* pixels in a few bytes, as a data URL."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.mark.parametrize("pixels", [(60_000, 60_000), (5_000, 5_000), (1, 10**9)])
def test_a_signature_claiming_huge_pixels_is_not_decoded(
    tmp_path: Path, demo: CompiledCatalog, pixels: tuple[int, int]
) -> None:
    """A few hundred bytes may claim gigabytes of pixels: the office copy says the
    picture could not be read instead of decoding it (or failing)."""
    record = sample_record(demo, "buergergeld", "de")
    signature = next(
        f.id
        for page in record.form.pages
        for f in page.fields
        if f.type == "signature" and f.id in record.answers
    )
    record = dataclasses.replace(record, answers={**record.answers, signature: png_header(*pixels)})
    pdf = tmp_path / "office.pdf"
    pdf.write_bytes(office_copy(record))
    assert "Unterschrift konnte nicht gelesen werden" in " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split()
    )


@pytest.mark.parametrize("value", ["1E+40", "-1E+40", "NaN", "Infinity", "zwölf"])
def test_an_amount_beyond_any_real_one_is_shown_as_given(value: str) -> None:
    """Written out, 1E+999999999 would be a billion digits: amounts longer than any real
    one are shown as they came, and what is no number at all too."""
    from kiosk.documents.answers import describe

    for kind in ("money", "decimal"):
        f = FormField(id="amount", type=kind, label="Betrag")
        assert describe(None, None, f, "amount", value, "de") == value  # type: ignore[arg-type]
