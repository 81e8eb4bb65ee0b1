"""Typed numbers per language: what a visitor types, what the form keeps, what it refuses.

The form keeps numbers locale-neutral (``40000``, ``40.5``); a text that could be
two numbers is refused naming both, in the visitor's language, never guessed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kiosk.definition.model import FormField
from kiosk.engine.field_types import build_checker
from kiosk.engine.messages import render
from kiosk.engine.number_reading import canonical, read_number

AMBIGUOUS = "ambiguous"
REFUSED = "refused"

#: (language, what the visitor types) -> what the form keeps, or why it refuses
READINGS = [
    # German: the dot separates thousands, the comma decimals
    ("de", "40.000", "40000"),
    ("de", "40000", "40000"),
    ("de", "40.000,50", "40000.5"),
    ("de", "1.234.567", "1234567"),
    ("de", "40,5", "40.5"),
    ("de", "1,500", AMBIGUOUS),  # 1500, written the English way, or 1,5?
    ("de", "12,345", AMBIGUOUS),
    ("de", "40.5", "40.5"),  # no thousands group has one digit: a decimal point
    # English: the comma separates thousands, the point decimals
    ("en", "40,000", "40000"),
    ("en", "40.5", "40.5"),
    ("en", "40,000.50", "40000.5"),
    ("en", "40.000", AMBIGUOUS),  # copied from a German Bescheid, or forty?
    ("en", "1.234,56", "1234.56"),  # both separators: the later one is the decimal one
    ("en", "40,50", "40.5"),
    ("en", "12,34,567", REFUSED),  # groups of three, or nothing
    # Arabic: its own digits and separators, or Western ones
    ("ar", "٤٠٬٠٠٠", "40000"),
    ("ar", "٤٠٫٥", "40.5"),
    ("ar", "٤٠٫٠٠٠", "40"),  # the Arabic decimal separator is never a thousands one
    ("ar", "40,000", "40000"),
    ("ar", "٤٠٬٠٠٠٫٥٠", "40000.5"),
    ("ar", "40.000", AMBIGUOUS),
    # Persian (and Dari): Persian digits
    ("fa", "۴۰٬۰۰۰", "40000"),
    ("fa", "۴۰۰۰۰", "40000"),
    ("fa", "۱۲٫۵", "12.5"),
    ("fa_AF", "۴۰,۰۰۰", "40000"),
    ("fa", "40.000", AMBIGUOUS),
    # Russian and Ukrainian: spaces (also no-break spaces) separate thousands
    ("ru", "40 000", "40000"),
    ("ru", "40\u00a0000,5", "40000.5"),
    ("uk", "40\u202f000", "40000"),
    ("ru", "40,000", AMBIGUOUS),
    ("ru", "40.000", AMBIGUOUS),
    # Turkish writes thousands as German does
    ("tr", "40.000", "40000"),
    # Hindi groups by two above the thousands
    ("hi", "1,00,000", "100000"),
    # signs, spaces around, and what is no number
    ("de", " -2 ", "-2"),
    ("de", "\u22122", "-2"),
    ("de", "- 40.000", "-40000"),
    ("de", "1.", REFUSED),
    ("de", ",5", REFUSED),
    ("de", "1 2", REFUSED),  # two numbers, not thousands
    ("de", "40 Euro", REFUSED),
    ("de", "1e5", REFUSED),
    ("de", "", REFUSED),
    ("de", "1" * 16, REFUSED),  # more digits than any amount has
]


@pytest.mark.parametrize(("lang", "typed", "kept"), READINGS)
def test_a_typed_number_is_read_as_the_visitors_language_writes_it(
    lang: str, typed: str, kept: str
) -> None:
    reading = read_number(typed, lang)
    if kept == AMBIGUOUS:
        assert reading.value is None and reading.ambiguous is not None
    elif kept == REFUSED:
        assert reading == read_number("x", lang)  # no number, and no pair of numbers
    else:
        assert reading.value is not None and canonical(reading.value) == kept


def test_an_ambiguous_text_names_both_numbers_it_could_be() -> None:
    assert read_number("40.000", "en").ambiguous == (Decimal(40000), Decimal("40.000"))
    assert read_number("-1,500", "de").ambiguous == (Decimal(-1500), Decimal("-1.500"))


#: number -> the text the form keeps, which every language reads back as that number
CANONICAL = [
    ("40000", "40000"),
    ("40000.50", "40000.5"),
    ("0.125", "0.1250"),  # never exactly three decimals: they would read as thousands
    ("1234.567", "1234.567"),  # four digits before the point: no thousands group
    ("-0.5", "-0.5"),
    ("1E+3", "1000"),
    ("-0", "0"),
]


@pytest.mark.parametrize(("number", "kept"), CANONICAL)
def test_what_the_form_keeps_reads_back_as_the_same_number_in_every_language(
    number: str, kept: str
) -> None:
    assert canonical(Decimal(number)) == kept
    for lang in (None, "de", "en", "ar", "fa", "ru", "hi"):
        assert read_number(kept, lang).value == Decimal(number), lang


# ---------------------------------------------------------------- the form's check

TODAY = dt.date(2026, 11, 21)


def check(field_type: str, raw: object) -> tuple[object, str | None]:
    f = FormField(id="f", type=field_type, label="Betrag")
    value, problem = build_checker(f, None).check(raw, TODAY)
    return value, None if problem is None else problem.code


#: (field type, answer as stored) -> value, or the problem the form names
STORED = [
    ("money", "40000", Decimal("40000.00"), None),
    ("money", "40000.5", Decimal("40000.50"), None),
    ("integer", "40000", Decimal(40000), None),
    ("decimal", "0.1250", Decimal("0.1250"), None),
    # typed before the terminal kept numbers canonical: read as before where it is clear
    ("money", "1.234,56", Decimal("1234.56"), None),
    ("decimal", "3,5", Decimal("3.5"), None),
    # and refused where it is not, where it used to be read as forty
    ("money", "40.000", None, "ambiguous_number"),
    ("integer", "40,000", None, "ambiguous_number"),
    ("money", "vierzig", None, "not_number"),
]


@pytest.mark.parametrize(("field_type", "raw", "value", "code"), STORED)
def test_the_form_checks_the_answer_it_keeps(
    field_type: str, raw: str, value: Decimal | None, code: str | None
) -> None:
    assert check(field_type, raw) == (value, code)


def test_the_refusal_names_both_readings_as_the_visitor_types_them() -> None:
    f = FormField(id="f", type="decimal", label="Betrag")
    _, problem = build_checker(f, None).check("40.000", TODAY)
    assert problem is not None
    assert render("f", problem, "de").text == (
        "Meinen Sie 40000 oder 40? Bitte schreiben Sie die Zahl ohne Punkt oder Komma "
        "zwischen den Tausendern, zum Beispiel 40000."
    )
    _, problem = build_checker(f, None).check("1,500", TODAY)
    assert problem is not None
    assert "1500 oder 1,5?" in render("f", problem, "de").text  # the German decimal comma
    english = render("f", problem, "en")
    assert "1500" in english.text and "1.5" in english.text and "1,5" not in english.text
    assert "1500 oder 1,5?" in english.text_de  # the German beside it, in German numbers
