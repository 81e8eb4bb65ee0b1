"""Whole visits through the real window: every office, several languages, errors, groups,
right-to-left, the idle wipe, continue later and resume."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

from kiosk.crypto.sealing import unseal
from tests.ui.conftest import Kiosk
from ui.fields.text import TextInput
from ui.screens.form import FormScreen

ONE_FORM_PER_OFFICE = [
    ("appointment_request", "ar"),
    ("buergergeld", "uk"),
    ("kita_place", "fa"),
    ("wbs", "tr"),
    ("sozialticket", "ru"),
    ("school_registration", "en"),
]


@pytest.mark.parametrize(("form_id", "lang"), ONE_FORM_PER_OFFICE)
def test_from_welcome_to_done(kiosk: Kiosk, office_keys: Path, form_id: str, lang: str) -> None:
    assert kiosk.screen.name == "welcome"
    kiosk.start(lang)
    reference = kiosk.fill_and_submit(form_id)
    item = kiosk.terminal.store.outbox.get(reference)
    assert item is not None and item.form_id == form_id
    office = kiosk.terminal.catalog.catalog.form(form_id).office
    payload = unseal(item.payload, (office_keys / f"{office}.key.pem").read_bytes())
    assert payload["language"] == lang and payload["answers"]
    kiosk.click("finish")
    assert kiosk.screen.name == "welcome"


def test_search_in_the_visitors_language(kiosk: Kiosk) -> None:
    kiosk.start("uk")
    search = kiosk.window.findChild(QLineEdit, "search")
    assert search is not None
    search.setText("житло")
    search.returnPressed.emit()
    kiosk.settle()
    assert kiosk.screen.name == "forms"
    shown = {
        w.property("kiosk_id")
        for w in kiosk.window.findChildren(QWidget)
        if str(w.property("kiosk_id") or "").startswith("form-")
    }
    # the two housing forms, and the AsylbLG application, which pays a shelter or a flat
    assert (
        {"form-housing_search", "form-wbs"}
        <= shown
        <= {
            "form-housing_search",
            "form-wbs",
            "form-asylblg",
        }
    )


def test_info_sheet_with_qr_code(kiosk: Kiosk) -> None:
    kiosk.start("ar")
    kiosk.click("office-wohnungsamt")
    kiosk.click("info-wbs")
    assert kiosk.screen.name == "info"
    qr = kiosk.window.findChild(QLabel, "info-qr")
    assert qr is not None and not qr.pixmap().isNull()
    kiosk.click("start")
    assert kiosk.screen.name == "form"


def test_validation_messages_in_both_languages(kiosk: Kiosk) -> None:
    kiosk.start("uk")
    form = kiosk.open_form("sozialticket")
    frame = form.frames["family_name"]
    assert not frame.errors.isVisible()
    kiosk.click("next")  # nothing answered yet
    assert form.page == "person"
    assert frame.errors.isVisible()
    text = frame.errors.text()
    assert (
        "Bitte füllen Sie dieses Feld aus." in text and text.splitlines()[0] != text.splitlines()[1]
    )
    # a name in Cyrillic: the message appears when leaving the field, not while typing
    edit = frame.input.edit  # type: ignore[union-attr]
    edit.setText("Олена")
    frame.changed.emit("family_name")
    assert "Олена" not in frame.errors.text()
    frame.left.emit("family_name")
    assert "„О“" in frame.errors.text()
    edit.setText("Olena")
    frame.changed.emit("family_name")
    frame.left.emit("family_name")
    assert not frame.errors.isVisible()


def test_repeat_group_add_and_remove(kiosk: Kiosk) -> None:
    kiosk.start("de")
    form = kiosk.open_form("sozialticket")
    form.go_to("benefit")
    group = form.groups["household"]
    kiosk.click("household.add")
    kiosk.click("household.add")
    assert len(group.items) == 2
    group.items[0]["given_names"].set_value("Taras")
    group.items[0]["given_names"].changed.emit("household[0].given_names")
    group.items[1]["given_names"].set_value("Mariya")
    group.items[1]["given_names"].changed.emit("household[1].given_names")
    assert [i.get("given_names") for i in form.answers["household"]] == ["Taras", "Mariya"]
    assert form.frames["persons_total"].computed is not None
    assert "3" in form.frames["persons_total"].computed.text()
    kiosk.click("household[0].remove")
    assert [i.get("given_names") for i in form.answers["household"]] == ["Mariya"]
    assert "2" in form.frames["persons_total"].computed.text()
    kiosk.settle()
    session = kiosk.window.visit.session
    assert session is not None and session.current is not None
    assert session.current.answers["household"] == [{"given_names": "Mariya"}]


def x_of(widget: QWidget, window: QWidget) -> int:
    return widget.mapTo(window, QPoint(0, 0)).x()


@pytest.mark.parametrize("lang", ["ar", "fa", "fa_AF", "ps", "ckb", "de", "ku", "ti"])
def test_right_to_left_mirrors_the_layout(kiosk: Kiosk, lang: str) -> None:
    kiosk.start(lang)
    form = kiosk.open_form("buergergeld")
    back, nxt = kiosk.find("back"), kiosk.find("next")
    rtl = lang in {"ar", "fa", "fa_AF", "ps", "ckb"}
    assert (x_of(nxt, kiosk.window) < x_of(back, kiosk.window)) == rtl
    assert QApplication.layoutDirection() == (
        Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    )
    label = form.frames["family_name"].label
    center = label.mapTo(kiosk.window, label.rect().center()).x()
    assert (center > kiosk.window.width() / 2) == rtl  # text sits at the reading start
    # numbers, phone numbers and IBANs stay left to right
    for key in ("phone", "iban"):
        frame = next((f for k, f in form.frames.items() if f.field.type == key), None)
        if frame is not None and isinstance(frame.input, TextInput):
            assert frame.input.edit.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_language_switch_keeps_the_answers(kiosk: Kiosk) -> None:
    kiosk.start("de")
    form = kiosk.open_form("sozialticket")
    kiosk.set_answer(form, "family_name", "Haddad")
    kiosk.click("language")
    kiosk.click("lang-ar")
    assert isinstance(kiosk.screen, FormScreen)
    assert kiosk.screen.frames["family_name"].value() == "Haddad"
    assert kiosk.screen.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert kiosk.screen.frames["family_name"].title != "Familienname"


def all_texts(root: QWidget) -> str:
    out = []
    for w in QApplication.allWidgets():
        for attr in ("text", "toPlainText", "accessibleName"):
            getter = getattr(w, attr, None)
            if callable(getter):
                with contextlib.suppress(TypeError):
                    out.append(str(getter()))
    return "\n".join(out)


def test_idle_warning_extend_and_wipe(kiosk: Kiosk) -> None:
    kiosk.start("fa")
    form = kiosk.open_form("sozialticket")
    secrets = {"family_name": "Rahimizadeh", "given_names": "Fatemeh"}
    for key, value in secrets.items():
        kiosk.set_answer(form, key, value)
    kiosk.settle()
    assert all(v in all_texts(kiosk.window) for v in secrets.values())
    kiosk.advance(91)
    assert kiosk.window.overlay.isVisible()
    assert kiosk.window.overlay.here.text() != "Ich bin noch da"  # in the visitor's language
    kiosk.window.overlay.here.click()
    kiosk.settle()
    assert not kiosk.window.overlay.isVisible()
    kiosk.advance(91)
    kiosk.advance(31)
    assert kiosk.screen.name == "welcome"
    kiosk.flush_deleted()
    texts = all_texts(kiosk.window)
    for value in secrets.values():
        assert value not in texts
    assert kiosk.terminal.store.drafts.count() == 0
    assert kiosk.window.visit.session is None


def test_continue_later_and_resume(kiosk: Kiosk) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("sozialticket")
    kiosk.set_answer(form, "family_name", "Al-Hassan")
    kiosk.set_answer(form, "given_names", "Ahmad")
    kiosk.click("continue_later")
    code = kiosk.choose_pin("2468")
    assert kiosk.terminal.store.drafts.count("parked") == 1
    kiosk.click("finish")
    assert kiosk.screen.name == "welcome"
    kiosk.flush_deleted()
    assert "Al-Hassan" not in all_texts(kiosk.window)
    kiosk.start("ar")
    kiosk.click("have_code")
    kiosk.type_code(code)
    for digit in "1111":
        kiosk.click(f"resume-pin-{digit}")
    kiosk.click("resume-pin-ok")
    assert kiosk.screen.name == "resume"
    assert "1111" not in kiosk.screen.error.text() and kiosk.screen.error.isVisible()
    for digit in "2468":
        kiosk.click(f"resume-pin-{digit}")
    kiosk.click("resume-pin-ok")
    assert isinstance(kiosk.screen, FormScreen)
    assert kiosk.screen.frames["family_name"].value() == "Al-Hassan"
    assert kiosk.screen.frames["given_names"].value() == "Ahmad"


def test_a_problem_at_submit_is_shown_once_and_nothing_is_lost(
    kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.session.terminal import NoOfficeKeyError

    def no_key(office: object) -> bytes:
        raise NoOfficeKeyError("no key")

    monkeypatch.setattr(kiosk.terminal, "office_public_key", no_key)
    kiosk.start("tr")
    with pytest.raises(AssertionError, match="done"):
        kiosk.fill_and_submit("sozialticket")
    assert kiosk.screen.name == "review"
    messages = [w for w in kiosk.window.findChildren(QLabel) if w.property("kiosk_id") == "message"]
    assert len(messages) == 1 and messages[0].isVisible()
    kiosk.click("submit")  # enabled again: trying once more shows the same single message
    messages = [w for w in kiosk.window.findChildren(QLabel) if w.property("kiosk_id") == "message"]
    assert len(messages) == 1
    session = kiosk.window.visit.session
    assert session is not None and session.current is not None
    assert session.current.answers  # still there, nothing sent, nothing lost
    assert kiosk.terminal.store.outbox.counts_by_state() == {}


def test_expired_codes_are_purged_hourly_even_without_visitors(kiosk: Kiosk) -> None:
    kiosk.start("de")
    form = kiosk.open_form("sozialticket")
    kiosk.set_answer(form, "family_name", "Popescu")
    kiosk.click("continue_later")
    kiosk.choose_pin("4321")
    kiosk.click("finish")
    assert kiosk.terminal.store.tickets.count() == 1
    kiosk.clock.advance(8 * 86400)  # a week later, nobody has touched the terminal
    kiosk.qtbot.waitUntil(lambda: kiosk.terminal.store.tickets.count() == 0, timeout=5000)
    assert kiosk.terminal.store.drafts.count() == 0
