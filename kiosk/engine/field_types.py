"""What each declared field type means to the core, in one table.

A field type's facts (how expressions see its answer, how the answer is checked,
which message a missing answer gets, whether the visitor words it in their own
script, whether it always reads left to right, where its accepted answers come
from) used to be spread over the engine, the documents and the UI, so that
adding a type meant finding every place that named one. Here each declared type
(:data:`kiosk.definition.model.FieldType`) has exactly one row, and every part of
the core that varies by type reads its row; the tests hold the table to exactly
the declared types. Layers above keep their own tables keyed the same way (the
simulated answer, the words on a document, the UI's widget), each with the same
test.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from kiosk.definition.model import FieldType, FormField
from kiosk.engine.compound_checkers import address_checker, attachment_checker, signature_checker
from kiosk.engine.expressions import VT
from kiosk.engine.validators import (
    MONEY_MAX,
    CheckerMaker,
    FieldChecker,
    bool_checker,
    choice_checker,
    date_checker,
    email_checker,
    iban_checker,
    latin_checker,
    multi_choice_checker,
    no_answer,
    number_checker,
    phone_checker,
    postcode_checker,
    text_checker,
)


class Choices(enum.Enum):
    """Where the answers a field accepts come from."""

    #: any answer its checker lets through
    NONE = "none"
    #: the field's own options, or the code list it names
    LISTED = "listed"
    #: the ISO country codes, plus the field's extra options (such as "stateless")
    COUNTRIES = "countries"
    #: the ISO country codes for the country line, only when the address is abroad
    FOREIGN_ADDRESS = "foreign address"


@dataclass(frozen=True)
class FieldTypeInfo:
    """The core's facts about one field type."""

    #: how expressions see the answer; None: the field holds nothing to refer to
    value_type: VT | None
    #: prepares the check of one field's answers (see :mod:`kiosk.engine.validators`)
    checker: CheckerMaker
    #: message code when a required answer is missing (see :mod:`kiosk.engine.messages`)
    required_code: str = "required"
    #: worded by the visitor in their own script (any letters, ZWNJ/ZWJ), not Latin only
    free_text: bool = False
    #: digits and codes: shown left to right even inside a right-to-left layout
    always_ltr: bool = False
    #: where the accepted answers come from
    choices: Choices = Choices.NONE
    #: "required" means agreed to (yes), not merely answered
    agreement: bool = False
    #: the kiosk takes no files: never required on the terminal, handed in to staff or
    #: brought later, and listed on the documents even when unanswered
    handed_in_later: bool = False
    #: the visitor types the answer on a keyboard (letters, digits), rather than choosing
    #: it: personal text that must never appear in plaintext outside the sealed envelope
    typed: bool = False


#: Declared field type -> its facts. Typed by the model's Literal, so a row for a type
#: the model does not declare is a type error; tests check that none is missing.
FIELD_TYPES: Mapping[FieldType, FieldTypeInfo] = MappingProxyType(
    {
        "text": FieldTypeInfo(
            VT.TEXT,
            text_checker(multiline=False, default_max_length=200),
            free_text=True,
            typed=True,
        ),
        "long_text": FieldTypeInfo(
            VT.TEXT,
            text_checker(multiline=True, default_max_length=2000),
            free_text=True,
            typed=True,
        ),
        "integer": FieldTypeInfo(
            VT.NUMBER, number_checker(whole=True), always_ltr=True, typed=True
        ),
        "decimal": FieldTypeInfo(VT.NUMBER, number_checker(), always_ltr=True, typed=True),
        "money": FieldTypeInfo(
            VT.NUMBER,
            number_checker(cents=True, floor=Decimal(0), ceiling=MONEY_MAX),
            always_ltr=True,
            typed=True,
        ),
        "date": FieldTypeInfo(VT.DATE, date_checker, typed=True),
        "yes_no": FieldTypeInfo(VT.BOOL, bool_checker, required_code="required_choice"),
        "choice": FieldTypeInfo(
            VT.TEXT,
            choice_checker(not_listed="not_option"),
            required_code="required_choice",
            choices=Choices.LISTED,
        ),
        "multi_choice": FieldTypeInfo(
            VT.TEXT_LIST,
            multi_choice_checker,
            required_code="required_choice",
            choices=Choices.LISTED,
        ),
        "country": FieldTypeInfo(
            VT.TEXT,
            choice_checker(not_listed="not_country"),
            required_code="required_choice",
            choices=Choices.COUNTRIES,
        ),
        "nationality": FieldTypeInfo(
            VT.TEXT,
            choice_checker(not_listed="not_country"),
            required_code="required_choice",
            choices=Choices.COUNTRIES,
        ),
        "phone": FieldTypeInfo(VT.TEXT, phone_checker, always_ltr=True, typed=True),
        "email": FieldTypeInfo(VT.TEXT, email_checker, always_ltr=True, typed=True),
        "iban": FieldTypeInfo(VT.TEXT, iban_checker, always_ltr=True, typed=True),
        "postcode": FieldTypeInfo(VT.TEXT, postcode_checker, always_ltr=True, typed=True),
        "person_name": FieldTypeInfo(
            VT.TEXT, latin_checker(person=True, default_max_length=120), typed=True
        ),
        "place": FieldTypeInfo(
            VT.TEXT, latin_checker(person=False, default_max_length=120), typed=True
        ),
        "address": FieldTypeInfo(
            VT.OPAQUE, address_checker, choices=Choices.FOREIGN_ADDRESS, typed=True
        ),
        "consent": FieldTypeInfo(
            VT.BOOL, bool_checker, required_code="required_consent", agreement=True
        ),
        "signature": FieldTypeInfo(
            VT.OPAQUE, signature_checker, required_code="required_signature"
        ),
        "attachment": FieldTypeInfo(VT.OPAQUE, attachment_checker, handed_in_later=True),
        "note": FieldTypeInfo(None, no_answer),
        "group": FieldTypeInfo(VT.GROUP, no_answer),
    }
)

#: Types shown left to right in every layout: numbers, amounts, phone numbers, codes.
ALWAYS_LTR_TYPES: frozenset[str] = frozenset(t for t, i in FIELD_TYPES.items() if i.always_ltr)
#: Types the visitor words in their own script.
FREE_TEXT_TYPES: frozenset[str] = frozenset(t for t, i in FIELD_TYPES.items() if i.free_text)
#: Types whose answers the visitor types (what must never leak in plaintext).
TYPED_TYPES: frozenset[str] = frozenset(t for t, i in FIELD_TYPES.items() if i.typed)


def build_checker(f: FormField, options: frozenset[str] | None) -> FieldChecker:
    """The check of *f*'s answers, given the stored values it accepts (None: any)."""
    return FieldChecker(f, options, FIELD_TYPES[f.type].checker(f, options))
