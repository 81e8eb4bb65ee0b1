"""Text for PDFs in every catalog script: fonts with the glyphs, Arabic shaping, bidi order.

ReportLab draws the characters it is given, left to right and unjoined. So
Arabic and Persian are shaped first (arabic-reshaper: joining forms and
lam-alef ligatures) and each line is put into visual order with the Unicode
bidi algorithm (python-bidi), numbers and Latin words included. Lines are
broken in logical order before that, which keeps multi-line paragraphs in the
right line order (the platform notes show what goes wrong otherwise).
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import arabic_reshaper

# the package's reference implementation: unlike its fast default it mirrors brackets
from bidi.algorithm import get_display
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD = "KioskSans", "KioskSans-Bold"
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


def visual(line: str, rtl: bool) -> str:
    """One line in drawing order: shaped and reordered when it holds right-to-left text."""
    if not (rtl or is_rtl_text(line)):
        return line
    return str(get_display(arabic_reshaper.reshape(line), base_dir="R" if rtl else "L"))


def width(text: str, font: str, size: float, rtl: bool = False) -> float:
    return float(pdfmetrics.stringWidth(visual(text, rtl), font, size))


def wrap(text: str, font: str, size: float, max_width: float, rtl: bool = False) -> list[str]:
    """Logical lines that fit *max_width*, broken at spaces (long words are cut)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if width(candidate, font, size, rtl) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while width(word, font, size, rtl) > max_width and len(word) > 1:
                cut = len(word)
                while cut > 1 and width(word[:cut], font, size, rtl) > max_width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


@dataclass(frozen=True)
class Line:
    text: str  # visual order, ready to draw
    rtl: bool
