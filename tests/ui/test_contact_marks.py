"""Where an office is, on its screen and under its info sheets: placeholder contact data
carries "Beispieldaten – nicht echt", checked data does not; the Familienkasse says it
is not a city office; sheets no form links to (Kindergeld, health insurance) are found
through their office and their topic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.i18n import gettext_for
from kiosk.session.clock import FakeClock
from kiosk.session.terminal import Terminal
from kiosk.store import Store
from tests.conftest import FAST
from tests.documents.test_demo_contact import MARK, with_contacts_checked
from tests.ui.conftest import Kiosk
from ui.core import CoreRunner
from ui.window import KioskWindow


@pytest.fixture
def kiosk_with(qtbot: QtBot, home: Path) -> Iterator[Callable[[CompiledCatalog], Kiosk]]:
    """A kiosk window like the ``kiosk`` fixture's, on a catalog the test chooses."""
    opened: list[tuple[KioskWindow, CoreRunner, Store]] = []

    def make(catalog: CompiledCatalog) -> Kiosk:
        clock = FakeClock(start=dt.datetime(2026, 11, 21, 10, 0).timestamp())
        store = Store(home / "kiosk.sqlite3")
        terminal = Terminal(store, catalog, home, clock=clock, config=FAST)
        core = CoreRunner(terminal)
        window = KioskWindow(terminal, core)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        opened.append((window, core, store))
        return Kiosk(qtbot, window, core, terminal, clock)

    yield make
    for window, core, store in opened:
        window.activity.stop()
        core.wait_idle()
        QApplication.processEvents()
        core.stop()
        store.close()
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def shown(kiosk: Kiosk, kiosk_id: str) -> list[QWidget]:
    return [
        w
        for w in kiosk.window.findChildren(QWidget)
        if w.property("kiosk_id") == kiosk_id and w.isVisibleTo(kiosk.window)
    ]


def texts_on_screen(kiosk: Kiosk) -> str:
    return "\n".join(
        w.text()
        for w in kiosk.window.findChildren(QLabel)
        if w.isVisibleTo(kiosk.window) and w.text()
    )


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_an_office_screen_marks_placeholder_contacts(kiosk: Kiosk, lang: str) -> None:
    kiosk.start(lang)
    kiosk.click("office-sozialamt")
    assert kiosk.screen.name == "forms"
    office = kiosk.terminal.catalog.catalog.office("sozialamt")
    assert office.contact.demo
    on_screen = texts_on_screen(kiosk)
    assert office.contact.address in on_screen and (office.contact.phone or "") in on_screen
    (mark,) = shown(kiosk, "demo-mark")
    assert isinstance(mark, QLabel) and mark.text() == gettext_for(lang).gettext(MARK)
    assert mark.text() in kiosk.screen.speech_text()  # read aloud with the number


def test_an_info_sheet_shows_its_office_with_the_mark(kiosk: Kiosk) -> None:
    kiosk.start("de")
    kiosk.click("office-sozialamt")
    kiosk.click("info-asylblg")
    assert kiosk.screen.name == "info"
    assert "Luisenstraße 11–13, 44137 Dortmund" in texts_on_screen(kiosk)
    assert len(shown(kiosk, "demo-mark")) == 1
    kiosk.click("start")  # reached from a form: the sheet still starts it
    assert kiosk.screen.name == "form"


def test_checked_contacts_carry_no_mark(
    kiosk_with: Callable[[CompiledCatalog], Kiosk], demo: CompiledCatalog
) -> None:
    kiosk = kiosk_with(with_contacts_checked(demo))
    kiosk.start("de")
    kiosk.click("office-sozialamt")
    assert "Luisenstraße 11–13, 44137 Dortmund" in texts_on_screen(kiosk)
    assert shown(kiosk, "demo-mark") == []
    kiosk.click("info-asylblg")
    assert shown(kiosk, "demo-mark") == []
    assert "Beispieldaten" not in texts_on_screen(kiosk)


def test_the_familienkasse_is_shown_as_not_a_city_office(kiosk: Kiosk) -> None:
    kiosk.start("de")
    kiosk.click("office-familienkasse")
    assert kiosk.screen.name == "forms"
    assert shown(kiosk, "not-city-office") and shown(kiosk, "demo-mark")
    assert not [w for w in kiosk.window.findChildren(QWidget) if w.property("kiosk_id") == "start"]
    kiosk.click("sheet-kindergeld")
    assert kiosk.screen.name == "info"
    words = texts_on_screen(kiosk)
    assert "Die Familienkasse ist kein Amt der Stadt" in words
    assert "0800 4 5555 30" in words
    assert shown(kiosk, "start") == []  # no form to start from a sheet on its own
    kiosk.click("back")
    assert kiosk.screen.name == "forms" and shown(kiosk, "sheet-kindergeld")


#: topic -> what its list must offer: forms and sheets that stand on their own
TOPICS = [
    ("health", {"form-asylblg", "sheet-health_insurance"}),
    ("learning_german", {"sheet-learning_german"}),
    ("housing", {"sheet-anmeldung"}),
    ("children", {"sheet-kindergeld"}),
]


@pytest.mark.parametrize(("topic", "offered"), TOPICS)
def test_topics_offer_the_new_sheets(kiosk: Kiosk, topic: str, offered: set[str]) -> None:
    kiosk.start("uk")
    kiosk.click(f"topic-{topic}")
    assert kiosk.screen.name == "forms"
    ids = {
        str(w.property("kiosk_id"))
        for w in kiosk.window.findChildren(QWidget)
        if w.isVisibleTo(kiosk.window)
        and str(w.property("kiosk_id") or "").startswith(("form-", "sheet-"))
    }
    assert offered <= ids
    assert "sheet-asylblg" not in ids  # a form's own sheet opens from its info button
