"""Review before submitting, and the done screen with the reference, the status code and
their QR code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import Form, FormField
from kiosk.definition.strings import field_ctx, form_ctx, page_ctx
from kiosk.documents.answers import describe
from kiosk.engine.field_types import ALWAYS_LTR_TYPES
from kiosk.engine.form import CompiledForm
from kiosk.session.receipt_status import qr_text
from kiosk.session.visitor import Receipt
from ui import texts
from ui.glossary import binding_note, term_label
from ui.screens.base import Screen, ScreenEnv
from ui.tr import Tr, ltr_isolate
from ui.widgets import PrintFeedback, button, german_label, label, qr_pixmap, scroll


def show_answer(
    tr: Tr, catalog: CompiledCatalog, form: Form, f: FormField, key: str, value: Any, german: bool
) -> str:
    """An answer in words (the same wording as the documents), German if *german*."""
    text = describe(catalog, form, f, key, value, "de" if german else tr.lang)
    return ltr_isolate(text) if f.type in ALWAYS_LTR_TYPES else text


class ReviewScreen(Screen):
    """Every answer, in the visitor's language with the German beside; "change" opens the page."""

    name = "review"
    scrolls_itself = True

    def __init__(
        self,
        env: ScreenEnv,
        catalog: CompiledCatalog,
        form: Form,
        compiled: CompiledForm,
        answers: dict[str, Any],
        today: dt.date,
        *,
        on_change: Callable[[str], None],
        on_submit: Callable[[], None],
    ) -> None:
        super().__init__(env)
        tr = self.t
        self.set_title(tr(texts.REVIEW_TITLE), None)
        state = compiled.evaluate(answers, today)
        inner = QWidget()
        box = QVBoxLayout(inner)
        if (note := binding_note(tr)) is not None:
            box.addWidget(note)  # what the visitor signs off is the German text
        box.addWidget(label(tr.cat(form_ctx(form.id, "title"), form.title), "subtitle"))
        for page in form.pages:
            if page.id not in state.visible_pages:
                continue
            card = QFrame()
            card.setObjectName("card")
            card_box = QVBoxLayout(card)
            head = QHBoxLayout()
            head.addWidget(
                label(tr.cat(page_ctx(form.id, page.id, "title"), page.title), "subtitle"), 1
            )
            change = button(
                tr(texts.CHANGE),
                f"change-{page.id}",
                on_click=partial(on_change, page.id),
                icon="edit",
            )
            change.setAccessibleName(f"{tr(texts.CHANGE)}: {page.title}")
            head.addWidget(change)
            card_box.addLayout(head)
            for f in page.fields:
                if f.id not in state.visible or not f.holds_answer:
                    continue
                if f.type == "group":
                    items = state.values.get(f.id) or []
                    card_box.addWidget(
                        label(tr.cat(field_ctx(form.id, f.id, "label"), f.label), "subtitle")
                    )
                    for n, item in enumerate(items, start=1):
                        item_label = f.item_label or f.label
                        number = tr(
                            texts.ITEM_NUMBER,
                            label=tr.cat(
                                field_ctx(form.id, f.id, "item_label" if f.item_label else "label"),
                                item_label,
                            ),
                            number=n,
                        )
                        card_box.addWidget(label(number, "subtitle"))
                        for child in f.fields or ():
                            self._row(
                                card_box,
                                catalog,
                                form,
                                child,
                                f"{f.id}.{child.id}",
                                item.get(child.id),
                                compact=True,
                            )
                    continue
                value = state.values.get(f.id)
                if value is None and f.compute is None and f.id not in state.required:
                    continue
                self._row(card_box, catalog, form, f, f.id, value)
            box.addWidget(card)
        box.addStretch(1)
        self.body.addWidget(scroll(inner), 1)
        self.footer.addStretch(1)
        self.submit = button(
            tr(texts.SUBMIT), "submit", primary=True, on_click=on_submit, icon="ok"
        )
        self.footer.addWidget(self.submit)

    def _row(
        self,
        box: QVBoxLayout,
        catalog: CompiledCatalog,
        form: Form,
        f: FormField,
        key: str,
        value: Any,
        compact: bool = False,
    ) -> None:
        tr = self.t
        raw = value
        title = tr.cat(field_ctx(form.id, key, "label"), f.label)
        text = show_answer(tr, catalog, form, f, key, raw, german=False)
        row = term_label(f"{title}: {text}", tr)
        row.setProperty("answer_key", key)
        box.addWidget(row)
        if not tr.german:
            german = show_answer(tr, catalog, form, f, key, raw, german=True)
            box.addWidget(german_label(f"{f.label}: {german}", tr))


class ReceiptCodes(QWidget):
    """The reference and the status code in big letters (always left to right), beside the
    QR code that carries both, as the printed receipt has them: a photo of the screen
    serves at any terminal as the paper does."""

    def __init__(self, tr: Tr, receipt: Receipt, qr_size: int) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.addStretch(1)
        words = QVBoxLayout()
        words.addStretch(1)
        # both codes on the reading side of their titles (a shorter one too), left to right
        side = Qt.AlignmentFlag.AlignRight if tr.rtl else Qt.AlignmentFlag.AlignLeft
        for title, code, prop in [
            (tr(texts.DONE_REFERENCE), receipt.reference, "reference"),
            (f"{tr(texts.STATUS_CODE)}:", receipt.status_secret, "status_code"),
        ]:
            words.addWidget(label(title, "subtitle"))
            shown = label(ltr_isolate(code), "reference", wrap=False)
            shown.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute)
            shown.setAccessibleName(code)
            shown.setProperty(prop, code)
            words.addWidget(shown)
        words.addStretch(1)
        row.addLayout(words)
        row.addSpacing(32)
        self.qr = label("", "qr", wrap=False)
        self.qr.setPixmap(qr_pixmap(qr_text(receipt.reference, receipt.status_secret), qr_size))
        self.qr.setAccessibleName(receipt.reference)
        row.addWidget(self.qr)
        row.addStretch(1)


class DoneScreen(Screen):
    """The reference and the status code in big letters, their QR code, print, another
    application, finish."""

    name = "done"

    def __init__(
        self,
        env: ScreenEnv,
        receipt: Receipt,
        *,
        on_print: Callable[[], None],
        on_another: Callable[[], None],
        on_finish: Callable[[], None],
    ) -> None:
        super().__init__(env, with_start_over=False)
        tr = self.t
        self.set_title(tr(texts.DONE_TITLE))
        centre = Qt.AlignmentFlag.AlignHCenter
        form_title = label(receipt.form_title, "subtitle")
        form_title.setAlignment(centre)
        self.body.addWidget(form_title)
        if not tr.shows_german:
            german = german_label(receipt.form_title_de, tr)
            german.setAlignment(centre)
            self.body.addWidget(german)
        self.body.addSpacing(12)
        block = ReceiptCodes(tr, receipt, 260)
        block.qr.setObjectName("done-qr")
        self.body.addWidget(block)
        self.body.addSpacing(12)
        for text in (tr(texts.DONE_TEXT), tr(texts.STATUS_CODE_HINT)):
            words = label(text)
            words.setAlignment(centre)
            self.body.addWidget(words)
        self.print = PrintFeedback(tr, on_print)
        self.body.addWidget(self.print.unavailable)
        self.body.addWidget(self.print.printing)
        self.body.addStretch(1)
        self.footer.addWidget(self.print.button)
        self.footer.addStretch(1)
        self.footer.addWidget(
            button(tr(texts.ANOTHER_FORM), "another", on_click=on_another, icon="add")
        )
        self.footer.addWidget(
            button(tr(texts.FINISH), "finish", primary=True, on_click=on_finish, icon="done")
        )
        self._spoken = f"{self._title}. {tr(texts.DONE_REFERENCE)} {receipt.reference}"

    def speech_text(self) -> str:
        return self._spoken
