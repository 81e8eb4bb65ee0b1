"""Arabic script on paper as its readers write it: every letter of Arabic, Persian, Dari,
Pashto and Sorani in the joining form the font has for its place in the word (HarfBuzz),
lines in bidi order, copied out of the PDF as the letters they are.

Joining is checked on glyph ids: the glyphs a word is drawn with against the glyphs its
letters have alone (Pashto's ټ ښ ګ ڼ ې ۍ and Sorani's ڕ ڵ ێ have no presentation forms, so
a shaper built on those drew them alone), and against HarfBuzz itself, read from the
strings the canvas is given.
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import uharfbuzz  # type: ignore[import-untyped]
from bidi.algorithm import get_display
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.documents import order
from kiosk.documents.linebreak import layout
from kiosk.documents.render import RECEIPT_80MM, receipt, visitor_copy
from kiosk.documents.shaping import LAST_KEY, Shaped, ShapingFont
from kiosk.documents.text import (
    ARABIC,
    ARABIC_BOLD,
    BOLD,
    REGULAR,
    Drawn,
    register_fonts,
    visual,
    width,
)
from kiosk.documents.writer import Writer
from kiosk.simulation.sample_documents import sample_record
from tests.documents.test_documents import reads_in_order, rtl_runs, text_of, words, write

NOTO_ARABIC = "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"

#: Words and, per letter in reading order, whether it is drawn in a joining form (1) or
#: alone (0: at the start after a letter that joins nothing to its left, like ر, و, ډ, ە).
JOINED = {
    "ps": [
        ("نېټه", "1111"),  # date
        ("ښځه", "111"),  # woman
        ("ګټه", "111"),  # benefit
        ("کورنۍ", "11011"),  # family
        ("ټولنیز", "111111"),  # social
        ("سړی", "110"),  # man
        ("مېږی", "1110"),  # ant
        ("ډېر", "011"),  # much
        ("ځای", "110"),  # place
        ("پښتو", "1111"),  # Pashto
        ("کڼ", "11"),  # deaf
    ],
    "ckb": [
        ("بەڵگە", "11111"),  # proof
        ("ڕێگا", "0111"),  # way
        ("کۆمەڵایەتی", "1111111111"),  # social
        ("تێبگەن", "111110"),  # understand
        ("پێویستە", "1111111"),  # is needed
    ],
    "ar": [("الطلب", "01111"), ("المسؤولية", "011110111")],
    "fa": [("درخواست", "0011011"), ("گذرنامه", "1101111")],
}


@pytest.fixture(scope="module", autouse=True)
def fonts() -> None:
    register_fonts()


def shaping_font(face: str = ARABIC) -> ShapingFont:
    font = pdfmetrics.getFont(face)
    assert isinstance(font, ShapingFont)
    return font


def harfbuzz_glyphs(word: str) -> list[int]:
    """The glyph ids HarfBuzz draws *word* with, left to right: asked directly, not through
    the kiosk's code."""
    font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(NOTO_ARABIC)))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(word)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {})
    return [info.codepoint for info in buffer.glyph_infos]


def isolated_glyph(letter: str) -> int:
    """The glyph a letter has alone: the one the font maps its character to."""
    return int(shaping_font().face.charToGlyph[ord(letter)])


@pytest.mark.parametrize(
    ("word", "joins"),
    [pair for pairs in JOINED.values() for pair in pairs],
    ids=[word for pairs in JOINED.values() for word, _ in pairs],
)
def test_letters_take_the_form_of_their_place_in_the_word(word: str, joins: str) -> None:
    shaped = shaping_font().shape(word, rtl=True)
    by_letter = {info.cluster: info.codepoint for info in shaped.infos}
    assert len(shaped.infos) == len(word) == len(by_letter)  # a glyph a letter, here
    drawn = "".join(
        "1" if by_letter[index] != isolated_glyph(letter) else "0"
        for index, letter in enumerate(word)
    )
    assert drawn == joins


def drawn_strings(writer: Writer) -> list[tuple[str, str]]:
    """Record (font, string) of every string the writer's canvas draws from now on."""
    calls: list[tuple[str, str]] = []
    canvas = writer.canvas
    draw_string = canvas.drawString

    def recording(x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        calls.append((canvas._fontname, text))
        draw_string(x, y, text, *args, **kwargs)

    canvas.drawString = recording
    return calls


@pytest.mark.parametrize("lang", ["ps", "ckb"])
def test_the_pdf_draws_the_glyphs_harfbuzz_picks_and_copies_as_the_letters(
    lang: str, tmp_path: Path
) -> None:
    writer = Writer(A4)
    calls = drawn_strings(writer)
    for word, _ in JOINED[lang]:
        calls.clear()
        writer.text(word, rtl=True)
        assert [face for face, _ in calls] == [ARABIC]
        face = shaping_font().face
        glyphs = [face.charToGlyph[ord(key)] for key in calls[0][1]]
        assert glyphs == harfbuzz_glyphs(word)
        assert glyphs != [isolated_glyph(letter) for letter in reversed(word)]
    pdf = write(tmp_path, f"{lang}.pdf", writer.finish())
    assert words(text_of(pdf)) == [word for word, _ in JOINED[lang]]


def test_marks_and_ligatures_copy_in_reading_order(tmp_path: Path) -> None:
    """A lam-alef is one glyph for two letters, a vowel mark a glyph placed over its
    letter: copied, both come back in the order they were written."""
    lines = ["النص المُلزِم", "لا الله إلا", "سلامٌ عليكم"]
    writer = Writer(A4)
    for line in lines:
        writer.text(line, rtl=True)
    pdf = write(tmp_path, "marks.pdf", writer.finish())
    copied = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = unicodedata.normalize("NFC", copied)
    for line in lines:
        assert unicodedata.normalize("NFC", line) in text


# ------------------------------------------------------------------ order and lines


def in_drawing_order(drawn: Drawn) -> str:
    """The characters of a drawn line left to right, as the bidi algorithm orders them
    (without joiners, which the algorithm takes out: they only join)."""
    out = []
    for content, _, _ in drawn.pieces:
        if isinstance(content, Shaped):
            out.append(content.text[::-1] if content.rtl else content.text)
        else:
            out.append(content)
    return "".join(out).replace("\u200c", "").replace("\u200d", "")


MIXED = [
    ("د اوسېدو اجازه (Duldung) تر 12 میاشتو پورې", True),  # Pashto: a residence permit ...
    ("ستاسو شمېره: MD-VRRN-KQY7-3", True),
    ("د زېږېدو نېټه: 18 مۍ 1978", True),
    ("مۆڵەتی مانەوە (Aufenthaltserlaubnis) بۆ 3 ساڵ", True),  # Sorani
    ("فیصله‌نامه (Bescheid) تا ۱۴۰۳/۵/۲ اعتبار دارد", True),  # Dari, Persian digits
    ("Familienname: کورنۍ نوم (Pashto) 42", False),  # an answer on the German office copy
]


@pytest.mark.parametrize(("line", "rtl"), MIXED)
def test_a_mixed_line_keeps_the_order_the_bidi_algorithm_gives(line: str, rtl: bool) -> None:
    """The order is python-bidi's, as before shaping moved to HarfBuzz: the German term
    stays whole in its brackets, numbers read left to right, the words right to left."""
    drawn = visual(line, rtl)
    expected = get_display(line, base_dir="R" if rtl else "L")
    assert in_drawing_order(drawn) == expected


def test_a_pashto_line_with_a_german_term_and_digits_reads_in_order(tmp_path: Path) -> None:
    line = "د اوسېدو اجازه (Duldung) تر 12 میاشتو پورې"
    writer = Writer(A4)
    writer.text(line, rtl=True)
    text = text_of(write(tmp_path, "mixed.pdf", writer.finish()))
    found = words(text)
    assert all(reads_in_order(found, run) for run in rtl_runs(line))
    assert "Duldung" in found and "12" in found  # where an extractor puts them is its guess


PARAGRAPH = (
    "که تاسو په جرمني کې د اوسېدو اجازه لرئ او ټولنیزې مرستې ترلاسه کوئ، نو کولی شئ د "
    "ټولنیز ټکټ لپاره غوښتنه وکړئ. ښځې، سړي او ماشومان چې په یوه کورنۍ کې ژوند کوي "
    "باید خپل ټول معلومات په سمه توګه ولیکي، ځکه چې ډېری وختونه ادارې د هر غړي نېټې ته "
    "اړتیا لري. "
) * 4


@pytest.mark.parametrize(
    ("size", "box"), [(10.0, A4[0] - 36 * mm), (8.0, RECEIPT_80MM[0] - 10 * mm), (9.0, 60.0)]
)
def test_a_long_pashto_paragraph_wraps_within_its_width(size: float, box: float) -> None:
    for font in (REGULAR, BOLD):
        lines = layout(PARAGRAPH.strip(), font, size, box, rtl=True)
        assert len(lines) > 3
        assert " ".join(line.logical for line in lines) == PARAGRAPH.strip()
        for line in lines:
            assert line.width <= box, line.logical
            assert line.width == pytest.approx(width(line.logical, font, size, rtl=True))
            assert line.text == visual(line.logical, True, font)


def test_a_long_pashto_paragraph_stays_inside_the_margins(tmp_path: Path) -> None:
    writer = Writer(A4)
    writer.text(PARAGRAPH, rtl=True)
    writer.text(PARAGRAPH, rtl=True, bold=True, size=12)
    pdf = write(tmp_path, "paragraph.pdf", writer.finish())
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', boxes)
    assert len(found) > 200
    margin = 18 * mm
    for x_min, x_max in found:
        assert float(x_min) >= margin - 1 and float(x_max) <= A4[0] - margin + 1
    expected = words(PARAGRAPH)
    assert words(text_of(pdf)) == expected + expected


# ------------------------------------------------------------------ documents


@pytest.mark.parametrize("lang", ["ps", "ckb", "fa_AF", "ar", "fa"])
def test_visitor_copy_and_receipt_read_in_logical_order_with_fonts_embedded(
    lang: str, demo: CompiledCatalog, tmp_path: Path
) -> None:
    record = sample_record(demo, "sozialticket", lang)
    for name, data in [("visitor", visitor_copy(record)), ("receipt", receipt(record))]:
        pdf = write(tmp_path, f"{name}.pdf", data)
        fonts = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        rows = {row.split()[0].split("+")[-1]: row.split() for row in fonts}
        assert "NotoSansArabic-Regular" in rows, name
        assert all(row[-5] == "yes" for row in rows.values()), fonts  # every font embedded
        found = words(text_of(pdf))
        for ctx in ("form:sozialticket:title", "office:sozialamt:name"):
            runs = rtl_runs(demo.t(lang, ctx, ""))
            assert runs and all(reads_in_order(found, run) for run in runs), (name, ctx)


# ------------------------------------------------------------------ the machinery

#: Characters of each bidi class :func:`order.right_to_left` takes, and some it does not.
BIDI_SAMPLES = "باש١٢34۵ \t\u064e\u200c\u200d()!«-+,./%:x"


@given(st.text(alphabet=BIDI_SAMPLES, max_size=16))
def test_the_quick_bidi_levels_are_the_algorithms(line: str) -> None:
    classes = [unicodedata.bidirectional(char) for char in line]
    found = set(classes)
    quick = order.RIGHT_TO_LEFT
    if found <= quick | order.NUMBERS or found <= quick | order.SEPARATORS:
        assert order.right_to_left(classes) == order.by_algorithm(line, True)
    assert order.levels(line, True) == order.by_algorithm(line, True)


def test_glyphs_still_draw_once_every_key_is_taken() -> None:
    """Keys are finite: past the last, a glyph is drawn by the key it has in store (it no
    longer copies as its letter), in its own width, and the run keeps its length."""
    font = ShapingFont("KioskArabicTest", NOTO_ARABIC)
    font._next = LAST_KEY + 1
    shaped = font.shape("پښتو لا ټولنیز", rtl=True)
    stretches, marks = shaped.drawing()
    assert marks is None
    assert sum(advance for _, _, advance in stretches) == pytest.approx(shaped.units)
    glyphs = [font.face.charToGlyph[ord(key)] for _, keys, _ in stretches for key in keys]
    assert glyphs == [info.codepoint for info in shaped.infos]
    subset = [ord(key) for _, keys, _ in stretches for key in keys]
    assert "<>" in font._to_unicode("TEST", subset)


def test_the_copied_text_of_a_key_is_in_the_subsets_to_unicode_map(tmp_path: Path) -> None:
    writer = Writer(A4)
    writer.text("ټولنیز", rtl=True)
    pdf = write(tmp_path, "one.pdf", writer.finish())
    text = html.unescape(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    assert "ټولنیز" in text
    assert not any("\ue000" <= char <= "\uf8ff" or ord(char) >= 0xF0000 for char in text)


def test_bold_arabic_is_shaped_in_the_bold_face() -> None:
    drawn = visual("ټولنیز ټکټ", True, BOLD)
    assert [face for _, face, _ in drawn.pieces] == [ARABIC_BOLD]
