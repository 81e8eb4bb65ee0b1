"""Per-type checks of one answer: turn what the visitor gave into a typed value or a problem.

Each field of a form gets one :class:`FieldChecker`, prepared when the form is
compiled, so that checking an answer does no lookups beyond the value itself.
Which checker a field type gets, with which settings, is written in the field
type table (:mod:`kiosk.engine.field_types`); the checkers here know nothing of
type names.
Libraries made for the job do the hard parts: phone numbers (libphonenumber
metadata via ``phonenumbers``), IBANs (``schwifty``, per-country length and
checksum), e-mail syntax (``email-validator``), catalog patterns (RE2, see
:mod:`kiosk.definition.patterns`).

Checks run on every keystroke, so each one is bounded by the field's length
before any work that grows with the text, and an answer is never rewritten
beyond trimming and folding ordinary spaces and Unicode NFC: a character that
does not belong is refused and named (:mod:`kiosk.engine.textchars`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from kiosk.definition.bounds import NUMBER_LIMIT
from kiosk.definition.model import FormField
from kiosk.definition.patterns import compile_pattern
from kiosk.engine.messages import Problem
from kiosk.engine.number_reading import NumberReading, read_number
from kiosk.engine.textchars import NFC_SHRINK, SPACE, first_bad_char, fold_spaces, refusal
from kiosk.names import check_type_a, check_type_b

Checked = tuple[Any, Problem | None]
#: Checks one raw answer on a given day: (typed value, None) or (None, problem).
CheckFn = Callable[[Any, dt.date], Checked]
#: Prepares the check of one field from its declaration and the options it accepts.
CheckerMaker = Callable[[FormField, frozenset[str] | None], CheckFn]

MONEY_MAX = Decimal("10000000")
POSTCODE = re.compile(r"^(?!00)[0-9]{5}$")


def resolve_date_bound(spec: str, today: dt.date) -> dt.date:
    """``today``, ``-18y``, ``+6m``, ``-30d`` or an ISO date, relative to *today*.

    A bound that would fall outside the calendar Python knows (years 1 to 9999)
    is held at its edge: the catalog limits offsets, and this keeps a bound from
    ever raising or looping while a visitor types.
    """
    if spec == "today":
        return today
    if spec[0] in "+-":
        amount, unit = int(spec[:-1]), spec[-1]
        if unit == "d":
            ordinal = today.toordinal() + amount
            return dt.date.fromordinal(min(max(ordinal, 1), dt.date.max.toordinal()))
        months = amount * (12 if unit == "y" else 1)
        year, month0 = divmod(today.month - 1 + months, 12)
        year += today.year
        if year < dt.MINYEAR:
            return dt.date.min
        if year > dt.MAXYEAR:
            return dt.date.max
        day = today.day
        while day > 28:  # 29 Feb + 1y, 31 Mar + 1m: the month's last day
            try:
                return dt.date(year, month0 + 1, day)
            except ValueError:
                day -= 1
        return dt.date(year, month0 + 1, day)
    return dt.date.fromisoformat(spec)


def as_text(raw: Any) -> str | None:
    return raw if isinstance(raw, str) else None


def ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian and other decimal digits as 0-9: keyboards in the visitor's
    script type them, and the office's systems expect ASCII."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _decimal(raw: Any) -> Decimal | NumberReading | None:
    """*raw* as a finite number within :data:`NUMBER_LIMIT`, or None; text that could be
    two numbers (``40.000``) as its :class:`NumberReading`, to be refused naming both.

    NaN and infinity would make every comparison with a bound raise; a number
    beyond the limit is not an amount, count or age anyone has. Text is read as the
    terminal stores it (:func:`~kiosk.engine.number_reading.canonical`), or as a
    visitor typed it before the terminal stored that: then no separator is known
    to separate thousands.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        if isinstance(raw, int) and not -NUMBER_LIMIT <= raw <= NUMBER_LIMIT:
            return None  # before Decimal(): a huge int costs time to convert
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not value.is_finite() or abs(value) > NUMBER_LIMIT:
            return None
        return value
    if isinstance(raw, str):
        reading = read_number(raw, None)
        if reading.value is None:
            return reading if reading.ambiguous is not None else None
        return reading.value if abs(reading.value) <= NUMBER_LIMIT else None
    return None


def format_number(d: Decimal | float) -> str:
    value = Decimal(str(d))
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


@dataclass
class FieldChecker:
    """Checks one field's answers; built once per field when a form is compiled."""

    field: FormField
    options: frozenset[str] | None
    check: CheckFn


# --------------------------------------------------------------------- makers


def text_checker(*, multiline: bool, default_max_length: int) -> CheckerMaker:
    """Free text in any script; *multiline* keeps line breaks and tabs inside it."""
    edges = SPACE + "\n\t" if multiline else SPACE

    def make(f: FormField, options: frozenset[str] | None) -> CheckFn:
        max_len = f.max_length or default_max_length
        min_len = f.min_length or 0
        # compiled (and checked) once when the catalog is built; cached for every form
        pattern = compile_pattern(f.pattern) if f.pattern else None

        def check(raw: Any, today: dt.date) -> Checked:
            s = as_text(raw)
            if s is None:
                return None, Problem("invalid_type")
            s = s.strip(edges)
            if len(s) > max_len * NFC_SHRINK:
                return None, Problem("too_long", {"max": max_len})
            s = unicodedata.normalize("NFC", s)
            if len(s) > max_len:
                return None, Problem("too_long", {"max": max_len})
            bad = first_bad_char(s, newlines=multiline)
            if bad is not None:
                return None, refusal(bad, "bad_character")
            if len(s) < min_len:
                return None, Problem("too_short", {"min": min_len})
            # the text is at most max_len long here, and RE2 is linear in it
            if pattern is not None and not pattern.fullmatch(s):
                return None, Problem("pattern")
            return s, None

        return check

    return make


def latin_checker(*, person: bool, default_max_length: int) -> CheckerMaker:
    """Names (DIN 91379 type A if *person*, else type B: places, streets) in Latin letters,
    as a passport or a German address has them."""

    def make(f: FormField, options: frozenset[str] | None) -> CheckFn:
        return latin_check(f.max_length or default_max_length, f.min_length or 0, person)

    return make


def latin_check(max_len: int, min_len: int, person: bool) -> CheckFn:
    din = check_type_a if person else check_type_b
    code = "name_character" if person else "place_character"

    def check(raw: Any, today: dt.date) -> Checked:
        s = as_text(raw)
        if s is None:
            return None, Problem("invalid_type")
        if len(s) > max_len * NFC_SHRINK:
            return None, Problem("too_long", {"max": max_len})
        # DIN 91379 counts and checks the NFC form; only runs of U+0020 are folded,
        # every other space or control is refused by the standard and named
        s = fold_spaces(unicodedata.normalize("NFC", s))
        if len(s) > max_len:
            return None, Problem("too_long", {"max": max_len})
        result = din(s)
        if result.bad_char is not None:
            return None, refusal(result.bad_char, code)
        if len(result.text) < min_len:
            return None, Problem("too_short", {"min": min_len})
        return result.text, None

    return check


def number_checker(
    *,
    whole: bool = False,
    cents: bool = False,
    floor: Decimal | None = None,
    ceiling: Decimal | None = None,
) -> CheckerMaker:
    """A number: *whole* numbers only, or an amount in *cents* (at most two decimals);
    *floor* and *ceiling* hold when the field sets no ``min`` or ``max`` of its own."""
    not_a_number = "not_integer" if whole else "not_number"

    def make(f: FormField, options: frozenset[str] | None) -> CheckFn:
        lo = Decimal(str(f.min)) if f.min is not None else floor
        hi = Decimal(str(f.max)) if f.max is not None else ceiling

        def check(raw: Any, today: dt.date) -> Checked:
            value = _decimal(raw)
            if isinstance(value, NumberReading) and value.ambiguous is not None:
                grouped, fractional = value.ambiguous
                return None, Problem("ambiguous_number", {"whole": grouped, "part": fractional})
            if not isinstance(value, Decimal):
                return None, Problem(not_a_number)
            if whole and value != value.to_integral_value():
                return None, Problem("not_integer")
            if cents and value.as_tuple().exponent < -2:  # type: ignore[operator]
                return None, Problem("money_cents")
            if lo is not None and value < lo:
                return None, Problem("below_min", {"min": format_number(lo)})
            if hi is not None and value > hi:
                return None, Problem("above_max", {"max": format_number(hi)})
            if whole:
                return Decimal(int(value)), None
            if cents:
                return value.quantize(Decimal("0.01")), None
            return value, None

        return check

    return make


def date_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    lo_spec, hi_spec = f.min_date, f.max_date

    def check(raw: Any, today: dt.date) -> Checked:
        if isinstance(raw, dt.datetime):
            value = raw.date()
        elif isinstance(raw, dt.date):
            value = raw
        elif isinstance(raw, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw.strip()):
            try:
                value = dt.date.fromisoformat(raw.strip())
            except ValueError:
                return None, Problem("not_date")
        else:
            return None, Problem("not_date")
        if lo_spec is not None and value < (lo := resolve_date_bound(lo_spec, today)):
            return None, Problem("date_before", {"date": lo.isoformat()})
        if hi_spec is not None and value > (hi := resolve_date_bound(hi_spec, today)):
            return None, Problem("date_after", {"date": hi.isoformat()})
        return value, None

    return check


def bool_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    def check(raw: Any, today: dt.date) -> Checked:
        if isinstance(raw, bool):
            return raw, None
        return None, Problem("invalid_type")

    return check


def choice_checker(*, not_listed: str) -> CheckerMaker:
    """One of the accepted options; *not_listed* is the problem code for anything else."""

    def make(f: FormField, options: frozenset[str] | None) -> CheckFn:
        allowed = options or frozenset()

        def check(raw: Any, today: dt.date) -> Checked:
            if not isinstance(raw, str) or raw not in allowed:
                return None, Problem(not_listed)
            return raw, None

        return check

    return make


def multi_choice_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    allowed = options or frozenset()

    def check(raw: Any, today: dt.date) -> Checked:
        if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
            return None, Problem("invalid_type")
        if len(set(raw)) != len(raw):
            return None, Problem("duplicate_option")
        if any(v not in allowed for v in raw):
            return None, Problem("not_option")
        return list(raw), None

    return check


_PHONE_CHARS = re.compile(r"\+?[0-9 ()/.\-]{1,40}")
_LETTER = re.compile(r"[^\W\d_]")


def phone_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    def check(raw: Any, today: dt.date) -> Checked:
        s = as_text(raw)
        if s is None or len(s) > 40 or first_bad_char(s):
            return None, Problem("phone")
        s = ascii_digits(s.strip(SPACE))
        if not _PHONE_CHARS.fullmatch(s):
            # a letter is never part of a number: the phone library would read "abc" as
            # "222" (old keypads), and the office would call a number nobody gave
            return None, Problem("phone_letters" if _LETTER.search(s) else "phone")
        if s.startswith("00"):
            s = "+" + s[2:]
        try:
            number = phonenumbers.parse(s, "DE")
        except phonenumbers.NumberParseException:
            return None, Problem("phone")
        if not phonenumbers.is_valid_number(number):
            return None, Problem("phone")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None

    return check


def email_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    def check(raw: Any, today: dt.date) -> Checked:
        s = as_text(raw)
        if s is None or len(s) > 254 or first_bad_char(s):
            return None, Problem("email")
        try:
            result = validate_email(s.strip(SPACE), check_deliverability=False)
        except EmailNotValidError:
            return None, Problem("email")
        return result.normalized, None

    return check


def iban_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    def check(raw: Any, today: dt.date) -> Checked:
        s = as_text(raw)
        if s is None or len(s) > 64:
            return None, Problem("iban")
        s = s.strip(SPACE)  # schwifty would drop any whitespace; only spaces are separators
        if not re.fullmatch(r"[A-Za-z0-9 ]+", s):
            return None, Problem("iban")
        try:
            iban = IBAN(s, validate_bban=True)
        except SchwiftyException:
            return None, Problem("iban")
        return str(iban.compact), None

    return check


def postcode_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    def check(raw: Any, today: dt.date) -> Checked:
        s = as_text(raw)
        if s is None or len(s) > 20:
            return None, Problem("postcode")
        s = ascii_digits(s.strip(SPACE))
        if not POSTCODE.fullmatch(s):
            return None, Problem("postcode")
        return s, None

    return check


def no_answer(f: FormField, options: frozenset[str] | None) -> CheckFn:
    def check(raw: Any, today: dt.date) -> Checked:
        return None, None

    return check
