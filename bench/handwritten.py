"""The floor of the engine benchmark: a generated form written by hand as Python closures.

What a developer would write for one form without a form engine: one small check per
field type (the same libraries the engine uses for what needs a library: phone
numbers, e-mail syntax, IBANs, DIN 91379 names) and one lambda per condition, run in
field order over the same answers. Hidden fields have no value, as in the engine, so
conditions see them as unanswered. What it leaves out is what the engine adds around
that work: parsed expressions turned into closures, the environment they read,
type and bound checks beyond the plain minimum, problems with their parameters, and
messages in the visitor's language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from bench.generated import (
    DATE_MAX,
    DATE_MIN,
    MONEY_MAX,
    OPTIONS,
    Condition,
    field_kinds,
    plan_conditions,
)
from kiosk.names import check_type_a

#: A check turns an answer into a value, or None when it is not valid.
Check = Callable[[Any, dt.date], Any]
Rule = Callable[[dict[str, Any], dt.date], bool]

_POSTCODE = re.compile(r"[0-9]{5}")
_COUNTRIES = frozenset(c for c in map(str, Locale("de").territories) if len(c) == 2)
_CHOICES = frozenset(OPTIONS)


def _years_back(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _number(raw: Any) -> Decimal | None:
    text = str(raw).strip().replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _text(limit: int, newlines: bool = False) -> Check:
    def check(raw: Any, today: dt.date) -> str | None:
        s = unicodedata.normalize("NFC", raw.strip())
        plain = s.replace("\n", "") if newlines else s
        return s if len(s) <= limit and plain.isprintable() else None

    return check


def _name(raw: Any, today: dt.date) -> str | None:
    s = " ".join(unicodedata.normalize("NFC", raw).split(" "))
    return s if check_type_a(s).bad_char is None else None


def _integer(raw: Any, today: dt.date) -> Decimal | None:
    value = _number(raw)
    return value if value is not None and value == value.to_integral_value() else None


def _money(raw: Any, today: dt.date) -> Decimal | None:
    value = _number(raw)
    if value is None or not 0 <= value <= MONEY_MAX:
        return None
    return value.quantize(Decimal("0.01"))


def _date(raw: Any, today: dt.date) -> dt.date | None:
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        return None
    low = _years_back(today, int(DATE_MIN[1:-1]))
    high = _years_back(today, -int(DATE_MAX[1:-1]))
    return value if low <= value <= high else None


def _email(raw: Any, today: dt.date) -> str | None:
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _phone(raw: Any, today: dt.date) -> str | None:
    try:
        number = phonenumbers.parse(raw, "DE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _iban(raw: Any, today: dt.date) -> str | None:
    try:
        return str(IBAN(raw, validate_bban=True).compact)
    except SchwiftyException:
        return None


CHECKS: dict[str, Check] = {
    "person_name": _name,
    "text": _text(200),
    "long_text": _text(2000, newlines=True),
    "integer": _integer,
    "decimal": lambda raw, today: _number(raw),
    "money": _money,
    "date": _date,
    "yes_no": lambda raw, today: raw if isinstance(raw, bool) else None,
    "choice": lambda raw, today: raw if raw in _CHOICES else None,
    "multi_choice": lambda raw, today: raw if set(raw) <= _CHOICES else None,
    "nationality": lambda raw, today: raw if raw in _COUNTRIES else None,
    "email": _email,
    "phone": _phone,
    "postcode": lambda raw, today: raw if _POSTCODE.fullmatch(raw) else None,
    "iban": _iban,
}


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def rule(condition: Condition) -> Rule:
    """The condition as the lambda a developer would write for it."""
    a, *rest = (f"f{i}" for i in condition.refs)
    if condition.shape == "flag":
        return lambda v, today: v[a] is True
    if condition.shape == "choice":
        return lambda v, today: v[a] in ("a", "b")
    if condition.shape == "amounts":
        b = rest[0]
        return lambda v, today: v[a] is not None and v[a] > 10 and v[b] is not None and v[b] < 1000
    b = rest[0]
    return lambda v, today: (v[a] is not None and _age(v[a], today) >= 18) or v[b] is None


@dataclass(frozen=True)
class HandWrittenField:
    key: str
    check: Check
    visible: Rule | None
    required: Rule | None


class HandWrittenForm:
    """A generated form of *n_fields* fields and *n_conditions* conditions, by hand."""

    def __init__(self, n_fields: int, n_conditions: int) -> None:
        kinds = field_kinds(n_fields)
        conditions = plan_conditions(kinds, n_conditions)
        self.fields: list[HandWrittenField] = []
        for i, kind in enumerate(kinds):
            condition = conditions.get(i)
            decides = rule(condition) if condition else None
            required = condition is not None and condition.shape == "amounts"
            self.fields.append(
                HandWrittenField(
                    f"f{i}",
                    CHECKS[kind],
                    None if required else decides,
                    decides if required else None,
                )
            )

    def evaluate(
        self, answers: Mapping[str, Any], today: dt.date
    ) -> tuple[dict[str, Any], set[str], set[str]]:
        """Values, visible fields and required fields, in one pass in field order."""
        values: dict[str, Any] = {}
        visible: set[str] = set()
        required: set[str] = set()
        for f in self.fields:
            if f.visible is not None and not f.visible(values, today):
                values[f.key] = None
                continue
            visible.add(f.key)
            raw = answers.get(f.key)
            values[f.key] = None if raw is None or raw == "" else f.check(raw, today)
            if f.required is not None and f.required(values, today):
                required.add(f.key)
        return values, visible, required

    def validate(self, answers: Mapping[str, Any], today: dt.date) -> list[str]:
        """The keys of visible fields that are required and empty, or not valid."""
        values, visible, required = self.evaluate(answers, today)
        return [
            f.key
            for f in self.fields
            if f.key in visible
            and (
                (f.key in required and values[f.key] is None)
                or (values[f.key] is None and answers.get(f.key) not in (None, ""))
            )
        ]
