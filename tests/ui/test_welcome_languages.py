"""Every language on the first screen without scrolling, on every terminal size: a
visitor who reads little may never scroll, and so never find their language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect

from tests.ui.conftest import Kiosk
from ui.screens.welcome import WelcomeScreen, columns_for


@pytest.mark.parametrize(
    ("count", "width", "height", "expected"),
    [
        (8, 1300, 500, 2),  # few languages: two wide columns
        (19, 1300, 500, 4),  # 19 in five rows of four
        (19, 1000, 1600, 2),  # portrait: two columns hold them all
        (19, 500, 300, 2),  # too narrow for more: two columns, the list scrolls
        (40, 1900, 700, 6),
    ],
)
def test_columns_are_the_fewest_that_show_every_language(
    count: int, width: int, height: int, expected: int
) -> None:
    assert columns_for(count, width=width, height=height, button=(250, 76), spacing=14) == (
        expected
    )


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (1080, 1920)])
def test_all_languages_are_in_sight_at_each_terminal_size(
    kiosk: Kiosk, size: tuple[int, int], large: bool
) -> None:
    if large:
        kiosk.window.set_large(True)
    kiosk.window.resize(*size)
    kiosk.settle()
    welcome = kiosk.screen
    assert isinstance(welcome, WelcomeScreen)
    assert len(welcome.language_buttons) == len(kiosk.terminal.catalog.languages) >= 19
    window = QRect(QPoint(0, 0), kiosk.window.size())
    for lang, button in welcome.language_buttons.items():
        where = QRect(button.mapTo(kiosk.window, QPoint(0, 0)), button.size())
        visible = button.visibleRegion().boundingRect()
        assert window.contains(where), (lang, where)
        assert visible.size() == button.size(), (lang, "cut off or scrolled away")
