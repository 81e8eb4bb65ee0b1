"""The demo catalog's German terms on its info sheets and in the finder can be tapped
(German texts, so this holds whatever the translators' progress)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from tests.ui.conftest import Kiosk
from tests.ui.test_finder_journeys import open_finder, tap
from ui.glossary import TermButton, TermLabel
from ui.term_overlay import TermOverlay


def terms_on_screen(kiosk: Kiosk) -> set[str]:
    return {
        term
        for w in kiosk.window.findChildren(TermLabel)
        if w.isVisibleTo(kiosk.window)
        for term in w.terms
    }


def test_the_info_sheet_on_the_anmeldung_explains_its_words(kiosk: Kiosk) -> None:
    kiosk.start("de")
    kiosk.click("topic-housing")
    kiosk.click("sheet-anmeldung")
    assert kiosk.screen.name == "info"
    # in the sheet about it, the word alone is the term (also_in); so is the paper it gives
    assert {"anmeldung", "meldebescheinigung"} <= terms_on_screen(kiosk)


def test_finder_answers_name_the_papers_with_a_button_to_explain_each(kiosk: Kiosk) -> None:
    open_finder(kiosk, "de")
    tap(kiosk, "money")
    button = kiosk.find("finder-answer-duldung.term.duldung")
    assert isinstance(button, TermButton) and button.text() == "Duldung"
    kiosk.click("finder-answer-duldung.term.duldung")
    overlay = next(o for o in kiosk.window.findChildren(TermOverlay) if o.isVisible())
    explanation = next(
        w for w in overlay.findChildren(QLabel) if w.property("kiosk_id") == "glossary.explanation"
    )
    duldung = next(e for e in kiosk.terminal.catalog.catalog.glossary if e.id == "duldung")
    assert explanation.text() == duldung.explanation
    kiosk.click("glossary.close")
    assert kiosk.screen.name == "finder-question"  # explaining did not answer the question
