"""The idle countdown and the resume wait say their seconds in the plural form of the number.

German "in 1 Sekunde" and "in 2 Sekunden"; Russian "1 секунду", "2 секунды", "5 секунд";
Arabic a dual for 2 and the singular for 11. The form is the one gettext's rule in the
language's ``Plural-Forms`` header gives; with staff helping, the German beside it is
chosen by the same number.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.resume_gate import ResumeError, ResumeProblem
from tests.engine.plurals import COUNTS, LANGUAGES, expected
from tests.ui.conftest import Kiosk
from ui.idle import IdleOverlay
from ui.printing import PrinterState, PrinterStatus
from ui.screens.codes import ResumeScreen
from ui.staff_status import status_lines
from ui.tr import Tr

IDLE = (
    "Ohne Antwort wird alles in {seconds} Sekunde gelöscht.",
    "Ohne Antwort wird alles in {seconds} Sekunden gelöscht.",
)
WAIT = (
    "Zu viele falsche Versuche. Bitte warten Sie {seconds} Sekunde.",
    "Zu viele falsche Versuche. Bitte warten Sie {seconds} Sekunden.",
)

#: (language, seconds) -> the idle countdown's sentence, exactly.
IDLE_SPOT_CHECKS = [
    ("de", 1, "Ohne Antwort wird alles in 1 Sekunde gelöscht."),
    ("de", 2, "Ohne Antwort wird alles in 2 Sekunden gelöscht."),
    ("de", 0, "Ohne Antwort wird alles in 0 Sekunden gelöscht."),
    ("en", 1, "If you do not answer, everything will be deleted in 1 second."),
    ("ru", 1, "Если вы не ответите, всё будет удалено через 1 секунду."),
    ("ru", 2, "Если вы не ответите, всё будет удалено через 2 секунды."),
    ("ru", 5, "Если вы не ответите, всё будет удалено через 5 секунд."),
    ("ru", 21, "Если вы не ответите, всё будет удалено через 21 секунду."),
    ("ru", 11, "Если вы не ответите, всё будет удалено через 11 секунд."),
    ("uk", 3, "Якщо Ви не відповісте, усе буде видалено через 3 секунди."),
    ("ro", 21, "Dacă nu răspundeți, totul va fi șters în 21 de secunde."),
    ("ar", 2, "إذا لم تردّ، سيُحذف كل شيء بعد 2 ثانيتين."),
    ("ar", 3, "إذا لم تردّ، سيُحذف كل شيء بعد 3 ثوانٍ."),
    ("ar", 11, "إذا لم تردّ، سيُحذف كل شيء بعد 11 ثانية."),
]

#: (language, seconds) -> the resume wait, exactly.
WAIT_SPOT_CHECKS = [
    ("de", 1, "Zu viele falsche Versuche. Bitte warten Sie 1 Sekunde."),
    ("de", 2, "Zu viele falsche Versuche. Bitte warten Sie 2 Sekunden."),
    ("ru", 1, "Слишком много неверных попыток. Пожалуйста, подождите 1 секунду."),
    ("ru", 2, "Слишком много неверных попыток. Пожалуйста, подождите 2 секунды."),
    ("ru", 5, "Слишком много неверных попыток. Пожалуйста, подождите 5 секунд."),
    ("ar", 2, "محاولات خاطئة كثيرة جدًا. من فضلك انتظر 2 ثانيتين."),
    ("ar", 11, "محاولات خاطئة كثيرة جدًا. من فضلك انتظر 11 ثانية."),
]


class NoCatalog:
    """The overlay shows only the kiosk's own texts: no catalog texts needed."""

    def t(self, lang: str, ctx: str, german: str) -> str:
        return german


@pytest.fixture
def idle_overlay(qtbot: QtBot) -> Iterator[IdleOverlay]:
    window = QWidget()  # held until the test ends: the overlay is its child
    qtbot.addWidget(window)
    window.resize(1280, 800)
    yield IdleOverlay(window, on_here=lambda: None)


def countdown_text(overlay: IdleOverlay, lang: str, seconds: float, *, beside: bool = False) -> str:
    overlay.show_warning(Tr(lang, NoCatalog(), beside=beside), seconds)
    return overlay.text.text()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_idle_countdown_takes_the_plural_form_of_the_seconds_left(
    idle_overlay: IdleOverlay, lang: str
) -> None:
    for n in COUNTS:
        assert countdown_text(idle_overlay, lang, n - 0.2) == expected(lang, *IDLE, n, seconds=n)
        assert idle_overlay.countdown.text() == str(n)  # the same number as the large one


@pytest.mark.parametrize(("lang", "n", "text"), IDLE_SPOT_CHECKS)
def test_the_idle_countdown_reads(idle_overlay: IdleOverlay, lang: str, n: int, text: str) -> None:
    assert countdown_text(idle_overlay, lang, n) == text


@pytest.mark.parametrize(
    ("lang", "n", "text"),
    [
        ("ru", 1, "Если вы не ответите, всё будет удалено через 1 секунду.\n"
         "Ohne Antwort wird alles in 1 Sekunde gelöscht."),
        ("ru", 2, "Если вы не ответите, всё будет удалено через 2 секунды.\n"
         "Ohne Antwort wird alles in 2 Sekunden gelöscht."),
        ("ar", 1, "إذا لم تردّ، سيُحذف كل شيء بعد 1 ثانية.\n"
         "\u2066Ohne Antwort wird alles in 1 Sekunde gelöscht.\u2069"),
        ("de", 1, "Ohne Antwort wird alles in 1 Sekunde gelöscht."),
    ],
)  # fmt: skip
def test_with_staff_helping_the_german_beside_has_the_same_number(
    idle_overlay: IdleOverlay, lang: str, n: int, text: str
) -> None:
    assert countdown_text(idle_overlay, lang, n, beside=True) == text


def test_the_real_idle_warning_counts_down_to_one_second(kiosk: Kiosk) -> None:
    kiosk.start("ru")
    kiosk.advance(91)
    overlay = kiosk.window.overlay
    assert overlay.isVisible()
    left = int(overlay.countdown.text())
    assert overlay.text.text() == expected("ru", *IDLE, left, seconds=left)
    kiosk.advance(left - 1)
    assert overlay.countdown.text() == "1"
    assert overlay.text.text() == "Если вы не ответите, всё будет удалено через 1 секунду."


def test_the_resume_wait_takes_the_plural_form_of_the_seconds(kiosk: Kiosk) -> None:
    kiosk.start("de")
    kiosk.click("have_code")
    screen = kiosk.screen
    assert isinstance(screen, ResumeScreen)
    window = kiosk.window
    for lang in LANGUAGES:
        window.visit.lang = lang  # the visitor's language, as the window's texts read it
        for n in COUNTS:
            window.visit._resume_failed(ResumeError(ResumeProblem.WAIT, seconds=n + 0.3))
            assert screen.error.text() == expected(lang, *WAIT, n, seconds=n), (lang, n)
    for lang, n, text in WAIT_SPOT_CHECKS:
        window.visit.lang = lang
        window.visit._resume_failed(ResumeError(ResumeProblem.WAIT, seconds=n))
        assert screen.error.text() == text


NO_MATCH = (
    "Code und Geheimzahl passen zu keinem gespeicherten Antrag. Bitte prüfen Sie beides. "
    "Sie haben noch {attempts} Versuch.",
    "Code und Geheimzahl passen zu keinem gespeicherten Antrag. Bitte prüfen Sie beides. "
    "Sie haben noch {attempts} Versuche.",
)


def test_the_attempts_left_take_the_plural_form_of_their_number(kiosk: Kiosk) -> None:
    """Not "Verbleibende Versuche: 1": the sentence is worded by the number it counts."""
    kiosk.start("de")
    kiosk.click("have_code")
    screen = kiosk.screen
    assert isinstance(screen, ResumeScreen)
    window = kiosk.window
    for lang in LANGUAGES:
        window.visit.lang = lang
        for n in COUNTS:
            window.visit._resume_failed(ResumeError(ResumeProblem.NO_MATCH, attempts_left=n))
            assert screen.error.text() == expected(lang, *NO_MATCH, n, attempts=n), (lang, n)
    window.visit.lang = "de"
    window.visit._resume_failed(ResumeError(ResumeProblem.NO_MATCH, attempts_left=1))
    assert screen.error.text().endswith("Sie haben noch 1 Versuch.")
    window.visit._resume_failed(ResumeError(ResumeProblem.NO_MATCH, attempts_left=4))
    assert screen.error.text().endswith("Sie haben noch 4 Versuche.")


@pytest.mark.parametrize(
    ("missing", "line"),
    [
        (1, "1 bestätigter Antrag fehlte auf dem Server (-) und wurde erneut gesendet."),
        (3, "3 bestätigte Anträge fehlten auf dem Server (-) und wurden erneut gesendet."),
    ],
)
def test_the_staff_status_counts_resent_applications_in_words(
    demo: CompiledCatalog, missing: int, line: str
) -> None:
    status = {"delivery_gap": {"at": None, "missing": missing}}
    printer = PrinterStatus(PrinterState.READY, "receipts")
    assert dict(status_lines(Tr("de", demo), status, printer))["delivery_gap"] == line
