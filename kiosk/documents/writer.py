"""A page writer for the kiosk's documents: flowing lines, headings, tables, page numbers.

Documents are simple and must render every script correctly, so text is laid
out here line by line (see :mod:`kiosk.documents.linebreak`) rather than through
ReportLab's paragraph engine, which reorders Arabic digits and cannot fall back
between fonts.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from kiosk.documents.linebreak import layout
from kiosk.documents.text import BOLD, REGULAR, draw, is_rtl_text, register_fonts, visual, width

TEXT = HexColor("#111111")
MUTED = HexColor("#4d4d4d")
RULE = HexColor("#8a8f98")


class _NumberedCanvas(canvas.Canvas):  # type: ignore[misc]  # ReportLab has no type hints
    """Keeps every page until the end, so each can say "page n of N"."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 - ReportLab API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if self._footer:
                footer = self._footer.format(page=number, pages=total)
                shown = visual(footer, is_rtl_text(footer))
                self.setFillColor(MUTED)
                left = self._pagesize[0] / 2 - shown.width(8) / 2
                draw(self, left, 8 * mm, shown, REGULAR, 8)
            super().showPage()
        super().save()


class Writer:
    """Top-to-bottom layout on pages of *pagesize*; ``rtl`` aligns text to the right."""

    def __init__(
        self,
        pagesize: tuple[float, float],
        *,
        margin: float = 18 * mm,
        footer: str = "",
        title: str = "",
        author: str = "",
        auto_height: bool = False,
    ) -> None:
        register_fonts()
        self.buffer = io.BytesIO()
        self.pagesize = pagesize
        self.margin = margin
        self.canvas = _NumberedCanvas(
            self.buffer, pagesize=pagesize, footer=footer, pageCompression=1
        )
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setSubject(title)
        self.canvas.setCreator("MigraDo kiosk")
        self.y = pagesize[1] - margin
        self.auto_height = auto_height
        #: room the last line drawn needs below it beyond the usual line spacing (its
        #: Arabic letters reach deeper than Latin ones), left before whatever comes next
        self._below = 0.0

    @property
    def inner_width(self) -> float:
        return self.pagesize[0] - 2 * self.margin

    def need(self, height: float) -> None:
        below, self._below = self._below, 0.0
        if self.y - below - height < self.margin + 6 * mm:
            self.canvas.showPage()
            self.y = self.pagesize[1] - self.margin
        else:
            self.y -= below

    def space(self, height: float) -> None:
        self.y -= height
        self._below = max(0.0, self._below - height)

    def text(
        self,
        text: str,
        *,
        size: float = 10,
        bold: bool = False,
        rtl: bool = False,
        color: Color = TEXT,
        indent: float = 0,
        max_width: float | None = None,
        x: float | None = None,
        right: bool | None = None,
    ) -> None:
        """A paragraph: wrapped, shaped, in reading direction.

        *rtl* is the paragraph's direction (shaping and bidi); *right* aligns it to the
        right edge, by default exactly when it is right-to-left. A German line inside a
        right-to-left document is left-to-right text aligned right, with its neighbours.
        """
        align_right = rtl if right is None else right
        font = BOLD if bold else REGULAR
        limit = (max_width or self.inner_width) - indent
        leading = size * 1.3
        left = (x if x is not None else self.margin) + indent
        for line in layout(text, font, size, limit, rtl):
            self.need(leading)
            self.y -= leading
            self.canvas.setFont(font, size)
            self.canvas.setFillColor(color)
            if align_right:  # as drawRightString does, with the width known already
                draw(self.canvas, left + limit - line.width, self.y, line.text, font, size)
            else:
                draw(self.canvas, left, self.y, line.text, font, size)
            self._below = line.text.depth * size

    def rule(self) -> None:
        self.need(4)
        self.y -= 3
        self.canvas.setStrokeColor(RULE)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(self.margin, self.y, self.pagesize[0] - self.margin, self.y)
        self.y -= 3

    def table(self, header: list[str], rows: list[list[str]], *, size: float = 8) -> None:
        """A simple grid with wrapped cells (repeat groups on the office copy).

        A row taller than what is left of the page goes on over the next pages, so a
        long answer in a cell is never cut off at the bottom edge.
        """
        if not header:
            return
        column = self.inner_width / len(header)
        leading = size * 1.25
        bottom = self.margin + 6 * mm
        for cells, font in [(header, BOLD)] + [(r, REGULAR) for r in rows]:
            wrapped = [layout(c, font, size, column - 4) for c in cells]
            done, total = 0, max(len(lines) for lines in wrapped)
            if total * leading + 4 <= self.pagesize[1] - self.margin - bottom:
                self.need(total * leading + 4)  # a row that fits a page stays together
            else:
                self.need(3 * leading + 4)  # starts with more than a lone line
            while True:
                room = max(1, int((self.y - bottom - 4) // leading))
                count = min(total - done, room)
                height = count * leading + 4
                top = self.y
                self.canvas.setFont(font, size)
                self.canvas.setFillColor(TEXT)
                for index, lines in enumerate(wrapped):
                    yy = top - 2
                    for line in lines[done : done + count]:
                        yy -= leading
                        x = self.margin + index * column + 2
                        draw(self.canvas, x, yy, line.text, font, size)
                self.canvas.setStrokeColor(RULE)
                self.canvas.setLineWidth(0.3)
                self.canvas.rect(self.margin, top - height, self.inner_width, height)
                self.y = top - height
                done += count
                if done >= total:
                    break
                self.canvas.showPage()
                self.y = self.pagesize[1] - self.margin

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        return width(text, BOLD if bold else REGULAR, size)

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()
