"""What every screen has: the top bar (language, text size, contrast, read aloud), a title,
scrollable content and a row of big buttons at the bottom.

A screen never needs more height than the smallest terminal has: its content
scrolls (screens with lists of their own scroll those), so with large text on a
1366 x 768 screen, or with the keyboard taking the lower half, the title bar
and the row of buttons stay where a finger finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from ui.speech import Speak
from ui.theme import Theme
from ui.tr import Tr
from ui.widgets import TopBar, german_label, label, scroll


@dataclass
class ScreenEnv:
    """Shared by all screens of one language: texts, theme and the window's actions."""

    tr: Tr
    theme: Theme
    speech: bool
    go_language: Callable[[], None]
    set_large: Callable[[bool], None]
    set_contrast: Callable[[bool], None]
    speak: Speak
    start_over: Callable[[], None]

    @classmethod
    def standalone(cls, tr: Tr, theme: Theme) -> ScreenEnv:
        """For screens drawn outside the kiosk window (boot screen, previews, benchmarks)."""

        def nothing(*_: object) -> None:
            return None

        def silent(text: str, contexts: Sequence[str] = ()) -> None:
            return None

        return cls(
            tr=tr,
            theme=theme,
            speech=False,
            go_language=nothing,
            set_large=nothing,
            set_contrast=nothing,
            speak=silent,
            start_over=nothing,
        )


class Screen(QWidget):
    """Subclasses fill ``body`` and ``footer``; ``speech_text`` is what read-aloud says.

    ``scrolls_itself``: the screen puts its own scroll areas into ``body`` (lists,
    form pages); otherwise ``body`` lives in one scroll area of the screen's.
    """

    name = "screen"
    scrolls_itself = False

    def __init__(
        self, env: ScreenEnv, *, with_language: bool = True, with_start_over: bool = True
    ) -> None:
        super().__init__()
        self.env = env
        self.t = env.tr
        self.setObjectName(f"screen-{self.name}")
        self.setLayoutDirection(env.tr.direction)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.top = TopBar(
            env.tr,
            large=env.theme.large_text,
            contrast=env.theme.high_contrast,
            speech=env.speech,
            on_language=env.go_language,
            on_large=env.set_large,
            on_contrast=env.set_contrast,
            on_speak=lambda: env.speak(self.speech_text(), self.speech_contexts()),
            on_start_over=env.start_over if with_start_over else None,
        )
        if not with_language:
            self.top.language.hide()
        outer.addWidget(self.top)
        content = QVBoxLayout()
        content.setContentsMargins(24, 12, 24, 12)
        content.setSpacing(10)
        outer.addLayout(content, 1)
        self.heading = QVBoxLayout()
        self.heading.setSpacing(4)
        content.addLayout(self.heading)
        if self.scrolls_itself:
            self.body = QVBoxLayout()
            content.addLayout(self.body, 1)
        else:
            inner = QWidget()
            self.body = QVBoxLayout(inner)
            self.body.setContentsMargins(0, 0, 0, 0)
            content.addWidget(scroll(inner), 1)
        self.footer = QHBoxLayout()
        self.footer.setSpacing(12)
        content.addLayout(self.footer)
        self._title = ""

    def set_title(self, text: str, german: str | None = None) -> None:
        self._title = text
        self.heading.addWidget(label(text, "title"))
        if german and not self.t.shows_german and german != text:
            self.heading.addWidget(german_label(german, self.t))

    def set_compact(self, compact: bool, tight: bool = False) -> None:
        """Hide the top bar and headings while the on-screen keyboard is up; when *tight*
        (a small screen, large text) the row of buttons too, until typing is done (the
        keyboard's own Enter or hide key brings them back)."""
        self.top.setVisible(not compact)
        for layout, hide in ((self.heading, compact), (self.footer, compact and tight)):
            for i in range(layout.count()):
                item = layout.itemAt(i)
                widget = item.widget() if item is not None else None
                if widget is not None and widget.property("kiosk_keep") is not True:
                    if hide:
                        if widget.property("kiosk_compact_hidden") is None:
                            widget.setProperty("kiosk_compact_hidden", widget.isVisibleTo(self))
                        widget.setVisible(False)
                    elif widget.property("kiosk_compact_hidden") is not None:
                        widget.setVisible(bool(widget.property("kiosk_compact_hidden")))
                        widget.setProperty("kiosk_compact_hidden", None)

    def speech_contexts(self) -> list[str]:
        """The catalog texts ``speech_text`` is made of, by context (none: only screens
        of catalog texts name them)."""
        return []

    def speech_text(self) -> str:
        return self._title
