"""Where an application stands, asked at the kiosk as a visitor asks: the reference and the
status code read off the receipt, typed on the code pad (or scanned), and the office's
answer in the visitor's language. Looking up is not a visit: no session opens, and the
codes leave with the screen."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.i18n import gettext_for
from kiosk.session.codes import ALPHABET, new_reference, normalise
from kiosk.session.receipt_status import new_secret, qr_text, reference_body, status_key
from kiosk.store.receipt_status import StatusRow
from tests.ui.conftest import Kiosk, Visit
from tests.ui.test_accessibility import check_contrast, check_targets
from ui.activity import NO_SESSION_TIMEOUT
from ui.boot import BootWindow
from ui.screens.status_lookup import StatusLookupScreen
from ui.status_lookup import StatusLookup

STATUS_ON = "2026-11-23"
FORM = "buergergeld"  # filed with the Jobcenter
OFFICE = "jobcenter"

#: what the visitor reads, per language and status: the office's name from the catalog
#: in that language (with the German name, isolated inside Arabic), the day as that
#: language writes dates
SENTENCES = {
    ("ar", "received"): "الجوب سنتر (\u2068Jobcenter\u2069): تم استلام طلبك في 23 نوفمبر 2026.",
    # the date ends in "р." itself: before the verb, so no sentence ends in two stops
    ("uk", "received"): "Джобцентр (Jobcenter): 23 листопада 2026\u202fр. вашу заяву отримано.",
    ("uk", "in_progress"): "Джобцентр (Jobcenter): вашу заяву опрацьовують (з 23 листопада 2026\u202fр.).",
    ("uk", "documents_missing"): (
        "Джобцентр (Jobcenter): від вас потрібні додаткові документи (з 23 листопада 2026\u202fр.). "
        "Будь ласка, принесіть їх або зверніться до персоналу."
    ),
    ("uk", "decided_by_post"): (
        "Джобцентр (Jobcenter): рішення ухвалено. Лист надійде поштою (з 23 листопада 2026\u202fр.)."
    ),
    ("ar", "decided_by_post"): (
        "الجوب سنتر (\u2068Jobcenter\u2069): تم اتخاذ القرار. ستصلك الرسالة بالبريد (منذ 23 نوفمبر 2026)."
    ),
}
NOT_FOUND = {
    "uk": "Для цієї квитанції ще немає статусу. Установи повідомляють його протягом кількох "
    "днів. Будь ласка, перевірте код або зверніться до персоналу.",
    "ar": "لا توجد حالة لهذا الإيصال بعد. تُبلغ الدوائر عادةً خلال أيام قليلة. من فضلك تحقق "
    "من الرمز أو اطلب المساعدة من الموظفين.",
}
TYPO = {"uk": "Будь ласка, перевірте код: один знак неправильний."}


# ---------------------------------------------------------------- steps of the visitor
def submitted(kiosk: Kiosk, lang: str) -> tuple[str, str]:
    """An application sent in *lang*: the reference and the status code the done screen shows."""
    kiosk.start(lang)
    reference = kiosk.fill_and_submit(FORM)
    return reference, status_code_on_screen(kiosk)


def status_code_on_screen(kiosk: Kiosk) -> str:
    for w in kiosk.window.findChildren(QWidget):
        if w.property("status_code") and w.isVisibleTo(kiosk.window):
            return str(w.property("status_code"))
    raise AssertionError("no status code on screen")


def office_reports(kiosk: Kiosk, reference: str, code: str, status: str) -> None:
    """The office's status arrives as the sync brings it: under the receipt's key."""
    terminal = kiosk.terminal
    key = status_key(terminal.deployment, reference, code)
    terminal.store.receipt_statuses.put_many(
        [StatusRow(key, OFFICE, status, STATUS_ON)], now=kiosk.clock.now()
    )


def open_lookup(kiosk: Kiosk, lang: str) -> StatusLookupScreen:
    """From the welcome screen: "where is my application?", then the visitor's language."""
    assert kiosk.screen.name == "welcome"
    kiosk.click("check_status")
    assert kiosk.screen.name == "status_lookup"
    kiosk.click("language")
    kiosk.click(f"lang-{lang}")
    screen = kiosk.screen
    assert isinstance(screen, StatusLookupScreen) and screen.t.lang == lang
    assert kiosk.window.visit.session is None  # looking up is not a visit
    return screen


def tap_codes(kiosk: Kiosk, reference: str, code: str) -> None:
    """Key by key, as copied from the paper: the reference (its MD- is printed in the box),
    then the status code (the pad moves on to it by itself)."""
    for char in reference_body(reference):
        kiosk.click(f"status-pad-{char}")
    for char in normalise(code):
        kiosk.click(f"status-pad-{char}")


def answer(kiosk: Kiosk) -> str:
    shown = kiosk.find("status-answer")
    assert isinstance(shown, QLabel)
    return shown.text()


def look_up(kiosk: Kiosk, reference: str, code: str) -> str:
    tap_codes(kiosk, reference, code)
    kiosk.click("status-look-up")
    return answer(kiosk)


def texts_on_screen(kiosk: Kiosk) -> str:
    return " ".join(
        w.text() for w in kiosk.window.findChildren(QLabel) if w.isVisibleTo(kiosk.window)
    )


# ---------------------------------------------------------------- journeys
@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_the_office_has_it_said_in_the_visitors_language(kiosk: Kiosk, lang: str) -> None:
    reference, code = submitted(kiosk, lang)
    assert code != reference and len(normalise(code)) == 9
    office_reports(kiosk, reference, code, "received")
    kiosk.click("finish")
    screen = open_lookup(kiosk, lang)
    tap_codes(kiosk, reference, code)
    assert screen.reference.value == reference_body(reference)
    assert screen.code.value == normalise(code)
    kiosk.click("status-look-up")
    assert answer(kiosk) == SENTENCES[(lang, "received")]
    assert kiosk.window.visit.session is None and kiosk.terminal.store.drafts.count() == 0


def test_every_status_reads_as_its_own_sentence(kiosk: Kiosk) -> None:
    reference, code = submitted(kiosk, "uk")
    kiosk.click("finish")
    open_lookup(kiosk, "uk")
    tap_codes(kiosk, reference, code)
    for status in ("received", "in_progress", "documents_missing", "decided_by_post"):
        office_reports(kiosk, reference, code, status)  # a newer status replaces the older
        kiosk.click("status-look-up")
        assert answer(kiosk) == SENTENCES[("uk", status)], status


def test_a_wrong_code_an_unknown_reference_and_no_status_yet_read_the_same(
    kiosk: Kiosk,
) -> None:
    """A guess learns nothing: not whether the reference exists, not whether a status does."""
    reference, code = submitted(kiosk, "uk")
    kiosk.click("finish")
    open_lookup(kiosk, "uk")
    assert look_up(kiosk, reference, code) == NOT_FOUND["uk"]  # the office has not reported
    office_reports(kiosk, reference, code, "received")
    kiosk.start_over()
    said = []
    for other_reference, other_code in [
        (reference, new_secret()),  # the right reference, a guessed code
        (new_reference(), code),  # another reference with this code
        (new_reference(), new_secret()),  # nothing of this receipt
    ]:
        open_lookup(kiosk, "uk")
        said.append(look_up(kiosk, other_reference, other_code))
        kiosk.start_over()
    assert said == [NOT_FOUND["uk"]] * 3


def test_a_wrong_character_is_told_before_any_lookup(kiosk: Kiosk) -> None:
    reference, code = submitted(kiosk, "uk")
    kiosk.click("finish")
    open_lookup(kiosk, "uk")
    plain = normalise(code)
    wrong = plain[:-1] + next(c for c in ALPHABET if c != plain[-1])  # the check fails
    tap_codes(kiosk, reference, wrong)
    pending = kiosk.core.pending
    kiosk.find("status-look-up").click()  # type: ignore[attr-defined]
    assert kiosk.core.pending == pending  # nothing asked of the core
    error = kiosk.find("status-error")
    assert isinstance(error, QLabel) and error.text() == TYPO["uk"]
    assert not kiosk.screen.card.isVisible()  # no answer: nothing was asked
    kiosk.click("status-code")  # the box of the code: the last character, again
    kiosk.click("status-pad-delete")
    kiosk.click(f"status-pad-{plain[-1]}")
    assert not error.isVisible()
    kiosk.click("status-look-up")
    assert answer(kiosk) == NOT_FOUND["uk"]


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_a_scanned_receipt_fills_both_boxes_and_asks(kiosk: Kiosk, lang: str) -> None:
    """A QR scanner types the receipt's QR text and Enter into whatever has focus."""
    reference, code = submitted(kiosk, lang)
    office_reports(kiosk, reference, code, "decided_by_post" if lang == "ar" else "received")
    kiosk.click("finish")
    screen = open_lookup(kiosk, lang)
    kiosk.click("status-pad-7")  # a key tapped before: it has focus when the scanner types
    focused = kiosk.find("status-pad-7")
    kiosk.qtbot.keyClicks(focused, qr_text(reference, code))
    kiosk.qtbot.keyClick(focused, Qt.Key.Key_Return)
    kiosk.settle()
    assert screen.reference.value == reference_body(reference)
    assert screen.code.value == normalise(code)
    expected = SENTENCES[(lang, "decided_by_post" if lang == "ar" else "received")]
    assert answer(kiosk) == expected


def test_a_misread_scan_fills_nothing(kiosk: Kiosk) -> None:
    kiosk.click("check_status")
    screen = kiosk.screen
    assert isinstance(screen, StatusLookupScreen)
    kiosk.qtbot.keyClicks(screen, "MDSTATUS:MD0000:1234")
    kiosk.qtbot.keyClick(screen, Qt.Key.Key_Enter)
    kiosk.settle()
    assert screen.reference.value == "" and screen.code.value == ""
    assert kiosk.find("status-error").isVisible()


def test_the_idle_wipe_takes_the_codes_off_the_screen(kiosk: Kiosk) -> None:
    reference, code = submitted(kiosk, "ar")
    office_reports(kiosk, reference, code, "received")
    kiosk.click("finish")
    open_lookup(kiosk, "ar")
    look_up(kiosk, reference, code)
    assert normalise(code) in normalise(texts_on_screen(kiosk))
    kiosk.window.activity.last_activity = time.monotonic() - NO_SESSION_TIMEOUT - 1
    kiosk.window.poll()  # a minute untouched, no visit behind it
    kiosk.settle()
    assert kiosk.screen.name == "welcome" and kiosk.window.visit.lang == "de"
    kiosk.flush_deleted()
    assert not [s for s in kiosk.window.findChildren(StatusLookupScreen)]
    assert code not in texts_on_screen(kiosk)


def test_a_language_choice_left_on_the_lookup_goes_like_the_lookup(kiosk: Kiosk) -> None:
    """Someone opens the lookup, taps "language" and walks away: after the unattended
    minute the terminal is back on its welcome screen, so the next visitor's tap on a
    language begins a visit instead of landing on someone else's lookup."""
    kiosk.click("check_status")
    kiosk.click("language")
    assert kiosk.screen.name != "welcome"  # a language choice, not the waiting screen
    kiosk.window.activity.last_activity = time.monotonic() - NO_SESSION_TIMEOUT - 1
    kiosk.window.poll()
    kiosk.settle()
    assert kiosk.screen.name == "welcome"
    kiosk.start("tr")
    assert kiosk.window.visit.session is not None


def test_start_over_takes_the_codes_off_the_screen(kiosk: Kiosk) -> None:
    reference, code = submitted(kiosk, "uk")
    kiosk.click("finish")
    open_lookup(kiosk, "uk")
    tap_codes(kiosk, reference, code)
    kiosk.start_over()
    assert kiosk.screen.name == "welcome"
    kiosk.flush_deleted()
    assert not kiosk.window.findChildren(StatusLookupScreen)


def test_from_the_home_screen_the_visit_goes_on(kiosk: Kiosk) -> None:
    """Asked during a visit, in its language; back leads home, the visit still on."""
    reference, code = submitted(kiosk, "uk")
    office_reports(kiosk, reference, code, "in_progress")
    kiosk.click("another")
    session = kiosk.window.visit.session
    assert kiosk.screen.name == "home" and session is not None
    kiosk.click("check_status")
    assert look_up(kiosk, reference, code) == SENTENCES[("uk", "in_progress")]
    kiosk.click("back")
    assert kiosk.screen.name == "home" and kiosk.window.visit.session is session


def test_the_done_screen_shows_the_code_and_its_qr_code_carries_both(
    kiosk: Kiosk, tmp_path: Path
) -> None:
    reference, code = submitted(kiosk, "ar")
    shown = next(
        w
        for w in kiosk.window.findChildren(QLabel)
        if w.property("status_code") and w.isVisibleTo(kiosk.window)
    )
    assert shown.text() == f"\u2066{code}\u2069"  # left to right in an Arabic screen
    label_above = next(
        w
        for w in kiosk.window.findChildren(QLabel)
        if w.isVisibleTo(kiosk.window) and w.text().startswith("رمز الحالة")
    )
    assert (
        label_above.mapTo(kiosk.window, label_above.rect().topLeft()).y()
        < shown.mapTo(kiosk.window, shown.rect().topLeft()).y()
    )
    qr = kiosk.window.findChild(QLabel, "done-qr")
    assert qr is not None
    png = tmp_path / "qr.png"
    assert qr.pixmap().save(str(png))
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True
    ).stdout.strip()
    assert decoded == qr_text(reference, code)


@pytest.mark.parametrize("high_contrast", [False, True])
def test_the_lookup_is_touchable_named_and_readable(kiosk: Kiosk, high_contrast: bool) -> None:
    """The rules of every screen (44 px targets with names, 4.5:1 or 7:1 contrast), with an
    answer and a message on it, and the active box in its checked colours."""
    reference, code = submitted(kiosk, "ar")
    office_reports(kiosk, reference, code, "documents_missing")
    kiosk.click("finish")
    open_lookup(kiosk, "ar")
    if high_contrast:
        kiosk.window.set_contrast(True)
        kiosk.settle()
    look_up(kiosk, reference, code)
    minimum = 7.0 if high_contrast else 4.5
    problems = check_targets(kiosk, "answer") + check_contrast(kiosk, "answer", minimum)
    kiosk.click("status-pad-delete")
    kiosk.click("status-pad-0" if not code.endswith("0") else "status-pad-1")
    kiosk.click("status-look-up")  # a wrong check character: the message
    assert kiosk.find("status-error").isVisible()
    problems += check_targets(kiosk, "typo") + check_contrast(kiosk, "typo", minimum)
    assert not problems, "\n".join(problems)


def test_the_boot_screen_remembers_the_tap(qtbot: QtBot) -> None:
    boot = BootWindow({"languages": ["de", "uk"], "names": {"de": "Deutsch"}}, lambda _: None)
    qtbot.addWidget(boot)
    buttons = {b.property("kiosk_id"): b for b in boot.findChildren(QPushButton)}
    buttons["check_status"].click()
    assert boot.pending == "@status"


def test_the_button_speaks_every_language_on_the_welcome_screen(kiosk: Kiosk) -> None:
    button = kiosk.find("check_status")
    assert isinstance(button, QPushButton)
    seen = set()
    for _ in kiosk.terminal.catalog.languages:
        seen.add(button.text())
        kiosk.screen.next_language()
    wanted = {
        gettext_for(lang).gettext("Wo steht mein Antrag?")
        for lang in kiosk.terminal.catalog.languages
    }
    assert seen == wanted and "Статус моєї заяви" in seen


# ---------------------------------------------------------------- without widgets
def lookup(visit: Visit) -> StatusLookup:
    """The lookup beside *visit*'s controller, its answers heard with the visit's signals."""
    found = visit.controller.findChild(StatusLookup)
    if isinstance(found, StatusLookup):
        return found
    made = StatusLookup(visit.controller)
    made.found.connect(lambda *args: visit.heard.append(("status_found", args)))
    made.not_found.connect(lambda *args: visit.heard.append(("status_not_found", args)))
    return made


def test_the_controller_looks_up_without_a_visit(visit: Visit) -> None:
    c, terminal = visit.controller, visit.terminal
    c.set_language("uk")
    reference, code = new_reference(), new_secret()
    row = StatusRow(status_key(terminal.deployment, reference, code), OFFICE, "received", STATUS_ON)
    terminal.store.receipt_statuses.put_many([row], now=visit.clock.now())

    lookup(visit).look_up(reference, code)
    visit.settle()
    assert visit.last("status_found") == (row,)

    lookup(visit).look_up(reference, new_secret())
    visit.settle()
    assert visit.last("status_not_found") == (NOT_FOUND["uk"],)

    typo = normalise(code)[:-1] + next(ch for ch in ALPHABET if ch != normalise(code)[-1])
    lookup(visit).look_up(reference, typo)
    assert visit.core.pending == 0  # told at once, from the check character alone
    assert visit.last("status_not_found") == (TYPO["uk"],)
    assert c.session is None and "visit_started" not in visit.names()


def test_an_answer_after_start_over_is_dropped(visit: Visit) -> None:
    c, terminal = visit.controller, visit.terminal
    reference, code = new_reference(), new_secret()
    row = StatusRow(status_key(terminal.deployment, reference, code), OFFICE, "received", STATUS_ON)
    terminal.store.receipt_statuses.put_many([row], now=visit.clock.now())
    lookup(visit).look_up(reference, code)
    c.end("start_over")  # the visitor left before the answer came
    visit.settle()
    assert "status_found" not in visit.names() and "status_not_found" not in visit.names()
