"""The first screen: every language in its own name and script; big buttons, no flags.

Nobody has chosen a language yet, so the screen speaks all of them in turn: the
heading, the two display toggles, "I have a code" and "where is my application?"
change together to the next language every few seconds, each in its own direction.
Their sizes are fixed to the longest wording, so nothing jumps while they change.

It is also what the kiosk paints first, before the catalog and the database are
loaded, so it imports nothing heavy and takes the language names from the boot
file (see :mod:`ui.boot`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.i18n import gettext_for
from kiosk.locales import is_rtl
from ui import texts
from ui.screens.base import Screen, ScreenEnv
from ui.widgets import TileButton, button, label, scroll

CYCLE_MS = 3000


def _direction(lang: str) -> Qt.LayoutDirection:
    return Qt.LayoutDirection.RightToLeft if is_rtl(lang) else Qt.LayoutDirection.LeftToRight


class WelcomeScreen(Screen):
    name = "welcome"
    scrolls_itself = True

    def __init__(
        self,
        env: ScreenEnv,
        languages: list[str],
        names: Mapping[str, str],
        on_choose: Callable[[str], None],
        on_code: Callable[[], None],
        on_status: Callable[[], None],
    ) -> None:
        super().__init__(env, with_language=False, with_start_over=False)
        self.languages = languages or ["de"]
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.greeting = label("", "title")
        self.greeting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.greeting.setObjectName("title")
        self.heading.addWidget(self.greeting)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.language_buttons: dict[str, TileButton] = {}
        self._tile_height = env.theme.px(96)
        for lang in self.languages:
            b = TileButton(names.get(lang, lang), f"lang-{lang}", on_click=partial(on_choose, lang))
            b.main.setObjectName("subtitle")
            b.main.setAlignment(Qt.AlignmentFlag.AlignCenter)
            b.setMinimumHeight(self._tile_height)
            b.setLayoutDirection(_direction(lang))
            b.setProperty("lang", lang)
            self.language_buttons[lang] = b
        self.grid = grid
        self._columns = 0
        self._arrange(2)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(grid)
        column.addStretch(1)
        self.body.addWidget(scroll(inner), 1)
        self.code = button("", "have_code", on_click=on_code, icon="code")
        self.status = button("", "check_status", on_click=on_status, icon="qr")
        self.footer.addStretch(1)
        self.footer.addWidget(self.code)
        self.footer.addWidget(self.status)
        self.footer.addStretch(1)
        self._cycling: list[tuple[QPushButton | QLabel, str]] = [
            (self.greeting, texts.CHOOSE_LANGUAGE),
            (self.top.large, texts.LARGER_TEXT),
            (self.top.contrast, texts.HIGH_CONTRAST),
            (self.code, texts.HAVE_CODE),
            (self.status, texts.CHECK_APPLICATION),
        ]
        self._fix_sizes()
        self.index = 0
        self._show(0)
        self.timer = QTimer(self)
        self.timer.setInterval(CYCLE_MS)
        self.timer.timeout.connect(self.next_language)
        if len(self.languages) > 1:
            self.timer.start()

    def _words(self, msgid: str, lang: str) -> str:
        return gettext_for(lang).gettext(msgid)

    def _fix_sizes(self) -> None:
        """Each cycling control gets the size of its longest wording."""
        for widget, msgid in self._cycling:
            metrics = QFontMetrics(widget.font())
            widest = max(
                metrics.horizontalAdvance(self._words(msgid, lang)) for lang in self.languages
            )
            if isinstance(widget, QPushButton):
                widget.setMinimumWidth(widest + 110)
            else:
                widget.setMinimumHeight(int(metrics.height() * 1.6))
        # every language's greeting, for assistive technology (the label shows one at a time)
        everything = " · ".join(
            dict.fromkeys(self._words(texts.CHOOSE_LANGUAGE, lang) for lang in self.languages)
        )
        self.greeting.setAccessibleDescription(everything)

    def _arrange(self, columns: int) -> None:
        """The language buttons in *columns* columns, in reading order of the list."""
        if columns == self._columns:
            return
        self._columns = columns
        for button_ in self.language_buttons.values():
            self.grid.removeWidget(button_)
        for index, button_ in enumerate(self.language_buttons.values()):
            self.grid.addWidget(button_, index // columns, index % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """As many columns as it takes to show every language without scrolling, where
        the screen is wide enough: a visitor who reads little may never scroll, and so
        never find their language below the fold (19 languages on 1366 x 768)."""
        super().resizeEvent(event)
        buttons = list(self.language_buttons.values())
        if not buttons:
            return
        around = self.top.sizeHint().height() + self.greeting.sizeHint().height()
        around += self.code.sizeHint().height() + 90  # margins and spacing
        # a name wider than its button wraps at its spaces (the tile's words wrap), never
        # inside a word: columns are as wide as the widest word of any name, and margins
        least = max(_widest_word(b.main) for b in buttons) + 56
        height, spacing = event.size().height() - around, self.grid.spacing()
        columns = columns_for(
            len(buttons),
            width=event.size().width() - 48,
            height=height,
            button=(max(least, 160), self._tile_height),
            spacing=spacing,
        )
        self._arrange(columns)
        # where even that many columns leave rows below the fold (large text on a small
        # screen), the tiles get lower, never below a finger's width plus margin
        rows = -(-len(buttons) // columns)
        fitting = (height + spacing) // rows - spacing
        tile = max(min(self._tile_height, fitting), self.env.theme.px(60))
        for button_ in buttons:
            button_.setMinimumHeight(tile)

    def next_language(self) -> None:
        self.index = (self.index + 1) % len(self.languages)
        self._show(self.index)

    def _show(self, index: int) -> None:
        lang = self.languages[index]
        for widget, msgid in self._cycling:
            words = self._words(msgid, lang)
            widget.setText(words)
            widget.setAccessibleName(words)
            widget.setLayoutDirection(_direction(lang))

    def tap_targets(self) -> list[tuple[str, QRect]]:
        """Where each language and the two buttons are, in this screen's coordinates: the
        kept picture of this screen answers taps with them (see :mod:`ui.snapshot`)."""

        def where(widget: QWidget) -> QRect:
            return QRect(widget.mapTo(self, QPoint(0, 0)), widget.size())

        found = [(lang, where(b)) for lang, b in self.language_buttons.items()]
        return [*found, ("@code", where(self.code)), ("@status", where(self.status))]

    def speech_text(self) -> str:
        return self.greeting.accessibleDescription()


def columns_for(
    count: int, *, width: int, height: int, button: tuple[int, int], spacing: int
) -> int:
    """Columns for *count* buttons of at least *button* (width, height) in *width* x
    *height*: the fewest that fit every button without scrolling, at least two, and no
    more than the width takes (then the list scrolls, in as few rows as it can)."""
    least_width, button_height = button
    rows_fit = max(1, (height + spacing) // (button_height + spacing))
    wanted = -(-count // rows_fit)
    most = max(2, (width + spacing) // (least_width + spacing))
    return max(2, min(wanted, most))


def _widest_word(words: QLabel) -> int:
    """The width of the widest word of *words*, in its font."""
    metrics = QFontMetrics(words.font())
    return max((metrics.horizontalAdvance(word) for word in words.text().split()), default=0)
