"""The first paint: the language choice, shown before anything heavy is loaded.

Loading the catalog, opening the database and building the terminal take a
few hundred milliseconds, mostly importing Python libraries. A visitor should
see the language buttons at once; the boot window shows them from a small file
written next to the catalog cache (or, on a terminal's very first start, from
the catalog's header), and hands over to the kiosk window (and any language
already tapped) as soon as the rest is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from ui.screens.base import ScreenEnv
from ui.screens.welcome import WelcomeScreen
from ui.snapshot import FirstScreen
from ui.theme import Theme
from ui.tr import Tr


class _NoCatalog:
    def t(self, lang: str, ctx: str, german: str) -> str:
        return german


class BootWindow(FirstScreen):
    def __init__(self, boot: dict[str, Any], on_choice: Callable[[str], None]) -> None:
        super().__init__()
        self.on_choice = on_choice
        theme = Theme()
        self.setStyleSheet(theme.stylesheet())
        env = ScreenEnv.standalone(Tr("de", _NoCatalog()), theme)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.welcome = WelcomeScreen(
            env,
            list(boot["languages"]),
            dict(boot["names"]),
            self._chosen,
            lambda: self._chosen("@code"),
            lambda: self._chosen("@status"),
        )
        # the accessibility toggles need the full kiosk; they appear a moment later
        self.welcome.top.setVisible(False)
        layout.addWidget(self.welcome)

    def _chosen(self, lang: str) -> None:
        self.pending = lang
        self.on_choice(lang)
