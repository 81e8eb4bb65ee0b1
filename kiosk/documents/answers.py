"""Answers in words: option labels, dates, yes/no and addresses as people read them.

The review screen, the visitor copy (visitor's language) and the office copy
(German) all describe answers the same way, so they are worded here once: one
wording per declared field type, in :data:`WORDING_FOR_TYPE`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.codelists import country_names
from kiosk.definition.model import FieldType, Form, FormField
from kiosk.definition.strings import codelist_ctx, option_ctx
from kiosk.engine.field_types import FIELD_TYPES, Choices
from kiosk.i18n import N_, gettext_for
from kiosk.localized import DIGITS, money

YES, NO = N_("Ja"), N_("Nein")
AGREED = N_("Ich stimme zu")
NOT_ANSWERED = N_("keine Angabe")
SIGNED = N_("unterschrieben")
#: The kiosk takes no files: a document the form asks for is handed to staff or brought.
TO_BE_HANDED_IN = N_("wird nachgereicht (beim Personal abgegeben oder zum Termin mitgebracht)")
#: Digits before the decimal point that an amount is written out with; the engine accepts
#: far fewer, anything longer is shown as it was given.
NUMBER_DIGITS = 30


@dataclass(frozen=True)
class _Answer:
    """One answer to put into words, with what wording it needs."""

    catalog: CompiledCatalog
    form: Form
    field: FormField
    key: str
    value: Any
    lang: str

    def tr(self, msgid: str) -> str:
        return gettext_for(self.lang).gettext(msgid)

    def option(self, value: str) -> str:
        """The label of the stored option *value* in the answer's language."""
        f, catalog, lang = self.field, self.catalog, self.lang
        for o in (f.options or []) + (f.extra_options or []):
            if o.value == value:
                return catalog.t(lang, option_ctx(self.form.id, self.key, value), o.label)
        if f.codelist:
            for cl in catalog.catalog.codelists:
                if cl.id == f.codelist:
                    for o in cl.options:
                        if o.value == value:
                            return catalog.t(lang, codelist_ctx(cl.id, value), o.label)
        if FIELD_TYPES[f.type].choices is Choices.COUNTRIES or f.foreign:
            return country_names(lang).get(value, value)
        return value


def describe(
    catalog: CompiledCatalog, form: Form, f: FormField, key: str, value: Any, lang: str
) -> str:
    """*value* (as the engine exports it) in words of *lang*."""
    tr = gettext_for(lang).gettext
    if FIELD_TYPES[f.type].handed_in_later and not value:
        return tr(TO_BE_HANDED_IN)
    if value is None or value == "" or value == []:
        return tr(NOT_ANSWERED)
    return WORDING_FOR_TYPE[f.type](_Answer(catalog, form, f, key, value, lang))


def _as_given(a: _Answer) -> str:
    return str(a.value)


def _yes_no(a: _Answer) -> str:
    return a.tr(YES if a.value else NO)


def _agreement(a: _Answer) -> str:
    return a.tr(AGREED) if a.value else a.tr(NOT_ANSWERED)


def _options(a: _Answer) -> str:
    values = a.value if isinstance(a.value, list) else [a.value]
    return ", ".join(a.option(str(v)) for v in values)


def _date(a: _Answer) -> str:
    day = a.value if isinstance(a.value, dt.date) else dt.date.fromisoformat(str(a.value))
    return str(format_date(day, format="long", locale=a.lang))


def _address(a: _Answer) -> str:
    value = a.value
    if not isinstance(value, dict):
        return str(value)
    line = " ".join(p for p in (value.get("street"), value.get("house_number")) if p)
    town = " ".join(p for p in (value.get("postcode"), value.get("city")) if p)
    parts = [line, town, value.get("extra", "")]
    if value.get("country"):
        parts.append(a.option(value["country"]))
    return ", ".join(p for p in parts if p)


def _signed(a: _Answer) -> str:
    return a.tr(SIGNED)


def _attachment(a: _Answer) -> str:
    if isinstance(a.value, dict):
        return str(a.value.get("filename", ""))
    return str(a.value)


def _amount(a: _Answer) -> Decimal | None:
    try:
        amount = Decimal(str(a.value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount.adjusted() > NUMBER_DIGITS:
        return None  # "1E+999999999" would be written out digit by digit
    return amount


def _decimal(a: _Answer) -> str:
    amount = _amount(a)
    if amount is None:
        return str(a.value)
    return str(format_decimal(amount, format="#,##0.###", locale=a.lang, numbering_system=DIGITS))


def _money(a: _Answer) -> str:
    """As catalog texts show amounts (:func:`kiosk.localized.money`): ``€1,234.50``."""
    amount = _amount(a)
    return str(a.value) if amount is None else money(amount, a.lang)


#: Declared field type -> how its answer is worded; the tests hold it to the declared types.
WORDING_FOR_TYPE: Mapping[FieldType, Callable[[_Answer], str]] = MappingProxyType(
    {
        "text": _as_given,
        "long_text": _as_given,
        "integer": _as_given,
        "decimal": _decimal,
        "money": _money,
        "date": _date,
        "yes_no": _yes_no,
        "choice": _options,
        "multi_choice": _options,
        "country": _options,
        "nationality": _options,
        "phone": _as_given,
        "email": _as_given,
        "iban": _as_given,
        "postcode": _as_given,
        "person_name": _as_given,
        "place": _as_given,
        "address": _address,
        "consent": _agreement,
        "signature": _signed,
        "attachment": _attachment,
        "note": _as_given,
        "group": _as_given,
    }
)
