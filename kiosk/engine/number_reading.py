"""Reading a number as a visitor typed it: their digits, their separators, never a guess.

"40.000" is forty thousand in German and forty in English; a visitor copying an
amount from a German Bescheid into the English form means forty thousand. So a
typed number is read with the separators of the visitor's language (CLDR, through
Babel), and where the text has two plausible readings it is refused, naming both,
instead of guessed:

- digits of any script count (Arabic-Indic ``٠-٩``, Persian ``۰-۹``, ...), and
  the Arabic decimal and thousands separators (``٫`` and ``٬``) mean what they say,
  and so do spaces (also no-break spaces) between digits: they separate thousands;
- with both ``.`` and ``,`` in the text, the later one is the decimal separator;
- one separator that occurs more than once separates thousands (``1.234.567``);
- one separator that occurs once is a decimal separator, unless exactly three digits
  follow it and at most three precede it: then it separates thousands if it is the
  language's thousands separator (German ``40.000``, English ``40,000``), and the
  text is **ambiguous** otherwise (English ``40.000``, German ``1,500``).

Without a language (the engine checking an answer that was stored as typed) no
separator is known to separate thousands, so every text of that last shape is
ambiguous. What the terminal stores is :func:`canonical` text, which this reader
reads back exactly in every language: digits, and a point before the decimals.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from babel.numbers import get_group_symbol

from kiosk.localized import DIGITS, locale_of

#: Longest text read at all: 15 digits with separators and a sign fit easily.
MAX_LENGTH: Final = 64
#: Digits before and after the decimal separator an answer may have.
MAX_WHOLE_DIGITS: Final = 15
MAX_FRACTION_DIGITS: Final = 10
_DECIMAL, _GROUP = "D", "G"  # the Arabic separators, whose meaning is never in doubt
_SEPARATORS: Final = {"\u066b": _DECIMAL, "\u066c": _GROUP, "\u060c": ","}  # Arabic comma
_MINUS: Final = frozenset("-\u2212")


@dataclass(frozen=True)
class NumberReading:
    """What a typed text means as a number."""

    #: the number; None when the text is not one, or could be two
    value: Decimal | None
    #: (read with thousands, read with a decimal separator) when the text could be either
    ambiguous: tuple[Decimal, Decimal] | None = None


NOT_A_NUMBER: Final = NumberReading(None)


def canonical(value: Decimal) -> str:
    """*value* as the terminal stores it: digits and a decimal point, never an exponent,
    and never exactly three decimals (``0.1250``), which would read as a thousands group."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
        whole, _, fraction = text.partition(".")
        if len(fraction) == 3 and len(whole.lstrip("-")) <= 3:
            text += "0"
    return "0" if text in {"-0", ""} else text


def read_number(text: str, lang: str | None) -> NumberReading:
    """*text* as a visitor of *lang* means it (see the module's docstring); without *lang*,
    with no thousands separator known."""
    if len(text) > MAX_LENGTH:
        return NOT_A_NUMBER
    chars: list[str] = []
    for ch in text.strip():
        if ch.isspace():  # thousands apart by (no-break) spaces: "40 000"
            if chars and chars[-1] != _GROUP:
                chars.append(_GROUP)
        elif ch.isdecimal():
            chars.append(str(unicodedata.decimal(ch)))
        else:
            chars.append(_SEPARATORS.get(ch, ch))
    s = "".join(chars)
    sign = ""
    if s[:1] in _MINUS or s[:1] == "+":
        sign, s = ("-" if s[:1] in _MINUS else ""), s[1:].lstrip(_GROUP)
    if not s or not s[0].isdigit() or not s[-1].isdigit():
        return NOT_A_NUMBER
    if any(not (ch.isdigit() or ch in ".,DG") for ch in s):
        return NOT_A_NUMBER
    decimal = _decimal_separator(s, _group_symbol(lang))
    if isinstance(decimal, NumberReading):
        if decimal.ambiguous is not None and sign:
            grouped, fractional = decimal.ambiguous
            return NumberReading(None, (-grouped, -fractional))
        return decimal
    whole, fraction = s, ""
    if decimal is not None:
        if s.count(decimal) != 1:
            return NOT_A_NUMBER
        whole, _, fraction = s.partition(decimal)
    if (fraction and not fraction.isdigit()) or not _grouped_well(whole, lang):
        return NOT_A_NUMBER
    digits = "".join(ch for ch in whole if ch.isdigit())
    if len(digits) > MAX_WHOLE_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        return NOT_A_NUMBER
    return NumberReading(_number(sign + digits, fraction))


def _decimal_separator(s: str, group: str | None) -> str | NumberReading | None:
    """The decimal separator of *s* (None: it has none), or the reading that settles it."""
    if _DECIMAL in s:
        return _DECIMAL
    present = [ch for ch in ".," if ch in s]
    if len(present) == 2:
        return max(present, key=s.rindex)
    if not present:
        return None
    sep = present[0]
    if s.count(sep) > 1:
        return None  # a decimal separator occurs once: these separate thousands
    whole, fraction = s.split(sep)
    digits_before = sum(ch.isdigit() for ch in whole)
    if len(fraction) != 3 or (_GROUP not in whole and digits_before > 3):
        return sep  # "40.5", "1234.567": no thousands group has this shape
    if sep == group:
        return None
    plain = "".join(ch for ch in whole if ch.isdigit())
    return NumberReading(None, (_number(plain + fraction, ""), _number(plain, fraction)))


def _group_symbol(lang: str | None) -> str | None:
    if lang is None:
        return None
    symbol = str(get_group_symbol(locale_of(lang), numbering_system=DIGITS))
    return symbol if symbol in ".," else None  # a space is read as a space anyway


def _grouped_well(whole: str, lang: str | None) -> bool:
    """Thousands separators only between groups of three digits (or the language's own
    grouping, as Hindi's ``1,00,000``), the first group shorter at most."""
    groups = whole.replace(".", _GROUP).replace(",", _GROUP).split(_GROUP)
    if len(groups) == 1:
        return True
    sizes = [len(g) for g in groups]
    patterns = {(3, 3)}
    if lang is not None:
        patterns.add(locale_of(lang).decimal_formats[None].grouping)
    for primary, secondary in patterns:
        middle_ok = all(n == secondary for n in sizes[1:-1])
        if sizes[-1] == primary and middle_ok and 1 <= sizes[0] <= secondary:
            return True
    return False


def _number(whole: str, fraction: str) -> Decimal:
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:  # pragma: no cover - only digits reach here
        return Decimal(0)
