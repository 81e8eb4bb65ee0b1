"""What a visitor types is refused and named, never silently rewritten, and never a crash.

DIN 91379 (data type A, names of natural persons) allows U+0020 SPACE and no other
space or control character; the engine used to turn TAB, LF, NBSP and the like into
spaces and accept the name. Lengths are counted after NFC, as the standard counts.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.definition.model import FormField
from kiosk.engine.field_types import build_checker
from kiosk.engine.messages import Problem, render
from kiosk.engine.textchars import first_bad_char
from kiosk.engine.validators import resolve_date_bound
from tests.engine.bounded import within

TODAY = dt.date(2026, 11, 21)


def checked(type_: str, raw: Any, **kw: Any) -> tuple[Any, Problem | None]:
    field = FormField(id="f", type=type_, label="L", **kw)  # type: ignore[arg-type]
    return build_checker(field, None).check(raw, TODAY)


#: (what the visitor typed, the character as the message names it)
INVISIBLE = [
    ("Anna\tMaria", "U+0009 CHARACTER TABULATION"),
    ("Anna\nMaria", "U+000A LINE FEED"),
    ("Anna\rMaria", "U+000D CARRIAGE RETURN"),
    ("Anna\r\nMaria", "U+000D CARRIAGE RETURN"),
    ("Anna\u00a0Maria", "U+00A0 NO-BREAK SPACE"),
    ("Anna\u2028Maria", "U+2028 LINE SEPARATOR"),
    ("Anna\u2029Maria", "U+2029 PARAGRAPH SEPARATOR"),
    ("Anna\u2003Maria", "U+2003 EM SPACE"),
    ("Anna\u202fMaria", "U+202F NARROW NO-BREAK SPACE"),
    ("Anna\u3000Maria", "U+3000 IDEOGRAPHIC SPACE"),
    ("Anna\x85Maria", "U+0085 NEXT LINE"),
    ("Anna\x0bMaria", "U+000B LINE TABULATION"),
    ("Anna\x00", "U+0000 NULL"),
    ("Anna\x1b[31m", "U+001B ESCAPE"),
    ("Anna\u202eairaM", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("Anna \u2066Maria\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("Ann\u200ba", "U+200B ZERO WIDTH SPACE"),
    ("Ann\u200da", "U+200D ZERO WIDTH JOINER"),
    ("Ann\u2060a", "U+2060 WORD JOINER"),
    ("\ufeffAnna", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("Anna\u3164", "U+3164 HANGUL FILLER"),
    ("Anna\t", "U+0009 CHARACTER TABULATION"),  # at the edge, too: not trimmed away
    ("\u00a0Anna", "U+00A0 NO-BREAK SPACE"),
]


@pytest.mark.parametrize(("typed", "named"), INVISIBLE, ids=[n for _, n in INVISIBLE])
def test_a_name_with_an_invisible_character_is_refused_and_the_character_named(
    typed: str, named: str
) -> None:
    value, problem = checked("person_name", typed)
    assert value is None
    assert problem == Problem("invisible_character", {"char": named})
    for lang in ("de", "en", "ar"):
        assert named in render("family_name", problem, lang).text


@pytest.mark.parametrize(("typed", "named"), INVISIBLE, ids=[n for _, n in INVISIBLE])
def test_a_street_with_an_invisible_character_is_refused(typed: str, named: str) -> None:
    assert checked("place", typed) == (None, Problem("invisible_character", {"char": named}))
    address = {"street": typed, "house_number": "7", "postcode": "44135", "city": "Dortmund"}
    assert checked("address", address)[1] == Problem("invisible_character", {"char": named})


#: Free text keeps ZWNJ/ZWJ (Persian spelling) and, in several lines, LF and TAB.
TEXT_ALLOWS = {"U+200D ZERO WIDTH JOINER"}
MULTILINE_ALLOWS = TEXT_ALLOWS | {
    "U+0009 CHARACTER TABULATION",
    "U+000A LINE FEED",
}


@pytest.mark.parametrize(("typed", "named"), INVISIBLE, ids=[n for _, n in INVISIBLE])
def test_free_text_refuses_what_it_cannot_show(typed: str, named: str) -> None:
    value, problem = checked("text", typed)
    if named in TEXT_ALLOWS:
        assert problem is None and value == typed
    else:
        assert problem == Problem("invisible_character", {"char": named})
    value, problem = checked("long_text", typed)
    if named in MULTILINE_ALLOWS:
        assert problem is None
    else:
        assert problem == Problem("invisible_character", {"char": named})


#: (type, what the visitor typed): these used to be accepted with the character
#: stripped or ignored; the answer stored was not what was typed.
OTHER_KINDS = [
    ("iban", "DE89 3704 0044 0532 0130 00\u2028"),
    ("iban", "\u00a0DE89370400440532013000"),
    ("iban", "DE89370400440532013000\n"),
    ("iban", "DE89370400440532013000\u200b"),
    ("postcode", "44135\n"),
    ("postcode", "\u00a044135"),
    ("postcode", "44135\u202e"),
    ("email", "anna@example.org\u00a0"),
    ("email", "\u2028anna@example.org"),
    ("phone", "0231 1234567\u2028"),
    ("phone", "\u00a00231 1234567"),
]


@pytest.mark.parametrize(("type_", "typed"), OTHER_KINDS)
def test_other_text_kinds_refuse_invisible_characters(type_: str, typed: str) -> None:
    value, problem = checked(type_, typed)
    assert value is None and problem is not None


def test_a_house_number_with_a_line_break_is_refused() -> None:
    address = {"street": "Markt", "house_number": "7\n", "postcode": "44135", "city": "Dortmund"}
    assert checked("address", address)[1] == Problem("house_number")


def test_ordinary_spaces_are_still_trimmed_and_folded() -> None:
    assert checked("person_name", "  Anna   Maria ") == ("Anna Maria", None)
    assert checked("iban", " DE89 3704 0044 0532 0130 00 ") == ("DE89370400440532013000", None)
    assert checked("postcode", " 44135 ") == ("44135", None)
    assert checked("text", "  Hallo  ") == ("Hallo", None)


def test_a_visible_character_outside_the_standard_is_named_as_itself() -> None:
    assert checked("person_name", "Olena Шевченко")[1] == Problem("name_character", {"char": "Ш"})
    assert checked("person_name", "Anna\u0361")[1] == Problem(
        "name_character", {"char": "U+0361 COMBINING DOUBLE INVERTED BREVE"}
    )


#: (typed, max_length, outcome): DIN 91379 counts the NFC form, so a name typed with
#: combining marks is as long as the same name typed with precomposed letters.
NFC_LENGTHS = [
    ("Mu\u0308ller", 6, ("Müller", None)),
    ("Mu\u0308ller", 5, (None, Problem("too_long", {"max": 5}))),
    ("Nguye\u0302\u0303n", 6, ("Nguyễn", None)),
    ("a\u0308" * 120, 120, ("ä" * 120, None)),
]


@pytest.mark.parametrize(("typed", "max_length", "outcome"), NFC_LENGTHS)
def test_name_length_is_counted_after_nfc(
    typed: str, max_length: int, outcome: tuple[Any, Problem | None]
) -> None:
    assert checked("person_name", typed, max_length=max_length) == outcome
    assert checked("place", typed, max_length=max_length) == outcome


@pytest.mark.parametrize(
    ("type_", "limit"), [("person_name", 120), ("place", 120), ("text", 200), ("long_text", 2000)]
)
def test_a_huge_paste_is_refused_before_any_work(type_: str, limit: int) -> None:
    with within(seconds=1, megabytes=100):
        assert checked(type_, "a\u0308" * 1_000_000)[1] == Problem("too_long", {"max": limit})


#: (type, raw answer): numbers a store, a simulation or a tampered draft could hold.
#: Each used to raise (InvalidOperation, TypeError) or come back as Infinity.
NUMBERS = [
    ("decimal", float("nan")),
    ("decimal", float("inf")),
    ("decimal", Decimal("NaN")),
    ("decimal", Decimal("-Infinity")),
    ("money", float("nan")),
    ("money", float("inf")),
    ("money", Decimal("sNaN")),
    ("integer", 10**400),
    ("integer", Decimal("1e999999")),
    ("decimal", "1" * 100_000),
]


@pytest.mark.parametrize(("type_", "raw"), NUMBERS, ids=[f"{t}-{str(r)[:12]}" for t, r in NUMBERS])
def test_a_number_that_is_no_amount_is_refused_not_a_crash(type_: str, raw: Any) -> None:
    with within(seconds=1, megabytes=50):
        value, problem = checked(type_, raw, min=1, max=100)
    assert value is None
    assert problem is not None and problem.code in {"not_number", "not_integer"}


#: (bound, result): bounds that fall outside the calendar are held at its edge
#: instead of looping for ever (the day of the month used to be decremented without end).
DATE_BOUNDS = [
    ("-9999y", dt.date.min),
    ("+9999y", dt.date.max),
    ("-99999999d", dt.date.min),
    ("+99999999d", dt.date.max),
    ("-999y", dt.date(1027, 11, 21)),
    ("+1m", dt.date(2026, 12, 21)),
]


@pytest.mark.parametrize(("spec", "expected"), DATE_BOUNDS)
def test_date_bounds_never_leave_the_calendar(spec: str, expected: dt.date) -> None:
    with within(seconds=1, megabytes=10):
        assert resolve_date_bound(spec, TODAY) == expected


def _reference_bad(ch: str, newlines: bool, joiners: bool) -> bool:
    """The rule, one character at a time: what the fast path must agree with."""
    if (newlines and ch in "\n\t") or (joiners and ch in "\u200c\u200d") or ch == " ":
        return False
    category = unicodedata.category(ch)
    return category[0] in {"C", "Z"} or ch in {"\u115f", "\u1160", "\u3164", "\uffa0"}


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=60), newlines=st.booleans(), joiners=st.booleans())
def test_the_fast_character_check_agrees_with_the_rule(
    text: str, newlines: bool, joiners: bool
) -> None:
    expected = next((ch for ch in text if _reference_bad(ch, newlines, joiners)), None)
    assert first_bad_char(text, newlines=newlines, joiners=joiners) == expected


def test_a_repeat_group_with_a_flood_of_items_is_refused_quickly() -> None:
    """A tampered draft may hold any list; the engine does not evaluate 100,000 items."""
    from kiosk.definition.model import Form, Page
    from kiosk.engine.compiler import compile_form
    from kiosk.engine.form import MAX_GROUP_ITEMS

    kid = FormField(id="kname", type="person_name", label="Name")
    group = FormField(id="kids", type="group", label="Kinder", fields=[kid])
    form = Form(
        id="f",
        version=1,
        office="amt",
        title="T",
        description="D",
        next_steps="N",
        pages=[Page(id="p", title="P", fields=[group])],
    )
    compiled = compile_form(form, {})
    with within(seconds=1, megabytes=50):
        state = compiled.evaluate({"kids": [{"kname": "Anna"}] * 100_000}, TODAY)
    assert state.type_problems["kids"] == Problem("too_many_items", {"max": MAX_GROUP_ITEMS})
