"""The screen of a terminal that must not serve visitors: out of service, staff informed.

A terminal that pins admin keys serves only a verified catalog bundle. Until one is
installed (or while its pinned keys are damaged) this is all a visitor sees: no
language leads on to a form, and no code resumes one. The message speaks every
language in turn, as the welcome screen does, each in its own direction, with the
German words beside it; a visitor who taps their language keeps it on screen for a
while. Staff still open their menu from the corner (sync now, status), and the
window replaces this screen with the welcome screen as soon as a bundle is installed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel

from kiosk.i18n import gettext_for
from kiosk.locales import is_rtl
from ui import texts
from ui.screens.base import Screen, ScreenEnv
from ui.widgets import button, german_label, icon_disc, label

CYCLE_MS = 4000
#: How long a language a visitor tapped stays before the message moves on again.
HOLD_SECONDS = 30.0


def _direction(lang: str) -> Qt.LayoutDirection:
    rtl = is_rtl(lang)
    return Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight


class OutOfServiceScreen(Screen):
    name = "out_of_service"

    def __init__(self, env: ScreenEnv, languages: list[str], names: Mapping[str, str]) -> None:
        super().__init__(env, with_language=False, with_start_over=False)
        self.top.setVisible(False)  # its toggles serve a visit; there is none to have here
        self.languages = languages or ["de"]
        # the message in the middle of the screen, the languages below it
        self.body.addStretch(1)
        icon = icon_disc("warning", env.theme.px(96))
        self.body.addWidget(icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = self._centred(label("", "title"), "out-of-service-title")
        self.text = self._centred(label("", "subtitle"), "out-of-service-text")
        self.german = german_label("", False)
        self.german.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.german.setProperty("kiosk_id", "out-of-service-german")
        for widget in (self.title, self.text, self.german):
            self.body.addWidget(widget)
        grid = QGridLayout()
        grid.setSpacing(12)
        columns = 4 if len(self.languages) > 6 else 3
        for index, lang in enumerate(self.languages):
            choice = button(
                names.get(lang, lang), f"out-of-service-{lang}", on_click=partial(self.hold, lang)
            )
            choice.setLayoutDirection(_direction(lang))
            choice.setMinimumHeight(env.theme.px(64))
            grid.addWidget(choice, index // columns, index % columns)
        self.body.addStretch(1)
        self.body.addLayout(grid)
        # every language's message, for assistive technology (the labels show one at a time)
        self.title.setAccessibleDescription(
            " · ".join(
                dict.fromkeys(self._words(texts.OUT_OF_SERVICE_TITLE, x) for x in self.languages)
            )
        )
        self.index = 0
        self.held_until = 0.0
        self.show_language(self.languages[0])
        self.timer = QTimer(self)
        self.timer.setInterval(CYCLE_MS)
        self.timer.timeout.connect(self.next_language)
        if len(self.languages) > 1:
            self.timer.start()

    def _centred(self, widget: QLabel, name: str) -> QLabel:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        widget.setProperty("kiosk_id", name)
        return widget

    @staticmethod
    def _words(msgid: str, lang: str) -> str:
        return gettext_for(lang).gettext(msgid)

    def show_language(self, lang: str) -> None:
        """The message in *lang*, the whole screen in its direction, German beside it."""
        self.lang = lang
        self.setLayoutDirection(_direction(lang))
        for widget, msgid in (
            (self.title, texts.OUT_OF_SERVICE_TITLE),
            (self.text, texts.OUT_OF_SERVICE_TEXT),
        ):
            words = self._words(msgid, lang)
            widget.setText(words)
            widget.setAccessibleName(words)
            widget.setLayoutDirection(_direction(lang))
        german = f"{texts.OUT_OF_SERVICE_TITLE} {texts.OUT_OF_SERVICE_TEXT}"
        self.german.setText(german)
        self.german.setAccessibleName(german)
        self.german.setVisible(lang != "de")

    def hold(self, lang: str) -> None:
        """A visitor tapped their language: it stays while they read."""
        self.held_until = time.monotonic() + HOLD_SECONDS
        self.index = self.languages.index(lang)
        self.show_language(lang)

    def next_language(self) -> None:
        if time.monotonic() < self.held_until:
            return
        self.index = (self.index + 1) % len(self.languages)
        self.show_language(self.languages[self.index])

    def set_compact(self, compact: bool, tight: bool = False) -> None:
        super().set_compact(compact, tight)
        self.top.setVisible(False)  # its toggles serve a visit; there is none to have here

    def speech_text(self) -> str:
        return f"{self.title.text()} {self.text.text()}"
