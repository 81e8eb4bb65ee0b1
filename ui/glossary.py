"""German terms that can be tapped, wherever a catalog text shows one.

A translated catalog text carries the German term of the visitor's paper in
brackets ("... (Duldung)"; ``kiosk catalog validate --strict-translations`` sees
to it), and a German text has it anyway. Every screen shows such texts through
this module: :class:`TermLabel` for words on the screen, :func:`add_term_buttons`
for words inside a big answer button (a tap there chooses the answer, so the term
gets a button of its own beside the words), :func:`term_strip` under a long list.
A tap opens :class:`~ui.term_overlay.TermOverlay` with the plain explanation in the
visitor's language and the German beside it.

Inside a text a term is a link drawn in the theme's accent colour, underlined. A
finger is broader than a word, so a tap counts for a term within
:data:`TAP_SLOP` pixels of it: the words are laid out again, as the label lays
them out, to find the nearest term. The label never takes the keyboard focus and
its text cannot be selected, as every kiosk label.
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable, Iterable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextDocument, QTextOption
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QLabel, QPushButton, QWidget

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.glossary import TermFinder, TermHit
from ui import texts
from ui.term_overlay import show_term
from ui.theme import current, show_icon
from ui.tr import Tr

#: How far (in pixels) a tap may land beside a term and still open it.
TAP_SLOP = 14
_LINK = "glossary:"
_ISOLATES = "\u2066\u2067\u2068\u2069"
_finders: weakref.WeakKeyDictionary[CompiledCatalog, TermFinder] = weakref.WeakKeyDictionary()


def term_finder(tr: Tr) -> TermFinder | None:
    """The glossary of the catalog *tr* shows, or None when it has none."""
    catalog = tr.catalog
    if not isinstance(catalog, CompiledCatalog) or not catalog.catalog.glossary:
        return None
    finder = _finders.get(catalog)
    if finder is None:
        finder = _finders[catalog] = TermFinder(catalog.catalog.glossary)
    return finder


def find_terms(
    tr: Tr, text: str, *, source: bool, ctx: str | None = None, german: str | None = None
) -> list[TermHit]:
    """The German terms in *text*: a German source text (*source*) by the glossary's
    rules for German, a translation by the German words it carries. While staff help,
    a translation has its German source (*german*) on a line below: that line is read
    by the rules for German, so "Anmeldung" of a Kita place stays a plain word there."""
    finder = term_finder(tr)
    if finder is None or not text:
        return []
    if source:
        return finder.in_german(text, ctx)
    head, _, tail = text.rpartition("\n")
    if head and german and tail.strip(_ISOLATES) == german:
        start = len(head) + 1 + len(tail) - len(tail.lstrip(_ISOLATES))
        below = [
            TermHit(h.start + start, h.end + start, h.entry) for h in finder.in_german(german, ctx)
        ]
        return finder.in_translation(head) + below
    return finder.in_translation(text)


def _speech(widget: QWidget) -> Callable[[str], None] | None:
    """The kiosk window's read-aloud, when it has a voice (the window owns the speaker:
    ``speaker`` and ``speak``, see :class:`ui.window.KioskWindow`)."""
    window = widget.window()
    speaker = getattr(window, "speaker", None)
    speak = getattr(window, "speak", None)
    if speaker is None or not getattr(speaker, "available", False) or not callable(speak):
        return None
    return speak  # type: ignore[no-any-return]


def explain(widget: QWidget, tr: Tr, entry_id: str) -> None:
    """Open the explanation of *entry_id* over the window *widget* belongs to."""
    finder = term_finder(tr)
    if finder is None or entry_id not in finder.entries:
        return
    show_term(widget.window(), tr, finder.entries[entry_id], _speech(widget))


def _rich(text: str, hits: list[TermHit]) -> str:
    color = current().colors["accent"]
    parts: list[str] = []
    at = 0
    for hit in hits:
        parts.append(html.escape(text[at : hit.start]))
        words = html.escape(text[hit.start : hit.end])
        parts.append(
            f'<a href="{_LINK}{hit.entry}" style="color: {color}; text-decoration: underline;">'
            f"{words}</a>"
        )
        at = hit.end
    parts.append(html.escape(text[at:]))
    return "".join(parts).replace("\n", "<br>")


class TermLabel(QLabel):
    """A label whose German glossary terms open their explanation when tapped.

    ``text()`` and ``setText()`` speak in plain words, as a plain label's do; the
    label draws them as rich text with a link for each term. ``terms`` lists the
    glossary ids it shows, in reading order.
    """

    def __init__(
        self,
        text: str,
        tr: Tr,
        kind: str = "",
        *,
        german: str | None = None,
        ctx: str | None = None,
    ) -> None:
        super().__init__()
        if kind:
            self.setObjectName(kind)
        self.language, self.ctx, self.german_source = tr, ctx, german
        #: the words are the German source (a German visitor, an untranslated text)
        self.source = tr.german or (german is not None and text == german)
        self.terms: list[str] = []
        self._words = ""
        self.setWordWrap(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.linkActivated.connect(self._activated)
        self.setText(text)

    def text(self) -> str:  # the words, as a plain label has them
        return self._words

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._words = text
        hits = find_terms(
            self.language, text, source=self.source, ctx=self.ctx, german=self.german_source
        )
        self.terms = list(dict.fromkeys(hit.entry for hit in hits))
        if hits:
            self.setTextFormat(Qt.TextFormat.RichText)
            super().setText(_rich(text, hits))
            self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        else:
            self.setTextFormat(Qt.TextFormat.PlainText)
            super().setText(text)
            self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the flags above would give it focus
        self.setAccessibleName(text)
        self.setAccessibleDescription(
            self.language(texts.GLOSSARY_TAP_HINT, terms=", ".join(self._german_terms()))
            if hits
            else ""
        )

    def _german_terms(self) -> list[str]:
        finder = term_finder(self.language)
        return [finder.entries[t].term for t in self.terms] if finder is not None else []

    # ------------------------------------------------------------ tapping
    def term_at(self, x: float, y: float, slop: int = TAP_SLOP) -> str | None:
        """The glossary id of the term at (x, y) or within *slop* pixels of it."""
        if not self.terms:
            return None
        doc, dx, dy = self._layout()
        layout = doc.documentLayout()
        for ox, oy in _around(slop):
            href = layout.anchorAt(QPointF(x - dx + ox, y - dy + oy))
            if href.startswith(_LINK):
                return href[len(_LINK) :]
        return None

    def _layout(self) -> tuple[QTextDocument, float, float]:
        """The words laid out as this label lays them out, and where they start in it."""
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        option = QTextOption(doc.defaultTextOption())
        option.setTextDirection(self.layoutDirection())
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        option.setAlignment(self.alignment() & Qt.AlignmentFlag.AlignHorizontal_Mask)
        doc.setDefaultTextOption(option)
        doc.setHtml(super().text())
        m = self.margin()
        area = self.contentsRect().adjusted(m, m, -m, -m)
        doc.setTextWidth(area.width())
        dy = float(area.top())
        spare = max(0.0, area.height() - doc.size().height())
        if self.alignment() & Qt.AlignmentFlag.AlignVCenter:
            dy += spare / 2
        elif self.alignment() & Qt.AlignmentFlag.AlignBottom:
            dy += spare
        return doc, float(area.left()), dy

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        position = event.position()
        if self.term_at(position.x(), position.y()) is None:
            super().mousePressEvent(event)  # not ours: the card or page behind takes it
            return
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """A tap opens the term on release, as a link does: in a scrolling page the press
        belongs to the finger's drag gesture and may never reach the label."""
        position = event.position()
        term = self.term_at(position.x(), position.y())
        if term is None:
            super().mouseReleaseEvent(event)
            return
        event.accept()
        self.linkActivated.emit(f"{_LINK}{term}")

    def _activated(self, href: str) -> None:
        if href.startswith(_LINK):
            explain(self, self.language, href[len(_LINK) :])


def _around(slop: int) -> list[tuple[int, int]]:
    """Offsets to try, nearest first: the tap itself, then rings up to *slop*."""
    offsets = [(0, 0)]
    for r in (slop // 2, slop):
        if r:
            offsets += [(0, r), (0, -r), (r, 0), (-r, 0), (r, r), (-r, r), (r, -r), (-r, -r)]
    return offsets


def term_label(
    text: str, tr: Tr, kind: str = "", *, german: str | None = None, ctx: str | None = None
) -> TermLabel:
    """A label for a catalog text in the visitor's language (*german*: its German source,
    *ctx*: its translation context), whose German terms can be tapped."""
    return TermLabel(text, tr, kind, german=german, ctx=ctx)


class TermButton(QPushButton):
    """A German term beside the words of a button: tapped, it explains the term."""

    def __init__(self, tr: Tr, entry_id: str, name: str) -> None:
        finder = term_finder(tr)
        assert finder is not None
        term = finder.entries[entry_id].term
        super().__init__(term)
        self.entry = entry_id
        self.setObjectName("term")
        self.setProperty("kiosk_id", f"{name}.term.{entry_id}")
        self.setAccessibleName(tr(texts.GLOSSARY_EXPLAIN, term=term))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(52, 52)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # German words
        self.clicked.connect(lambda _=False: explain(self, tr, entry_id))
        show_icon(self, "help")


def terms_of(tr: Tr, texts_shown: Iterable[tuple[str, str | None]]) -> list[str]:
    """The glossary ids in (shown text, its German source) pairs, each once, in order."""
    found: dict[str, None] = {}
    for text, german in texts_shown:
        source = tr.german or (german is not None and text == german)
        for hit in find_terms(tr, text, source=source):
            found.setdefault(hit.entry)
    return list(found)


def add_term_buttons(
    layout: QBoxLayout, tr: Tr, texts_shown: Iterable[tuple[str, str | None]], name: str
) -> list[TermButton]:
    """A button for each German term of the (shown text, German source) pairs, words shown
    inside a bigger button whose tap means something else; added to *layout*."""
    buttons = [TermButton(tr, entry, name) for entry in terms_of(tr, texts_shown)]
    for b in buttons:
        layout.addWidget(b, 0, Qt.AlignmentFlag.AlignVCenter)
    return buttons


def term_strip(
    tr: Tr, texts_shown: Iterable[tuple[str, str | None]], name: str, columns: int = 3
) -> QWidget | None:
    """Buttons for the German terms of a list's entries (a list row holds no button),
    in a grid under it; None when the list has none."""
    entries = terms_of(tr, texts_shown)
    if not entries:
        return None
    strip = QWidget()
    strip.setProperty("kiosk_id", f"{name}.terms")
    grid = QGridLayout(strip)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(8)
    for index, entry in enumerate(entries):
        grid.addWidget(TermButton(tr, entry, name), index // columns, index % columns)
    return strip


def binding_note(tr: Tr) -> QLabel | None:
    """The line that says the German text is binding and the translation helps to
    understand it: on every form and on the review, for every visitor who does not
    read the kiosk in German."""
    if tr.german:
        return None
    note = QLabel(tr(texts.GERMAN_IS_BINDING))
    note.setObjectName("muted")
    note.setWordWrap(True)
    note.setTextFormat(Qt.TextFormat.PlainText)
    note.setAccessibleName(note.text())
    note.setProperty("kiosk_id", "german-binding")
    return note
