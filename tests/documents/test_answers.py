"""Answers in words: one wording for every declared field type, the same on the review
screen and on both copies."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.definition.model import Consent, FormField
from kiosk.documents.answers import TO_BE_HANDED_IN, WORDING_FOR_TYPE, describe
from tests.engine.test_field_types import assert_covers_declared_types


def test_every_declared_type_has_exactly_one_wording() -> None:
    assert_covers_declared_types(WORDING_FOR_TYPE)


WORDINGS = [
    # field type, answer as the engine exports it, language, words
    ("yes_no", True, "de", "Ja"),
    ("yes_no", False, "de", "Nein"),
    ("consent", True, "de", "Ich stimme zu"),
    ("integer", "1234", "de", "1234"),
    ("decimal", "1234.5", "de", "1.234,5"),
    # amounts as catalog texts show them (kiosk.localized.money): Western digits in every
    # language, as the office and the visitor's papers write them, and always the cents
    ("money", "1234.5", "de", "1.234,50\u00a0€"),
    ("money", "40000", "en", "€40,000.00"),
    ("money", "1234.5", "ar", "\u200f1,234.50\u00a0€"),
    ("money", "40000", "fa", "\u200e€\u00a040,000.00"),
    ("money", "40000", "ru", "40\u00a0000,00\u00a0€"),
    ("date", "2026-11-21", "de", "21. November 2026"),
    ("nationality", "UA", "de", "Ukraine"),
    ("iban", "DE89370400440532013000", "de", "DE89370400440532013000"),
    ("text", "Zeile", "de", "Zeile"),
    ("signature", "data:image/png;base64,AAAA", "de", "unterschrieben"),
    ("attachment", None, "de", TO_BE_HANDED_IN),
    ("attachment", {"filename": "miete.pdf"}, "de", "miete.pdf"),
    ("phone", None, "de", "keine Angabe"),
    (
        "address",
        {"street": "Hohe Straße", "house_number": "12a", "postcode": "44135", "city": "Dortmund"},
        "de",
        "Hohe Straße 12a, 44135 Dortmund",
    ),
]


@pytest.mark.parametrize(("type_", "value", "lang", "words"), WORDINGS)
def test_an_answer_in_words(type_: str, value: Any, lang: str, words: str) -> None:
    consent = Consent(text="Ich stimme zu.", version="1") if type_ == "consent" else None
    f = FormField(id="f", type=type_, label="Frage", consent=consent)
    assert describe(None, None, f, "f", value, lang) == words  # type: ignore[arg-type]
