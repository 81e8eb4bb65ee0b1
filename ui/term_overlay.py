"""What a German term means: the overlay a tap on a glossary term opens.

The visitor reads the plain explanation in their language, and beside it the
German term and the German explanation, as their papers and the office word it.
A German visitor gets the German explanation alone (plain words help them too).
It belongs to the visit (closed with it, like every visit overlay), is mirrored
for right-to-left languages, reads itself aloud where the kiosk can speak, and
closes with one big button.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from kiosk.definition.glossary import GlossaryEntry
from kiosk.definition.strings import glossary_ctx
from ui import texts
from ui.overlay import Layer, Overlay
from ui.tr import Tr
from ui.widgets import button, german_label, icon_disc, label

#: Object name shared by every term overlay, so a second tap replaces the first.
OVERLAY_NAME = "glossary"


class TermOverlay(Overlay):
    """The explanation of one glossary term, in the visitor's language with German beside."""

    def __init__(
        self,
        parent: QWidget,
        tr: Tr,
        entry: GlossaryEntry,
        *,
        speak: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent, f"{OVERLAY_NAME}-{entry.id}", Layer.VISIT, panel_width=0.6)
        self.entry = entry
        self.setProperty("glossary_overlay", True)
        self.panel.setLayoutDirection(tr.direction)
        catalog = tr.catalog
        term = catalog.t(tr.lang, glossary_ctx(entry.id, "term"), entry.term)
        explanation = catalog.t(tr.lang, glossary_ctx(entry.id, "explanation"), entry.explanation)
        self.box.addWidget(icon_disc("help", 72), 0, Qt.AlignmentFlag.AlignHCenter)
        self.term = self._part(label(term, "title"), "glossary.term")
        if term != entry.term:
            self.german_term = self._part(german_label(entry.term, tr), "glossary.german_term")
            self.german_term.setObjectName("subtitle")
        self.explanation = self._part(label(explanation), "glossary.explanation")
        self.spoken = f"{term}. {explanation}"
        if explanation != entry.explanation:
            rule = QFrame()
            rule.setFrameShape(QFrame.Shape.HLine)
            self.box.addWidget(rule)
            self._part(label(tr(texts.GLOSSARY_IN_GERMAN), "muted"), "glossary.in_german")
            if term == entry.term:  # the German term is the title: say it once more here
                self._part(german_label(entry.term, tr), "glossary.german_term")
            self.german_explanation = self._part(
                german_label(entry.explanation, tr), "glossary.german_explanation"
            )
        self.panel.setAccessibleName(term if term == entry.term else f"{term} ({entry.term})")
        row = QHBoxLayout()
        row.setSpacing(16)
        if speak is not None:
            read = button(
                tr(texts.READ_ALOUD),
                "glossary.read_aloud",
                icon="read_aloud",
                on_click=lambda: speak(self.spoken),
            )
            read.setMinimumHeight(80)
            row.addWidget(read, 1)
        close = button(tr(texts.CLOSE), "glossary.close", primary=True, on_click=self.dismiss)
        close.setMinimumHeight(80)
        row.addWidget(close, 1)
        self.box.addLayout(row)

    def _part(self, widget: QWidget, name: str) -> QWidget:
        widget.setProperty("kiosk_id", name)
        self.box.addWidget(widget)
        return widget


def show_term(
    parent: QWidget, tr: Tr, entry: GlossaryEntry, speak: Callable[[str], None] | None = None
) -> TermOverlay:
    """Open the explanation of *entry* over *parent* (the kiosk window), replacing one that
    is already open: a second tap never stacks a second panel on the first."""
    for other in parent.findChildren(
        TermOverlay, options=Qt.FindChildOption.FindDirectChildrenOnly
    ):
        other.dismiss()
    overlay = TermOverlay(parent, tr, entry, speak=speak)
    overlay.present()
    return overlay
