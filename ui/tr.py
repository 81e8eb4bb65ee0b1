"""The visitor's language as the screens need it: UI texts, catalog texts, direction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import Qt

from kiosk.i18n import Plural, gettext_for, ngettext_for
from kiosk.locales import is_rtl
from ui.latin_runs import isolate_latin_runs


class CatalogTexts(Protocol):
    """What the screens need of a catalog: its texts in a language."""

    def t(self, lang: str, ctx: str, german: str) -> str: ...


#: The keyboard layout of each of the kiosk's languages: Qt's own where Qt has one, the
#: kiosk's own (``ui/qml/layouts``) for Pashto, Sorani, Kurmanji, Tigrinya and Somali.
KEYBOARD_LOCALES = {
    "de": "de_DE",
    "de@leicht": "de_DE",  # Leichte Sprache is German
    "en": "en_GB",
    "uk": "uk_UA",
    "ru": "ru_RU",
    "ar": "ar_AR",
    "fa": "fa_FA",
    "fa_AF": "fa_FA",  # Dari is written in Persian's letters
    "ps": "ps_AF",
    "ckb": "ckb_IQ",
    "ku": "ku_TR",  # Kurmanji, in Latin letters
    "ti": "ti_ER",
    "so": "so_SO",
    "tr": "tr_TR",
    "ro": "ro_RO",
    "pl": "pl_PL",
    "bg": "bg_BG",
    "fr": "fr_FR",
    "sq": "sq_AL",
}


def ltr_isolate(text: str) -> str:
    """Codes, numbers, phone numbers and IBANs stay left-to-right inside right-to-left text
    (Unicode isolates: the '+' of a phone number stays in front of its digits)."""
    return f"\u2066{text}\u2069"


@dataclass(frozen=True)
class Tr:
    """Texts in one language; with ``beside`` (assisted mode) every text carries its
    German original on a second line, so staff read along in full."""

    lang: str
    catalog: CatalogTexts
    beside: bool = False

    def __call__(self, msgid: str, **params: Any) -> str:
        return self._filled(gettext_for(self.lang).gettext(msgid), msgid, params)

    def plural(self, text: Plural, n: int, **params: Any) -> str:
        """A counted text in the form this language uses for *n* ("1 Sekunde", "2 Sekunden";
        Russian and Arabic have more forms). The count is not a placeholder by itself:
        pass it in *params* too, under the name the text uses. The German beside it
        (assisted mode) is chosen by the same count."""
        return self._filled(ngettext_for(self.lang, text, n), text.german(n), params)

    def _filled(self, text: str, german: str, params: dict[str, Any]) -> str:
        """*text* with its placeholders filled: a translation that lost or broke one falls
        back to the German, so the visitor still reads the number."""
        if params:
            try:
                text = text.format(**params)
            except (KeyError, IndexError, ValueError):
                text = german.format(**params)
            german = german.format(**params)
        return self._with_german(text, german)

    def cat(self, ctx: str, german: str) -> str:
        """The catalog's text in this language; in a right-to-left language its German
        terms, numbers and addresses are isolated so they keep their order."""
        text = self.catalog.t(self.lang, ctx, german)
        if self.rtl and text != german:
            text = isolate_latin_runs(text)
        return self._with_german(text, german)

    def _with_german(self, text: str, german: str) -> str:
        return self.with_german(text, german) if self.beside else text

    def german_fragment(self, german: str) -> str:
        """German text placed inside this language's text: in a right-to-left language it
        is isolated, so its full stop stays at its end and its words in their order."""
        return ltr_isolate(german) if self.rtl else german

    def with_german(self, text: str, german: str) -> str:
        """The visitor's text, and below it the German one when it differs (messages)."""
        if self.german or text == german:
            return text
        return f"{text}\n{self.german_fragment(german)}"

    @property
    def shows_german(self) -> bool:
        """The German original is already part of every text (no separate German line)."""
        return self.german or self.beside

    @property
    def rtl(self) -> bool:
        return is_rtl(self.lang)

    @property
    def direction(self) -> Qt.LayoutDirection:
        return Qt.LayoutDirection.RightToLeft if self.rtl else Qt.LayoutDirection.LeftToRight

    @property
    def german(self) -> bool:
        return self.lang == "de"

    def date(self, day: dt.date) -> str:
        """A date as people of this language write it (Babel/CLDR), e.g. 21. November 2026."""
        from babel.dates import format_date

        return str(format_date(day, format="long", locale=self.lang))
