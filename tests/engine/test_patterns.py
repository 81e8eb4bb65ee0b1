"""Catalog patterns: what RE2 refuses, and matching in linear time whatever the pattern."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.definition.model import FormField
from kiosk.definition.patterns import (
    MAX_PATTERN_LENGTH,
    PatternError,
    compile_pattern,
    pattern_problem,
)
from kiosk.engine.field_types import build_checker
from kiosk.engine.messages import Problem
from tests.engine.bounded import within

TODAY = dt.date(2026, 11, 21)

#: pattern -> what the admin is told. Each of these cannot run in linear time, cannot
#: run at all, or is larger than a catalog needs.
REFUSED = [
    (r"(a)\1", r"backreferences such as \1 are not supported"),
    (r"^(\w+)\s\1$", r"backreferences such as \1 are not supported"),
    (r"(?P<x>a)(?P=x)", "backreferences such as (?P=name) are not supported"),
    (r"(?P<x>a)\k<x>", r"backreferences such as \k<name> are not supported"),
    ("(?=a)a", "lookahead (?=...) is not supported"),
    ("(?!a)b", "negative lookahead (?!...) is not supported"),
    ("(?<=a)b", "lookbehind"),
    ("(?<!a)b", "lookbehind"),
    ("(?>a+)b", "atomic groups (?>...) are not supported"),
    (r"a\Z", r"\Z is not supported; use \z or $"),
    ("[a-", "not a valid pattern: missing ]"),
    ("(a", "not a valid pattern: missing )"),
    ("a**", "not a valid pattern: bad repetition operator"),
    ("a{1001}", "a repetition count above 1000"),
    ("((a{100}){100})", "a repetition count above 1000"),
    (r"(\p{L}{1,100}){1,10}", "too large to run in bounded memory"),
    (r"\C+", r"\C (a single byte) is not supported"),
    ("a" * (MAX_PATTERN_LENGTH + 1), f"at most {MAX_PATTERN_LENGTH} are allowed"),
    ("", "the pattern is empty"),
    ("a\x00b", "NUL"),
]

#: Patterns of the demo catalog and the shapes that make backtracking engines hang:
#: RE2 runs them all.
ACCEPTED = [
    "^[0-9]{3} ?[A-Za-z] ?[0-9]{6}$",
    "^[0-9]{5} ?(BG|bg|//) ?[0-9]{7}$",
    "^([0-9]{10}|[0-9]{13})$",
    "^[A-Za-z0-9/ .-]*$",
    "^(a+)+$",
    "^(a|a)*$",
    "^(a|aa)+$",
    r"^(\w+\s?)*$",
    "^(.*a){12}$",
    r"(?i)^[a-z]+\p{Greek}*$",
]


@pytest.mark.parametrize(("pattern", "reason"), REFUSED, ids=[p[:24] for p, _ in REFUSED])
def test_a_pattern_re2_cannot_run_is_refused_with_its_reason(pattern: str, reason: str) -> None:
    with within(seconds=2, megabytes=50):
        problem = pattern_problem(pattern)
    assert problem is not None and reason in problem, problem
    with pytest.raises(PatternError):
        compile_pattern(pattern)


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_patterns_re2_can_run_are_accepted(pattern: str) -> None:
    assert pattern_problem(pattern) is None


#: (pattern, text, matches): catastrophic for a backtracking engine, linear for RE2.
PATHOLOGICAL = [
    ("^(a+)+$", "a" * 39 + "!", False),
    ("^(a+)+$", "a" * 100_000, True),
    ("^(a+)+$", "a" * 99_999 + "!", False),
    ("^(a|a)*$", "a" * 5_000 + "!", False),
    ("^(a|aa)+$", "a" * 100_000 + "b", False),
    (r"^(\w+\s?)*$", "word " * 20_000 + "!", False),
    ("^(.*a){12}$", "a" * 1_000 + "b", False),
]


@pytest.mark.parametrize(
    ("pattern", "text", "matches"), PATHOLOGICAL, ids=[f"{p}-{len(t)}" for p, t, _ in PATHOLOGICAL]
)
def test_pathological_patterns_match_in_linear_time(pattern: str, text: str, matches: bool) -> None:
    compiled = compile_pattern(pattern)
    with within(seconds=1, megabytes=50):
        assert compiled.fullmatch(text) is matches


def test_the_field_check_matches_a_pathological_pattern_in_linear_time() -> None:
    """What the engine runs on every keystroke: the text field's whole check."""
    field = FormField(id="code", type="text", label="Code", pattern="^(a+)+$", max_length=100_000)
    checker = build_checker(field, None)
    with within(seconds=2, megabytes=50):
        assert checker.check("a" * 39 + "!", TODAY)[1] == Problem("pattern")
        assert checker.check("a" * 100_000, TODAY) == ("a" * 100_000, None)
        assert checker.check("a" * 99_999 + "!", TODAY)[1] == Problem("pattern")


def test_a_text_longer_than_the_field_allows_is_never_matched() -> None:
    field = FormField(id="code", type="text", label="Code", pattern="^(a+)+$", max_length=10)
    checker = build_checker(field, None)
    with within(seconds=1, megabytes=50):
        assert checker.check("a" * 1_000_000 + "!", TODAY)[1] == Problem("too_long", {"max": 10})


def test_a_pattern_is_compiled_once_and_shared() -> None:
    """Validating the catalog compiles it; every checker built later reuses that."""
    compile_pattern.cache_clear()
    field = FormField(id="code", type="text", label="Code", pattern="^[0-9]{12}$")
    build_checker(field, None)
    build_checker(field, None)
    info = compile_pattern.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    assert compile_pattern("^[0-9]{12}$") is compile_pattern("^[0-9]{12}$")
