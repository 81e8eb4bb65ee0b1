"""Visitors' journeys on a real screen; each is a function of a :class:`RealScreen`.

Run one with ``python -m tests.screen.run NAME --out DIR`` under an X server;
``tests/screen/test_real_screen.py`` runs every journey at every terminal size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QListWidget, QWidget

from tests.screen.driver import RealScreen

Journey = Callable[[RealScreen], None]
JOURNEYS: dict[str, Journey] = {}


def journey(fn: Journey) -> Journey:
    JOURNEYS[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------- steps shared by journeys
def wait_screen(s: RealScreen, name: str, timeout: float = 15.0) -> None:
    s.wait_until(lambda: s.screen_name == name, timeout, f"the {name!r} screen")
    s.settle(0.3)
    s.check()


def start(s: RealScreen, lang: str) -> None:
    s.tap(f"lang-{lang}")
    wait_screen(s, "home")


def open_form(s: RealScreen, office: str, form_id: str) -> None:
    s.tap(f"office-{office}")
    wait_screen(s, "forms")
    s.tap(f"start-{form_id}")
    wait_screen(s, "form")


def pin(s: RealScreen, prefix: str, digits: str) -> None:
    for digit in digits:
        s.tap(f"{prefix}-{digit}", settle=0.1)
    s.tap(f"{prefix}-ok")


def fill_text(s: RealScreen, field: str, text: str) -> None:
    s.tap(field)
    s.wait_until(lambda: s.keyboard_rect() is not None, 5, "the keyboard")
    focus = s.app.focusWidget()
    if focus is None or (focus.property("kiosk_id") or focus.objectName()) != field:
        s.fail(f"tapping {field} did not focus it")
    problem = s.hit(focus)
    if problem:
        s.fail(f"the field being typed in is not visible: {problem}")
    s.type_text(text)
    problem = s.hit(focus)
    if problem:
        s.fail(f"after typing, the field is not visible: {problem}")


def pick_date(s: RealScreen, field: str, day: dt.date) -> None:
    """Open the field's date picker and choose *day* by touch: decade, year, month, day."""
    s.tap(field)
    s.find("date-picker")
    if s.visible(f"date.decade-{day.year // 10 * 10}"):
        s.tap(f"date.decade-{day.year // 10 * 10}")
    s.tap(f"date.year-{day.year}")
    s.tap(f"date.month-{day.month}")
    s.tap(f"date.day-{day.day}")
    s.tap("date.ok")
    s.wait_until(lambda: not s.visible("date-picker"), 5, "the picker to close")


def tap_list_item(s: RealScreen, list_id: str, text: str) -> None:
    """Tap the row of a long list (countries, code lists) whose text contains *text*."""
    lst = s.find(list_id)
    assert isinstance(lst, QListWidget)
    rows = [lst.item(i) for i in range(lst.count()) if not lst.item(i).isHidden()]
    row = next((r for r in rows if text in r.text()), None)
    if row is None:
        s.fail(f"no row with {text!r} in {list_id}: {[r.text() for r in rows[:8]]}")
    rect = lst.visualItemRect(row)
    viewport = lst.viewport()
    if not viewport.rect().contains(rect.center()):
        s.fail(f"the row {row.text()!r} is not shown in {list_id}")
    point = viewport.mapToGlobal(rect.center())
    keyboard = s.keyboard_rect()
    if keyboard is not None and keyboard.contains(point):
        s.fail(f"the row {row.text()!r} lies under the keyboard")
    under = s.app.widgetAt(point)
    if under is not viewport:
        s.fail(f"the row {row.text()!r} is hidden behind {under!r}: scrolled out of view")
    s.pointer.tap(point.x(), point.y())
    s.settle(0.3)
    s.check()


def value_of(s: RealScreen, key: str) -> Any:
    screen = s.window.current
    frames = getattr(screen, "frames", {})
    return frames[key].value() if key in frames else None


def park_a_draft(s: RealScreen, form_id: str, page: str | None, pin_code: str) -> str:
    """A draft someone parked earlier (set-up through the core, not what is tested)."""
    from kiosk.simulation.answers import AnswerMaker

    terminal = s.terminal

    def work() -> str:
        session = terminal.start_session("de")
        draft = session.open_form(form_id)
        codelists = {c.id: c for c in terminal.catalog.catalog.codelists}
        answers = None
        maker = AnswerMaker(random.Random(7))
        while answers is None:
            answers = maker.fill(draft.compiled, codelists, dt.date.today())
        for key, value in answers.items():
            if page is None or key != "signature":
                session.answer(key, value)
        if page is not None:
            session.go_to_page(page)
        ticket = session.continue_later(pin_code)
        return ticket.code

    return str(s.on_core(work))


def type_code(s: RealScreen, code: str) -> None:
    """Copy a resume code from the receipt onto the code pad, key by key."""
    for char in code.replace("-", ""):
        s.tap(f"resume-code-{char}", settle=0.05)
    s.tap("resume-next")


def code_on_screen(s: RealScreen) -> str:
    shown: list[str] = []

    def there() -> bool:
        shown[:] = [
            str(w.property("resume_code"))
            for w in s.app.allWidgets()
            if w.property("resume_code") and w.isVisible()
        ]
        return bool(shown)

    s.wait_until(there, 15, "the resume code on screen")
    return shown[0]


# ---------------------------------------------------------------- the journeys
@journey
def continue_later_then_resume(s: RealScreen) -> None:
    """Park a form, see the code, then a new visit in another language resumes it."""
    start(s, "fa")
    open_form(s, "auslaenderbehoerde", "appointment_request")
    fill_text(s, "family_name", "Ahmadi")
    s.tap("continue_later")
    wait_screen(s, "continue_later")
    pin(s, "pin", "1357")
    pin(s, "pin", "1357")
    code = code_on_screen(s)
    s.settle(4.0)  # whatever the core still had queued must not take the code away
    if s.screen_name != "continue_later" or code_on_screen(s) != code:
        s.fail("the resume code did not stay on screen")
    s.check()
    s.tap("finish")
    wait_screen(s, "welcome")
    start(s, "uk")
    s.tap("have_code")
    wait_screen(s, "resume")
    type_code(s, code)
    pin(s, "resume-pin", "1357")
    wait_screen(s, "form")
    s.settle(3.0)
    if s.screen_name != "form" or value_of(s, "family_name") != "Ahmadi":
        s.fail(f"the resumed form is not on screen ({value_of(s, 'family_name')!r})")


@journey
def a_wrong_pin_asks_to_check_code_and_pin(s: RealScreen) -> None:
    """Code and PIN find a ticket together: a wrong PIN is told as "check both", with the
    tries left, in the visitor's language; the right PIN then opens the form."""
    code = park_a_draft(s, "sozialticket", None, "2468")
    start(s, "ru")
    s.tap("have_code")
    wait_screen(s, "resume")
    type_code(s, code)
    pin(s, "resume-pin", "8642")
    error = s.window.current.error
    s.wait_until(lambda: error.isVisible() and bool(error.text()), 10, "the message")
    if "9" not in error.text() or "Код" not in error.text():
        s.fail(f"the message does not say to check both, with 9 tries left: {error.text()!r}")
    s.check()
    s.shot("wrong-pin")
    pin(s, "resume-pin", "2468")
    wait_screen(s, "form")


@journey
def resume_after_choosing_language(s: RealScreen) -> None:
    """Choose a language first, then "I have a code": the draft opens and stays."""
    code = park_a_draft(s, "sozialticket", None, "2468")
    start(s, "ar")
    s.tap("have_code")
    wait_screen(s, "resume")
    type_code(s, code)
    pin(s, "resume-pin", "2468")
    wait_screen(s, "form")
    s.settle(3.0)
    if s.screen_name != "form":
        s.fail("the resumed form went away")
    alive = s.on_core(
        lambda: s.window.visit.session is not None and not s.window.visit.session.ended
    )
    if not alive:
        s.fail("the resumed session was ended")


@journey
def birth_date_by_touch_then_abandoned(s: RealScreen) -> None:
    """Pick a birth date in a few taps; then open the picker and walk away."""
    start(s, "tr")
    open_form(s, "auslaenderbehoerde", "appointment_request")
    pick_date(s, "birth_date", dt.date(1985, 3, 14))
    if value_of(s, "birth_date") != "1985-03-14":
        s.fail(f"the date chosen is {value_of(s, 'birth_date')!r}")
    s.tap("birth_date")
    ok = s.find("date.ok")
    where = s.centre(ok)
    s.advance(95)
    s.find("still_here")
    s.check()
    s.advance(40)
    wait_screen(s, "welcome")
    if s.visible("date-picker"):
        s.fail("the date picker outlived the visit")
    s.tap_at(where.x(), where.y())  # where "done" was: whatever lies there now, no crash
    s.settle(1.0)
    s.check()


@journey
def signature_by_a_quick_stroke(s: RealScreen) -> None:
    """A signature drawn in a fraction of a second is drawn."""
    code = park_a_draft(s, "sozialticket", "confirm", "8642")
    start(s, "de")
    s.tap("have_code")
    wait_screen(s, "resume")
    type_code(s, code)
    pin(s, "resume-pin", "8642")
    wait_screen(s, "form")
    pad = s.find("signature")
    s.bring_into_view(pad)
    rect = s.global_rect(pad)
    y = rect.center().y()
    points = [
        (rect.left() + 40 + i * (rect.width() - 80) // 10, y + (12 if i % 2 else -12))
        for i in range(11)
    ]
    s.drag(points, 0.15)
    if value_of(s, "signature") is None:
        s.fail("a quick stroke drew nothing")


@journey
def arabic_form_typed_on_the_keyboard(s: RealScreen) -> None:
    """An Arabic-speaking visitor fills in a whole form on the on-screen keyboard."""
    start(s, "ar")
    open_form(s, "auslaenderbehoerde", "appointment_request")
    fill_text(s, "family_name", "Haddad")
    fill_text(s, "given_names", "Samir")
    pick_date(s, "birth_date", dt.date(1990, 5, 2))
    fill_text(s, "nationality.search", "سور")
    tap_list_item(s, "nationality", "سور")
    fill_text(s, "phone", "0231123456")
    s.tap("next")
    s.wait_until(lambda: getattr(s.window.current, "page", "") == "request", 5, "page 2")
    s.tap("concern.other")
    fill_text(s, "concern_other", "احتاج موعدا")
    # twelve kinds of paper: a list to search, not tiles ("محدد": of fixed term)
    fill_text(s, "current_document.search", "محدد")
    tap_list_item(s, "current_document", "Aufenthaltserlaubnis")
    appointment_request_to_the_end(s, lambda: fill_text(s, "remarks", "شكرا"))


def appointment_request_to_the_end(s: RealScreen, remarks: Callable[[], None]) -> None:
    """From the paper's validity on page 2 of the appointment request to its sending;
    *remarks* writes the free-text remark as the journey's language does."""
    pick_date(s, "document_valid_until", dt.date.today().replace(day=1) + dt.timedelta(days=400))
    fill_text(s, "persons_count", "2")
    s.tap("next")
    s.wait_until(lambda: getattr(s.window.current, "page", "") == "appointment", 5, "page 3")
    s.tap("preferred_weekdays.mon")
    s.tap("needs_interpreter.no")
    remarks()
    s.tap("consent_data")
    s.tap("truthful")
    s.tap("next")
    wait_screen(s, "review")
    s.tap("submit")
    wait_screen(s, "done", 30)


@journey
def large_text_with_the_keyboard_up(s: RealScreen) -> None:
    """Large text, a small screen, the keyboard up: the field and its message stay in view."""
    start(s, "ru")
    s.tap("larger_text")
    open_form(s, "sozialamt", "sozialticket")
    pick_date(s, "birth_date", dt.date(1990, 1, 31))  # every step's buttons within reach
    fill_text(s, "family_name", "Ivanov")
    fill_text(s, "phone", "12")
    s.tap("given_names")  # leaving the phone field shows its message
    s.settle(0.5)
    phone = s.find("phone")
    frame = phone.parentWidget()
    while frame is not None and frame.property("field_path") != "phone":
        frame = frame.parentWidget()
    assert frame is not None
    errors = next((lab for lab in frame.findChildren(QLabel) if lab.objectName() == "error"), None)
    if errors is None or not errors.isVisible():
        s.fail("no message under the phone number")
    s.bring_into_view(errors)
    problem = s.hit(errors)
    if problem:
        s.fail(f"the message is not visible: {problem}")


@journey
def start_over_asks_first(s: RealScreen) -> None:
    """Start over in a right-to-left language asks before it deletes anything."""
    start(s, "ar")
    open_form(s, "sozialamt", "sozialticket")
    fill_text(s, "family_name", "Haddad")
    s.hide_keyboard()
    s.tap("start_over")
    s.find("start_over.no")
    s.tap("start_over.no")
    if value_of(s, "family_name") != "Haddad":
        s.fail("saying no to start over lost the answer")
    s.tap("start_over")
    s.tap("start_over.yes")
    wait_screen(s, "welcome")


@journey
def staff_unlock_after_a_visitors_wrong_pins(s: RealScreen) -> None:
    """A visitor plays with the hidden PIN pad; staff still get in."""
    add_staff(s)
    start(s, "de")
    s.long_press(20, 20, 2.8)  # the visitor found the hidden corner ...
    s.find("staff-unlock")
    for _ in range(4):  # ... and plays with the pad
        pin(s, "staff-pin", "111111")
        s.settle(0.4)
    s.tap("staff-cancel")
    s.long_press(20, 20, 2.8)  # staff come, and find the pad waiting
    s.find("staff-unlock")
    countdown = s.find("staff-countdown")
    first = countdown_text(countdown)
    s.settle(2.2)
    if countdown_text(countdown) == first:
        s.fail(f"the wait does not count down ({first!r})")
    pin(s, "staff-pin", ADMIN_PIN)
    s.find("staff-banner")


ADMIN_PIN = "5820417396"
STAFF_PIN = "482915"


def add_staff(s: RealScreen) -> None:
    from kiosk.staff.records import StaffRecord, hash_pin

    store, now = s.terminal.store, s.terminal.clock.now()

    def work() -> None:
        store.staff_accounts.add(
            StaffRecord(id="ana", name="Ana", role="staff", pin_hash=hash_pin(STAFF_PIN)), now=now
        )
        store.staff_accounts.add(
            StaffRecord(id="root", name="Admin", role="admin", pin_hash=hash_pin(ADMIN_PIN)),
            now=now,
        )

    s.on_core(work)


def countdown_text(widget: QWidget) -> str:
    return widget.text() if isinstance(widget, QLabel) else ""


def letters(s: RealScreen) -> str:
    return s.keyboard_letters().strip()


@journey
def keyboard_fits_each_field(s: RealScreen) -> None:
    """Latin for names (with a one-tap switch and the reason), the visitor's script for free
    text, the number pad for numbers, the dial pad for phone numbers."""
    start(s, "uk")
    open_form(s, "auslaenderbehoerde", "appointment_request")
    s.tap("family_name")
    s.wait_until(lambda: s.keyboard_rect() is not None, 5, "the keyboard")
    if not set("qwerty") <= set(letters(s)) or any("а" <= ch <= "я" for ch in letters(s)):
        s.fail(f"a name field shows {letters(s)!r}, not Latin letters")
    why = s.find("keyboard.script").parentWidget()
    shown = " ".join(w.text() for w in why.findChildren(QLabel) if w.isVisible())
    if "латин" not in shown.casefold():
        s.fail(f"the keyboard does not say why names need Latin letters: {shown!r}")
    s.tap("keyboard.script")  # one tap: the visitor's own script
    s.wait_until(lambda: any("а" <= ch <= "я" for ch in letters(s)), 5, "Cyrillic keys")
    s.tap("keyboard.script")
    s.wait_until(lambda: "q" in letters(s), 5, "Latin keys again")
    fill_text(s, "phone", "0231 5550")  # the dial pad: "+" sits behind "*"; "00" does the same
    if not set("0123456789*#") <= set(letters(s)) or "q" in letters(s):
        s.fail(f"a phone number gets {letters(s)!r}, not the dial pad")
    s.tap("next")  # the messages of page one, then on to page two
    s.settle(0.5)
    fill_text(s, "family_name", "Shevchenko")
    fill_text(s, "given_names", "Olena")
    pick_date(s, "birth_date", dt.date(1990, 1, 5))
    fill_text(s, "nationality.search", "Укр")
    if not any("а" <= ch <= "я" for ch in letters(s)):
        s.fail(f"the country search gets {letters(s)!r}, not the visitor's script")
    tap_list_item(s, "nationality", "Україна")
    s.tap("next")
    s.wait_until(lambda: getattr(s.window.current, "page", "") == "request", 5, "page 2")
    s.tap("concern.other")
    fill_text(s, "concern_other", "потрібна довідка")
    fill_text(s, "persons_count", "3")
    if not set("0123456789") <= set(letters(s)) or any("а" <= ch <= "я" for ch in letters(s)):
        s.fail(f"a number field gets {letters(s)!r}, not the number pad")


@journey
def nothing_of_one_visitor_for_the_next(s: RealScreen) -> None:
    """A name selected by the first visitor is on the X selection; the wipe clears it, and
    the next visitor's middle click or long press pastes nothing."""
    from PySide6.QtGui import QClipboard, QGuiApplication

    start(s, "de")
    open_form(s, "sozialamt", "sozialticket")
    fill_text(s, "family_name", "Ahmadi")
    field = s.find("family_name")
    centre = s.centre(field)
    s.pointer.tap(centre.x(), centre.y())
    s.pointer.tap(centre.x(), centre.y())  # a double tap selects the word
    s.settle(0.4)
    clipboard = QGuiApplication.clipboard()
    selected = clipboard.text(QClipboard.Mode.Selection)
    if selected != "Ahmadi":
        s.fail(f"a double tap did not select the name (the X selection holds {selected!r})")
    s.hide_keyboard()
    s.tap("start_over")
    s.tap("start_over.yes")
    wait_screen(s, "welcome")
    if clipboard.text(QClipboard.Mode.Selection) or clipboard.text(QClipboard.Mode.Clipboard):
        s.fail(f"the X selection still holds {selected!r} after the visit")
    start(s, "de")
    open_form(s, "sozialamt", "sozialticket")
    s.tap("family_name")
    field = s.find("family_name")
    centre = s.centre(field)
    s.pointer.clicks_middle(centre.x(), centre.y())
    s.settle(0.4)
    s.pointer.press(centre.x(), centre.y())  # a long press: no menu of copy and paste
    s.settle(1.2)
    s.pointer.release()
    s.settle(0.4)
    s.check()  # (a menu would be a window of its own on the X screen)
    if s.focused_text():
        s.fail(f"the next visitor's field received {s.focused_text()!r}")


def submitted_receipt(s: RealScreen, form_id: str, status: str) -> tuple[str, str]:
    """An application sent earlier, and the status its office reported since (set-up
    through the core and the store, as submit and the sync do; not what is tested)."""
    from kiosk.session.receipt_status import status_key
    from kiosk.simulation.answers import AnswerMaker
    from kiosk.store.receipt_status import StatusRow

    terminal = s.terminal

    def work() -> tuple[str, str]:
        session = terminal.start_session("de")
        draft = session.open_form(form_id)
        codelists = {c.id: c for c in terminal.catalog.catalog.codelists}
        answers = None
        maker = AnswerMaker(random.Random(5))
        while answers is None:
            answers = maker.fill(draft.compiled, codelists, dt.date.today())
        for key, value in answers.items():
            session.answer(key, value)
        receipt = session.submit()
        session.end("finished")
        key = status_key(terminal.deployment, receipt.reference, receipt.status_secret)
        row = StatusRow(key, draft.form.office, status, dt.date.today().isoformat())
        terminal.store.receipt_statuses.put_many([row], now=terminal.clock.now())
        return receipt.reference, receipt.status_secret

    reference, secret = s.on_core(work)
    return str(reference), str(secret)


@journey
def status_lookup_by_touch(s: RealScreen) -> None:
    """From the welcome screen, in Arabic and then in Ukrainian: the receipt's reference
    and status code on the code pad, and the office's answer on screen."""
    from kiosk.session.codes import normalise
    from kiosk.session.receipt_status import reference_body

    reference, secret = submitted_receipt(s, "sozialticket", "documents_missing")
    for lang in ("ar", "uk"):
        s.tap("check_status")
        wait_screen(s, "status_lookup")
        s.tap("language")
        wait_screen(s, "language_for_lookup")  # a language choice that leads back
        s.tap(f"lang-{lang}")
        wait_screen(s, "status_lookup")
        for char in reference_body(reference) + normalise(secret):
            s.tap(f"status-pad-{char}", settle=0.05)
        s.shot(f"status-typed-{lang}")
        s.tap("status-look-up")
        answer = s.find("status-answer")
        s.wait_until(
            lambda a=answer: isinstance(a, QLabel) and "2" in a.text(), 10, "the office's answer"
        )
        problem = s.hit(answer)
        if problem:
            s.fail(f"the answer is not in view: {problem}")
        s.check()
        s.shot(f"status-answer-{lang}")
        s.tap("start_over")
        wait_screen(s, "welcome")

from tests.screen import language_journeys as _language_journeys  # noqa: E402,F401  (registers its journeys)
