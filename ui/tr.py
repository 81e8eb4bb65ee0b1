"""The visitor's language as the screens need it: UI texts, catalog texts, direction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.dates import format_date
from PySide6.QtCore import QLocale, Qt

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.i18n import gettext_for

#: Virtual keyboard layouts the kiosk's languages map to (Qt ships these).
KEYBOARD_LOCALES = {
    "de": "de_DE",
    "en": "en_GB",
    "uk": "uk_UA",
    "ru": "ru_RU",
    "ar": "ar_AR",
    "fa": "fa_FA",
    "tr": "tr_TR",
    "ro": "ro_RO",
    "pl": "pl_PL",
    "bg": "bg_BG",
}


def native_name(lang: str) -> str:
    """The language's name in its own script, as its speakers write it."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Tr:
    lang: str
    catalog: CompiledCatalog

    def __call__(self, msgid: str, **params: Any) -> str:
        text = gettext_for(self.lang).gettext(msgid)
        if params:
            try:
                return text.format(**params)
            except (KeyError, IndexError, ValueError):
                return msgid.format(**params)
        return text

    def cat(self, ctx: str, german: str) -> str:
        return self.catalog.t(self.lang, ctx, german)

    @property
    def rtl(self) -> bool:
        return Locale.parse(self.lang).text_direction == "rtl"

    @property
    def direction(self) -> Qt.LayoutDirection:
        return Qt.LayoutDirection.RightToLeft if self.rtl else Qt.LayoutDirection.LeftToRight

    @property
    def qlocale(self) -> QLocale:
        return QLocale(KEYBOARD_LOCALES.get(self.lang, self.lang))

    @property
    def german(self) -> bool:
        return self.lang == "de"

    def date(self, day: dt.date) -> str:
        """A date as people of this language write it (Babel/CLDR), e.g. 21. November 2026."""
        return str(format_date(day, format="long", locale=self.lang))
