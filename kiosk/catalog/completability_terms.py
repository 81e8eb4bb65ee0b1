"""The solver's view of the expression language's values: numbers, dates, texts, lists.

The engine evaluates with three-valued logic: an unanswered field is ``None``, and a
comparison with it is unknown. Each value here is therefore a pair: whether it is
defined, and what it is when it is. Numbers are reals (an integer field adds that
its value is whole, a money field that it is in cents), dates are day numbers
(``date.toordinal()``, so that comparing and subtracting dates is arithmetic) and
texts are codes into one table of every string the form can hold or name (option
values, country codes, the literals of its expressions); a typed text that is none
of those gets a negative code. ``age()`` needs the year, month and day of a date:
they are tied to its day number by the calendar's own arithmetic (leap years
included), so ages are exact, not 365.25-day approximations.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import z3

from kiosk.definition.bounds import NUMBER_LIMIT
from kiosk.engine.expression_types import VT

_CUMULATIVE_DAYS = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
LAST_DAY = dt.date.max.toordinal()
_NAMES = itertools.count()


@dataclass(frozen=True)
class Val:
    """A scalar of the expression language: defined or not, and its value when it is.

    ``value`` is a z3 Bool for yes/no, a Real for numbers, an Int day number for
    dates and an Int code (see :class:`StringTable`) for texts; None for opaque
    answers (address, signature, attachment), of which only answered() is known.
    """

    vt: VT
    defined: z3.BoolRef
    value: z3.ExprRef | None = None
    #: a text's number of characters, where it is known (typed texts, literals, options)
    length: z3.ArithRef | None = None
    #: the day numbers a defined date lies between, where its limits say so
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Item:
    """One element of a list: present (the item exists, the option is ticked) and its value."""

    present: z3.BoolRef
    val: Val


@dataclass(frozen=True)
class ListVal:
    """A repeat group, a multiple choice, or one field across a group's items."""

    vt: VT
    items: tuple[Item, ...]
    #: a repeat group's items, one per possible item (for count() of the group)
    rows: tuple[z3.BoolRef, ...] = ()


Term = Val | ListVal


class StringTable:
    """Every text the form can compare: each string gets one non-negative code."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def code(self, text: str) -> int:
        if text not in self._codes:
            self._codes[text] = len(self._codes)
        return self._codes[text]

    def known(self, text: str) -> int | None:
        return self._codes.get(text)

    def text(self, code: int) -> str | None:
        for text, c in self._codes.items():
            if c == code:
                return text
        return None


@dataclass
class Encoding:
    """What one solver query collects while a form is translated for it."""

    today: dt.date
    strings: StringTable
    #: facts the translation relies on (a date's day number tied to its year, month and day)
    side: list[z3.BoolRef] = field(default_factory=list)
    #: what could not be translated exactly, and where: reported as "not checked"
    approximations: list[str] = field(default_factory=list)
    #: the variables the translation made up (date parts, oracles)
    fresh_vars: list[z3.ExprRef] = field(default_factory=list)
    #: ages that stay true outside a date's limits, so that an unsat core which needs
    #: the limits names them (a little harder to solve: only where cores are shown)
    exact_outside: bool = False
    _ages: dict[tuple[int, int, tuple[int, int] | None], z3.ArithRef] = field(default_factory=dict)

    def fresh(self, prefix: str) -> str:
        """A name no other variable has, in this translation or any other."""
        return f"{prefix}!{next(_NAMES)}"

    def fresh_bool(self, prefix: str) -> z3.BoolRef:
        var = z3.Bool(self.fresh(prefix))
        self.fresh_vars.append(var)
        return var

    def fresh_real(self, prefix: str) -> z3.ArithRef:
        var = z3.Real(self.fresh(prefix))
        self.fresh_vars.append(var)
        return var

    def fresh_int(self, prefix: str) -> z3.ArithRef:
        var = z3.Int(self.fresh(prefix))
        self.fresh_vars.append(var)
        return var

    @property
    def today_ordinal(self) -> int:
        return self.today.toordinal()

    def date_parts(self, day_number: z3.ArithRef, defined: z3.BoolRef) -> tuple[z3.ArithRef, ...]:
        """Year, month and day of *day_number* (when *defined*), tied to it by the calendar."""
        year, month, day = (self.fresh_int(n) for n in ("year", "month", "day"))
        link = z3.And(
            year >= 1,
            year <= dt.MAXYEAR,
            month >= 1,
            month <= 12,
            day >= 1,
            day <= month_length(year, month),
            day_number == ordinal(year, month, day),
        )
        self.side.append(z3.Implies(defined, link))
        return year, month, day

    def age(self, born: Val) -> Val:
        """Whole years from *born* to today, as the engine's ``age()`` counts them.

        A date between known limits (a birth date from ``-120y`` to ``today``) gets its
        age as a sum of steps, one per birthday in that span: linear and quick to
        solve. Other dates are split into year, month and day by the calendar.
        """
        assert born.value is not None
        value: z3.ArithRef = born.value
        key = (value.get_id(), born.defined.get_id(), born.span)
        if key not in self._ages:
            self._ages[key] = self._years(value, born.defined, born.span)
        return Val(VT.NUMBER, born.defined, self._ages[key])

    def _years(
        self, value: z3.ArithRef, defined: z3.BoolRef, span: tuple[int, int] | None
    ) -> z3.ArithRef:
        if span is not None and span[1] - span[0] <= _STEP_SPAN_DAYS:
            low, high = span
            youngest = python_age(dt.date.fromordinal(high), self.today)
            oldest = python_age(dt.date.fromordinal(low), self.today)
            one, zero = z3.IntVal(1), z3.IntVal(0)
            steps = [
                z3.If(value <= birthday, one, zero)
                for birthday in _birthdays(self.today, low, high, youngest, oldest)
            ]
            stepped = youngest + (z3.Sum(steps) if steps else zero)
            if not self.exact_outside:
                return z3.ToReal(stepped)
            years = self.fresh_int("age")
            exact = years == stepped
            # outside its limits a date is at least as old, or as young, as their edges:
            # true of every date, so a core that needs the limits names them
            self.side.append(
                z3.Implies(
                    defined,
                    z3.And(
                        z3.Implies(z3.And(value >= low, value <= high), exact),
                        z3.Implies(value < low, years >= oldest),
                        z3.Implies(value > high, years <= youngest),
                    ),
                )
            )
            return z3.ToReal(years)
        year, month, day = self.date_parts(value, defined)
        t = self.today
        before_birthday = z3.Or(month < t.month, z3.And(month == t.month, day < t.day))
        return z3.ToReal(t.year - year - z3.If(before_birthday, 1, 0))


#: Widest span of days whose ages are written as steps (about 150 years).
_STEP_SPAN_DAYS = 150 * 366


def python_age(born: dt.date, today: dt.date) -> int:
    """The engine's ``age()``, in Python."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@lru_cache(maxsize=256)
def _birthdays(today: dt.date, low: int, high: int, youngest: int, oldest: int) -> list[int]:
    """For each age above *youngest*, the last day number of a birth that old by today."""
    return [latest_born(years, today, low, high) for years in range(youngest + 1, oldest + 1)]


def latest_born(years: int, today: dt.date, low: int, high: int) -> int:
    """The last day number in [low, high] of a birth *years* or more years before today."""
    first, last = low, high
    while first < last:  # age falls as the birth date moves on: bisect
        middle = (first + last + 1) // 2
        if python_age(dt.date.fromordinal(middle), today) >= years:
            first = middle
        else:
            last = middle - 1
    return first


def is_leap(year: z3.ArithRef) -> z3.BoolRef:
    return z3.And(year % 4 == 0, z3.Or(year % 100 != 0, year % 400 == 0))


def month_length(year: z3.ArithRef, month: z3.ArithRef) -> z3.ArithRef:
    length: z3.ArithRef = z3.IntVal(31)
    for number, days in enumerate(_MONTH_DAYS, start=1):
        if days != 31:
            value = z3.If(is_leap(year), 29, 28) if number == 2 else z3.IntVal(days)
            length = z3.If(month == number, value, length)
    return length


def ordinal(year: z3.ArithRef, month: z3.ArithRef, day: z3.ArithRef) -> z3.ArithRef:
    """``date(year, month, day).toordinal()`` as integer arithmetic."""
    before = year - 1
    cumulative: z3.ArithRef = z3.IntVal(0)
    for number, days in enumerate(_CUMULATIVE_DAYS, start=1):
        cumulative = z3.If(month == number, days, cumulative)
    leap_day = z3.If(z3.And(is_leap(year), month > 2), 1, 0)
    return 365 * before + before / 4 - before / 100 + before / 400 + cumulative + leap_day + day


def number(value: Decimal | int | float) -> z3.ArithRef:
    return z3.RealVal(str(Decimal(str(value))))


def within_limit(value: z3.ArithRef) -> z3.BoolRef:
    """Whether *value* is a number the engine keeps (larger ones have no value)."""
    return z3.And(value <= NUMBER_LIMIT, value >= -NUMBER_LIMIT)


def is_whole(value: z3.ArithRef) -> z3.BoolRef:
    return z3.IsInt(value)


def undefined(vt: VT) -> Val:
    return Val(vt, z3.BoolVal(False), _placeholder(vt))


def _placeholder(vt: VT) -> z3.ExprRef | None:
    if vt is VT.BOOL:
        return z3.BoolVal(False)
    if vt is VT.NUMBER:
        return z3.RealVal(0)
    if vt in (VT.DATE, VT.TEXT):
        return z3.IntVal(0)
    return None


def constant(vt: VT, value: object, strings: StringTable) -> Val:
    """A literal of the expression language."""
    true = z3.BoolVal(True)
    if vt is VT.BOOL:
        return Val(vt, true, z3.BoolVal(bool(value)))
    if vt is VT.NUMBER:
        assert isinstance(value, Decimal | int)
        return Val(vt, true, number(value))
    if vt is VT.DATE:
        assert isinstance(value, dt.date)
        day = value.toordinal()
        return Val(vt, true, z3.IntVal(day), span=(day, day))
    assert isinstance(value, str)
    return Val(vt, true, z3.IntVal(strings.code(value)), z3.IntVal(len(value)))


def truth(v: Val) -> z3.BoolRef:
    """True exactly when the engine's ``... is True`` holds (visible_if, required_if)."""
    assert v.value is not None
    return z3.And(v.defined, v.value)


def falsity(v: Val) -> z3.BoolRef:
    """True exactly when the engine's ``... is False`` holds (a constraint or rule fails)."""
    assert v.value is not None
    return z3.And(v.defined, z3.Not(v.value))


def kleene_and(a: Val, b: Val) -> Val:
    a_false, b_false = falsity(a), falsity(b)
    return Val(
        VT.BOOL,
        z3.Or(a_false, b_false, z3.And(a.defined, b.defined)),
        z3.Not(z3.Or(a_false, b_false)),
    )


def kleene_or(a: Val, b: Val) -> Val:
    a_true, b_true = truth(a), truth(b)
    return Val(VT.BOOL, z3.Or(a_true, b_true, z3.And(a.defined, b.defined)), z3.Or(a_true, b_true))


def kleene_not(a: Val) -> Val:
    assert a.value is not None
    return Val(VT.BOOL, a.defined, z3.Not(a.value))


def choose(condition: z3.BoolRef, a: Val, b: Val) -> Val:
    """``if(condition, a, b)``: *a* when the condition is true, else *b*."""
    defined = z3.If(condition, a.defined, b.defined)
    if a.value is None or b.value is None:
        return Val(a.vt, defined)
    length = None
    if a.length is not None and b.length is not None:
        length = z3.If(condition, a.length, b.length)
    return Val(a.vt, defined, z3.If(condition, a.value, b.value), length)


def total(items: list[z3.ArithRef]) -> z3.ArithRef:
    return z3.Sum(items) if items else z3.RealVal(0)
