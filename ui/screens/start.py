"""Finding the right application: topics, offices, search, the list of forms, info sheets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import cast

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import Form, InfoSheet, Office
from kiosk.definition.strings import form_ctx, info_ctx, office_ctx, topic_ctx
from ui import texts
from ui.fields.base import KioskLineEdit
from ui.glossary import term_label
from ui.keyboard import mark_keyboard
from ui.screens.base import Screen, ScreenEnv
from ui.screens.contact import ContactBlock
from ui.widgets import Card, button, label, qr_pixmap, scroll


class HomeScreen(Screen):
    """Topics in plain words, offices, and a search in the visitor's language and German;
    ``lead`` takes what comes first of all (the finder's card)."""

    name = "home"
    scrolls_itself = True

    def __init__(
        self,
        env: ScreenEnv,
        on_topic: Callable[[str], None],
        on_office: Callable[[str], None],
        on_search: Callable[[str], None],
    ) -> None:
        super().__init__(env)
        tr, catalog = self.t, cast(CompiledCatalog, env.tr.catalog).catalog
        self.set_title(tr(texts.HOME_TITLE))
        search_row = QHBoxLayout()
        self.search = KioskLineEdit()
        self.search.setObjectName("search")
        self.search.setProperty("kiosk_id", "search")
        mark_keyboard(self.search, "native")
        self.search.setPlaceholderText(tr(texts.SEARCH_HINT))
        self.search.setAccessibleName(tr(texts.SEARCH))
        self.search.returnPressed.connect(lambda: on_search(self.search.text()))
        search_row.addWidget(self.search, 1)
        search_row.addWidget(
            button(
                tr(texts.SEARCH),
                "search_go",
                on_click=lambda: on_search(self.search.text()),
                icon="search",
            )
        )
        inner = QWidget()
        box = QVBoxLayout(inner)
        # everything scrolls, the search too: on a small screen with large text the
        # tiles keep the room of the page, whatever stands above them (see `lead`)
        self.lead = QVBoxLayout()
        box.addLayout(self.lead)
        box.addLayout(search_row)
        box.addWidget(label(tr(texts.TOPICS), "subtitle"))
        grid = QGridLayout()
        for i, t in enumerate(catalog.topics):
            card = Card(
                f"topic-{t.id}",
                t.icon,
                tr.cat(topic_ctx(t.id, "title"), t.title),
                tr.cat(topic_ctx(t.id, "description"), t.description),
            )
            card.clicked.connect(lambda tid=t.id: on_topic(tid))
            grid.addWidget(card, i // 2, i % 2)
        box.addLayout(grid)
        box.addWidget(label(tr(texts.OFFICES), "subtitle"))
        grid = QGridLayout()
        for i, o in enumerate(catalog.offices):
            name = tr.cat(office_ctx(o.id, "name"), o.name)
            card = Card(
                f"office-{o.id}",
                o.icon,
                name,
                tr.cat(office_ctx(o.id, "description"), o.description),
                german=None if tr.shows_german else o.name,
                rtl=tr.rtl,
            )
            card.clicked.connect(lambda oid=o.id: on_office(oid))
            grid.addWidget(card, i // 2, i % 2)
        box.addLayout(grid)
        box.addStretch(1)  # tiles keep their height; the space is left below them
        self.body.addWidget(scroll(inner), 1)


class FormListScreen(Screen):
    """The applications of a topic, an office or a search, each with its info sheet; then
    the info sheets that stand on their own (no form links them), and on an office's
    screen where the office is."""

    name = "forms"
    scrolls_itself = True

    def __init__(
        self,
        env: ScreenEnv,
        title: str,
        forms: list[Form],
        on_start: Callable[[str], None],
        on_info: Callable[[str], None],
        on_back: Callable[[], None],
        *,
        sheets: Sequence[InfoSheet] = (),
        on_sheet: Callable[[str], None] | None = None,
        office: Office | None = None,
    ) -> None:
        super().__init__(env)
        tr = self.t
        self.set_title(title)
        inner = QWidget()
        box = QVBoxLayout(inner)
        if not forms and not sheets:
            box.addWidget(label(tr(texts.NO_RESULTS), "subtitle"))
        for form in forms:
            office = cast(CompiledCatalog, env.tr.catalog).catalog.office(form.office)
            card = Card(
                f"form-{form.id}",
                office.icon,
                tr.cat(form_ctx(form.id, "title"), form.title),
                tr.cat(form_ctx(form.id, "description"), form.description),
                german=None if tr.shows_german else form.title,
                rtl=tr.rtl,
            )
            card.clicked.connect(lambda fid=form.id: on_start(fid))
            box.addWidget(card)
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addStretch(1)
            if form.info_sheet:
                info = button(
                    tr(texts.INFO),
                    f"info-{form.id}",
                    on_click=partial(on_info, form.id),
                    icon="info_sheet",
                )
                info.setAccessibleName(f"{tr(texts.INFO)}: {card.accessibleName()}")
                row.addWidget(info)
            start = button(
                tr(texts.START_FORM),
                f"start-{form.id}",
                primary=True,
                on_click=partial(on_start, form.id),
                icon="next",
            )
            start.setAccessibleName(f"{tr(texts.START_FORM)}: {card.accessibleName()}")
            row.addWidget(start)
            card.text.addLayout(row)  # the actions belong to their form's card
        catalog = cast(CompiledCatalog, env.tr.catalog).catalog
        for sheet in sheets:
            owner = catalog.office(sheet.office)
            card = Card(
                f"sheet-{sheet.id}",
                "info_sheet",
                tr.cat(info_ctx(sheet.id, "title"), sheet.title),
                tr.cat(office_ctx(owner.id, "name"), owner.name),
                german=None if tr.shows_german else sheet.title,
                rtl=tr.rtl,
            )
            if on_sheet is not None:
                card.clicked.connect(partial(on_sheet, sheet.id))
            box.addWidget(card)
        self._spoken = ""
        if office is not None:
            contact = ContactBlock(tr, office)
            box.addWidget(contact)
            self._spoken = contact.spoken
        box.addStretch(1)
        self.body.addWidget(scroll(inner), 1)
        self.footer.addWidget(button(tr(texts.BACK), "back", on_click=on_back, icon="back"))
        self.footer.addStretch(1)

    def speech_text(self) -> str:
        return f"{self._title}. {self._spoken}" if self._spoken else self._title


class InfoSheetScreen(Screen):
    """An office's info sheet, readable on screen, with where the office is and a QR code
    to the online version; reached from a form (which it then offers to start) or on its
    own."""

    name = "info"
    scrolls_itself = True

    def __init__(
        self,
        env: ScreenEnv,
        sheet_id: str,
        form_id: str | None,
        on_start: Callable[[str], None],
        on_back: Callable[[], None],
    ) -> None:
        super().__init__(env)
        tr = self.t
        sheet = cast(CompiledCatalog, env.tr.catalog).catalog.info_sheet(sheet_id)
        self.set_title(tr.cat(info_ctx(sheet.id, "title"), sheet.title), sheet.title)
        inner = QWidget()
        box = QVBoxLayout(inner)
        spoken = []
        for section in sheet.sections:
            heading_ctx = info_ctx(sheet.id, section.id, "heading")
            body_ctx = info_ctx(sheet.id, section.id, "body")
            heading = tr.cat(heading_ctx, section.heading)
            body = tr.cat(body_ctx, section.body)
            box.addWidget(
                term_label(heading, tr, "subtitle", german=section.heading, ctx=heading_ctx)
            )
            box.addWidget(term_label(body, tr, german=section.body, ctx=body_ctx))
            spoken.append(f"{heading}. {body}")
        contact = ContactBlock(
            tr, cast(CompiledCatalog, env.tr.catalog).catalog.office(sheet.office)
        )
        box.addWidget(contact)
        spoken.append(contact.spoken)
        if sheet.url:
            qr = label("", "qr", wrap=False)
            qr.setPixmap(qr_pixmap(sheet.url, 220))
            qr.setObjectName("info-qr")
            qr.setAccessibleName(tr(texts.ONLINE_VERSION))
            box.addWidget(label(tr(texts.ONLINE_VERSION), "muted"))
            box.addWidget(qr)
        box.addStretch(1)
        self.body.addWidget(scroll(inner), 1)
        self._spoken = " ".join(spoken)
        self.footer.addWidget(button(tr(texts.BACK), "back", on_click=on_back, icon="back"))
        self.footer.addStretch(1)
        if form_id is not None:
            self.footer.addWidget(
                button(
                    tr(texts.START_FORM),
                    "start",
                    primary=True,
                    on_click=partial(on_start, form_id),
                    icon="next",
                )
            )

    def speech_text(self) -> str:
        return f"{self._title}. {self._spoken}"
