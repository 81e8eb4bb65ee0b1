"""Typed model of the form catalog.

The same classes describe the YAML source an admin writes and the compiled
catalog a terminal runs, so that what the editor's JSON Schema accepts is
exactly what the kiosk understands. Every visitor-facing string is written in
German (the source language); translations live in PO files and are attached at
compile time by their ``msgctxt`` (see :mod:`kiosk.definition.strings`).

Unknown keys are errors (``extra="forbid"``) because a misspelt ``visble_if``
that is silently ignored would show a field to everyone.

Every number, text and list has an upper bound. The catalog comes from outside
the program: a version of 10^26 would only fail when the store writes it into a
64-bit column, a date bound of -9999 years would leave the calendar, a pattern
that only a backtracking engine can run (backreferences, lookaround) would need
one that can take minutes per keystroke. Each is refused here instead, where
``kiosk catalog validate`` reports it with its file and line.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from kiosk.definition.bounds import MAX_EXPRESSION_LENGTH, NUMBER_LIMIT
from kiosk.definition.finder import Finder
from kiosk.definition.glossary import GlossaryEntry
from kiosk.definition.law import LawValue
from kiosk.definition.patterns import MAX_PATTERN_LENGTH, MAX_SUBJECT_LENGTH, pattern_problem
from kiosk.formats import Language

#: Largest version number: fits a signed 32-bit integer, so every store and client
#: (SQLite, PostgreSQL, JSON in a browser) keeps it exactly.
MAX_VERSION = 2**31 - 1

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    Field(description="Lower-case identifier: letters a-z, digits and _; starts with a letter."),
]
OptionValue = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,62}$"),
    Field(description="Stored value of an option: ASCII letters, digits, _ - ."),
]
GermanText = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
ShortText = Annotated[str, StringConstraints(max_length=300)]
Expression = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_EXPRESSION_LENGTH),
    Field(description="Condition or formula, e.g. `age(birth_date) >= 18 and status = 'asyl'`."),
]


def _real_date(spec: str) -> str:
    """An ISO bound must be a day of the calendar: 2024-02-30 would fail on every check."""
    if spec[:1].isdigit():
        try:
            dt.date.fromisoformat(spec)
        except ValueError:
            raise ValueError(f"'{spec}' is not a date of the calendar (YYYY-MM-DD)") from None
    return spec


def _runnable_pattern(source: str) -> str:
    problem = pattern_problem(source)
    if problem is not None:
        raise ValueError(problem)
    return source


#: Offsets stay within about 270 years, so today's bound never leaves the calendar.
DateBound = Annotated[
    str,
    StringConstraints(pattern=r"^(today|[+-](\d{1,3}y|\d{1,4}m|\d{1,5}d)|\d{4}-\d{2}-\d{2})$"),
    AfterValidator(_real_date),
    Field(
        description="`today`, an offset from today such as `-18y`, `+6m`, `-30d` (at most "
        "999 years, 9999 months or 99999 days), or YYYY-MM-DD."
    ),
]
CatalogPattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_PATTERN_LENGTH),
    AfterValidator(_runnable_pattern),
    Field(
        description="Regular expression the whole answer must match, in RE2 syntax: no "
        "backreferences or lookaround, so that matching takes linear time."
    ),
]
Bound = Annotated[
    float,
    Field(ge=-NUMBER_LIMIT, le=NUMBER_LIMIT, allow_inf_nan=False),
]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION)]

FieldType = Literal[
    "text",
    "long_text",
    "integer",
    "decimal",
    "money",
    "date",
    "yes_no",
    "choice",
    "multi_choice",
    "country",
    "nationality",
    "phone",
    "email",
    "iban",
    "postcode",
    "person_name",
    "place",
    "address",
    "consent",
    "signature",
    "attachment",
    "note",
    "group",
]

#: Keys of the visitor profile a field may be prefilled from and writes back to.
ProfileKey = Literal[
    "family_name",
    "given_names",
    "birth_name",
    "birth_date",
    "birth_place",
    "birth_country",
    "sex",
    "nationality",
    "address",
    "phone",
    "email",
    "household",
]

CHOICE_TYPES: frozenset[str] = frozenset({"choice", "multi_choice"})
CODELIST_TYPES: frozenset[str] = frozenset({"country", "nationality"})
NUMBER_TYPES: frozenset[str] = frozenset({"integer", "decimal", "money"})
TEXT_TYPES: frozenset[str] = frozenset({"text", "long_text"})
#: Types that hold no answer of their own.
DISPLAY_TYPES: frozenset[str] = frozenset({"note"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Option(_Strict):
    """One answer of a choice field or a code list."""

    value: OptionValue
    label: GermanText
    help: GermanText | None = None


class Consent(_Strict):
    """The full text a visitor agrees to; its version is recorded with the answer."""

    text: GermanText
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class Constraint(_Strict):
    """A rule on one field's answer; ``.`` inside ``check`` is not used, name the field."""

    check: Expression
    message: GermanText


class FormField(_Strict):
    """A question, a repeat group, or a note shown between questions."""

    id: Identifier
    type: FieldType
    label: GermanText
    help: GermanText | None = None
    required: bool = False
    required_if: Expression | None = None
    visible_if: Expression | None = None
    constraints: list[Constraint] = Field(default_factory=list, max_length=20)
    compute: Expression | None = Field(
        default=None, description="Formula; the field becomes read-only and shows the result."
    )
    prefill: ProfileKey | None = None
    # text-like
    min_length: int | None = Field(default=None, ge=0, le=MAX_SUBJECT_LENGTH)
    max_length: int | None = Field(default=None, ge=1, le=MAX_SUBJECT_LENGTH)
    pattern: CatalogPattern | None = None
    pattern_message: GermanText | None = None
    # numbers
    min: Bound | None = None
    max: Bound | None = None
    # dates
    min_date: DateBound | None = None
    max_date: DateBound | None = None
    # choices
    options: list[Option] | None = Field(default=None, max_length=500)
    codelist: Identifier | None = None
    extra_options: list[Option] | None = Field(
        default=None,
        max_length=50,
        description="Country/nationality only: entries such as 'stateless'.",
    )
    # address
    foreign: bool = Field(default=False, description="Address abroad: no German postcode check.")
    # consent
    consent: Consent | None = None
    # attachment
    accept: list[Annotated[str, StringConstraints(max_length=100)]] | None = Field(
        default=None, max_length=20, description="Media types, e.g. image/jpeg."
    )
    max_size_mb: float | None = Field(default=None, gt=0, le=50, allow_inf_nan=False)
    # group
    fields: list[FormField] | None = Field(default=None, max_length=50)
    min_items: int | None = Field(default=None, ge=0, le=50)
    max_items: int | None = Field(default=None, ge=1, le=50)
    item_label: GermanText | None = None

    @model_validator(mode="after")
    def _attributes_fit_type(self) -> FormField:
        problems = list(_type_attribute_problems(self))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def is_group(self) -> bool:
        return self.type == "group"

    @property
    def holds_answer(self) -> bool:
        return self.type not in DISPLAY_TYPES


_ATTRS_BY_TYPE: dict[str, frozenset[str]] = {
    "min_length": TEXT_TYPES | {"person_name", "place"},
    "max_length": TEXT_TYPES | {"person_name", "place"},
    "pattern": TEXT_TYPES,
    "pattern_message": TEXT_TYPES,
    "min": NUMBER_TYPES,
    "max": NUMBER_TYPES,
    "min_date": frozenset({"date"}),
    "max_date": frozenset({"date"}),
    "options": CHOICE_TYPES,
    "codelist": CHOICE_TYPES,
    "extra_options": CODELIST_TYPES,
    "foreign": frozenset({"address"}),
    "consent": frozenset({"consent"}),
    "accept": frozenset({"attachment"}),
    "max_size_mb": frozenset({"attachment"}),
    "fields": frozenset({"group"}),
    "min_items": frozenset({"group"}),
    "max_items": frozenset({"group"}),
    "item_label": frozenset({"group"}),
}


def _type_attribute_problems(f: FormField) -> list[str]:
    out: list[str] = []
    for attr, allowed in _ATTRS_BY_TYPE.items():
        value = getattr(f, attr)
        if value not in (None, False) and f.type not in allowed:
            out.append(f"'{attr}' is not allowed on a field of type '{f.type}'")
    if f.type in CHOICE_TYPES and (f.options is None) == (f.codelist is None):
        out.append(f"a '{f.type}' field needs exactly one of 'options' or 'codelist'")
    if f.type == "consent" and f.consent is None:
        out.append("a 'consent' field needs 'consent' with its full text and version")
    if f.type == "group" and not f.fields:
        out.append("a 'group' field needs 'fields'")
    if f.type == "note" and (f.required or f.required_if or f.compute or f.constraints):
        out.append("a 'note' shows text only; it cannot be required, computed or constrained")
    if f.min_length is not None and f.max_length is not None and f.min_length > f.max_length:
        out.append("min_length is greater than max_length")
    if f.min is not None and f.max is not None and f.min > f.max:
        out.append("min is greater than max")
    if f.min_items is not None and f.max_items is not None and f.min_items > f.max_items:
        out.append("min_items is greater than max_items")
    if f.compute is not None and f.type in {"group", "signature", "attachment", "consent"}:
        out.append(f"a '{f.type}' field cannot be computed")
    return out


class Page(_Strict):
    """One screen of a form."""

    id: Identifier
    title: GermanText
    intro: GermanText | None = None
    visible_if: Expression | None = None
    fields: list[FormField] = Field(min_length=1, max_length=100)


class Rule(_Strict):
    """A cross-field rule; its message is shown on the fields it names."""

    id: Identifier
    check: Expression
    message: GermanText
    fields: list[Identifier] = Field(min_length=1, max_length=50)


class Form(_Strict):
    """One application, addressed to exactly one receiving office."""

    id: Identifier
    version: Version
    office: Identifier
    title: GermanText
    description: GermanText
    topics: list[Identifier] = Field(default_factory=list, max_length=50)
    keywords: GermanText | None = Field(
        default=None, description="Comma-separated search words, translated like any text."
    )
    info_sheet: Identifier | None = None
    documents_needed: list[GermanText] = Field(default_factory=list, max_length=50)
    next_steps: GermanText
    pages: list[Page] = Field(min_length=1, max_length=50)
    rules: list[Rule] = Field(default_factory=list, max_length=200)


class Contact(_Strict):
    address: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    phone: ShortText | None = None
    email: ShortText | None = None
    website: Annotated[str, StringConstraints(max_length=2000)] | None = None
    opening_hours: GermanText
    demo: bool = Field(
        default=False,
        description="Placeholder data, not to be used: every screen and document that "
        "shows this contact marks it 'Beispieldaten – nicht echt', so that nobody calls "
        "or writes to a made-up number or address.",
    )


class Office(_Strict):
    id: Identifier
    name: GermanText
    description: GermanText
    icon: Identifier
    contact: Contact
    public_key: str | None = Field(
        default=None,
        max_length=20000,
        description="PEM of the office's RSA public key for sealing applications.",
    )
    receives_applications: bool = Field(
        default=True,
        description="false: a place shown with its info sheets and contact only (where "
        "visitors go in person, or an office outside the city); no form may be addressed "
        "to it, and it needs no public_key.",
    )
    city_office: bool = Field(
        default=True,
        description="false: not part of the city administration (e.g. the Familienkasse "
        "of the Bundesagentur für Arbeit); the screens say so, since visitors expect every "
        "office on the kiosk to belong to the city.",
    )


class Offices(_Strict):
    offices: list[Office] = Field(min_length=1, max_length=500)


class Topic(_Strict):
    id: Identifier
    title: GermanText
    description: GermanText
    icon: Identifier
    keywords: GermanText | None = None


class Topics(_Strict):
    topics: list[Topic] = Field(min_length=1, max_length=500)


class InfoSection(_Strict):
    id: Identifier
    heading: GermanText
    body: GermanText


class InfoSheet(_Strict):
    id: Identifier
    office: Identifier
    title: GermanText
    url: str | None = Field(
        default=None, max_length=2000, description="Online version, shown as a QR code."
    )
    topics: list[Identifier] = Field(
        default_factory=list,
        max_length=50,
        description="Topics whose list shows this sheet on its own: a sheet no form links "
        "to (Anmeldung, Kindergeld) is found this way and on its office's screen.",
    )
    sections: list[InfoSection] = Field(min_length=1, max_length=100)


class CodeList(_Strict):
    id: Identifier
    title: GermanText
    options: list[Option] = Field(min_length=1, max_length=2000)


#: ``draft``: written without a qualified translator's check (every new language starts
#: so); ``reviewed``: checked by one
TranslationReview = Literal["draft", "reviewed"]


class CatalogHeader(_Strict):
    """``catalog.yaml``: what the catalog is and which languages it promises."""

    id: Identifier
    title: GermanText
    version: Version
    source_language: Literal["de"] = "de"
    #: ``de``, ``fa_AF``, ``de@leicht`` (a variant by gettext's modifier convention)
    languages: list[Language] = Field(min_length=1, max_length=50)
    #: how long a terminal keeps a sealed application its office has not taken yet, so
    #: that it can send it again should the server lose it (a database restored)
    outbox_retention_days: int = Field(default=14, ge=1, le=365)
    #: which translations a qualified translator has checked (staff see it on the
    #: terminal); a language not named here is a draft
    translation_review: dict[Language, TranslationReview] = Field(
        default_factory=dict,
        max_length=50,
        # left out of the compiled catalog when empty: a catalog without reviews reads
        # as before on terminals that do not know the field, and keeps its hash
        exclude_if=lambda reviews: not reviews,
    )

    @model_validator(mode="after")
    def _reviews_of_listed_languages(self) -> CatalogHeader:
        unknown = sorted(set(self.translation_review) - set(self.languages))
        if unknown:
            raise ValueError(f"translation_review names languages not in languages: {unknown}")
        return self


class Catalog(_Strict):
    """The whole catalog after loading: the unit that is compiled, hashed and signed."""

    header: CatalogHeader
    offices: list[Office]
    topics: list[Topic]
    info_sheets: list[InfoSheet]
    codelists: list[CodeList]
    forms: list[Form]
    #: the named law values of ``law.yaml`` that ``law('id')`` reads
    law: list[LawValue] = Field(default_factory=list)
    #: the guided finder of ``finder.yaml`` (questions that lead to forms), if the catalog has one
    finder: Finder | None = None
    #: the German terms of ``glossary.yaml``, explained where a visitor taps them
    glossary: list[GlossaryEntry] = Field(default_factory=list)

    def office(self, office_id: str) -> Office:
        return next(o for o in self.offices if o.id == office_id)

    def form(self, form_id: str) -> Form:
        return next(f for f in self.forms if f.id == form_id)

    def codelist(self, codelist_id: str) -> CodeList:
        return next(c for c in self.codelists if c.id == codelist_id)

    def info_sheet(self, sheet_id: str) -> InfoSheet:
        return next(s for s in self.info_sheets if s.id == sheet_id)


def iter_fields(fields: list[FormField]) -> list[FormField]:
    """All fields of a list, group children after their group (one level deep)."""
    out: list[FormField] = []
    for f in fields:
        out.append(f)
        if f.fields:
            out.extend(f.fields)
    return out


def form_fields(form: Form) -> list[FormField]:
    return [f for page in form.pages for f in page.fields]
