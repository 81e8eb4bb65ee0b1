"""Answers in words: option labels, dates, yes/no and addresses as people read them.

The review screen, the visitor copy (visitor's language) and the office copy
(German) all describe answers the same way, so they are worded here once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.codelists import country_names
from kiosk.definition.model import CHOICE_TYPES, Form, FormField
from kiosk.definition.strings import codelist_ctx, option_ctx
from kiosk.i18n import N_, gettext_for

YES, NO = N_("Ja"), N_("Nein")
AGREED = N_("Ich stimme zu")
NOT_ANSWERED = N_("keine Angabe")
SIGNED = N_("unterschrieben")
#: The kiosk takes no files: a document the form asks for is handed to staff or brought.
TO_BE_HANDED_IN = N_("wird nachgereicht (beim Personal abgegeben oder zum Termin mitgebracht)")
#: Digits before the decimal point that an amount is written out with; the engine accepts
#: far fewer, anything longer is shown as it was given.
NUMBER_DIGITS = 30


def _option(
    catalog: CompiledCatalog, form: Form, f: FormField, key: str, value: str, lang: str
) -> str:
    for o in (f.options or []) + (f.extra_options or []):
        if o.value == value:
            return catalog.t(lang, option_ctx(form.id, key, value), o.label)
    if f.codelist:
        for cl in catalog.catalog.codelists:
            if cl.id == f.codelist:
                for o in cl.options:
                    if o.value == value:
                        return catalog.t(lang, codelist_ctx(cl.id, value), o.label)
    if f.type in {"country", "nationality"} or f.foreign:
        return country_names(lang).get(value, value)
    return value


def describe(
    catalog: CompiledCatalog, form: Form, f: FormField, key: str, value: Any, lang: str
) -> str:
    """*value* (as the engine exports it) in words of *lang*."""
    tr = gettext_for(lang).gettext
    if f.type == "attachment" and not value:
        return tr(TO_BE_HANDED_IN)
    if value is None or value == "" or value == []:
        return tr(NOT_ANSWERED)
    if f.type == "yes_no":
        return tr(YES if value else NO)
    if f.type == "consent":
        return tr(AGREED) if value else tr(NOT_ANSWERED)
    if f.type in CHOICE_TYPES or f.type in {"country", "nationality"}:
        values = value if isinstance(value, list) else [value]
        return ", ".join(_option(catalog, form, f, key, str(v), lang) for v in values)
    if f.type == "date":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return str(format_date(day, format="long", locale=lang))
    if f.type == "address" and isinstance(value, dict):
        line = " ".join(p for p in (value.get("street"), value.get("house_number")) if p)
        town = " ".join(p for p in (value.get("postcode"), value.get("city")) if p)
        parts = [line, town, value.get("extra", "")]
        if value.get("country"):
            parts.append(_option(catalog, form, f, key, value["country"], lang))
        return ", ".join(p for p in parts if p)
    if f.type == "signature":
        return tr(SIGNED)
    if f.type == "attachment" and isinstance(value, dict):
        return str(value.get("filename", ""))
    if f.type in {"money", "decimal"}:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if not amount.is_finite() or amount.adjusted() > NUMBER_DIGITS:
            return str(value)  # "1E+999999999" would be written out digit by digit
        text = str(
            format_decimal(
                amount,
                format="#,##0.00" if f.type == "money" else "#,##0.###",
                locale=lang,
                numbering_system="latn",
            )
        )
        return f"{text} €" if f.type == "money" else text
    return str(value)
