"""The kiosk window: choose a language, then see the offices you can apply to.

This is the first screen pair of the visitor journey; the form screens build
on it. Everything the visitor reads comes from the catalog or from gettext.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from babel import Locale
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.strings import office_ctx
from kiosk.i18n import N_, gettext_for

CHOOSE_LANGUAGE = N_("Bitte wählen Sie Ihre Sprache")
OFFICES_TITLE = N_("Bei welchem Amt möchten Sie etwas beantragen?")
BACK = N_("Zurück")


def native_name(lang: str) -> str:
    """The language's name in its own script, as its speakers write it."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def is_rtl(lang: str) -> bool:
    return Locale.parse(lang).text_direction == "rtl"


class LanguageScreen(QWidget):
    """Every catalog language in its own name and script; no flags."""

    def __init__(self, catalog: CompiledCatalog, on_choose: Callable[[str], None]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        title = QLabel(
            " · ".join(gettext_for(lang).gettext(CHOOSE_LANGUAGE) for lang in catalog.languages[:3])
        )
        title.setWordWrap(True)
        title.setFont(QFont(title.font().family(), 20))
        layout.addWidget(title)
        for lang in catalog.languages:
            button = QPushButton(native_name(lang))
            button.setObjectName(f"lang-{lang}")
            button.setAccessibleName(native_name(lang))
            button.setMinimumHeight(72)
            button.setFont(QFont(button.font().family(), 18))
            button.clicked.connect(lambda _=False, code=lang: on_choose(code))
            layout.addWidget(button)
        layout.addStretch(1)


class OfficesScreen(QWidget):
    """The receiving offices, named and described in the visitor's language."""

    def __init__(self, catalog: CompiledCatalog, on_back: Callable[[], None]) -> None:
        super().__init__()
        self.catalog = catalog
        self._layout = QVBoxLayout(self)
        self._on_back = on_back

    def show_language(self, lang: str) -> None:
        while (item := self._layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        tr = gettext_for(lang).gettext
        title = QLabel(tr(OFFICES_TITLE))
        title.setWordWrap(True)
        title.setFont(QFont(title.font().family(), 20))
        self._layout.addWidget(title)
        area = QScrollArea()
        area.setWidgetResizable(True)
        inner = QWidget()
        box = QVBoxLayout(inner)
        for office in self.catalog.catalog.offices:
            name = self.catalog.t(lang, office_ctx(office.id, "name"), office.name)
            desc = self.catalog.t(lang, office_ctx(office.id, "description"), office.description)
            german = "" if lang == "de" else f"  ({office.name})"
            label = QLabel(f"<b>{name}</b>{german}<br>{desc}")
            label.setObjectName(f"office-{office.id}")
            label.setWordWrap(True)
            label.setFont(QFont(label.font().family(), 16))
            label.setMinimumHeight(72)
            label.setAccessibleName(name)
            box.addWidget(label)
        box.addStretch(1)
        area.setWidget(inner)
        self._layout.addWidget(area, 1)
        back = QPushButton(tr(BACK))
        back.setMinimumHeight(64)
        back.setFont(QFont(back.font().family(), 18))
        back.setAccessibleName(tr(BACK))
        back.clicked.connect(self._on_back)
        self._layout.addWidget(back)


class KioskWindow(QStackedWidget):
    def __init__(self, catalog: CompiledCatalog) -> None:
        super().__init__()
        self.setWindowTitle(catalog.catalog.header.title)
        self.languages = LanguageScreen(catalog, self.choose_language)
        self.offices = OfficesScreen(catalog, self.back_to_languages)
        self.addWidget(self.languages)
        self.addWidget(self.offices)

    def choose_language(self, lang: str) -> None:
        direction = (
            Qt.LayoutDirection.RightToLeft if is_rtl(lang) else Qt.LayoutDirection.LeftToRight
        )
        QApplication.setLayoutDirection(direction)
        self.offices.show_language(lang)
        self.setCurrentWidget(self.offices)

    def back_to_languages(self) -> None:
        QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.setCurrentWidget(self.languages)


def run_app(catalog: CompiledCatalog, *, home: Path, windowed: bool, smoke: bool) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = KioskWindow(catalog)
    if windowed or smoke:
        window.resize(1280, 800)
        window.show()
    else:
        window.setWindowFlags(
            Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        window.showFullScreen()
    if smoke:
        QTimer.singleShot(0, lambda: (window.repaint(), print("welcome screen shown"), app.quit()))
    return int(app.exec())
