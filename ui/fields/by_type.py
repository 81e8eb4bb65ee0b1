"""Which input each field type gets on screen, in one table.

Every declared field type (:data:`kiosk.definition.model.FieldType`) has one row
in :data:`INPUT_FOR_TYPE`: typed answers get a text box with the keyboard their
answer needs, choices get buttons or a searchable list, dates a picker, and so
on; a note or a repeat group gets no input of its own (a repeat group is a
:class:`~ui.fields.frame.GroupFrame` of questions). The tests hold the table to
exactly the declared types, beside the core's table of what each type means
(:mod:`kiosk.engine.field_types`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import CodeList, FieldType, Form, FormField
from kiosk.definition.strings import codelist_ctx, field_ctx, option_ctx
from kiosk.engine.validators import resolve_date_bound
from ui import texts
from ui.fields.base import Input
from ui.fields.choice import ChoiceInput, ListChoiceInput, Option, YesNoInput, country_options
from ui.fields.date_picker import DateRange
from ui.fields.inputs import AddressInput, AttachmentInput, ConsentInput, DateInput, SignatureInput
from ui.fields.number import NumberInput
from ui.fields.text import TextInput
from ui.keyboard import KeyboardKind
from ui.speech import Speak
from ui.tr import Tr

#: More options than this are a searchable list instead of a column of buttons.
MAX_BUTTON_OPTIONS = 8
#: A pattern whose letters are all from ranges like A-Z or a-z wants Latin letters.
_LATIN_RANGE = re.compile(r"[A-Za-z]-[A-Za-z]")


class FieldContext:
    """What every field widget of one form needs to know."""

    def __init__(
        self,
        tr: Tr,
        form: Form,
        today: dt.date,
        speak: Speak | None = None,
    ) -> None:
        self.tr = tr
        self.form = form
        self.today = today
        #: reads a text aloud; None where the terminal cannot (no speaker buttons then)
        self.speak = speak
        catalog = cast(CompiledCatalog, tr.catalog)
        self.codelists: dict[str, CodeList] = {c.id: c for c in catalog.catalog.codelists}

    def text(self, key: str, attr: str, german: str) -> str:
        return self.tr.cat(field_ctx(self.form.id, key, attr), german)

    def options(self, f: FormField, key: str) -> list[Option]:
        """(value, words in the visitor's language, German words) for each option."""
        if f.options is not None:
            return [
                (o.value, self.tr.cat(option_ctx(self.form.id, key, o.value), o.label), o.label)
                for o in f.options
            ]
        cl = self.codelists.get(f.codelist or "")
        if cl is None:
            return []
        return [
            (o.value, self.tr.cat(codelist_ctx(cl.id, o.value), o.label), o.label)
            for o in cl.options
        ]

    def date_range(self, f: FormField) -> DateRange:
        today = self.today
        low = (
            resolve_date_bound(f.min_date, today)
            if f.min_date
            else today.replace(year=today.year - 120)
        )
        high = (
            resolve_date_bound(f.max_date, today)
            if f.max_date
            else today.replace(year=today.year + 10)
        )
        return DateRange(low, max(low, high))


#: Builds the input of one field: (field, path of the answer, context) -> widget or None.
InputFactory = Callable[[FormField, str, FieldContext], Input | None]


@dataclass(frozen=True)
class Typed:
    """A text box for an answer the visitor types, with the keyboard that answer needs."""

    keyboard: KeyboardKind

    def __call__(self, f: FormField, key: str, ctx: FieldContext) -> Input:
        keyboard = _pattern_keyboard(self.keyboard, f.pattern)
        return TextInput(f.type, key, ctx.text(key, "label", f.label), keyboard=keyboard)


@dataclass(frozen=True)
class TypedNumber(Typed):
    """A number or an amount: read as the visitor's language writes it, echoed back."""

    def __call__(self, f: FormField, key: str, ctx: FieldContext) -> Input:
        words = ctx.text(key, "label", f.label)
        return NumberInput(f.type, key, words, ctx.tr, keyboard=self.keyboard)


def _pattern_keyboard(kind: KeyboardKind, pattern: str | None) -> KeyboardKind:
    if kind == "native" and pattern and pattern.isascii() and _LATIN_RANGE.search(pattern):
        return "latin"  # a file number like "^[A-Za-z0-9/ .-]*$": no Arabic letters fit
    return kind


def _yes_no(f: FormField, key: str, ctx: FieldContext) -> Input:
    return YesNoInput(ctx.tr, key)


def _choice(f: FormField, key: str, ctx: FieldContext) -> Input:
    options = ctx.options(f, key)
    if len(options) > MAX_BUTTON_OPTIONS:
        return ListChoiceInput(options, ctx.tr, key)
    return ChoiceInput(options, False, key, ctx.tr)


def _multi_choice(f: FormField, key: str, ctx: FieldContext) -> Input:
    return ChoiceInput(ctx.options(f, key), True, key, ctx.tr)


def _country(f: FormField, key: str, ctx: FieldContext) -> Input:
    tr = ctx.tr
    extra = [
        (o.value, tr.cat(option_ctx(ctx.form.id, key, o.value), o.label), o.label)
        for o in f.extra_options or ()
    ]
    return ListChoiceInput(
        country_options(tr, extra), tr, key, placeholder=tr(texts.SEARCH_COUNTRY)
    )


def _date(f: FormField, key: str, ctx: FieldContext) -> Input:
    title = ctx.text(key, "label", f.label)
    return DateInput(ctx.tr, key, ctx.date_range(f), title=title, german=f.label)


def _address(f: FormField, key: str, ctx: FieldContext) -> Input:
    return AddressInput(ctx.tr, key, f.foreign)


def _consent(f: FormField, key: str, ctx: FieldContext) -> Input | None:
    if f.consent is None:  # the catalog refuses a consent without its text
        return None
    return ConsentInput(ctx.tr, ctx.text(key, "consent", f.consent.text), key)


def _signature(f: FormField, key: str, ctx: FieldContext) -> Input:
    return SignatureInput(ctx.tr, key)


def _attachment(f: FormField, key: str, ctx: FieldContext) -> Input:
    return AttachmentInput(ctx.tr, key)


def _no_input(f: FormField, key: str, ctx: FieldContext) -> None:
    return None


#: Declared field type -> the input it gets; the tests hold it to the declared types.
INPUT_FOR_TYPE: Mapping[FieldType, InputFactory] = MappingProxyType(
    {
        "text": Typed("native"),
        "long_text": Typed("native"),
        "integer": TypedNumber("digits"),
        "decimal": TypedNumber("number"),
        "money": TypedNumber("number"),
        "date": _date,
        "yes_no": _yes_no,
        "choice": _choice,
        "multi_choice": _multi_choice,
        "country": _country,
        "nationality": _country,
        "phone": Typed("phone"),
        "email": Typed("email"),
        "iban": Typed("code"),
        "postcode": Typed("digits"),
        "person_name": Typed("latin"),
        "place": Typed("latin"),
        "address": _address,
        "consent": _consent,
        "signature": _signature,
        "attachment": _attachment,
        "note": _no_input,
        "group": _no_input,  # its questions are frames of their own (GroupFrame)
    }
)


def make_input(f: FormField, key: str, ctx: FieldContext) -> Input | None:
    """The input for *f* whose answer lives at *key* (None: the field shows words only)."""
    return INPUT_FOR_TYPE[f.type](f, key, ctx)


def keyboard_for(field_type: str, pattern: str | None = None) -> KeyboardKind:
    """The keyboard an answer of *field_type* asks for (the visitor's own script for
    anything that is not typed, or not known)."""
    factory = INPUT_FOR_TYPE.get(cast(FieldType, field_type))
    kind: KeyboardKind = factory.keyboard if isinstance(factory, Typed) else "native"
    return _pattern_keyboard(kind, pattern)
