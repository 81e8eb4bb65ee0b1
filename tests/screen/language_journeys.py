"""A whole application in Pashto, Sorani, Tigrinya and Somali, typed on each language's
own on-screen keyboard: names in Latin letters (the keyboard switches to Latin for them,
as passports spell them), the country searched and a free-text answer written in the
visitor's script (Ge'ez syllables as consonant then vowel), sent, and the next language
started from the welcome screen."""

from __future__ import annotations

import datetime as dt

from babel import Locale
from PySide6.QtGui import QGuiApplication

from tests.screen.driver import RealScreen
from tests.screen.journeys import (
    appointment_request_to_the_end,
    fill_text,
    journey,
    open_form,
    pick_date,
    start,
    tap_list_item,
    wait_screen,
)
from ui.keyboard import keyboard_locales

#: Ge'ez vowel keys by order (the first order is the consonant key itself)
GEEZ_VOWELS = ("", "u", "i", "a", "e", "ə", "o")
#: per language: the country of the visitor, the free-text remark (thank you)
VISITORS = {
    "ps": ("AF", "مننه"),
    "ckb": ("IQ", "سوپاس"),
    "ti": ("ER", "የቐንየለይ"),
    "so": ("SO", "Mahadsanid"),
}


def is_geez(char: str) -> bool:
    return 0x1200 <= ord(char) <= 0x137F


def type_script(s: RealScreen, text: str) -> None:
    """*text* on the keyboard shown: a Ge'ez syllable as its consonant, then its vowel."""
    # imported here: that module runs journeys too, and this one is part of them
    from tests.screen.keyboard_layouts import tap_key

    for char in text:
        if is_geez(char):
            order = (ord(char) - 0x1200) % 8
            tap_key(s, chr(ord(char) - order))
            if order:
                tap_key(s, GEEZ_VOWELS[order])
        else:
            s.type_text(char)
    s.settle(0.2)
    s.check()


def write_in_script(s: RealScreen, field: str, text: str) -> None:
    s.tap(field)
    s.wait_until(lambda: s.keyboard_rect() is not None, 5, "the keyboard")
    type_script(s, text)
    if not s.focused_text().endswith(text):
        s.fail(f"typed {text!r} into {field} but it holds {s.focused_text()!r}")


def names_in_latin(s: RealScreen, lang: str) -> None:
    """Names as the passport spells them: the keyboard is Latin for them, whatever script
    the visitor's language has."""
    fill_text(s, "family_name", "Haddad")
    panel = s.window.keyboard
    latin = keyboard_locales(lang)[1]
    if panel is None or panel.using != latin:
        s.fail(f"{lang}: a name field shows {getattr(panel, 'using', None)}, not {latin}")
    fill_text(s, "given_names", "Samir")


def pick_row(s: RealScreen, list_id: str, wanted: str) -> None:
    """Search *list_id* by the first letters of *wanted* (typed in its script) and tap it."""
    write_in_script(s, f"{list_id}.search", wanted[:3])
    tap_list_item(s, list_id, wanted)


def application_in(s: RealScreen, lang: str) -> None:
    country, remark = VISITORS[lang]
    start(s, lang)
    open_form(s, "auslaenderbehoerde", "appointment_request")
    names_in_latin(s, lang)
    pick_date(s, "birth_date", dt.date(1990, 5, 2))
    pick_row(s, "nationality", Locale.parse(lang).territories[country])
    fill_text(s, "phone", "0231123456")
    s.tap("next")
    s.wait_until(lambda: getattr(s.window.current, "page", "") == "request", 5, "page 2")
    s.tap("concern.other")
    write_in_script(s, "concern_other", remark)  # the free-text answer, in the script
    document = s.window.current.frames["current_document"]
    permit = next(
        words
        for value, words, german in document.ctx.options(document.field, document.key)
        if german.startswith("Aufenthaltserlaubnis")
    )
    pick_row(s, "current_document", permit)
    appointment_request_to_the_end(s, lambda: write_in_script(s, "remarks", remark))
    s.tap("finish")
    wait_screen(s, "welcome")


#: Which languages each terminal size types in: every language on at least one size, a
#: right-to-left one on each, at half the time of all four everywhere.
BY_SCREEN = {
    "small": ("ps", "ti"),
    "portrait": ("ckb", "so"),
    "landscape": ("ps", "ti"),
}


def screen_kind() -> str:
    screen = QGuiApplication.primaryScreen().geometry()
    if screen.height() > screen.width():
        return "portrait"
    return "small" if screen.height() < 900 else "landscape"


@journey
def newcomer_languages_typed_on_their_keyboards(s: RealScreen) -> None:
    for lang in BY_SCREEN[screen_kind()]:
        application_in(s, lang)
