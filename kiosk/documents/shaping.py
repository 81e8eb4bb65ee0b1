"""Arabic-script runs shaped by HarfBuzz (OpenType), for ReportLab to draw and embed.

Why HarfBuzz: Unicode has presentation forms (the joining forms as characters of
their own) only for the letters Arabic, Persian and Urdu had decades ago. Pashto's
ټ ډ ړ ږ ښ ګ ڼ ۍ ې and Sorani's ڕ ڵ ێ have none, so shaping by presentation forms
(arabic-reshaper) leaves them in their isolated form and the words fall apart. A
font has every form as a glyph, reached through its OpenType tables (``init``,
``medi``, ``fina``, ``rlig``, mark positioning): HarfBuzz applies them as browsers and
word processors do, for every letter the font has.

How a glyph gets into the PDF: ReportLab's TrueType fonts are addressed by
characters, each subset mapping its one-byte codes to characters and these to glyphs
through the font's cmap. A joining form has no character, so every glyph HarfBuzz
picks gets a *key*: a private-use character of planes 15 and 16 (which no font maps)
entered in this font's character-to-glyph and width tables, with the advance HarfBuzz
gives it as its width (a kerned glyph, or a joiner that takes no room, gets a key of
its own). A run is then drawn as one ordinary string of keys, which the PDF viewer
advances by those widths, and the glyphs HarfBuzz moves off the pen (a mark over its
letter) each at its own place.

Why not ReportLab's own shaping (``drawString(..., shaping=True)``): it orders text
with rlbidi (not installed; the kiosk orders with python-bidi), it writes every glyph
with its own position adjustments (a visitor copy's Arabic text took a third of the
document's time that way), and it names a glyph without a character of its own by a
private-use character in the ToUnicode map, so copying such a word out of the PDF
gives private-use characters, not Pashto letters.

Copying: each key's entry in the subset's ToUnicode map is the text its glyph stands
for, a whole grapheme cluster (a letter with its marks, both letters of a lam-alef
ligature) on the cluster's widest glyph and nothing on the others (marks, drawn after
their run so that a text extractor meets the run's letters together). Extractors
take the characters of a right-to-left run's glyphs as drawn, right to left, and
reverse them into reading order (poppler, pdf.js): so the text of a glyph of more
than one character is given in that drawn order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import uharfbuzz  # type: ignore[import-untyped]  # no type hints
from reportlab.pdfbase.ttfonts import SUBSETN, ShapeData, ShapedStr, TTFont

#: Private-use planes 15 and 16: the keys of glyphs. The first of them, one per glyph of
#: the font, stand for the glyph with no text (marks, or any glyph once the rest are used).
FIRST_KEY, LAST_KEY = 0xF0000, 0x10FFFD
#: Characters a key's text keeps at most: a letter under more marks than that copies
#: without the rest (it is drawn whole), so that what a visitor types cannot make keys
#: without end.
MAX_KEY_TEXT = 8
#: Glyphs to draw as one string: where it starts (in thousandths of the font size from
#: the run's origin), its keys, and its width as the PDF advances it.
Stretch = tuple[float, str, float]


@dataclass(frozen=True)
class Shaped:
    """A run as HarfBuzz shapes it: its glyphs left to right and their advance.

    Equal to another of the same font, text and direction (shaping is deterministic).
    """

    font: ShapingFont
    text: str
    rtl: bool
    units: float  # the advance, in thousandths of the font size
    infos: list[Any] = field(compare=False, repr=False)  # HarfBuzz's glyph infos
    positions: list[Any] = field(compare=False, repr=False)  # ... and glyph positions

    def shares(self) -> list[float]:
        """Per character of the text, in reading order: its part of :attr:`units` (a
        cluster's advance on its first character)."""
        scale = self.font.scale
        out = [0.0] * len(self.text)
        for info, position in zip(self.infos, self.positions, strict=True):
            out[info.cluster] += position.x_advance * scale
        return out

    def drawing(self) -> tuple[list[Stretch], tuple[float, str] | None]:
        """The glyphs to draw: stretches that the PDF's widths advance as HarfBuzz does
        (one, unless all keys are taken), and the glyphs HarfBuzz moves off the pen
        (marks over their letters) with where they start: a ReportLab
        :class:`~reportlab.pdfbase.ttfonts.ShapedStr` whose shape data place each."""
        font, scale = self.font, self.font.scale
        glyphs = [info.codepoint for info in self.infos]
        advances = [position.x_advance for position in self.positions]
        offsets = [(position.x_offset, position.y_offset) for position in self.positions]
        stretches: list[Stretch] = []
        moved: list[tuple[float, float, float, str, float]] = []  # pen, offsets, key, width
        keys: list[str] = []
        start = pen = drawn = 0.0  # where the stretch starts, HarfBuzz's pen, the PDF's pen
        for glyph, copied, advance, offset in zip(
            glyphs, self._copied(advances), advances, offsets, strict=True
        ):
            key, width, step = font.key(glyph, copied, advance)
            if offset != (0, 0):
                moved.append((pen, offset[0] * scale, offset[1] * scale, key, width))
            else:
                if keys and drawn != pen:  # only once every key is taken: see ShapingFont.key
                    stretches.append((start, "".join(keys), drawn - start))
                    keys = []
                if not keys:
                    start = drawn = pen
                keys.append(key)
                drawn += width
            pen += step
        if keys:
            stretches.append((start, "".join(keys), drawn - start))
        if not moved:
            return stretches, None
        data = [  # each advances to where the next one's pen is
            ShapeData(index, after[0] - now[0], 0, now[1], now[2], now[4])
            for index, (now, after) in enumerate(pairwise(moved + [moved[-1]]))
        ]
        marks = ShapedStr("".join(glyph[3] for glyph in moved), shapeData=data)
        return stretches, (moved[0][0], marks)

    def _copied(self, advances: list[int]) -> list[str]:
        """Per glyph, the text it copies as: its cluster's on the cluster's widest glyph
        (in drawing order where right to left, see the module docstring), else none."""
        text, clusters = self.text, [info.cluster for info in self.infos]
        if len(clusters) == len(text) == len(set(clusters)):  # a glyph for each character
            return [text[cluster] for cluster in clusters]
        widest: dict[int, int] = {}
        for index, (cluster, advance) in enumerate(zip(clusters, advances, strict=True)):
            best = widest.get(cluster)
            if best is None or advance > advances[best]:
                widest[cluster] = index
        bounds = sorted(widest)
        bounds.append(len(text))
        out = [""] * len(clusters)
        for cluster, end in pairwise(bounds):
            copied = text[cluster : min(end, cluster + MAX_KEY_TEXT)]
            out[widest[cluster]] = copied[::-1] if self.rtl else copied
        return out


class ShapingFont(TTFont):  # type: ignore[misc]  # ReportLab has no type hints
    """A TrueType font whose text is shaped by HarfBuzz; see the module docstring.

    Keys are made once per glyph, text and advance for the life of the process and shared
    by every document (threads included), as the font itself is.
    """

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._harfbuzz = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(filename)))
        #: HarfBuzz's units (the font's) in thousandths of an em
        self.scale = 1000.0 / self.face.unitsPerEm
        glyphs = len(self.face.hmetrics)
        if FIRST_KEY + glyphs > LAST_KEY:
            raise ValueError(f"{filename}: too many glyphs for keys")
        self._next = FIRST_KEY + glyphs
        self._keys: dict[tuple[int, str, int], tuple[str, float]] = {}
        self._texts: dict[int, str] = {}
        self._lock = threading.Lock()

    # -------------------------------------------------------------- shaping

    def shape(self, text: str, rtl: bool) -> Shaped:
        """*text* (one run: one direction, all of it in this font) shaped.

        Shaped alone, without the text around it: a run ends where the script or the
        direction changes, where Arabic letters do not join anyway.
        """
        buffer = uharfbuzz.Buffer()
        buffer.add_str(text)
        buffer.direction = "rtl" if rtl else "ltr"
        buffer.script = "Arab"
        buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_GRAPHEMES
        uharfbuzz.shape(self._harfbuzz, buffer, {})
        positions = buffer.glyph_positions
        units = sum(position.x_advance for position in positions) * self.scale
        return Shaped(self, text, rtl, units, buffer.glyph_infos, positions)

    def key(self, glyph: int, text: str, advance: int) -> tuple[str, float, float]:
        """The key that draws *glyph*, copies as *text* and advances by *advance* (in the
        font's units); its width in the PDF and *advance*, both in thousandths of the font
        size. The width is *advance* but where all keys are taken: the glyph's own then
        (on a key of the glyph with no text, one of which each glyph has in store)."""
        found = self._keys.get((glyph, text, advance))
        if found is None:
            found = self._new_key(glyph, text, advance)
        return found[0], found[1], advance * self.scale

    def _new_key(self, glyph: int, text: str, advance: int) -> tuple[str, float]:
        with self._lock:
            found = self._keys.get((glyph, text, advance))
            if found is not None:
                return found
            own = self.face.hmetrics[glyph][0]
            if self._next <= LAST_KEY and (text or advance != own):
                code, self._next = self._next, self._next + 1
            else:  # the glyph alone, as the font advances it
                code, text, advance = FIRST_KEY + glyph, "", own
            width = advance * self.scale
            self.face.charToGlyph[code] = glyph
            self.face.charWidths[code] = width
            self._texts[code] = text
            found = self._keys[(glyph, text, advance)] = (chr(code), width)
            return found

    # -------------------------------------------------------------- embedding

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - ReportLab API
        """ReportLab's subsets and objects, with each subset's ToUnicode map naming the
        text of its keys (ReportLab's own would name the keys' private-use characters)."""
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        face = self.face
        for number, subset in enumerate(subsets):
            name = b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX))
            base = name.decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is not None:
                stream.content = self._to_unicode(base, subset)

    def _to_unicode(self, name: str, subset: list[int]) -> str:
        texts = self._texts
        entries = [
            f"<{code:02X}> <{_utf16(texts.get(char, chr(char)))}>"
            for code, char in enumerate(subset)
        ]
        blocks: list[str] = []
        for start in range(0, len(entries), 100):  # at most 100 a block (PDF 1.7, 9.10.3)
            chunk = entries[start : start + 100]
            blocks += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
        return "\n".join(
            [
                "/CIDInit /ProcSet findresource begin",
                "12 dict begin",
                "begincmap",
                "/CIDSystemInfo",
                f"<< /Registry ({name})",
                f"/Ordering ({name})",
                "/Supplement 0",
                ">> def",
                f"/CMapName /{name} def",
                "/CMapType 2 def",
                "1 begincodespacerange",
                f"<00> <{len(subset) - 1:02X}>",
                "endcodespacerange",
                *blocks,
                "endcmap",
                "CMapName currentdict /CMap defineresource pop",
                "end",
                "end",
            ]
        )


def _utf16(text: str) -> str:
    """*text* as the hexadecimal UTF-16BE a ToUnicode map takes (empty for no text)."""
    return text.encode("utf-16-be").hex().upper()
