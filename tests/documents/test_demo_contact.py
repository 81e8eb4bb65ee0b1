"""Placeholder contact data is marked on the visitor copy, the paper a visitor takes
home and calls from; real contact data carries no mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.documents import texts
from kiosk.documents.render import visitor_copy
from kiosk.i18n import gettext_for
from kiosk.simulation.sample_documents import sample_record
from tests.documents.test_documents import plain, text_of, write

MARK = "Beispieldaten – nicht echt"


def with_contacts_checked(catalog: CompiledCatalog) -> CompiledCatalog:
    """*catalog* as after go-live: every office's contact checked, no demo mark left."""
    model = catalog.catalog
    offices = [
        o.model_copy(update={"contact": o.contact.model_copy(update={"demo": False})})
        for o in model.offices
    ]
    return CompiledCatalog.create(
        model.model_copy(update={"offices": offices}), catalog.translations
    )


def test_the_demo_catalog_marks_its_contacts(demo: CompiledCatalog) -> None:
    assert texts.DEMO_CONTACT == MARK
    placeholders = [o.id for o in demo.catalog.offices if "50-0000" in (o.contact.phone or "")]
    assert placeholders  # the demo numbers are made up ...
    assert all(demo.catalog.office(o).contact.demo for o in placeholders)  # ... and say so


@pytest.mark.parametrize(("form_id", "lang"), [("asylblg", "de"), ("buergergeld", "uk")])
def test_the_visitor_copy_marks_placeholder_contacts(
    tmp_path: Path, demo: CompiledCatalog, form_id: str, lang: str
) -> None:
    record = sample_record(demo, form_id, lang)
    office = demo.catalog.office(record.form.office)
    text = plain(text_of(write(tmp_path, "visitor.pdf", visitor_copy(record))))
    assert office.contact.phone and plain(office.contact.phone) in text
    assert plain(gettext_for(lang).gettext(MARK)) in text
    # the mark stands after the contact data it is about
    assert text.index(plain(gettext_for(lang).gettext(MARK))) > text.index(
        plain(office.contact.phone)
    )


def test_checked_contacts_carry_no_mark(tmp_path: Path, demo: CompiledCatalog) -> None:
    checked = with_contacts_checked(demo)
    record = sample_record(checked, "asylblg", "de")
    office = checked.catalog.office("sozialamt")
    text = plain(text_of(write(tmp_path, "visitor.pdf", visitor_copy(record))))
    assert plain(office.contact.address) in text
    assert "Beispieldaten" not in text
