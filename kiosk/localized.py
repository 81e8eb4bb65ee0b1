"""Amounts, numbers and dates as a reader of one language writes them (Babel/CLDR).

"40.000 Euro" is forty thousand to a German reader and forty to an English one;
so every amount the kiosk shows (in catalog texts, in answers on the documents,
in the line that echoes what a visitor typed) is formatted here, for the
language it is shown in: ``40.000,00 €`` in German, ``€40,000.00`` in English,
``40 000,00 €`` in Russian. Amounts always carry their cents: with the decimal
separator in sight, the grouping separator cannot be taken for it.

Digits are Western (``latn``) in every language, also where CLDR's default is
another script (Persian ``arabext``, Pashto, Sorani Kurdish): the amounts a
visitor compares with are on German papers (a Bescheid, a bank statement, the
office copy) in Western digits, staff who help read the same digits, and the
Maghreb writes them anyway. Digits of the visitor's script are still accepted
as input (:mod:`kiosk.engine.number_reading`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

#: The numbering system of every number the kiosk writes (see the module's docstring).
DIGITS: Final = "latn"
#: The currency of every amount in the catalog and in answers.
CURRENCY: Final = "EUR"
#: A number written without grouping, all its decimals kept (for input examples).
_PLAIN: Final = "0.##########"


@cache
def locale_of(lang: str) -> Locale:
    """The CLDR locale of *lang* (``ar``, ``fa_AF``); German when CLDR does not know it,
    which the catalog build refuses for catalog languages anyway."""
    try:
        return Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        return Locale.parse("de")


def money(amount: Decimal | int | str, lang: str) -> str:
    """*amount* euros with cents, as *lang* writes money: ``€40,000.00`` in English."""
    return str(
        format_currency(Decimal(amount), CURRENCY, locale=locale_of(lang), numbering_system=DIGITS)
    )


def number(value: Decimal | int | str, lang: str) -> str:
    """*value* with the grouping and decimal separator of *lang*: ``40,000.5`` in English."""
    return str(format_decimal(Decimal(value), locale=locale_of(lang), numbering_system=DIGITS))


def plain_number(value: Decimal | int | str, lang: str) -> str:
    """*value* without grouping, as a visitor would type it: ``40000`` or ``1,5`` in German."""
    return str(
        format_decimal(
            Decimal(value), format=_PLAIN, locale=locale_of(lang), numbering_system=DIGITS
        )
    )


def long_date(day: dt.date, lang: str) -> str:
    """*day* spelt out as *lang* writes it: ``31. März 2025``, ``March 31, 2025``."""
    return str(format_date(day, format="long", locale=locale_of(lang)))
