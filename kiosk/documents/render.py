"""The four documents: office copy (German), visitor copy (bilingual), receipt, info sheet.

Each takes an :class:`ApplicationRecord` (or a catalog and an info sheet) and
returns PDF bytes; nothing is written to disk here, so a document can go to
the printer, into the sealed payload or to a file as the caller decides.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import struct
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from babel.dates import format_date
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import Form, FormField
from kiosk.definition.strings import field_ctx, form_ctx, info_ctx, office_ctx, page_ctx
from kiosk.documents import texts
from kiosk.documents.answers import describe
from kiosk.documents.text import is_rtl_text
from kiosk.documents.writer import MUTED, Writer
from kiosk.engine.field_types import FIELD_TYPES
from kiosk.i18n import gettext_for
from kiosk.locales import is_rtl

RECEIPT_80MM = (80 * mm, 170 * mm)
#: The signature pad is a widget of the kiosk screen (a whole 4K screen has 8.3 million
#: pixels); a small PNG can claim far more, all of which would be decoded into memory to
#: draw a picture 22 mm high.
SIGNATURE_MAX_PIXELS = 16_000_000


@dataclass(frozen=True)
class ApplicationRecord:
    """What the documents of one application show; built at submit time."""

    catalog: CompiledCatalog
    form_id: str
    answers: dict[str, Any]
    reference: str
    application_date: dt.date
    terminal: str
    language: str
    resume_code: str | None = None
    resume_until: dt.date | None = None
    #: the receipt's status secret and what its QR code carries then, both made by the
    #: session (kiosk.session.receipt_status): on the receipt only, never on another
    #: document; None for sample documents, whose QR code is the reference alone
    status_secret: str | None = field(default=None, repr=False)
    status_qr: str | None = field(default=None, repr=False)

    @property
    def form(self) -> Form:
        return self.catalog.catalog.form(self.form_id)


def _qr(writer: Writer, payload: str, size: float, x: float) -> None:
    widget = QrCodeWidget(payload, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    writer.need(size)
    writer.y -= size
    renderPDF.draw(drawing, writer.canvas, x, writer.y)


def _date(day: dt.date, lang: str) -> str:
    return str(format_date(day, format="long", locale=lang))


def _visible_fields(record: ApplicationRecord) -> list[tuple[str, list[FormField]]]:
    compiled = record.catalog.compiled_form(record.form_id)
    state = compiled.evaluate(record.answers, record.application_date)
    pages = []
    for page in record.form.pages:
        if page.id not in state.visible_pages:
            continue
        fields = [
            f
            for f in page.fields
            if f.id in state.visible
            and f.holds_answer
            and (f.id in record.answers or FIELD_TYPES[f.type].handed_in_later)
        ]
        if fields:
            pages.append((page.id, fields))
    return pages


# ------------------------------------------------------------------ office copy


def office_copy(record: ApplicationRecord) -> bytes:
    """German, for the file of the receiving office."""
    form, catalog = record.form, record.catalog
    office = catalog.catalog.office(form.office)
    de = gettext_for("de").gettext
    w = Writer(
        A4, footer=f"{record.reference} · " + de(texts.PAGE), title=form.title, author=office.name
    )
    w.text(office.name, size=11, color=MUTED)
    w.text(form.title, size=16, bold=True)
    w.text(de(texts.VERSION).format(version=form.version), size=9, color=MUTED)
    w.space(4)
    language = Locale.parse(record.language).get_display_name("de") or record.language
    for label, value in [
        (de(texts.REFERENCE), record.reference),
        (de(texts.APPLICATION_DATE), _date(record.application_date, "de")),
        (de(texts.TERMINAL), record.terminal),
        (de(texts.LANGUAGE_OF_VISITOR), language),
    ]:
        w.text(f"{label}: {value}", size=10)
    w.rule()
    for page_id, fields in _visible_fields(record):
        page = next(p for p in form.pages if p.id == page_id)
        w.space(4)
        w.text(page.title, size=12, bold=True)
        for f in fields:
            _office_field(w, record, f)
    return w.finish()


def _check_signature_size(data: bytes) -> None:
    """ValueError unless *data* is a PNG (what the signature pad sends, and all the engine
    accepts) of at most :data:`SIGNATURE_MAX_PIXELS`, read from its header before any
    pixel is decoded."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    iw, ih = struct.unpack(">II", data[16:24])
    if not 0 < iw * ih <= SIGNATURE_MAX_PIXELS:
        raise ValueError(f"a signature of {iw} x {ih} pixels")


def _office_field(w: Writer, record: ApplicationRecord, f: FormField) -> None:
    form, catalog = record.form, record.catalog
    value = record.answers.get(f.id)
    if f.is_group:
        w.text(f.label, size=10, bold=True)
        children = [c for c in f.fields or () if c.holds_answer]
        rows = [
            [describe(catalog, form, c, f"{f.id}.{c.id}", item.get(c.id), "de") for c in children]
            for item in value or []
        ]
        w.table([c.label for c in children], rows)
        w.space(4)
        return
    if f.type == "signature" and isinstance(value, str) and "," in value:
        w.text(f"{f.label}:", size=10, bold=True)
        try:
            data = base64.b64decode(value.split(",", 1)[1])
            _check_signature_size(data)
            image = ImageReader(io.BytesIO(data))
            iw, ih = image.getSize()
            height = 22 * mm
            w.need(height)
            w.y -= height
            w.canvas.drawImage(image, w.margin, w.y, width=height * iw / ih, height=height)
        except (OSError, ValueError):  # the application stands; only the picture is lost
            w.text(gettext_for("de").gettext(texts.SIGNATURE_UNREADABLE), size=9, color=MUTED)
        return
    w.text(f"{f.label}: {describe(catalog, form, f, f.id, value, 'de')}", size=10)
    if f.consent is not None:
        w.text(
            gettext_for("de").gettext(texts.CONSENT_VERSION).format(version=f.consent.version),
            size=8,
            color=MUTED,
        )
        w.text(f.consent.text, size=8, color=MUTED)


# ------------------------------------------------------------------ visitor copy


def visitor_copy(record: ApplicationRecord) -> bytes:
    """Every label and answer in the visitor's language with the German beside."""
    form, catalog, lang = record.form, record.catalog, record.language
    rtl = is_rtl(lang)
    office = catalog.catalog.office(form.office)
    tr = gettext_for(lang).gettext
    t = catalog.t
    w = Writer(
        A4, footer=f"{record.reference} · " + tr(texts.PAGE), title=form.title, author=office.name
    )
    w.text(t(lang, office_ctx(office.id, "name"), office.name), size=11, color=MUTED, rtl=rtl)
    w.text(t(lang, form_ctx(form.id, "title"), form.title), size=15, bold=True, rtl=rtl)
    if lang != "de":
        w.text(form.title, size=9, color=MUTED, right=rtl)
        w.space(2)  # the office decides on the German text; the translation helps
        binding = tr(texts.GERMAN_IS_BINDING)
        w.text(binding, size=9, bold=True, rtl=rtl and is_rtl_text(binding), right=rtl)
        if binding != texts.GERMAN_IS_BINDING:
            w.text(texts.GERMAN_IS_BINDING, size=8, color=MUTED, right=rtl)
    w.space(4)
    w.text(f"{tr(texts.REFERENCE)}: {record.reference}", size=12, bold=True, rtl=rtl)
    w.text(
        f"{tr(texts.APPLICATION_DATE)}: {_date(record.application_date, lang)}", size=10, rtl=rtl
    )
    w.rule()
    for page_id, fields in _visible_fields(record):
        page = next(p for p in form.pages if p.id == page_id)
        w.space(4)
        w.text(
            t(lang, page_ctx(form.id, page.id, "title"), page.title), size=12, bold=True, rtl=rtl
        )
        for f in fields:
            _visitor_field(w, record, f, f.id, record.answers.get(f.id), rtl)
    w.rule()
    w.text(tr(texts.NEXT_STEPS), size=12, bold=True, rtl=rtl)
    w.text(t(lang, form_ctx(form.id, "next_steps"), form.next_steps), size=10, rtl=rtl)
    w.space(6)
    w.text(tr(texts.CONTACT), size=12, bold=True, rtl=rtl)
    contact = office.contact
    for line in [
        t(lang, office_ctx(office.id, "name"), office.name),
        contact.address,
        contact.phone or "",
        contact.email or "",
        t(lang, office_ctx(office.id, "opening_hours"), contact.opening_hours),
    ]:
        if line:
            w.text(line, size=10, rtl=rtl and is_rtl_text(line), right=rtl)
    if contact.demo:  # a made-up number on paper gets called: say it is not real
        mark = tr(texts.DEMO_CONTACT)
        w.text(mark, size=10, bold=True, rtl=rtl)
        if mark != texts.DEMO_CONTACT:
            w.text(texts.DEMO_CONTACT, size=8, color=MUTED, right=rtl)
    return w.finish()


def _visitor_field(
    w: Writer, record: ApplicationRecord, f: FormField, key: str, value: Any, rtl: bool
) -> None:
    form, catalog, lang = record.form, record.catalog, record.language
    label = catalog.t(lang, field_ctx(form.id, key, "label"), f.label)
    w.space(2)
    w.text(label, size=10, bold=True, rtl=rtl)
    if lang != "de":
        w.text(f.label, size=8, color=MUTED, right=rtl)
    if f.is_group:
        for number, item in enumerate(value or [], start=1):
            w.text(f"{number}.", size=9, color=MUTED, rtl=rtl)
            for child in f.fields or ():
                if child.holds_answer and child.id in item:
                    _visitor_field(w, record, child, f"{f.id}.{child.id}", item[child.id], rtl)
        return
    answer = describe(catalog, form, f, key, value, lang)
    w.text(answer, size=10, rtl=rtl and is_rtl_text(answer), right=rtl)
    if lang != "de":
        german = describe(catalog, form, f, key, value, "de")
        if german != answer:
            w.text(german, size=8, color=MUTED, right=rtl)


# ------------------------------------------------------------------ receipt


def receipt(record: ApplicationRecord, *, a4: bool = False) -> bytes:
    """One page for a 80 mm thermal printer (or A4): the reference, its QR code, what and where."""
    form, catalog, lang = record.form, record.catalog, record.language
    rtl = is_rtl(lang)
    office = catalog.catalog.office(form.office)
    tr = gettext_for(lang).gettext
    w = Writer(
        A4 if a4 else RECEIPT_80MM,
        margin=(18 if a4 else 5) * mm,
        title=f"{form.title} {record.reference}",
        author=office.name,
    )
    w.text(tr(texts.RECEIPT), size=12, bold=True, rtl=rtl)
    w.text(catalog.t(lang, form_ctx(form.id, "title"), form.title), size=10, rtl=rtl)
    if lang != "de":
        w.text(form.title, size=8, color=MUTED, right=rtl)
    w.text(catalog.t(lang, office_ctx(office.id, "name"), office.name), size=10, rtl=rtl)
    w.space(3)
    w.text(f"{tr(texts.REFERENCE)}:", size=10, rtl=rtl)
    w.text(record.reference, size=20 if a4 else 17, bold=True)
    secret = record.status_secret
    if secret:
        w.space(2)
        w.text(f"{tr(texts.STATUS_CODE)}:", size=10, rtl=rtl)
        if lang != "de":
            w.text(f"{texts.STATUS_CODE}:", size=8, color=MUTED, right=rtl)
        w.text(secret, size=20 if a4 else 17, bold=True)
    size = 50 * mm if a4 else 42 * mm
    # with the secret in it, the code opens the status lookup at any terminal (scanned)
    _qr(w, record.status_qr or record.reference, size, (w.pagesize[0] - size) / 2)
    w.space(3)
    if secret:
        w.text(tr(texts.STATUS_HINT), size=9, rtl=rtl)
        w.space(2)
    w.text(f"{tr(texts.APPLICATION_DATE)}: {_date(record.application_date, lang)}", size=9, rtl=rtl)
    if record.resume_code:
        w.space(3)
        w.text(tr(texts.RESUME_CODE), size=10, bold=True, rtl=rtl)
        w.text(record.resume_code, size=14, bold=True)
        if record.resume_until:
            w.text(
                tr(texts.VALID_UNTIL).format(date=_date(record.resume_until, lang)), size=9, rtl=rtl
            )
    return w.finish()


def resume_slip(
    catalog: CompiledCatalog,
    form_ids: list[str],
    lang: str,
    code: str,
    until: dt.date,
    *,
    a4: bool = False,
) -> bytes:
    """For "continue later": the code (also as QR code), its expiry and the forms it holds.
    The PIN is never printed: it stays in the visitor's head."""
    rtl = is_rtl(lang)
    tr = gettext_for(lang).gettext
    w = Writer(A4 if a4 else RECEIPT_80MM, margin=(18 if a4 else 5) * mm, title=code)
    w.text(tr(texts.RESUME_CODE), size=12, bold=True, rtl=rtl)
    for form_id in form_ids:
        form = catalog.catalog.form(form_id)
        w.text(catalog.t(lang, form_ctx(form.id, "title"), form.title), size=10, rtl=rtl)
        if lang != "de":
            w.text(form.title, size=8, color=MUTED, right=rtl)
    w.space(3)
    w.text(code, size=20 if a4 else 16, bold=True)
    size = 50 * mm if a4 else 42 * mm
    _qr(w, code, size, (w.pagesize[0] - size) / 2)
    w.space(3)
    w.text(tr(texts.VALID_UNTIL).format(date=_date(until, lang)), size=10, rtl=rtl)
    return w.finish()


# ------------------------------------------------------------------ info sheet


def info_sheet(catalog: CompiledCatalog, sheet_id: str, lang: str) -> bytes:
    sheet = catalog.catalog.info_sheet(sheet_id)
    rtl = is_rtl(lang)
    tr = gettext_for(lang).gettext
    w = Writer(A4, footer=tr(texts.PAGE), title=sheet.title)
    w.text(catalog.t(lang, info_ctx(sheet.id, "title"), sheet.title), size=16, bold=True, rtl=rtl)
    if lang != "de":
        w.text(sheet.title, size=9, color=MUTED, right=rtl)
    for section in sheet.sections:
        w.space(5)
        w.text(
            catalog.t(lang, info_ctx(sheet.id, section.id, "heading"), section.heading),
            size=12,
            bold=True,
            rtl=rtl,
        )
        w.text(
            catalog.t(lang, info_ctx(sheet.id, section.id, "body"), section.body), size=10, rtl=rtl
        )
    if sheet.url:
        w.space(6)
        w.text(tr(texts.ONLINE), size=9, rtl=rtl)
        w.text(sheet.url, size=9)
        _qr(w, sheet.url, 35 * mm, w.margin)
    return w.finish()
