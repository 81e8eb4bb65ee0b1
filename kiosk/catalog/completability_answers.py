"""The answers a visitor can give, as solver variables, and the limits each field sets.

Each field gets variables for whether it is answered and for the value, and a
*domain*: what its type check accepts (the bounds ``min``/``max``, ``min_date``/
``max_date``, lengths and pattern, the options). A value outside the domain can
never be part of a submittable form (the engine refuses it), so only values inside
it are considered. Every limit that an admin wrote is a separate tracked check, so
that an unsatisfiable core can name the lines involved (``min_date`` on line 12 and
``max_date`` on line 13, for instance).

A repeat group is unrolled: its number of items is a variable, and each possible
item has its own variables, up to ``max_items`` or the unrolling limit, whichever is
smaller. Where the limit cuts below ``max_items`` that is a tracked *approximation*:
a finding that rests on it is reported as not checked rather than as an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal

import z3

from kiosk.catalog.completability_patterns import ANALYSIS_CAP, pattern_shape
from kiosk.catalog.completability_terms import LAST_DAY, Encoding, number
from kiosk.definition.bounds import NUMBER_LIMIT
from kiosk.definition.model import FormField
from kiosk.engine.expression_types import VT
from kiosk.engine.field_types import FIELD_TYPES, Choices
from kiosk.engine.form import MAX_GROUP_ITEMS, FieldSpec, Loc
from kiosk.engine.validators import MONEY_MAX, format_number, resolve_date_bound

#: Default longest answer of the text types, as their checkers have it.
_DEFAULT_MAX_LENGTH = {"text": 200, "long_text": 2000, "person_name": 120, "place": 120}
_TYPE_FLOOR = {"money": Decimal(0)}
_TYPE_CEILING = {"money": MONEY_MAX}


@dataclass(frozen=True)
class Check:
    """One thing the engine checks, with where it is written in the form's source."""

    kind: str  # required, constraint, rule, bound, items, approximation
    loc: Loc
    text: str
    #: fields at which the engine shows this check's message
    owners: frozenset[str] = frozenset()


class Tracker:
    """Names each check with a literal, so that a solver's unsat core names the checks."""

    def __init__(self, prefix: str, *, enabled: bool = True) -> None:
        self.prefix = prefix
        self.enabled = enabled
        self.checks: dict[str, Check] = {}
        self.literals: list[z3.BoolRef] = []

    def guard(self, check: Check, holds: z3.BoolRef) -> z3.BoolRef:
        if not self.enabled:
            return holds
        literal = z3.Bool(f"{self.prefix}#{len(self.literals)}")
        self.checks[str(literal)] = check
        self.literals.append(literal)
        return z3.Implies(literal, holds)


@dataclass
class Raw:
    """The variables of one answer (or of one repeat group)."""

    key: str  # "field", or "group[2].child" inside an item
    field: FormField
    loc: Loc
    vt: VT | None
    answered: z3.BoolRef
    value: z3.ExprRef | None = None
    length: z3.ArithRef | None = None
    selected: dict[str, z3.BoolRef] = dc_field(default_factory=dict)
    count: z3.ArithRef | None = None
    items: list[dict[str, Raw]] = dc_field(default_factory=list)
    #: a date's limits as day numbers (what an answered date lies between)
    span: tuple[int, int] | None = None


@dataclass
class FormFacts:
    """What the answers module needs to know of the form, prepared once per form."""

    today: dt.date
    options: Mapping[str, frozenset[str] | None]  # field key ("g.c" in groups) -> values
    literals: frozenset[str]  # every text literal of the form's expressions
    group_items: int  # the unrolling limit
    #: fields some expression reads ("group.child" for items' fields)
    referenced: frozenset[str] = frozenset()
    _accepted: dict[int, list[str]] = dc_field(default_factory=dict)

    def accepted_literals(self, f: FormField, key: str) -> list[str]:
        """The form's text literals that a typed field's own check accepts as they are:
        the texts it can be compared equal to. Only asked for fields some expression
        reads; for the others it does not matter."""
        plain = key.split("[", 1)[0] + ("." + key.rsplit(".", 1)[1] if "[" in key else "")
        if plain not in self.referenced:
            return []
        if id(f) not in self._accepted:
            checker = FIELD_TYPES[f.type].checker(f, None)
            self._accepted[id(f)] = [
                text for text in sorted(self.literals) if checker(text, self.today) == (text, None)
            ]
        return self._accepted[id(f)]


class Answers:
    """Variables for a set of fields, and the domain those variables range over."""

    def __init__(self, enc: Encoding, tracker: Tracker, facts: FormFacts, prefix: str) -> None:
        self.enc = enc
        self.tracker = tracker
        self.facts = facts
        self.prefix = prefix
        self.raws: dict[str, Raw] = {}
        #: each field's domain (a group's with its items'), by key
        self.domains: dict[str, list[z3.BoolRef]] = {}
        self._current: list[z3.BoolRef] = []

    @property
    def domain(self) -> list[z3.BoolRef]:
        return [d for key in self.raws for d in self.domains[key]]

    def add(self, spec: FieldSpec, skip: frozenset[str] = frozenset()) -> Raw:
        """Variables for *spec* (a group's items without the children in *skip*)."""
        self._current = self.domains.setdefault(spec.key, [])
        raw = self._make(spec.field, spec.key, spec.key, spec.loc)
        if spec.children:
            self._unroll(spec, raw, skip)
        self.raws[spec.key] = raw
        return raw

    # ----------------------------------------------------------------- making
    def _name(self, key: str, part: str) -> str:
        return f"{self.prefix}:{key}:{part}"

    def _make(self, f: FormField, key: str, options_key: str, loc: Loc) -> Raw:
        info = FIELD_TYPES[f.type]
        vt = info.value_type
        raw = Raw(key, f, loc, vt, z3.Bool(self._name(key, "answered")))
        if vt is VT.BOOL:
            raw.value = z3.Bool(self._name(key, "value"))
        elif vt is VT.NUMBER:
            raw.value = z3.Real(self._name(key, "value"))
            self._number_domain(raw)
        elif vt is VT.DATE:
            raw.value = z3.Int(self._name(key, "value"))
            self._date_domain(raw)
        elif vt is VT.TEXT and info.choices is not Choices.NONE:
            raw.value = z3.Int(self._name(key, "value"))
            raw.length = z3.Int(self._name(key, "length"))
            self._require(raw, self._one_of(raw, self.facts.options[options_key] or frozenset()))
        elif vt is VT.TEXT:
            raw.value = z3.Int(self._name(key, "value"))
            self._text_domain(raw)
        elif vt is VT.TEXT_LIST:
            options = sorted(self.facts.options[options_key] or ())
            raw.selected = {o: z3.Bool(self._name(key, f"selected:{o}")) for o in options}
            self._current.append(raw.answered == z3.Or(list(raw.selected.values())))
        return raw

    def _one_of(self, raw: Raw, options: frozenset[str]) -> z3.BoolRef:
        """The value is one of *options*, and its length that option's: written as runs
        of consecutive codes, since a country field has some 250 options."""
        value, length = raw.value, raw.length
        assert isinstance(value, z3.ArithRef) and isinstance(length, z3.ArithRef)
        by_length: dict[int, list[int]] = {}
        for option in options:
            by_length.setdefault(len(option), []).append(self.enc.strings.code(option))
        cases = []
        for size, codes in sorted(by_length.items()):
            inside = [
                value == low if low == high else z3.And(value >= low, value <= high)
                for low, high in _runs(sorted(codes))
            ]
            cases.append(z3.And(z3.Or(inside), length == size))
        return z3.Or(cases)

    def _require(self, raw: Raw, holds: z3.BoolRef) -> None:
        self._current.append(z3.Implies(raw.answered, holds))

    def _bound(self, raw: Raw, attr: str, text: str, holds: z3.BoolRef) -> None:
        check = Check("bound", raw.loc + (attr,), text, frozenset({raw.key}))
        self._require(raw, self.tracker.guard(check, holds))

    def _number_domain(self, raw: Raw) -> None:
        f = raw.field
        value = raw.value
        assert isinstance(value, z3.ArithRef)
        self._require(raw, z3.And(value <= NUMBER_LIMIT, value >= -NUMBER_LIMIT))
        if f.type == "integer":
            self._require(raw, z3.IsInt(value))
        if f.type == "money":
            self._require(raw, z3.IsInt(value * 100))
        low = Decimal(str(f.min)) if f.min is not None else _TYPE_FLOOR.get(f.type)
        high = Decimal(str(f.max)) if f.max is not None else _TYPE_CEILING.get(f.type)
        if low is not None:
            attr = "min" if f.min is not None else "type"
            self._bound(raw, attr, f"min {format_number(low)}", value >= number(low))
        if high is not None:
            attr = "max" if f.max is not None else "type"
            self._bound(raw, attr, f"max {format_number(high)}", value <= number(high))

    def _date_domain(self, raw: Raw) -> None:
        f = raw.field
        value = raw.value
        assert isinstance(value, z3.ArithRef)
        self._require(raw, z3.And(value >= 1, value <= LAST_DAY))
        span = [1, LAST_DAY]
        for attr, spec in (("min_date", f.min_date), ("max_date", f.max_date)):
            if spec is None:
                continue
            bound = resolve_date_bound(spec, self.facts.today).toordinal()
            holds = value >= bound if attr == "min_date" else value <= bound
            self._bound(raw, attr, f"{attr} {spec}", holds)
            span[0 if attr == "min_date" else 1] = bound
        if span[0] <= span[1]:
            raw.span = (span[0], span[1])

    def _text_domain(self, raw: Raw) -> None:
        """A typed text: one of the form's literals its check accepts, or another text
        (a negative code) of a length the field's limits and pattern allow."""
        f = raw.field
        value = raw.value
        assert isinstance(value, z3.ArithRef)
        accepted = self.facts.accepted_literals(f, raw.key)
        choices = [value == self.enc.strings.code(text) for text in accepted]
        self._require(raw, z3.Or([value < 0, *choices]))
        if f.type not in _DEFAULT_MAX_LENGTH:
            return  # phone, e-mail, IBAN, postcode: their lengths are not tracked
        length = raw.length = z3.Int(self._name(raw.key, "length"))
        for text in accepted:
            self._require(
                raw, z3.Implies(value == self.enc.strings.code(text), length == len(text))
            )
        self._require(raw, length >= 1)
        high = f.max_length or _DEFAULT_MAX_LENGTH[f.type]
        attr = "max_length" if f.max_length else "type"
        self._bound(raw, attr, f"max_length {high}", length <= high)
        if f.min_length:
            self._bound(raw, "min_length", f"min_length {f.min_length}", length >= f.min_length)
        if f.pattern is None:
            return
        shape = pattern_shape(f.pattern)
        if not shape.analysed:
            self.enc.approximations.append(
                f"{raw.key}: the pattern's lengths are not analysed (syntax beyond the "
                "supported subset)"
            )
            return
        # the pattern's own lengths, apart from max_length: a core then names both
        spans = shape.intervals(1, max(high, ANALYSIS_CAP))
        inside = z3.Or([z3.And(length >= a, length <= b) for a, b in spans[:64]])
        if len(spans) > 64:  # too many gaps to list: from the shortest to the longest
            inside = z3.And(length >= spans[0][0], length <= spans[-1][1])
        self._bound(raw, "pattern", f"pattern {f.pattern}", inside)

    def _unroll(self, spec: FieldSpec, raw: Raw, skip: frozenset[str]) -> None:
        f = spec.field
        cap = f.max_items if f.max_items is not None else MAX_GROUP_ITEMS
        limit = min(cap, max(self.facts.group_items, f.min_items or 0))
        count = raw.count = z3.Int(self._name(spec.key, "count"))
        self._current.append(z3.And(count >= 0, raw.answered == (count > 0)))
        if limit < cap:
            check = Check(
                "approximation",
                spec.loc + ("max_items",),
                f"only up to {limit} items of '{spec.key}' are tried",
                frozenset({spec.key}),
            )
            self._current.append(self.tracker.guard(check, count <= limit))
        else:
            self._current.append(count <= limit)
        for index in range(limit):
            item: dict[str, Raw] = {}
            for child in spec.children:
                if child.key in skip:
                    continue
                ckey = f"{spec.key}[{index}].{child.id}"
                item[child.id] = self._make(child.field, ckey, child.key, child.loc)
            raw.items.append(item)


def _runs(codes: list[int]) -> list[tuple[int, int]]:
    """Sorted *codes* as runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return runs
