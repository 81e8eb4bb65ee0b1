"""Text for PDFs in every catalog script: fonts with the glyphs, shaping, bidi order.

ReportLab draws the characters it is given, left to right, one glyph each. So a line
is put into visual order here with the Unicode bidi algorithm (python-bidi's
reference implementation: its levels, and L1 and L2 applied to runs), cut into runs
of one direction and one font, and each Arabic-script run is shaped by HarfBuzz
(:mod:`kiosk.documents.shaping`: the joining forms, ligatures and mark positions of
every letter, Pashto's and Sorani's included). What comes out is a :class:`Drawn`
line: pieces left to right, each in one font, with its advance. Lines are broken in
logical order before that (:mod:`kiosk.documents.linebreak`), which keeps
multi-line paragraphs in the right line order.

Fonts: DejaVu Sans for Latin with all DIN 91379 letters, Cyrillic, Greek, Hebrew and
everything else; Noto Sans Arabic for Arabic script in every language, as DejaVu Sans
has no ۍ (U+06CD, the Pashto ending of کورنۍ "family" and of many more words), and one
face for the script keeps an Arabic, a Dari and a Pashto copy alike. Of the two Noto
Arabic faces the sans one matches DejaVu Sans beside it in a line; the Naskh book face
is smaller at the same size and its thin strokes suit book print more than 8-point
lines on a receipt's thermal printer. Noto Sans Ethiopic for the Ge'ez script of
Tigrinya and Amharic. All come with fonts-dejavu-core and fonts-noto-core.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kiosk.documents import order
from kiosk.documents.shaping import Shaped, ShapingFont

REGULAR, BOLD = "KioskSans", "KioskSans-Bold"
ETHIOPIC, ETHIOPIC_BOLD = "KioskEthiopic", "KioskEthiopic-Bold"
ARABIC, ARABIC_BOLD = "KioskArabic", "KioskArabic-Bold"
ZWNJ, ZWJ = "\u200c", "\u200d"
_NOTO = "/usr/share/fonts/truetype/noto/"
_FONTS = {  # name: (fontconfig pattern, where Debian puts it)
    REGULAR: ("DejaVu Sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    BOLD: ("DejaVu Sans:bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ETHIOPIC: ("Noto Sans Ethiopic", _NOTO + "NotoSansEthiopic-Regular.ttf"),
    ETHIOPIC_BOLD: ("Noto Sans Ethiopic:bold", _NOTO + "NotoSansEthiopic-Bold.ttf"),
    ARABIC: ("Noto Sans Arabic", _NOTO + "NotoSansArabic-Regular.ttf"),
    ARABIC_BOLD: ("Noto Sans Arabic:bold", _NOTO + "NotoSansArabic-Bold.ttf"),
}
#: Faces shaped by HarfBuzz (the others draw one glyph per character).
_SHAPED = frozenset({ARABIC, ARABIC_BOLD})
#: How much farther than DejaVu Sans (whose descent the writer's line spacing is made
#: for) a face's letters reach below the baseline, in em: Noto Sans Arabic's ي and ڕ go
#: 0.18 em deeper, the dots under Pashto's ې 0.3 (which then still clear the capitals
#: of a German line below).
_DEEPER = {ARABIC: 0.2, ARABIC_BOLD: 0.2}
#: Beside each of the kiosk's two sans faces: its Ethiopic and its Arabic face.
_SCRIPT_FACES = {REGULAR: (ETHIOPIC, ARABIC), BOLD: (ETHIOPIC_BOLD, ARABIC_BOLD)}

# What a character is to the choice of a face.
_BASE, _ETHIOPIC, _ARABIC, _INHERITED, _SPACE = range(5)
_ETHIOPIC_CHARS = re.compile("[\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f]")
#: Arabic, its supplement and extended blocks, and the presentation forms (U+FEFF left out)
_ARABIC_CHARS = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe]")
_SCRIPT_CHARS = re.compile(f"{_ETHIOPIC_CHARS.pattern}|{_ARABIC_CHARS.pattern}")


class FontMissingError(RuntimeError):
    pass


def _find(pattern: str, fallback: str) -> Path:
    if Path(fallback).exists():
        return Path(fallback)
    family = pattern.split(":", 1)[0].replace(" ", "")
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found.endswith(".ttf") and Path(found).exists() and family in found:
            return Path(found)
    raise FontMissingError(
        "the PDF fonts are missing; install them with: "
        "sudo apt-get install -y fonts-dejavu-core fonts-noto-core"
    )


@cache
def register_fonts() -> tuple[str, str]:
    """Embed-ready TrueType fonts, registered with ReportLab once per process."""
    for name, (pattern, fallback) in _FONTS.items():
        path = str(_find(pattern, fallback))
        pdfmetrics.registerFont(ShapingFont(name, path) if name in _SHAPED else TTFont(name, path))
    # ReportLab puts its base font (Helvetica, never embedded) into every document, and
    # its graphics (the receipt's QR code) start out in their own (Helvetica too)
    rl_config.canvas_basefontname = REGULAR
    rl_config.defaultGraphicsFontName = REGULAR
    return REGULAR, BOLD


def is_rtl_text(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in {"R", "AL"} for ch in text)


def shapes_line(line: str, rtl: bool) -> bool:
    """Whether :func:`visual` puts *line* through the bidi algorithm (else it is drawn in
    the order it is written; its Arabic-script runs are shaped all the same)."""
    return rtl or is_rtl_text(line)


# ------------------------------------------------------------------ faces


@lru_cache(maxsize=4096)
def _kind(char: str) -> int:
    if _ARABIC_CHARS.match(char):
        return _ARABIC
    if _ETHIOPIC_CHARS.match(char):
        return _ETHIOPIC
    category = unicodedata.category(char)
    if category in {"Mn", "Me", "Cf"}:  # marks, joiners: with the letter before them
        return _INHERITED
    return _SPACE if category == "Zs" else _BASE


def _faces(text: str, font: str) -> list[str]:
    """The face each character of *text* is drawn in: Ge'ez and Arabic letters in their
    script's face beside *font*, marks and joiners in their letter's, spaces between two
    Arabic-script characters in the Arabic face (a run of Arabic words then shapes and
    draws in one piece), everything else in *font*."""
    scripts = _SCRIPT_FACES.get(font)
    if scripts is None or not _SCRIPT_CHARS.search(text):
        return [font] * len(text)
    kinds = [_kind(char) for char in text]
    ethiopic, arabic = scripts
    faces = [font] * len(text)
    previous = _BASE
    for index, kind in enumerate(kinds):
        if kind == _INHERITED:
            kind = previous
        elif kind == _SPACE:
            continue
        if kind == _ETHIOPIC:
            faces[index] = ethiopic
        elif kind == _ARABIC:
            faces[index] = arabic
        previous = kind
    for index, kind in enumerate(kinds):
        if kind == _SPACE and index > 0 and faces[index - 1] == arabic:
            after = index + 1
            while after < len(text) and kinds[after] == _SPACE:
                after += 1
            if after < len(text) and faces[after] == arabic:
                faces[index] = arabic
    return faces


def _groups(text: str, faces: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, face) of the stretches of *text* in one face."""
    out: list[tuple[int, int, str]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or faces[index] != faces[start]:
            out.append((start, index, faces[start]))
            start = index
    return out


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """*text* (drawn as it stands, unshaped) cut into pieces that one font draws: Ge'ez
    and Arabic letters in their script's face beside *font*, the rest in *font* (the
    script faces have no Latin letters, digits or brackets)."""
    if not text:
        return [(text, font)]
    return [(text[start:end], face) for start, end, face in _groups(text, _faces(text, font))]


def string_width(text: str, font: str, size: float) -> float:
    """The drawn width of *text* drawn as it stands (unshaped), each run in its own font."""
    return sum(float(pdfmetrics.stringWidth(piece, face, size)) for piece, face in runs(text, font))


# ------------------------------------------------------------------ lines as drawn


class Piece(NamedTuple):
    """Part of a drawn line in one face: characters drawn as they stand, or a shaped run."""

    content: str | Shaped
    face: str
    units: float  # its advance in thousandths of the font size


@dataclass(frozen=True, slots=True)
class Drawn:
    """A line ready to draw: its pieces left to right."""

    pieces: tuple[Piece, ...]

    @property
    def units(self) -> float:
        return sum(piece.units for piece in self.pieces)

    def width(self, size: float) -> float:
        return self.units * size / 1000.0

    @property
    def depth(self) -> float:
        """How much farther below the baseline than Latin letters its letters may reach,
        in em: room the next line must leave."""
        return max((_DEEPER.get(piece.face, 0.0) for piece in self.pieces), default=0.0)


def _plain_piece(text: str, face: str) -> Piece:
    return Piece(text, face, float(pdfmetrics.stringWidth(text, face, 1000.0)))


def _shaped(text: str, face: str, rtl: bool) -> Shaped:
    font = pdfmetrics.getFont(face)
    assert isinstance(font, ShapingFont)
    return font.shape(text, rtl)


def visual(line: str, rtl: bool, font: str = REGULAR) -> Drawn:
    """One line in drawing order: reordered when it holds right-to-left text (*rtl*: the
    paragraph's direction), Arabic-script runs shaped, each piece in the face that has
    its letters."""
    faces = _faces(line, font)
    if not shapes_line(line, rtl):
        if not any(face in _SHAPED for face in faces):
            return Drawn(tuple(_plain_piece(line[s:e], f) for s, e, f in _groups(line, faces)))
        levels = [0] * len(line)
    else:
        levels = order.levels(line, rtl)
    spans: list[tuple[int, int, str]] = []  # logical runs of one level and one face
    start = 0
    for index in range(1, len(line) + 1):
        if index == len(line) or (levels[index], faces[index]) != (levels[start], faces[start]):
            spans.append((start, index, faces[start]))
            start = index
    pieces: list[Piece] = []
    for run in order.in_visual_order([levels[start] for start, _, _ in spans]):
        start, end, face = spans[run]
        odd = levels[start] % 2 == 1
        if face in _SHAPED:
            shaped = _shaped(line[start:end], face, odd)
            pieces.append(Piece(shaped, face, shaped.units))
            continue
        if odd:
            chars = order.reversed_and_mirrored(line[start:end])
        else:
            chars = "".join(c for c in line[start:end] if order.bidi_class(c) not in order.REMOVED)
        if chars:
            pieces.append(_plain_piece(chars, face))
    return Drawn(tuple(pieces))


def width(text: str, font: str, size: float, rtl: bool = False) -> float:
    """The drawn width of the line *text* (in reading order)."""
    return visual(text, rtl, font).width(size)


def draw(canvas: Canvas, x: float, y: float, line: Drawn, font: str, size: float) -> None:
    """*line* at *x*, *y*, each piece in the face that has its letters; the canvas is
    left on *font*.

    Pieces of one face that follow each other without a gap (an Arabic word and the
    digits after it) are drawn as one string, then the marks HarfBuzz placed.
    """
    scale = size / 1000.0
    current = ""  # the face the canvas is on

    def put(face: str, at: float, text: str) -> None:
        nonlocal current
        if face != current:
            canvas.setFont(face, size)
            current = face
        canvas.drawString(x + at * scale, y, text)

    stretch: list[str] = []
    face_of, start, end = "", 0.0, 0.0  # the stretch's face, where it starts and ends
    marks: list[tuple[str, float, str]] = []
    pen = 0.0
    for content, face, units in line.pieces:
        if isinstance(content, str):
            pieces, moved = [(0.0, content, units)], None
        else:
            pieces, moved = content.drawing()
        for offset, keys, advance in pieces:
            if stretch and (face != face_of or abs(pen + offset - end) > 1e-6):
                put(face_of, start, "".join(stretch))
                stretch = []
            if not stretch:
                face_of, start, end = face, pen + offset, pen + offset
            stretch.append(keys)
            end += advance
        if moved is not None:
            marks.append((face, pen + moved[0], moved[1]))
        pen += units
    if stretch:
        put(face_of, start, "".join(stretch))
    for face, at, glyphs in marks:
        put(face, at, glyphs)
    if current != font:
        canvas.setFont(font, size)


# ------------------------------------------------------------------ estimates


#: Advances of the characters met so far, per font; replaced when it grows past
#: :data:`_TABLE_LIMIT` (any character may come, memory must stay bounded), never
#: changed in place for a reader in another thread.
_TABLES: dict[str, dict[str, float]] = {}
_TABLE_LIMIT = 4096


def char_advances(text: str, font: str) -> list[float]:
    """The advance of each character of *text* drawn alone (an Arabic letter in its
    isolated form), in thousandths of the font size."""
    table = _TABLES.get(font, {})
    missing = set(text).difference(table)
    if missing:
        table = dict(table) if len(table) + len(missing) <= _TABLE_LIMIT else {}
        for char in set(text).difference(table):
            table[char] = string_width(char, font, 1000.0)
        _TABLES[font] = table
    return list(map(table.__getitem__, text))


def advances(text: str, font: str) -> list[float] | None:
    """Each character's part of the advance of *text* drawn as one line, in thousandths
    of the font size: shaped runs as HarfBuzz shapes them (a cluster's advance on its
    first character), the rest as :func:`char_advances`. None when nothing in *text*
    is shaped, where the characters' own advances are all there is.

    An estimate for breaking lines: direction and order play no part in it.
    """
    faces = _faces(text, font)
    if not any(face in _SHAPED for face in faces):
        return None
    out: list[float] = []
    for start, end, face in _groups(text, faces):
        if face in _SHAPED:
            out += _shaped(text[start:end], face, True).shares()
        else:
            out += char_advances(text[start:end], font)
    return out
