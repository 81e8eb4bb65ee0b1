"""Where an office is and how to reach it, as the office and info sheet screens show it.

A visitor copies a phone number from the screen and calls it, so contact data that is
only a placeholder (``demo: true`` in the catalog) carries a mark, "Beispieldaten –
nicht echt", right under it; and an office outside the city administration (the
Familienkasse) says so, since visitors take every office on a city kiosk for the city's.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.definition.model import Office
from kiosk.definition.strings import office_ctx
from ui import texts
from ui.tr import Tr, ltr_isolate
from ui.widgets import german_label, label


class ContactBlock(QWidget):
    """The office's name, address, phone, e-mail, website and opening hours."""

    def __init__(self, tr: Tr, office: Office) -> None:
        super().__init__()
        self.setObjectName("contact")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 8, 0, 8)
        box.setSpacing(4)
        contact = office.contact
        name = tr.cat(office_ctx(office.id, "name"), office.name)
        hours = tr.cat(office_ctx(office.id, "opening_hours"), contact.opening_hours)
        box.addWidget(label(tr(texts.CONTACT), "subtitle"))
        box.addWidget(label(name))
        if not tr.shows_german and name != office.name:
            box.addWidget(german_label(office.name, tr))
        if not office.city_office:
            box.addWidget(_marked(label(tr(texts.NOT_A_CITY_OFFICE), "muted"), "not-city-office"))
        # addresses, numbers and links are written left to right in every language, and
        # stand on the reading side of a right-to-left screen
        reachable = [contact.address, contact.phone, contact.email, contact.website]
        for line in filter(None, reachable):
            shown = label(ltr_isolate(line) if tr.rtl else line)
            if tr.rtl:
                shown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
            box.addWidget(shown)
        box.addWidget(label(hours))
        spoken = [tr(texts.CONTACT), name, *filter(None, reachable[:3]), hours]
        if contact.demo:
            mark = tr(texts.DEMO_CONTACT)
            badge = _marked(label(mark, "demo-mark", wrap=False), "demo-mark")
            box.addWidget(badge, 0, Qt.AlignmentFlag.AlignLeading)
            spoken.append(mark)
        self.spoken = ". ".join(spoken)


def _marked(widget: QWidget, kiosk_id: str) -> QWidget:
    widget.setProperty("kiosk_id", kiosk_id)
    return widget
