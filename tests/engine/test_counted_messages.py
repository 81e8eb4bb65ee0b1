"""Validation messages that count (entries, characters) in the plural form of their number.

"Bitte schreiben Sie mindestens 1 Zeichen" but "mindestens 1 Eintrag", never "1 Einträge";
Russian and Ukrainian have three forms, Arabic six, Persian and Turkish one. The form is
the one gettext's rule in the language's ``Plural-Forms`` header gives for the number the
message names, and the German beside it follows the same number.
"""

from __future__ import annotations

import gettext

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from kiosk.engine.messages import Problem, render
from tests.engine.plurals import COUNTS, LANGUAGES, expected, po_file

#: Problem code -> the parameter that counts, and the German singular and plural msgids.
COUNTED = {
    "required_items": (
        "min",
        "Bitte fügen Sie mindestens {min} Eintrag hinzu.",
        "Bitte fügen Sie mindestens {min} Einträge hinzu.",
    ),
    "too_many_items": (
        "max",
        "Bitte fügen Sie höchstens {max} Eintrag hinzu.",
        "Bitte fügen Sie höchstens {max} Einträge hinzu.",
    ),
    "too_short": (
        "min",
        "Bitte schreiben Sie mindestens {min} Zeichen.",
        "Bitte schreiben Sie mindestens {min} Zeichen.",
    ),
    "too_long": (
        "max",
        "Bitte schreiben Sie höchstens {max} Zeichen.",
        "Bitte schreiben Sie höchstens {max} Zeichen.",
    ),
}

#: (language, code, number) -> exactly what the visitor reads.
SPOT_CHECKS = [
    ("de", "required_items", 1, "Bitte fügen Sie mindestens 1 Eintrag hinzu."),
    ("de", "required_items", 2, "Bitte fügen Sie mindestens 2 Einträge hinzu."),
    ("de", "too_many_items", 0, "Bitte fügen Sie höchstens 0 Einträge hinzu."),
    ("de", "too_short", 1, "Bitte schreiben Sie mindestens 1 Zeichen."),
    ("en", "too_long", 1, "Please write no more than 1 character."),
    ("en", "too_long", 2, "Please write no more than 2 characters."),
    ("ru", "too_short", 1, "Пожалуйста, напишите больше: как минимум 1 знак."),
    ("ru", "too_short", 3, "Пожалуйста, напишите больше: как минимум 3 знака."),
    ("ru", "too_short", 5, "Пожалуйста, напишите больше: как минимум 5 знаков."),
    ("ru", "required_items", 21, "Пожалуйста, добавьте больше записей: как минимум 21 запись."),
    ("ru", "required_items", 11, "Пожалуйста, добавьте больше записей: как минимум 11 записей."),
    ("uk", "too_long", 2, "Будь ласка, напишіть менше знаків: максимум 2 знаки."),
    ("ro", "too_long", 21, "Textul este prea lung. Vă rugăm să scrieți cel mult 21 de caractere."),
    ("ro", "too_long", 11, "Textul este prea lung. Vă rugăm să scrieți cel mult 11 caractere."),
    ("ar", "required_items", 2, "من فضلك أضف 2 إدخالين على الأقل."),
    ("ar", "required_items", 5, "من فضلك أضف 5 إدخالات على الأقل."),
    ("ar", "required_items", 11, "من فضلك أضف 11 إدخالًا على الأقل."),
    ("tr", "too_short", 2, "Lütfen en az 2 karakter yazın."),
]

#: Plural forms per language, as each ui.po's header numbers them. Persian and Turkish
#: keep the noun singular after a number: one form.
NPLURALS = {"en": 2, "ru": 3, "uk": 3, "ro": 3, "ar": 6, "fa": 1, "tr": 1}


@pytest.mark.parametrize("code", sorted(COUNTED))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_counted_message_takes_the_plural_form_of_its_number(lang: str, code: str) -> None:
    param, singular, plural = COUNTED[code]
    for n in COUNTS:
        message = render("f", Problem(code, {param: n}), lang)
        assert message.text == expected(lang, singular, plural, n, **{param: n}), (lang, n)
        assert message.text_de == expected("de", singular, plural, n, **{param: n}), n
        assert str(n) in message.text and "{" not in message.text
        if lang != "de":
            assert message.text != message.text_de, (lang, n)  # translated, not German


@pytest.mark.parametrize(("lang", "code", "n", "text"), SPOT_CHECKS)
def test_what_the_visitor_reads(lang: str, code: str, n: int, text: str) -> None:
    param = COUNTED[code][0]
    assert render("f", Problem(code, {param: n}), lang).text == text


def test_the_german_beside_follows_the_same_number() -> None:
    message = render("f", Problem("too_many_items", {"max": 1}), "ru")
    assert message.text == "Пожалуйста, добавьте меньше записей: максимум 1 запись."
    assert message.text_de == "Bitte fügen Sie höchstens 1 Eintrag hinzu."


@pytest.mark.parametrize("lang", sorted(NPLURALS))
def test_plural_forms_are_numbered_as_cldr_names_them(lang: str) -> None:
    """msgstr[n] is the category translators and their tools expect (CLDR's order: zero,
    one, two, few, many, other), so a form written for "many" is shown for 11, not 101."""
    with po_file(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    assert catalog.num_plurals == NPLURALS[lang]
    rule = gettext.c2py(catalog.plural_expr)
    if catalog.num_plurals == 1:
        assert {rule(n) for n in range(1001)} == {0}
        return
    cldr = get_plural(lang)
    assert cldr.num_plurals == catalog.num_plurals
    cldr_rule = gettext.c2py(cldr.plural_expr)
    assert [rule(n) for n in range(1001)] == [cldr_rule(n) for n in range(1001)]
