"""The first screen: every language in its own name and script; big buttons, no flags.

It is also what the kiosk paints first, before the catalog and the database are
loaded, so it imports nothing heavy and takes the language names from the boot
file (see :mod:`ui.boot`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget

from kiosk.i18n import gettext_for
from ui import texts
from ui.screens.base import Screen, ScreenEnv
from ui.tr import RTL_LANGUAGES
from ui.widgets import button, scroll


class WelcomeScreen(Screen):
    name = "welcome"

    def __init__(
        self,
        env: ScreenEnv,
        languages: list[str],
        names: Mapping[str, str],
        on_choose: Callable[[str], None],
        on_code: Callable[[], None],
    ) -> None:
        super().__init__(env, with_language=False, with_start_over=False)
        greeting = [gettext_for(lang).gettext(texts.CHOOSE_LANGUAGE) for lang in languages]
        self.set_title(" · ".join(dict.fromkeys(greeting[:4])))
        grid = QGridLayout()
        for index, lang in enumerate(languages):
            b = button(names.get(lang, lang), f"lang-{lang}", on_click=partial(on_choose, lang))
            b.setMinimumHeight(env.theme.px(84))
            b.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft
                if lang in RTL_LANGUAGES
                else Qt.LayoutDirection.LeftToRight
            )
            grid.addWidget(b, index // 2, index % 2)
        inner = QWidget()
        inner.setLayout(grid)
        self.body.addWidget(scroll(inner))
        self.footer.addWidget(button(f"⟲ {self.t(texts.HAVE_CODE)}", "have_code", on_click=on_code))
