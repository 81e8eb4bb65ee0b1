"""What every screen has: the top bar (language, text size, contrast, read aloud), a title,
scrollable content and a row of big buttons at the bottom."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ui.theme import Theme
from ui.tr import Tr
from ui.widgets import TopBar, german_label, label


@dataclass
class ScreenEnv:
    """Shared by all screens of one language: texts, theme and the window's actions."""

    tr: Tr
    theme: Theme
    speech: bool
    go_language: Callable[[], None]
    set_large: Callable[[bool], None]
    set_contrast: Callable[[bool], None]
    speak: Callable[[str], None]
    start_over: Callable[[], None]

    @classmethod
    def standalone(cls, tr: Tr, theme: Theme) -> ScreenEnv:
        """For screens drawn outside the kiosk window (boot screen, previews, benchmarks)."""

        def nothing(*_: object) -> None:
            return None

        return cls(
            tr=tr,
            theme=theme,
            speech=False,
            go_language=nothing,
            set_large=nothing,
            set_contrast=nothing,
            speak=nothing,
            start_over=nothing,
        )


class Screen(QWidget):
    """Subclasses fill ``body`` and ``footer``; ``speech_text`` is what read-aloud says."""

    name = "screen"

    def __init__(
        self, env: ScreenEnv, *, with_language: bool = True, with_start_over: bool = True
    ) -> None:
        super().__init__()
        self.env = env
        self.t = env.tr
        self.setObjectName(f"screen-{self.name}")
        self.setLayoutDirection(env.tr.direction)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        self.top = TopBar(
            env.tr,
            large=env.theme.large_text,
            contrast=env.theme.high_contrast,
            speech=env.speech,
            on_language=env.go_language,
            on_large=env.set_large,
            on_contrast=env.set_contrast,
            on_speak=lambda: env.speak(self.speech_text()),
            on_start_over=env.start_over if with_start_over else None,
        )
        if not with_language:
            lang = self.top.findChild(QWidget, "language")
            if lang is not None:
                lang.hide()
        outer.addWidget(self.top)
        self.heading = QVBoxLayout()
        outer.addLayout(self.heading)
        self.body = QVBoxLayout()
        outer.addLayout(self.body, 1)
        self.footer = QHBoxLayout()
        outer.addLayout(self.footer)
        self._title = ""

    def set_title(self, text: str, german: str | None = None) -> None:
        self._title = text
        self.heading.addWidget(label(text, "title"))
        if german and not self.t.shows_german and german != text:
            self.heading.addWidget(german_label(german, self.t))

    def set_compact(self, compact: bool) -> None:
        """Hide the top bar and headings (the on-screen keyboard needs the room)."""
        self.top.setVisible(not compact)
        for i in range(self.heading.count()):
            item = self.heading.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setVisible(not compact)

    def speech_text(self) -> str:
        return self._title
