"""A terminal that pins admin keys fails closed: without a verified bundle (or with damaged
pinned keys) the window shows only its out-of-service screen, in every language, staff can
still unlock and sync, and the first verified bundle brings the welcome screen back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.catalog.bundle import build_bundle, sign_bundle
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import (
    TRUST_FILE,
    CatalogInstaller,
    open_for_visitors,
    out_of_service_catalog,
    save_trust,
)
from kiosk.crypto.keywrap import ScryptParams
from kiosk.crypto.signing import public_key_pem
from kiosk.i18n import gettext_for
from kiosk.locales import is_rtl
from kiosk.session.clock import FakeClock
from kiosk.session.terminal import Terminal
from kiosk.staff.records import StaffRecord, hash_pin
from kiosk.store import Store
from kiosk.store.settings import CATALOG_SETTING
from tests.catalog.office_keys import with_office_keys
from tests.conftest import FAST
from tests.ui.conftest import Kiosk
from ui import texts
from ui.app import kiosk_window, screen_languages
from ui.core import CoreRunner

ADMIN = Ed25519PrivateKey.generate()
PIN = "482913"


@pytest.fixture
def terminal_home(tmp_path: Path) -> Path:
    """A terminal's home with nothing in it: no demo office keys, no catalog."""
    home = tmp_path / "terminal"
    home.mkdir()
    return home


def pin_keys(home: Path, demo: CompiledCatalog) -> CatalogInstaller:
    trust = save_trust(home, demo.catalog.header.id, [public_key_pem(ADMIN.public_key())])
    return CatalogInstaller(home, trust)


def bundle(demo: CompiledCatalog) -> bytes:
    """The demo catalog as an admin publishes it: every office's key in it, signed."""
    return sign_bundle(build_bundle(with_office_keys(demo)), ADMIN)


@pytest.fixture
def open_kiosk(qtbot: QtBot, demo: CompiledCatalog) -> Iterator[Callable[..., Kiosk]]:
    """The kiosk built as `kiosk run` (without --demo) builds it for *home*."""
    opened: list[tuple[Any, CoreRunner, Store]] = []

    def make(home: Path, **window: Any) -> Kiosk:
        serving = open_for_visitors(home, demo=False)
        assert serving.closed is not None and serving.bundle is None
        clock = FakeClock(start=dt.datetime(2026, 11, 21, 10, 0).timestamp())
        store = Store(home / "kiosk.sqlite3")
        catalog = out_of_service_catalog(screen_languages({"languages": demo.languages}))
        terminal = Terminal(
            store, catalog, home, clock=clock, config=FAST, installer=serving.installer, demo=False
        )
        core = CoreRunner(terminal)
        made = kiosk_window(
            terminal, core, keyboard=False, kiosk_mode=False, out_of_service=True, **window
        )
        qtbot.addWidget(made)
        made.resize(1280, 800)
        made.show()
        qtbot.waitExposed(made)
        opened.append((made, core, store))
        kiosk = Kiosk(qtbot, made, core, terminal, clock)
        kiosk.settle()
        return kiosk

    yield make
    for made, core, store in opened:
        made.activity.stop()
        core.wait_idle()
        QApplication.processEvents()
        core.stop()
        store.close()
        made.close()
        made.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def visible(kiosk: Kiosk, kind: type[QWidget]) -> list[Any]:
    return [w for w in kiosk.window.findChildren(kind) if w.isVisibleTo(kiosk.window)]


def assert_nothing_to_start(kiosk: Kiosk) -> None:
    """Every control on screen tapped: still out of service, no visit, no form."""
    assert kiosk.screen.name == "out_of_service"
    ids = [str(b.property("kiosk_id")) for b in visible(kiosk, QPushButton)]
    assert ids and all(i.startswith("out-of-service-") for i in ids), ids
    for kiosk_id in ids:
        kiosk.click(kiosk_id)
        assert kiosk.screen.name == "out_of_service"
        assert kiosk.window.visit.session is None and not kiosk.terminal.in_use
    assert (
        kiosk.terminal.catalog.catalog.forms == [] and kiosk.terminal.catalog.catalog.offices == []
    )


def test_pinned_keys_and_no_bundle_show_only_the_out_of_service_screen(
    open_kiosk: Callable[..., Kiosk], terminal_home: Path, demo: CompiledCatalog
) -> None:
    pin_keys(terminal_home, demo)
    kiosk = open_kiosk(terminal_home)
    labels = " ".join(w.text() for w in visible(kiosk, QLabel))
    assert "außer Betrieb" in labels and "Personal ist bereits informiert" in labels
    assert_nothing_to_start(kiosk)
    kiosk.advance(120)  # nobody about: it stays, nothing wipes it into something else
    assert kiosk.screen.name == "out_of_service"
    assert not (terminal_home / "office_keys").exists()  # no key made on the terminal
    assert kiosk.terminal.store.settings.get(CATALOG_SETTING, "").startswith("out_of_service")


def test_the_message_speaks_every_language_rtl_ones_mirrored(
    open_kiosk: Callable[..., Kiosk], terminal_home: Path, demo: CompiledCatalog
) -> None:
    pin_keys(terminal_home, demo)
    kiosk = open_kiosk(terminal_home)
    screen = kiosk.screen
    for lang in demo.languages:
        kiosk.click(f"out-of-service-{lang}")
        title, text = screen.title.text(), screen.text.text()
        assert title == gettext_for(lang).gettext(texts.OUT_OF_SERVICE_TITLE)
        assert text == gettext_for(lang).gettext(texts.OUT_OF_SERVICE_TEXT)
        if lang != "de":  # really translated, with the German beside it
            assert title != texts.OUT_OF_SERVICE_TITLE and text != texts.OUT_OF_SERVICE_TEXT
            assert screen.german.isVisibleTo(screen) and "außer Betrieb" in screen.german.text()
        rtl = Qt.LayoutDirection.RightToLeft
        assert (screen.layoutDirection() == rtl) == is_rtl(lang), lang
        assert (screen.title.layoutDirection() == rtl) == is_rtl(lang), lang
    screen.held_until = 0.0
    before = screen.title.text()
    screen.next_language()  # the message moves on by itself
    assert screen.title.text() != before


def test_damaged_pinned_keys_are_out_of_service_too_until_enrolled_again(
    open_kiosk: Callable[..., Kiosk], terminal_home: Path, demo: CompiledCatalog
) -> None:
    pin_keys(terminal_home, demo).stage(bundle(demo))  # even a good bundle waiting ...
    (terminal_home / TRUST_FILE).write_text('{"deployment": "migrado_dortmund", "keys": {"x"')
    closed = open_for_visitors(terminal_home, demo=False).closed  # ... cannot be checked
    assert closed is not None and "cannot be used" in closed
    kiosk = open_kiosk(terminal_home)
    assert_nothing_to_start(kiosk)
    kiosk.window.poll()
    kiosk.settle()
    assert kiosk.screen.name == "out_of_service"
    assert not (terminal_home / "office_keys").exists()

    pin_keys(terminal_home, demo)  # staff enrol the terminal again: the bundle installs
    kiosk.window.poll()
    kiosk.settle()
    assert kiosk.screen.name == "welcome" and kiosk.terminal.bundle_version == 1


def test_a_verified_bundle_arriving_brings_the_welcome_screen(
    open_kiosk: Callable[..., Kiosk], terminal_home: Path, demo: CompiledCatalog
) -> None:
    installer = pin_keys(terminal_home, demo)
    kiosk = open_kiosk(terminal_home)
    kiosk.window.poll()
    kiosk.settle()
    assert kiosk.screen.name == "out_of_service"
    installer.stage(bundle(demo))  # what the sync does when the bundle is published
    kiosk.window.poll()
    kiosk.settle()
    assert kiosk.screen.name == "welcome" and not kiosk.window.out_of_service
    assert kiosk.terminal.bundle_version == 1
    kiosk.start("ar")
    form_id = demo.catalog.forms[0].id
    assert kiosk.open_form(form_id).form.id == form_id
    office = kiosk.terminal.catalog.catalog.office(demo.catalog.forms[0].office)
    assert kiosk.terminal.office_public_key(office) == (office.public_key or "").encode()


def test_staff_unlock_and_sync_now_on_the_out_of_service_screen(
    open_kiosk: Callable[..., Kiosk], terminal_home: Path, demo: CompiledCatalog, qtbot: QtBot
) -> None:
    from sync.client.status import sync_status
    from tests.ui.test_assisted_mode import unlock

    installer = pin_keys(terminal_home, demo)
    passes = {"at": "2026-11-21T09:00:00+00:00"}
    store_of: list[Store] = []

    def status() -> dict[str, Any]:
        return sync_status(store_of[0], terminal_home) | {
            "enrolled": True,
            "last_attempt_at": passes["at"],
        }

    def sync_pass() -> None:  # the background sync, nudged: it brings the bundle
        installer.stage(bundle(demo))
        passes["at"] = "2026-11-21T10:00:02+00:00"

    kiosk = open_kiosk(terminal_home, status_source=status, sync_now=sync_pass)
    store_of.append(kiosk.terminal.store)
    kiosk.terminal.store.staff_accounts.add(
        StaffRecord(id="anna", name="Anna K.", pin_hash=hash_pin(PIN, ScryptParams(n=2**10))),
        now=kiosk.clock.now(),
    )
    kiosk.window.staff.hold.setInterval(100)
    unlock(kiosk, qtbot, PIN)
    assert kiosk.screen.name == "out_of_service"
    kiosk.click("staff-menu")
    panel = kiosk.window.staff.panel
    assert panel is not None
    kiosk.settle()
    assert panel.status_lines["catalog"].text().startswith("Katalog: out_of_service 1")
    kiosk.click("staff-sync")
    qtbot.waitUntil(lambda: "Übertragung beendet" in panel.message.text(), timeout=5000)
    kiosk.click("staff-back")
    kiosk.window.poll()
    kiosk.settle()
    assert kiosk.screen.name == "welcome" and kiosk.terminal.bundle_version == 1


def test_outside_demo_mode_a_local_key_file_never_seals(
    qtbot: QtBot, home: Path, demo: CompiledCatalog
) -> None:
    """*home* holds a demo key pair for every office (tests/conftest.py); the demo catalog
    names no key. Outside demo mode the visitor cannot submit, and nothing is sealed."""
    import random

    from kiosk.session.clock import local_date
    from kiosk.session.terminal import NoOfficeKeyError
    from kiosk.simulation.answers import AnswerMaker
    from ui.screens.form import FormScreen

    assert (home / "office_keys" / "sozialamt.pub.pem").exists()
    store = Store(home / "kiosk.sqlite3")
    clock = FakeClock(start=dt.datetime(2026, 11, 21, 10, 0).timestamp())
    terminal = Terminal(store, demo, home, clock=clock, config=FAST, demo=False)
    with pytest.raises(NoOfficeKeyError, match="only in demo mode"):
        terminal.office_public_key(demo.catalog.office("sozialamt"))
    core = CoreRunner(terminal)
    window = kiosk_window(terminal, core, keyboard=False, kiosk_mode=False)
    qtbot.addWidget(window)
    window.show()
    kiosk = Kiosk(qtbot, window, core, terminal, clock)
    try:
        kiosk.start("de")
        form = kiosk.open_form("sozialticket")
        codelists = {c.id: c for c in demo.catalog.codelists}
        answers = None
        while answers is None:
            answers = AnswerMaker(random.Random(3)).fill(
                form.compiled, codelists, local_date(terminal.clock)
            )
        while isinstance(kiosk.screen, FormScreen):
            screen: FormScreen = kiosk.screen
            for key, page in screen.page_of.items():
                if page == screen.page and key in answers and key in screen.state.visible:
                    kiosk.set_answer(screen, key, answers[key])
            kiosk.click("next")
        assert kiosk.screen.name == "review"
        kiosk.click("submit")
        assert kiosk.screen.name == "review"  # not sent, and the visitor is told
        shown = [w.text() for w in visible(kiosk, QLabel) if w.property("kiosk_id") == "message"]
        assert shown == [texts.NO_KEY]
        assert sum(store.outbox.counts_by_state().values()) == 0
    finally:
        window.activity.stop()
        core.wait_idle()
        QApplication.processEvents()
        core.stop()
        store.close()
        window.close()
