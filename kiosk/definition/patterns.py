"""Catalog patterns (``pattern:`` of a text field), compiled once and matched in linear time.

Admins write the pattern; visitors type the text it is matched against, and the
engine re-checks the field on every keystroke. Python's ``re`` backtracks:
``^(a+)+$`` against 39 letters ``a`` and a ``!`` takes minutes, and the terminal
freezes. RE2 matches in time linear in the text, with memory bounded by
``max_mem``, whatever the pattern. What RE2 cannot run that way
(backreferences, lookahead and lookbehind) it refuses to compile, so the catalog
build reports it to the admin instead of the terminal hanging.

Differences an admin may notice: ``\\d``, ``\\w``, ``\\s`` and ``\\b`` mean ASCII
digits, letters and spaces (which is what office file numbers are made of);
``\\Z`` is written ``\\z`` or ``$``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

#: Longest pattern a catalog may hold. Real ones (file numbers, codes) are under 60.
MAX_PATTERN_LENGTH = 500
#: Bytes RE2 may use for one pattern: the compiled program and its DFA cache. When the
#: cache is full RE2 falls back to a slower automaton that is still linear in the text.
MAX_MEM = 1 << 20
#: Longest text a pattern is matched against: the largest ``max_length`` a field may
#: have. A longer text can never be a valid answer, so it is not even looked at.
MAX_SUBJECT_LENGTH = 100_000

#: RE2's wording for features it refuses -> what to tell the admin.
_HINTS: tuple[tuple[str, str], ...] = (
    ("invalid perl operator: (?=", "lookahead (?=...) is not supported"),
    ("invalid perl operator: (?!", "negative lookahead (?!...) is not supported"),
    ("invalid perl operator: (?<", "lookbehind (?<=...) / (?<!...) is not supported"),
    ("invalid perl operator: (?P", "backreferences such as (?P=name) are not supported"),
    ("invalid perl operator: (?>", "atomic groups (?>...) are not supported"),
    ("invalid escape sequence: \\k", "backreferences such as \\k<name> are not supported"),
    ("invalid escape sequence: \\Z", "\\Z is not supported; use \\z or $"),
    ("invalid repetition size", "a repetition count above 1000 (nested counts multiply)"),
    ("pattern too large", "the pattern is too large to run in bounded memory; simplify it"),
)


class PatternError(ValueError):
    """A catalog pattern that cannot be used; the message says why, for the admin."""


@dataclass(frozen=True, eq=False)
class CatalogPattern:
    """A compiled catalog pattern; :meth:`fullmatch` is safe on any visitor text."""

    source: str
    _regexp: Any  # re2._Regexp; the module ships no type information

    def fullmatch(self, text: str) -> bool:
        """Whether the whole of *text* matches; linear in ``len(text)``."""
        if len(text) > MAX_SUBJECT_LENGTH:
            return False
        return self._regexp.fullmatch(text) is not None


def _options() -> Any:
    options = re2.Options()
    options.max_mem = MAX_MEM
    options.log_errors = False  # a refused pattern is reported to the admin, not to stderr
    options.never_capture = True  # only match or no match is needed: less memory, faster
    return options


def _explain(raw: str) -> str:
    if raw.startswith("invalid escape sequence: \\") and raw[-1:].isdigit():
        return f"backreferences such as {raw.split(': ', 1)[1]} are not supported"
    for prefix, hint in _HINTS:
        if raw.startswith(prefix):
            return hint
    return f"not a valid pattern: {raw}"


def _byte_escape(source: str) -> bool:
    """Whether *source* uses ``\\C`` (one byte), which can cut a letter in half."""
    i = 0
    while i < len(source) - 1:
        if source[i] == "\\":
            if source[i + 1] == "C":
                return True
            i += 2
        else:
            i += 1
    return False


@lru_cache(maxsize=1024)
def compile_pattern(source: str) -> CatalogPattern:
    """Compile *source* for matching visitor text; raise :class:`PatternError` if it cannot be.

    Cached: the catalog build compiles every pattern once, and the engine's field
    checks reuse the same compiled object.
    """
    if not source:
        raise PatternError("the pattern is empty")
    if len(source) > MAX_PATTERN_LENGTH:
        raise PatternError(
            f"the pattern has {len(source)} characters; at most {MAX_PATTERN_LENGTH} are allowed"
        )
    if "\x00" in source:
        raise PatternError("the pattern contains a NUL character")
    if _byte_escape(source):
        raise PatternError("\\C (a single byte) is not supported; use . for any character")
    try:
        regexp = re2.compile(source, _options())
    except re2.error as exc:
        raw = exc.args[0] if exc.args else ""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        raise PatternError(_explain(text)) from None
    return CatalogPattern(source, regexp)


def pattern_problem(source: str) -> str | None:
    """Why *source* cannot be a catalog pattern, or None if it can."""
    try:
        compile_pattern(source)
    except PatternError as exc:
        return str(exc)
    return None
