"""The look of a public service: one set of pictograms (no symbol characters as icons),
questions over a dimmed screen, and a first paint before anything heavy is loaded."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QTransform
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.catalog.cache import boot_from_source
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.paths import default_catalog_dir
from tests.ui.conftest import Kiosk
from tests.ui.test_accessibility import walk
from ui.icons import FOLDER, ICONS, pixmap
from ui.overlay import Overlay


def symbol_characters(text: str) -> set[str]:
    """Characters used as pictures: symbols (not currency or maths signs) and the like."""
    return {ch for ch in text if unicodedata.category(ch) == "So" or ch in "ℹ"}


def test_no_screen_uses_symbol_characters_as_icons(kiosk: Kiosk) -> None:
    found: dict[str, set[str]] = {}
    for where in walk(kiosk):
        for w in kiosk.window.findChildren(QWidget):
            if not w.isVisibleTo(kiosk.window):
                continue
            text = w.text() if isinstance(w, QLabel | QAbstractButton) else ""
            symbols = symbol_characters(text)
            if symbols:
                found.setdefault(where, set()).update(symbols)
    assert not found, found


def test_every_pictogram_the_catalog_names_is_bundled(demo: CompiledCatalog) -> None:
    names = {t.icon for t in demo.catalog.topics} | {o.icon for o in demo.catalog.offices}
    assert names <= set(ICONS), names - set(ICONS)
    for name, file in ICONS.items():
        assert (FOLDER / f"{file}.svg").is_file(), name
        image = pixmap(name, "#000000", 32).toImage()
        dark = sum(
            1
            for y in range(32)
            for x in range(32)
            if QColor.fromRgba(image.pixel(x, y)).alpha() > 128
        )
        assert dark > 12, f"{name} draws nothing"
    assert (FOLDER / "LICENSE").is_file()


def test_pointing_pictograms_turn_round_for_right_to_left() -> None:
    back = pixmap("back", "#000000", 32).toImage()
    mirrored = pixmap("back", "#000000", 32, True).toImage()
    assert mirrored == back.transformed(QTransform().scale(-1, 1))
    assert (
        pixmap("print", "#000000", 32, True).toImage() == pixmap("print", "#000000", 32).toImage()
    )


def test_the_idle_warning_dims_the_whole_window(kiosk: Kiosk) -> None:
    kiosk.start("tr")
    kiosk.open_form("sozialticket")
    kiosk.advance(91)
    overlay = kiosk.window.overlay
    assert isinstance(overlay, Overlay) and overlay.isVisible() and not overlay.isWindow()
    assert overlay.geometry() == kiosk.window.rect()
    image = kiosk.window.grab().toImage()
    corner = QColor(image.pixel(5, kiosk.window.height() - 5))
    assert corner.lightness() < 120  # the form behind is dimmed, not just covered in part
    countdown = overlay.countdown
    assert countdown.font().pixelSize() >= 100 or countdown.fontInfo().pixelSize() >= 100


def test_start_over_asks_before_it_deletes(kiosk: Kiosk) -> None:
    kiosk.start("ar")
    form = kiosk.open_form("sozialticket")
    kiosk.set_answer(form, "family_name", "Haddad")
    kiosk.click("start_over")
    assert kiosk.screen.name == "form"  # nothing deleted yet
    kiosk.click("start_over.no")
    assert kiosk.screen.frames["family_name"].value() == "Haddad"
    kiosk.click("start_over")
    kiosk.click("start_over.yes")
    assert kiosk.screen.name == "welcome" and kiosk.window.visit.session is None


def test_start_over_keeps_out_of_the_staff_corner_in_right_to_left(kiosk: Kiosk) -> None:
    from ui.widgets import STAFF_CORNER_PX

    for lang in ("ar", "de"):
        kiosk.start(lang)
        button = kiosk.find("start_over")
        left = button.mapTo(kiosk.window, button.rect().topLeft()).x()
        assert left >= STAFF_CORNER_PX or lang == "de"
        kiosk.start_over()


def test_the_first_start_paints_the_languages_without_a_cache(tmp_path: Path) -> None:
    boot = boot_from_source(default_catalog_dir())
    assert boot is not None and boot["languages"][:2] == ["de", "en"]
    assert boot["names"]["ar"] == "العربية"
    (tmp_path / "catalog.yaml").write_text("languages: [de, ar\n")  # broken: no first paint
    assert boot_from_source(tmp_path) is None


@pytest.mark.parametrize("high_contrast", [False, True])
def test_a_chosen_answer_shows_a_check_not_only_a_colour(
    kiosk: Kiosk, qtbot: QtBot, high_contrast: bool
) -> None:
    kiosk.start("de")
    if high_contrast:
        kiosk.window.set_contrast(True)
    form = kiosk.open_form("appointment_request")
    form.go_to("request")
    kiosk.click("concern.other")
    tile = next(
        b for b in form.findChildren(QAbstractButton) if b.property("kiosk_id") == "concern.other"
    )
    assert tile.isChecked()
    assert tile.mark.pixmap() is not None and not tile.mark.pixmap().isNull()  # type: ignore[attr-defined]
    other = next(
        b
        for b in form.findChildren(QAbstractButton)
        if b.property("kiosk_id") == "concern.extension"
    )
    assert not other.isChecked()
    assert other.mark.pixmap() is None or other.mark.pixmap().isNull()  # type: ignore[attr-defined]
