"""Text for PDFs in every catalog script: fonts with the glyphs, Arabic shaping, bidi order.

ReportLab draws the characters it is given, left to right and unjoined. So
Arabic and Persian are shaped first (arabic-reshaper: joining forms and
lam-alef ligatures) and each line is put into visual order with the Unicode
bidi algorithm (python-bidi), numbers and Latin words included. Lines are
broken in logical order before that, which keeps multi-line paragraphs in the
right line order (the platform notes show what goes wrong otherwise).

Lines are broken in :mod:`kiosk.documents.linebreak`.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import arabic_reshaper

# the package's reference implementation: unlike its fast default it mirrors brackets
from bidi.algorithm import get_display
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD = "KioskSans", "KioskSans-Bold"
ZWNJ, ZWJ = "\u200c", "\u200d"
#: DejaVu Sans covers Latin with all DIN 91379 letters, Cyrillic, Arabic and Persian.
_FONTS = {
    REGULAR: ("DejaVu Sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    BOLD: ("DejaVu Sans:bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}


class FontMissingError(RuntimeError):
    pass


def _find(pattern: str, fallback: str) -> Path:
    if Path(fallback).exists():
        return Path(fallback)
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found.endswith(".ttf") and Path(found).exists() and "DejaVu" in found:
            return Path(found)
    raise FontMissingError(
        "the PDF fonts are missing; install them with: sudo apt-get install -y fonts-dejavu-core"
    )


@cache
def register_fonts() -> tuple[str, str]:
    """Embed-ready TrueType fonts, registered with ReportLab once per process."""
    for name, (pattern, fallback) in _FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(_find(pattern, fallback))))
    # ReportLab puts its base font (Helvetica, never embedded) into every document
    rl_config.canvas_basefontname = REGULAR
    return REGULAR, BOLD


def is_rtl_text(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in {"R", "AL"} for ch in text)


def shapes_line(line: str, rtl: bool) -> bool:
    """Whether :func:`visual` shapes and reorders *line* (else it is drawn as it is)."""
    return rtl or is_rtl_text(line)


def reshape(text: str) -> str:
    try:
        return str(arabic_reshaper.reshape(text))
    except IndexError:  # it loses count of the letters where it drops a ZWJ before a ligature
        return str(arabic_reshaper.reshape(text.replace(ZWJ, "")))


def ordered(shaped: str, rtl: bool) -> str:
    return str(get_display(shaped, base_dir="R" if rtl else "L"))


def visual(line: str, rtl: bool) -> str:
    """One line in drawing order: shaped and reordered when it holds right-to-left text."""
    if not shapes_line(line, rtl):
        return line
    return ordered(reshape(line), rtl)


def reshape_lines(lines: list[str]) -> list[str]:
    """:func:`reshape` of each line, in one call for as many of them as may share one.

    Each call of the reshaper costs about as much as shaping thirty letters, whatever
    its length. A line feed stops its joining, ligature and mark rules, so lines joined
    by one come out as if shaped apart, except where it drops a ZWJ: it then matches
    ligatures at shifted places, so lines holding one are shaped alone. Should the
    reshaper be set up otherwise (:func:`_lines_shape_apart`), every line is.
    """
    together = [index for index, line in enumerate(lines) if ZWJ not in line]
    if len(together) < 2 or not _lines_shape_apart():
        return [reshape(line) for line in lines]
    try:
        joined = str(arabic_reshaper.reshape("\n".join(lines[i] for i in together)))
    except IndexError:
        return [reshape(line) for line in lines]
    shaped = joined.split("\n")
    if len(shaped) != len(together):
        return [reshape(line) for line in lines]
    out = [reshape(line) if ZWJ in line else "" for line in lines]
    for index, form in zip(together, shaped, strict=True):
        out[index] = form
    return out


@cache
def _lines_shape_apart() -> bool:
    """Whether the reshaper, as it is set up, shapes lines joined by line feeds as it
    shapes each alone (marks kept or moved, extra ligatures could change that)."""
    probe = ["بِسْمِ", "ِلا", "", "ـعـ", "x", "َ", "الله", "َب", "ب", "لا"]
    return reshape("\n".join(probe)) == "\n".join(reshape(line) for line in probe)


def width(text: str, font: str, size: float, rtl: bool = False) -> float:
    return float(pdfmetrics.stringWidth(visual(text, rtl), font, size))
