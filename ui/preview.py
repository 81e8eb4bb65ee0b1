"""Screenshots of every page of every form in every language, for translators and admins.

The pages are the real form screens, rendered offscreen at the kiosk's size and
as tall as their content, so a reviewer sees exactly what a visitor would,
without scrolling.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.catalog.compiled import CompiledCatalog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

WIDTH = 1280


def render_previews(
    catalog: CompiledCatalog,
    out: Path,
    languages: Iterable[str] | None = None,
    forms: Iterable[str] | None = None,
    *,
    width: int = WIDTH,
    large_text: bool = False,
) -> list[Path]:
    """Write a PNG of every page; *width* is a terminal screen's, *large_text* the visitor's
    larger-text mode, so a reviewer can check where long words wrap at each size."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.screens.base import ScreenEnv
    from ui.screens.form import FormScreen
    from ui.theme import Theme, set_current
    from ui.tr import Tr

    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme = Theme(large_text=large_text)
    set_current(theme)  # pictograms in this theme's colours and size, as in the kiosk
    today = dt.date.today()
    written: list[Path] = []
    langs = list(languages or catalog.languages)
    wanted = list(forms or [f.id for f in catalog.catalog.forms])
    for lang in langs:
        tr = Tr(lang, catalog)
        QApplication.setLayoutDirection(tr.direction)
        env = ScreenEnv.standalone(tr, theme)
        for form_id in wanted:
            form = catalog.catalog.form(form_id)
            screen = FormScreen.standalone(env, catalog, form_id, {}, today)
            screen.setStyleSheet(theme.stylesheet())
            for number, page in enumerate(form.pages, start=1):
                screen.page = page.id
                screen._show_page()
                inner = screen.scrolls[page.id].widget()
                screen.resize(width, 800)
                app.processEvents()
                content = _content_height(inner)
                extra = max(0, content - screen.scrolls[page.id].height())
                screen.resize(width, 800 + extra)
                app.processEvents()
                path = out / lang / form_id / f"{number:02d}-{page.id}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                screen.grab().save(str(path))
                written.append(path)
            screen.deleteLater()
        app.processEvents()
    return written


def _content_height(inner: QWidget | None) -> int:
    """A page's height at the width it is shown: wrapped words make it taller than its
    size hint, which is worked out for no particular width and would cut the page short."""
    if inner is None:
        return 0
    return max(inner.heightForWidth(inner.width()), inner.sizeHint().height())
