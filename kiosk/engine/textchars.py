"""Which characters a typed answer may hold, and how to name one that it may not.

Nothing a visitor typed is silently turned into something else. A character
that has no place in an answer is refused and named, so that the visitor can
remove it, instead of being replaced by a space and stored. Invisible
characters matter most: controls, format characters (bidi overrides, zero-width
spaces) and every space but U+0020 would reach the office unseen, as a name
that looks right but matches no register entry, or a street that reads
backwards on screen. DIN 91379 refuses them in names for that reason.
"""

from __future__ import annotations

import unicodedata

from kiosk.engine.messages import Problem

SPACE = " "
#: ZWNJ is part of Persian spelling, ZWJ of several scripts: allowed in free text.
JOINERS = frozenset({"\u200c", "\u200d"})
#: Hangul fillers are letters (category Lo) that show nothing.
_FILLERS = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0"})
_SEPARATORS = frozenset({"Zs", "Zl", "Zp"})
#: Unicode gives controls no names, only aliases; these are the ones a visitor can
#: produce by pasting or with a scanner, worded as the standard's alias.
_CONTROL_NAMES = {
    "\x00": "NULL",
    "\t": "CHARACTER TABULATION",
    "\n": "LINE FEED",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}
#: A text can shrink under NFC to a quarter at most (a letter with three marks, such
#: as U+1F87, is four code points before composition). A text longer than four times
#: the limit is refused before normalising, so a huge paste costs no work.
NFC_SHRINK = 4


def is_invisible(ch: str) -> bool:
    """Controls, format characters, fillers and every space other than U+0020."""
    if ch == SPACE:
        return False
    return unicodedata.category(ch) in {"Cc", "Cf", *_SEPARATORS} or ch in _FILLERS


def first_bad_char(text: str, *, newlines: bool = False, joiners: bool = True) -> str | None:
    """The first character that has no place in a typed answer, or None.

    *newlines* allows LF and TAB (several lines of free text); *joiners* allows
    ZWNJ and ZWJ (free text in the visitor's own script).

    This runs on every keystroke: ``str.isprintable`` refuses exactly the
    categories Other and Separator except U+0020, at C speed, so a text without
    a bad character is cleared without a Python loop over it (0.1 ms instead of
    15 ms for 100,000 characters); the loop only finds which character it is.
    """
    probe = text
    if newlines:
        probe = probe.replace("\n", "").replace("\t", "")
    if joiners:
        probe = probe.replace("\u200c", "").replace("\u200d", "")
    if probe.isprintable() and not any(filler in probe for filler in _FILLERS):
        return None
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc":
            if newlines and ch in "\n\t":
                continue
            return ch
        if cat == "Cf":
            if joiners and ch in JOINERS:
                continue
            return ch
        if cat in _SEPARATORS:
            if ch == SPACE:
                continue
            return ch
        if cat in {"Cs", "Co", "Cn"} or ch in _FILLERS:
            return ch
    return None


def describe(ch: str) -> str:
    """``U+00A0 NO-BREAK SPACE``: the code point and name, for a character nobody can see."""
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ch, "")
    if not name:
        cat = unicodedata.category(ch)
        name = {"Cc": "control character", "Co": "private use", "Cs": "surrogate"}.get(
            cat, "unassigned"
        )
    return f"U+{ord(ch):04X} {name}"


def show(ch: str) -> str:
    """A visible character as itself; anything invisible or combining by code point and name."""
    if unicodedata.category(ch)[0] in {"C", "Z"} or unicodedata.combining(ch) or ch in _FILLERS:
        return describe(ch)
    return ch


def refusal(ch: str, code: str) -> Problem:
    """The problem for a character not allowed: *code* if it can be seen, else its own."""
    return Problem("invisible_character" if is_invisible(ch) else code, {"char": show(ch)})


def fold_spaces(text: str) -> str:
    """Trim and fold runs of U+0020 only; every other space is an answer's content."""
    return SPACE.join(part for part in text.split(SPACE) if part)
