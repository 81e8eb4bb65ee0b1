"""Right-to-left screens keep German and numbers readable, and every text is in the visitor's
language with the German term beside it where the visitor must match it to a paper."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.strings import codelist_ctx
from kiosk.i18n import gettext_for
from tests.ui.conftest import Kiosk
from ui import texts
from ui.fields.choice import ChoiceInput, ListChoiceInput
from ui.screens.welcome import WelcomeScreen
from ui.widgets import TileButton

LRI, PDI = "\u2066", "\u2069"


def labels(kiosk: Kiosk) -> list[str]:
    return [
        w.text()
        for w in kiosk.window.findChildren(QLabel)
        if w.isVisibleTo(kiosk.window) and w.text()
    ]


def test_german_lines_inside_right_to_left_messages_are_isolated(kiosk: Kiosk) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("sozialticket")
    kiosk.click("next")
    message = form.frames["family_name"].errors.text()
    arabic, german = message.split("\n")
    assert (
        german == f"{LRI}Bitte füllen Sie dieses Feld aus.{PDI}"
    )  # its full stop stays at its end
    assert arabic and LRI not in arabic


def test_numbers_phone_numbers_and_item_numbers_stay_left_to_right(
    kiosk: Kiosk, office_keys: object
) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("sozialticket")
    kiosk.set_answer(form, "phone", "0231 222333")
    kiosk.set_answer(
        form,
        "household",
        [{"family_name": "Haddad", "given_names": "Lina", "birth_date": "2015-03-01"}],
    )
    kiosk.window.show_review()  # the review of what there is so far
    kiosk.settle()
    shown = labels(kiosk)
    phone = next(t for t in shown if "+49231222333" in t)
    assert f"{LRI}+49231222333{PDI}" in phone  # the '+' before the digits, not after
    assert not any(t.strip() in {"1.", ".1"} for t in shown)  # items are named, not dotted
    assert any(t.endswith(" 1") and "Haddad" not in t for t in shown)


def test_the_welcome_screen_speaks_every_language_in_turn(kiosk: Kiosk) -> None:
    welcome = kiosk.screen
    assert isinstance(welcome, WelcomeScreen)
    languages = kiosk.terminal.catalog.languages
    seen: dict[str, set[str]] = {"heading": set(), "larger": set(), "code": set()}
    for _ in languages:
        seen["heading"].add(welcome.greeting.text())
        seen["larger"].add(welcome.top.large.text())
        seen["code"].add(welcome.code.text())
        welcome.next_language()
    def each(msgid: str) -> set[str]:
        return {gettext_for(lang).gettext(msgid) for lang in languages}

    assert seen["heading"] == each(texts.CHOOSE_LANGUAGE)  # every one, not the first few
    # Leichte Sprache may word a button as German does: compared as sets of words
    assert seen["larger"] == each(texts.LARGER_TEXT) and seen["code"] == each(texts.HAVE_CODE)
    assert welcome.timer.isActive()


def test_answer_options_show_the_german_term_beside(kiosk: Kiosk) -> None:
    kiosk.start("fa")
    form = kiosk.open_form("appointment_request")
    form.go_to("request")
    kiosk.settle()
    tiles = [
        b
        for b in form.findChildren(TileButton)
        if str(b.property("kiosk_id")).startswith("concern.")
    ]
    assert tiles and all(t.german is not None for t in tiles)
    lost = next(t for t in tiles if t.property("option") == "lost_document")
    assert lost.german is not None and lost.german.text() == "Dokument verloren oder gestohlen"
    # the papers for a stay are too many for tiles: a list to search, German in every row
    papers = form.frames["current_document"].input
    assert isinstance(papers, ListChoiceInput)
    paper_rows = {
        papers.list.item(i).data(Qt.ItemDataRole.UserRole): papers.list.item(i).text()
        for i in range(papers.list.count())
    }
    assert paper_rows["toleration"].endswith(f"{LRI}Duldung{PDI}")
    nationality = form.frames["nationality"].input
    assert isinstance(nationality, ListChoiceInput)
    rows = [nationality.list.item(i).text() for i in range(nationality.list.count())]
    assert any(row.endswith(f"{LRI}Syrien{PDI}") for row in rows)
    nationality.search.setText("Syrien")  # German words find the visitor's option too
    nationality._filter("Syrien")
    visible = [
        i for i in range(nationality.list.count()) if not nationality.list.item(i).isHidden()
    ]
    assert len(visible) == 1


def test_address_parts_carry_their_german_names(kiosk: Kiosk) -> None:
    kiosk.start("uk")
    form = kiosk.open_form("sozialticket")
    address = form.frames["address"]
    german = {w.text() for w in address.findChildren(QLabel) if w.objectName() == "german"}
    assert {"Straße", "Hausnummer", "Postleitzahl", "Ort"} <= german


def test_german_visitors_get_no_german_twice(kiosk: Kiosk) -> None:
    kiosk.start("de")
    form = kiosk.open_form("appointment_request")
    form.go_to("request")
    tiles = [t for c in form.findChildren(ChoiceInput) for t in c.buttons.values()]
    assert tiles and all(t.german is None for t in tiles)


@pytest.mark.parametrize("lang", ["fa", "ar", "uk", "ru", "en", "tr", "ro"])
def test_sex_options_fit_a_child_as_well_as_an_adult(demo: CompiledCatalog, lang: str) -> None:
    """The same list asks about adults and children: "female/male", not "woman/man"."""
    female = demo.t(lang, codelist_ctx("sex", "f"), "weiblich")
    male = demo.t(lang, codelist_ctx("sex", "m"), "männlich")
    assert (female, male) != ("زن", "مرد")
    assert female.casefold() not in {"woman", "frau"} and male.casefold() not in {"man", "mann"}


def test_every_language_words_the_staff_banner(demo: CompiledCatalog) -> None:
    for lang in demo.languages:
        if lang == "de":
            continue
        assert gettext_for(lang).gettext(texts.STAFF_HELPING) != texts.STAFF_HELPING, lang


def test_the_staff_banner_is_never_cut_off(kiosk: Kiosk) -> None:
    from ui.tr import Tr

    kiosk.window.resize(1366, 768)
    kiosk.start("ar")
    banner = kiosk.window.staff.banner
    banner.show_for(kiosk.window.t, Tr("de", kiosk.window.catalog), "Anna Kowalska-Nowak")
    kiosk.window.staff.grant = object()  # type: ignore[assignment]  # as if unlocked
    kiosk.settle()
    text = banner.text
    needed = text.heightForWidth(text.width())
    assert text.height() >= needed and text.wordWrap()
    kiosk.window.staff.grant = None
