"""Which lengths a catalog pattern admits, and a text of a given length that matches it.

The completability proof (:mod:`kiosk.catalog.completability`) must know whether a
text field can be answered at all: a pattern ``^[0-9]{5}$`` on a field with
``max_length: 4`` never can. Deciding that for arbitrary regular expressions would
need an automaton library; the lengths a pattern admits, though, follow from its
syntax alone (a concatenation adds lengths, an alternative unites them, a
repetition repeats the addition), so they are computed here from a small parser of
the common RE2 syntax. What the parser does not know (``\\Q...\\E``, flags groups
other than ``(?i)``/``(?s)``/``(?m)``/``(?U)``) makes the analysis give up, and the
field is then taken to accept every length: the proof never calls a field
unanswerable because of syntax it did not understand.

Zero-width parts (``^``, ``$``, ``\\b``) count as empty, and every character class
as one character, even one that can match nothing such as ``[^\\s\\S]``: both
over-approximate the lengths, which again only hides problems, never invents
them. A sample text is built from the same tree and then checked by RE2 itself,
so a sample that does not really match is never used.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache

from kiosk.definition.patterns import compile_pattern

#: Lengths above this are not told apart: any of them counts as possible if the
#: pattern can grow beyond it. Real patterns (file numbers, codes) stay far below.
ANALYSIS_CAP = 4096

#: Characters tried, in this order, when a class needs one: plain letters and digits
#: first, since the text checks refuse control and invisible characters.
_CANDIDATES = string.ascii_letters + string.digits + " -./_,:;()+#&'@"
_CLASS_ESCAPES = {
    "d": string.digits,
    "w": string.ascii_letters + string.digits + "_",
    "s": " \t\n\r\f\v",
}
_CHAR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_POSIX = {
    "alpha": string.ascii_letters,
    "digit": string.digits,
    "alnum": string.ascii_letters + string.digits,
    "upper": string.ascii_uppercase,
    "lower": string.ascii_lowercase,
    "space": " \t\n\r\f\v",
    "word": string.ascii_letters + string.digits + "_",
    "xdigit": string.hexdigits,
    "punct": string.punctuation,
    "print": string.printable,
    "graph": string.ascii_letters + string.digits + string.punctuation,
}


class _UnsupportedError(ValueError):
    """Syntax the analysis does not follow; the pattern is then taken as any length."""


@dataclass(frozen=True)
class _Chars:
    """One character out of a class: *members* (or anything but them, if *negated*)."""

    members: str
    negated: bool = False

    def sample(self) -> str:
        for ch in _CANDIDATES:
            if (ch in self.members) != self.negated:
                return ch
        return self.members[:1] or "a"


@dataclass(frozen=True)
class _Seq:
    parts: tuple[_Node, ...]


@dataclass(frozen=True)
class _Alt:
    options: tuple[_Node, ...]


@dataclass(frozen=True)
class _Rep:
    node: _Node
    low: int
    high: int | None


_Node = _Chars | _Seq | _Alt | _Rep
_ANY = _Chars("\n", negated=True)
_EMPTY = _Seq(())


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0

    def parse(self) -> _Node:
        node = self._alternation()
        if self.pos != len(self.src):
            raise _UnsupportedError("unbalanced parenthesis")
        return node

    def _peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def _take(self) -> str:
        ch = self._peek()
        if not ch:
            raise _UnsupportedError("pattern ends early")
        self.pos += 1
        return ch

    def _alternation(self) -> _Node:
        options = [self._sequence()]
        while self._peek() == "|":
            self.pos += 1
            options.append(self._sequence())
        return options[0] if len(options) == 1 else _Alt(tuple(options))

    def _sequence(self) -> _Node:
        parts: list[_Node] = []
        while self._peek() not in ("", "|", ")"):
            atom = self._atom()
            parts.append(self._quantified(atom))
        return parts[0] if len(parts) == 1 else _Seq(tuple(parts))

    def _quantified(self, atom: _Node) -> _Node:
        while True:
            ch = self._peek()
            if ch in ("*", "+", "?"):
                self.pos += 1
                atom = _Rep(atom, 1 if ch == "+" else 0, 1 if ch == "?" else None)
            elif ch == "{" and self._counted() is not None:
                low, high = self._counted() or (0, None)
                self.pos = self.src.index("}", self.pos) + 1
                atom = _Rep(atom, low, high)
            else:
                return atom
            if self._peek() in ("?", "+"):  # lazy or possessive: same lengths
                self.pos += 1

    def _counted(self) -> tuple[int, int | None] | None:
        end = self.src.find("}", self.pos)
        if end < 0:
            return None
        low, comma, high = self.src[self.pos + 1 : end].partition(",")
        if not low.isdigit() or (high and not high.isdigit()):
            return None
        return int(low), (int(high) if high else None) if comma else int(low)

    def _atom(self) -> _Node:
        ch = self._take()
        if ch == "(":
            if self.src.startswith("?", self.pos):
                self._group_prefix()
            node = self._alternation()
            if self._take() != ")":
                raise _UnsupportedError("unbalanced parenthesis")
            return node
        if ch in "^$":
            return _EMPTY
        if ch == ".":
            return _ANY
        if ch == "[":
            return self._class()
        if ch == "\\":
            return self._escape(in_class=False)
        return _Chars(ch)

    def _group_prefix(self) -> None:
        rest = self.src[self.pos :]
        if rest.startswith("?:"):
            self.pos += 2
        elif rest.startswith("?P<") and ">" in rest:
            self.pos += rest.index(">") + 1
        else:
            end = rest.find(")")
            colon = rest.find(":")
            flags = rest[1 : colon if 0 <= colon < end else end]
            if not flags or any(f not in "imsU-" for f in flags):
                raise _UnsupportedError(f"group ({rest[:6]}")
            # (?i:...) goes on with its content; a bare (?i) is an empty group
            self.pos += colon + 1 if 0 <= colon < end else end

    def _escape(self, *, in_class: bool) -> _Chars:
        ch = self._take()
        if ch in _CLASS_ESCAPES:
            return _Chars(_CLASS_ESCAPES[ch])
        if ch.lower() in _CLASS_ESCAPES:
            return _Chars(_CLASS_ESCAPES[ch.lower()], negated=True)
        if ch in _CHAR_ESCAPES:
            return _Chars(_CHAR_ESCAPES[ch])
        if ch in "pP":  # a Unicode class: some letter of it
            if self._peek() == "{":
                self.pos = self.src.index("}", self.pos) + 1
            else:
                self._take()
            return _Chars(string.ascii_letters) if ch == "p" else _Chars(string.digits)
        if ch == "x":
            return _Chars(self._hex())
        if ch in "AzbB" and not in_class:
            raise _UnsupportedError("zero-width escape")  # handled by the caller's caller
        if ch.isalnum():
            raise _UnsupportedError(f"escape \\{ch}")
        return _Chars(ch)

    def _hex(self) -> str:
        if self._peek() == "{":
            end = self.src.index("}", self.pos)
            digits, self.pos = self.src[self.pos + 1 : end], end + 1
        else:
            digits, self.pos = self.src[self.pos : self.pos + 2], self.pos + 2
        try:
            return chr(int(digits, 16))
        except ValueError:
            raise _UnsupportedError("hex escape") from None

    def _class(self) -> _Chars:
        negated = self._peek() == "^"
        if negated:
            self.pos += 1
        members: list[str] = []
        first = True
        while True:
            ch = self._take()
            if ch == "]" and not first:
                break
            first = False
            if ch == "[" and self._peek() == ":":
                end = self.src.index(":]", self.pos)
                name = self.src[self.pos + 1 : end].lstrip("^")
                members.append(_POSIX.get(name, string.ascii_letters))
                self.pos = end + 2
                continue
            low = self._escape(in_class=True).members if ch == "\\" else ch
            if self._peek() == "-" and self.src[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high_ch = self._take()
                high = self._escape(in_class=True).members if high_ch == "\\" else high_ch
                if len(low) == 1 and len(high) == 1 and ord(low) <= ord(high):
                    span = range(ord(low), min(ord(high), ord(low) + 2000) + 1)
                    members.append("".join(chr(c) for c in span))
                    continue
                members.append(low + "-" + high)
                continue
            members.append(low)
        return _Chars("".join(members), negated)


def _zero_width_free(source: str) -> str:
    r"""*source* without \A, \z, \b, \B (zero width: no effect on lengths)."""
    out: list[str] = []
    i = 0
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source):
            if source[i + 1] in "AzbB":
                i += 2
                continue
            out.append(source[i : i + 2])
            i += 2
            continue
        out.append(source[i])
        i += 1
    return "".join(out)


def _parse(source: str) -> _Node | None:
    try:
        return _Parser(_zero_width_free(source)).parse()
    except (_UnsupportedError, ValueError):
        return None


# ----------------------------------------------------------------- lengths

_OVER = ANALYSIS_CAP + 1  # the bit that stands for "some length above the cap"


def _clip(mask: int) -> int:
    if mask >> _OVER:
        return (mask & ((1 << _OVER) - 1)) | (1 << _OVER)
    return mask


def _add(a: int, b: int) -> int:
    """Every sum of a length of *a* and one of *b* (clipped at the cap)."""
    out = 0
    bits = b
    shift = 0
    while bits:
        if bits & 1:
            out |= a << shift
        bits >>= 1
        shift += 1
    return _clip(out)


@lru_cache(maxsize=4096)
def _lengths(node: _Node) -> int:
    match node:
        case _Chars():
            return 1 << 1
        case _Seq(parts):
            mask = 1
            for part in parts:
                mask = _add(mask, _lengths(part))
            return mask
        case _Alt(options):
            mask = 0
            for option in options:
                mask |= _lengths(option)
            return mask
        case _Rep(inner, low, high):
            one = _lengths(inner)
            reached = 1  # zero copies: length 0
            for _ in range(min(low, _OVER)):
                reached = _add(reached, one)
            if high is not None and high <= low:
                return reached
            total = reached
            extra = None if high is None else high - low
            while extra is None or extra > 0:
                reached = _add(reached, one)
                if reached | total == total:
                    break
                total |= reached
                if extra is not None:
                    extra -= 1
            return total


@dataclass(frozen=True)
class PatternShape:
    """What the proof knows of a pattern: the lengths of the texts it matches."""

    source: str
    mask: int | None  # bit n: some matching text has length n; None: not analysed

    @property
    def analysed(self) -> bool:
        return self.mask is not None

    def admits(self, length: int) -> bool:
        if self.mask is None:
            return True
        if length > ANALYSIS_CAP:
            return bool(self.mask >> _OVER)
        return bool(self.mask >> length & 1)

    def intervals(self, low: int, high: int) -> list[tuple[int, int]]:
        """The admitted lengths in [low, high] as closed intervals, shortest first."""
        out: list[tuple[int, int]] = []
        top = min(high, ANALYSIS_CAP)
        n = low
        while n <= top:
            if self.admits(n):
                start = n
                while n + 1 <= top and self.admits(n + 1):
                    n += 1
                out.append((start, n))
            n += 1
        if high > ANALYSIS_CAP and self.admits(ANALYSIS_CAP + 1):
            start = max(low, ANALYSIS_CAP + 1)
            if out and out[-1][1] == ANALYSIS_CAP:
                start = out.pop()[0]
            out.append((start, high))
        return out

    def sample(self, length: int) -> str | None:
        """A text of *length* characters that the pattern really matches, or None."""
        node = _parse(self.source)
        if node is None:
            return None
        try:
            text = _build(node, length)
        except RecursionError:  # a very long sample of a deep pattern: not needed
            return None
        if text is None or not compile_pattern(self.source).fullmatch(text):
            return None
        return text


def pattern_shape(source: str) -> PatternShape:
    node = _parse(source)
    return PatternShape(source, None if node is None else _lengths(node))


# ----------------------------------------------------------------- samples


@lru_cache(maxsize=4096)
def _build(node: _Node, length: int) -> str | None:
    if length < 0 or not (_lengths(node) >> min(length, _OVER)) & 1:
        return None
    match node:
        case _Chars():
            return node.sample() if length == 1 else None
        case _Seq(parts):
            return _build_sequence(parts, length)
        case _Alt(options):
            for option in options:
                text = _build(option, length)
                if text is not None:
                    return text
            return None
        case _Rep(inner, low, high):
            copies = low
            while high is None or copies <= high:
                if copies > length + low:
                    return None
                text = _build_sequence((inner,) * copies, length)
                if text is not None:
                    return text
                copies += 1
            return None


@lru_cache(maxsize=4096)
def _build_sequence(parts: tuple[_Node, ...], length: int) -> str | None:
    if not parts:
        return "" if length == 0 else None
    head, rest = parts[0], parts[1:]
    head_mask = _lengths(head)
    for size in range(length + 1):
        if not (head_mask >> min(size, _OVER)) & 1:
            continue
        tail = _build_sequence(rest, length - size)
        if tail is None:
            continue
        text = _build(head, size)
        if text is not None:
            return text + tail
    return None
