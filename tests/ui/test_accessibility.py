"""Every screen: touch targets of at least 44 x 44 px with accessible names, and text contrast
measured on the rendered pixels (4.5:1 normally, 7:1 in high-contrast mode)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from tests.ui.conftest import Kiosk, running_kiosk
from ui.fields.inputs import SignaturePad
from ui.screens.form import FormScreen
from ui.speech import Speaker
from ui.theme import contrast
from ui.widgets import Card

CLICKABLE = (QAbstractButton, QLineEdit, QPlainTextEdit, QListWidget, Card, SignaturePad)


def visible(kiosk: Kiosk, cls: type | tuple[type, ...]) -> list[QWidget]:
    return [
        w
        for w in kiosk.window.findChildren(QWidget)
        if isinstance(w, cls) and w.isVisibleTo(kiosk.window) and w.window() is kiosk.window
    ]


def walk(kiosk: Kiosk) -> Iterator[str]:
    """Visit every kind of screen; yield its name while it is shown."""
    yield "welcome"
    kiosk.start("ar")
    yield "home"
    kiosk.click("office-wohnungsamt")
    yield "forms"
    kiosk.click("info-wbs")
    yield "info"
    kiosk.click("start")
    form = kiosk.screen
    assert isinstance(form, FormScreen)
    kiosk.click(
        "household.add"
    ) if "household" in form.groups and form.page == "household" else None
    for page in list(form.state.visible_pages):
        form.go_to(page)
        kiosk.settle()
        for group in form.groups.values():
            if group.isVisibleTo(kiosk.window) and not group.items:
                group.add_item()
        yield f"form:{page}"
    form.go_to(form.state.visible_pages[0])
    date_field = next(k for k, f in form.frames.items() if f.field.type == "date" and f.isVisible())
    kiosk.click(date_field)
    yield "date-picker"
    picker = kiosk.window.findChild(QWidget, "date-picker")
    first = next(
        b
        for b in picker.findChildren(QAbstractButton)
        if str(b.property("kiosk_id")).startswith(("date.decade-", "date.year-"))
        and b.isVisibleTo(picker)
    )
    first.click()
    kiosk.settle()
    yield "date-picker:next-step"
    kiosk.click("date.cancel")
    kiosk.click("start_over")
    yield "confirm-start-over"
    kiosk.click("start_over.yes")
    kiosk.window.staff.open_unlock()
    kiosk.settle()
    yield "staff-pin"
    kiosk.click("staff-cancel")
    kiosk.start("fa")
    kiosk.fill_and_submit("sozialticket")
    yield "done"
    kiosk.click("another")
    kiosk.open_form("sozialticket")
    kiosk.click("continue_later")
    yield "continue_later"
    kiosk.choose_pin("1234")
    yield "code"
    kiosk.click("finish")
    kiosk.start("uk")
    kiosk.click("have_code")
    yield "resume"
    kiosk.window.current._to_pin()  # the PIN step (the code pad's keys were checked above)
    yield "resume-pin"
    kiosk.click("back")
    kiosk.click("back")
    kiosk.open_form("school_registration")
    kiosk.advance(91)
    assert kiosk.window.overlay.isVisible()
    yield "idle"
    kiosk.window.overlay.here.click()
    kiosk.settle()


def text_contrast(widget: QWidget) -> float | None:
    parent = widget.parentWidget()
    if isinstance(parent, QAbstractButton):  # words on a tile: measured on the tile itself
        image = parent.grab(widget.geometry()).toImage()
    else:
        image = widget.grab().toImage()
    counts: Counter[int] = Counter()
    for y in range(0, image.height(), 1):
        for x in range(0, image.width(), 1):
            counts[image.pixel(x, y)] += 1
    if len(counts) < 2:
        return None
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    return max(contrast(background, QColor.fromRgb(rgb)) for rgb, n in counts.items() if n >= 2)


def check_targets(kiosk: Kiosk, where: str) -> list[str]:
    problems = []
    for w in visible(kiosk, CLICKABLE):
        name = w.property("kiosk_id") or w.objectName() or type(w).__name__
        if w.width() < 44 or w.height() < 44:
            problems.append(f"{where}: {name} is {w.width()}x{w.height()}")
        if not w.accessibleName().strip():
            problems.append(f"{where}: {name} has no accessible name")
        if isinstance(w, QListWidget) and w.count():
            first = next((i for i in range(w.count()) if not w.item(i).isHidden()), None)
            if first is not None and w.visualItemRect(w.item(first)).height() < 44:
                problems.append(f"{where}: rows of {name} are lower than 44 px")
    return problems


def check_contrast(kiosk: Kiosk, where: str, minimum: float) -> list[str]:
    problems = []
    for w in visible(kiosk, (QLabel, QAbstractButton)):
        text = w.text() if isinstance(w, QLabel | QAbstractButton) else ""
        if not text.strip() or (
            isinstance(w, QLabel) and w.pixmap() is not None and not w.pixmap().isNull()
        ):
            continue
        ratio = text_contrast(w)
        if ratio is not None and ratio < minimum:
            problems.append(f"{where}: {text[:40]!r} has contrast {ratio:.2f}")
    return problems


@pytest.mark.parametrize("high_contrast", [False, True])
def test_every_screen_is_touchable_named_and_readable(kiosk: Kiosk, high_contrast: bool) -> None:
    problems: list[str] = []
    screens = []
    minimum = 7.0 if high_contrast else 4.5
    for where in walk(kiosk):
        if high_contrast and not kiosk.window.theme.high_contrast:
            kiosk.window.set_contrast(True)
            kiosk.settle()
        screens.append(where)
        problems += check_targets(kiosk, where)
        problems += check_contrast(kiosk, where, minimum)
    assert {
        "welcome",
        "home",
        "forms",
        "info",
        "done",
        "continue_later",
        "code",
        "resume",
        "resume-pin",
        "idle",
        "date-picker",
        "date-picker:next-step",
        "confirm-start-over",
        "staff-pin",
    } <= set(screens)
    assert sum(s.startswith("form:") for s in screens) >= 4
    assert not problems, "\n".join(problems[:40])


def test_larger_text_mode_makes_text_larger(kiosk: Kiosk) -> None:
    kiosk.start("de")
    label = next(w for w in visible(kiosk, QLabel) if w.objectName() == "title")
    before = label.fontInfo().pixelSize()
    kiosk.click("larger_text")  # the screen is drawn again in the larger size
    label = next(w for w in visible(kiosk, QLabel) if w.objectName() == "title")
    after = label.fontInfo().pixelSize()
    assert after >= before * 1.3
    kiosk.start_over()  # the next visitor starts with normal text
    label = next(w for w in visible(kiosk, QLabel) if w.objectName() == "title")
    assert label.fontInfo().pixelSize() == before


def test_read_aloud_hidden_when_it_is_turned_off_or_cannot_sound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert not Speaker("none").available
    assert not Speaker("espeak-ng", voices=frozenset()).available  # no eSpeak NG
    monkeypatch.setattr(Speaker, "audio_output", staticmethod(lambda: None))
    assert not Speaker("espeak-ng", voices=frozenset({"de"})).available  # no sound output


def test_read_aloud_speaks_the_current_question(
    kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_TTS_ENGINE", "mock")
    speaker = Speaker()
    assert speaker.available
    kiosk.window.speaker = speaker
    kiosk.start("uk")
    form = kiosk.open_form("sozialticket")
    assert kiosk.find("read_aloud").isVisible()
    kiosk.set_answer(form, "family_name", "Shevchenko")
    kiosk.click("read_aloud")
    assert speaker.spoken[-1].startswith(form.frames["family_name"].title)


@pytest.fixture
def speaking(qtbot: QtBot, home: Path, demo: CompiledCatalog) -> Iterator[Kiosk]:
    yield from running_kiosk(qtbot, home, demo, Speaker("mock"))


def test_every_language_with_its_speaker_buttons_is_touchable_named_and_readable(
    speaking: Kiosk,
) -> None:
    """The new languages and read-aloud's controls on the screens that hold them: the
    home screen with the read-aloud bar open, and a form's first page with a speaker
    button beside every question."""
    problems: list[str] = []
    for lang in speaking.terminal.catalog.languages:
        speaking.start(lang)
        speaking.click("read_aloud")
        problems += check_targets(speaking, f"{lang} home")
        problems += check_contrast(speaking, f"{lang} home", 4.5)
        form = speaking.open_form("school_ticket")
        speakers = [f.speak_button for f in form.frames.values() if f.isVisible()]
        assert speakers and all(b is not None and b.isVisible() for b in speakers), lang
        problems += check_targets(speaking, f"{lang} form")
        problems += check_contrast(speaking, f"{lang} form", 4.5)
        speaking.start_over()
    assert not problems, "\n".join(problems[:40])
