"""German terms on screen: in an Arabic label "(Duldung)" is a link; a tap on it (or
beside it, as a finger lands) opens the plain explanation in Arabic with the German
term and explanation beside it; terms inside answer buttons get buttons of their own;
every form says the German text is binding. A small catalog with its own Arabic PO
file, so nothing here waits for the translators of the demo catalog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.catalog.build import build_catalog
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.clock import FakeClock
from kiosk.session.terminal import Terminal
from kiosk.store import Store
from tests.conftest import CATALOG_YAML, FAST, FORM_YAML, write_catalog
from tests.ui.conftest import Kiosk
from ui.core import CoreRunner
from ui.glossary import TermButton, TermLabel
from ui.latin_runs import isolate_latin_runs
from ui.speech import Speaker
from ui.term_overlay import TermOverlay
from ui.theme import Theme
from ui.tr import Tr
from ui.window import KioskWindow

GLOSSARY_YAML = """\
terms:
  - id: duldung
    term: Duldung
    forms: [Duldungen]
    explanation: Ein Papier vom Amt für Migration. Sie werden für eine Zeit nicht abgeschoben.
  - id: anmeldung
    term: Anmeldung
    only_in: [Anmeldung der Wohnung]
    explanation: Die Wohnung bei den Bürgerdiensten anmelden.
"""
LABEL = "Haben Sie eine Duldung?"
HELP = "Die Duldung ist ein Papier."
OPTION = "Ich habe eine Duldung"
FORM = FORM_YAML.replace(
    "        label: Status\n", f"        label: {LABEL}\n        help: {HELP}\n"
).replace("{value: a, label: A}", f"{{value: a, label: {OPTION}}}")
ARABIC = {
    "form:test_form:status:label": (LABEL, "هل لديك تصريح تسامح (Duldung)؟"),
    "form:test_form:status:help": (HELP, "تصريح التسامح (Duldung) ورقة."),
    "form:test_form:status:option:a": (OPTION, "لدي تصريح تسامح (Duldung)"),
    "glossary:duldung:term": ("Duldung", "تصريح التسامح"),
    "glossary:duldung:explanation": (
        "Ein Papier vom Amt für Migration. Sie werden für eine Zeit nicht abgeschoben.",
        "ورقة من مكتب الهجرة: لن يتم ترحيلك لفترة من الوقت.",
    ),
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CompiledCatalog:
    root = tmp_path_factory.mktemp("glossary")
    files = {
        "catalog.yaml": CATALOG_YAML.replace("[de, en]", "[de, ar]"),
        "glossary.yaml": GLOSSARY_YAML,
        "amt/test_form.yaml": FORM,
    }
    folder = write_catalog(root, files)
    po = root / "translations" / "ar" / "LC_MESSAGES" / "catalog.po"
    po.parent.mkdir(parents=True)
    entries = "".join(
        f'\nmsgctxt "{ctx}"\nmsgid "{german}"\nmsgstr "{arabic}"\n'
        for ctx, (german, arabic) in ARABIC.items()
    )
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n' + entries,
        encoding="utf-8",
    )
    result = build_catalog(folder, root / "translations")
    assert result.catalog is not None and result.ok, [str(i) for i in result.errors]
    # its Arabic covers what these tests tap, not every screen text: a real build keeps
    # such a language from visitors (tests/catalog/test_withheld_languages.py), here it
    # is offered so that the glossary can be tried in it
    assert result.catalog.withheld
    return CompiledCatalog.create(result.catalog.catalog, result.catalog.translations)


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path, catalog: CompiledCatalog) -> Iterator[Kiosk]:
    clock = FakeClock(start=dt.datetime(2026, 11, 21, 10, 0).timestamp())
    store = Store(tmp_path / "kiosk.sqlite3")
    terminal = Terminal(store, catalog, tmp_path, clock=clock, config=FAST)
    core = CoreRunner(terminal)
    window = KioskWindow(terminal, core)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield Kiosk(qtbot, window, core, terminal, clock)
    window.activity.stop()
    core.wait_idle()
    QApplication.processEvents()
    core.stop()
    store.close()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def link_pixels(label: QLabel) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of what is drawn in the link colour: the term as seen."""
    accent = QColor(Theme().colors["accent"])
    image = label.grab().toImage()
    found = [
        (x, y)
        for y in range(image.height())
        for x in range(image.width())
        if _near(QColor(image.pixel(x, y)), accent)
    ]
    assert found, "no term drawn as a link"
    xs, ys = [p[0] for p in found], [p[1] for p in found]
    return min(xs), min(ys), max(xs), max(ys)


def _near(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 90


def tap(kiosk: Kiosk, label: QLabel, x: int, y: int) -> None:
    kiosk.qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    kiosk.settle()


def shown_overlay(kiosk: Kiosk) -> TermOverlay | None:
    shown = [o for o in kiosk.window.findChildren(TermOverlay) if o.isVisible()]
    assert len(shown) <= 1, "term overlays stacked on each other"
    return shown[0] if shown else None


def words(overlay: TermOverlay, kiosk_id: str) -> str:
    part = next(w for w in overlay.findChildren(QLabel) if w.property("kiosk_id") == kiosk_id)
    return part.text()


def test_tapping_duldung_in_an_arabic_label_explains_it_in_arabic_with_the_german_beside(
    kiosk: Kiosk,
) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("test_form")
    label = form.frames["status"].label
    assert isinstance(label, TermLabel)
    # the words, as a plain label has them (the German isolated inside the Arabic line)
    assert label.text() == isolate_latin_runs("هل لديك تصريح تسامح (Duldung)؟")
    assert label.accessibleName() == label.text()
    assert "Duldung" in label.accessibleDescription()
    assert label.terms == ["duldung"]
    assert 'href="glossary:duldung"' in QLabel.text(label)  # drawn as a link
    assert label.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert not label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    left, top, right, bottom = link_pixels(label)
    tap(kiosk, label, (left + right) // 2, (top + bottom) // 2)
    overlay = shown_overlay(kiosk)
    assert overlay is not None and overlay.parent() is kiosk.window
    assert overlay.property("kiosk_id") == "glossary-duldung"
    assert overlay.panel.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert words(overlay, "glossary.term") == "تصريح التسامح"
    assert words(overlay, "glossary.explanation") == ARABIC["glossary:duldung:explanation"][1]
    assert words(overlay, "glossary.german_term") == "Duldung"
    assert (
        words(overlay, "glossary.german_explanation") == ARABIC["glossary:duldung:explanation"][0]
    )
    german = next(
        w for w in overlay.findChildren(QLabel) if w.property("kiosk_id") == "glossary.german_term"
    )
    assert german.layoutDirection() == Qt.LayoutDirection.LeftToRight  # German reads LTR
    close = kiosk.find("glossary.close")
    assert close.height() >= 64 and close.accessibleName()
    kiosk.click("glossary.close")
    assert shown_overlay(kiosk) is None


def test_a_finger_beside_the_term_opens_it_and_one_far_from_it_does_not(kiosk: Kiosk) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("test_form")
    label = form.frames["status"].label
    left, top, right, bottom = link_pixels(label)
    middle = (top + bottom) // 2
    tap(kiosk, label, left - 8, middle)  # just before the word, where the bracket is
    overlay = shown_overlay(kiosk)
    assert overlay is not None
    kiosk.click("glossary.close")
    far = right + 80 if right + 80 < label.width() else left - 80
    tap(kiosk, label, far, middle)
    assert shown_overlay(kiosk) is None


def test_a_term_inside_an_answer_has_its_own_button_that_does_not_choose(kiosk: Kiosk) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("test_form")
    chip = kiosk.find("status.a.term.duldung")
    assert isinstance(chip, TermButton)
    assert chip.width() >= 44 and chip.height() >= 44
    assert "Duldung" in chip.accessibleName() and chip.text() == "Duldung"
    kiosk.click("status.a.term.duldung")
    overlay = shown_overlay(kiosk)
    assert overlay is not None and words(overlay, "glossary.term") == "تصريح التسامح"
    assert form.frames["status"].value() is None  # explaining is not answering
    kiosk.click("glossary.close")
    kiosk.click("status.a.term.duldung")  # the same term again: one overlay, not two
    kiosk.click("status.a.term.duldung")
    assert shown_overlay(kiosk) is not None


def test_the_explanation_is_read_aloud_and_goes_with_the_visit(
    kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_TTS_ENGINE", "mock")
    speaker = Speaker()
    assert speaker.available
    kiosk.window.speaker = speaker
    kiosk.start("ar")
    kiosk.open_form("test_form")
    kiosk.click("status.a.term.duldung")
    kiosk.click("glossary.read_aloud")
    assert speaker.spoken[-1] == "تصريح التسامح. " + ARABIC["glossary:duldung:explanation"][1]
    kiosk.window.wipe("timeout")  # the visit ends: nothing of it stays on screen
    kiosk.settle()
    assert shown_overlay(kiosk) is None


def test_a_german_visitor_can_tap_the_term_too(kiosk: Kiosk) -> None:
    kiosk.start("de")
    form = kiosk.open_form("test_form")
    label = form.frames["status"].label
    assert isinstance(label, TermLabel) and label.terms == ["duldung"]
    left, top, right, bottom = link_pixels(label)
    tap(kiosk, label, (left + right) // 2, (top + bottom) // 2)
    overlay = shown_overlay(kiosk)
    assert overlay is not None
    assert words(overlay, "glossary.term") == "Duldung"
    assert words(overlay, "glossary.explanation") == ARABIC["glossary:duldung:explanation"][0]
    assert not any(
        w.property("kiosk_id") in {"glossary.german_term", "glossary.german_explanation"}
        for w in overlay.findChildren(QLabel)
    )  # German once is enough


def test_help_texts_carry_tappable_terms(kiosk: Kiosk) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("test_form")
    kiosk.click("status.help")
    help_text = form.frames["status"].help
    assert isinstance(help_text, TermLabel) and help_text.terms == ["duldung"]
    assert help_text.text() == isolate_latin_runs("تصريح التسامح (Duldung) ورقة.")


@pytest.mark.parametrize(("lang", "shown"), [("ar", True), ("de", False)])
def test_every_form_says_the_german_text_is_binding(kiosk: Kiosk, lang: str, shown: bool) -> None:
    def notes() -> list[QLabel]:
        return [
            w
            for w in kiosk.window.findChildren(QLabel)
            if w.property("kiosk_id") == "german-binding" and w.isVisibleTo(kiosk.window)
        ]

    kiosk.start(lang)
    form = kiosk.open_form("test_form")
    assert bool(notes()) is shown  # where the form begins
    if shown:
        assert notes()[0].text() and notes()[0].accessibleName() == notes()[0].text()
    kiosk.set_answer(form, "name", "Amal")
    kiosk.click("next")
    assert kiosk.screen.name == "review"
    assert bool(notes()) is shown  # and where the visitor checks what they send


def test_while_staff_help_the_german_line_follows_the_rules_for_german(
    qtbot: QtBot, catalog: CompiledCatalog
) -> None:
    """Assisted mode puts the German source under every translation; there a word with
    an everyday meaning ("Anmeldung" of a Kita place) is not linked to the official term."""
    kita = "Mit dieser Anmeldung bekommen Sie einen Kita-Platz."
    flat = "Nach der Anmeldung der Wohnung bekommen Sie Post."
    helped = Tr("ar", catalog, beside=True)
    cases = [
        (kita, "مع هذا التسجيل تحصل على مكان في الحضانة.", []),
        (flat, "بعد تسجيل السكن (Anmeldung) تصلك رسالة.", ["anmeldung"]),
    ]
    for german, arabic, terms in cases:
        shown = helped.with_german(arabic, german)
        label = TermLabel(shown, helped, german=german)
        qtbot.addWidget(label)
        assert label.text() == shown
        assert label.terms == terms
        links = QLabel.text(label).count('href="glossary:')
        assert links == 2 * len(terms)  # in the Arabic words and in the German line
