"""Lines of any text, for PDFs: broken in time proportional to the text, never cut in a letter.

Line breaking must cost time in proportion to the text, whatever a visitor
typed: reordering and shaping a line costs tens of microseconds a call plus a
microsecond or two a character, so measuring every candidate line, as a naive
greedy breaker does, turns one long answer into minutes. :func:`layout`
therefore shapes each paragraph once to estimate the width of every word (and of
every character's part of it: HarfBuzz tells which glyphs stand for which
characters), fills each line from these estimates, and only then reorders,
shapes and measures the line for real: the drawn width always decides, the
estimate only saves work. A word wider than a line is cut between grapheme
clusters where its estimated widths add up to the line, so a letter never loses
its marks.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from kiosk.documents.text import ZWJ, ZWNJ, Drawn, advances, char_advances, string_width, visual


@dataclass(frozen=True)
class Line:
    """One laid-out line: what to draw, what it says, and how wide it is drawn."""

    text: Drawn  # visual order, shaped, ready to draw
    rtl: bool
    logical: str  # reading order, as the visitor wrote it
    width: float  # of *text* in the font and size it was laid out for


def layout(text: str, font: str, size: float, max_width: float, rtl: bool = False) -> list[Line]:
    """The lines of *text*, broken at spaces (words wider than *max_width* are cut), in
    reading order, each ready to draw and no wider than *max_width* unless it is a single
    character (with its marks) that is wider on its own.

    Each ``"\\n"`` starts a new line. A break at a space drops that space, a cut inside a
    word drops nothing, so the lines joined back give the text.
    """
    lines: list[Line] = []
    for paragraph in text.split("\n"):
        lines.extend(_Paragraph(paragraph, font, size, max_width, rtl).lines())
    return lines


def wrap(text: str, font: str, size: float, max_width: float, rtl: bool = False) -> list[str]:
    """Logical lines that fit *max_width*, broken at spaces (long words are cut)."""
    return [line.logical for line in layout(text, font, size, max_width, rtl)]


# ------------------------------------------------------------------ estimates


def _advance(text: str, font: str) -> float:
    """Advance of *text* drawn as it stands (unshaped), in thousandths of the font size."""
    return string_width(text, font, 1000.0)


# ------------------------------------------------------------------ grapheme clusters

# What a character is to cluster boundaries (UAX #29, as far as a line break needs it).
_OTHER, _EXTEND, _JOINER, _CONTROL, _REGIONAL, _SYMBOL = range(6)
_HANGUL_L, _HANGUL_V, _HANGUL_T, _HANGUL_LV, _HANGUL_LVT = range(6, 11)
_KINDS = range(11)
#: Pairs of kinds that stay in one cluster (regional indicators pair up separately).
_JOINS = frozenset(
    {(before, now) for before in _KINDS if before != _CONTROL for now in (_EXTEND, _JOINER)}
    | {(_JOINER, _SYMBOL)}  # emoji joined by ZWJ
    | {(_HANGUL_L, now) for now in (_HANGUL_L, _HANGUL_V, _HANGUL_LV, _HANGUL_LVT)}
    | {(before, now) for before in (_HANGUL_LV, _HANGUL_V) for now in (_HANGUL_V, _HANGUL_T)}
    | {(before, _HANGUL_T) for before in (_HANGUL_LVT, _HANGUL_T)}
)


@lru_cache(maxsize=4096)
def _kind(char: str) -> int:
    code = ord(char)
    if char == ZWJ:
        return _JOINER
    if char == ZWNJ or 0x1F3FB <= code <= 0x1F3FF:  # skin tones extend their emoji
        return _EXTEND
    category = unicodedata.category(char)
    if category in {"Mn", "Me", "Mc"}:
        return _EXTEND
    if category in {"Cc", "Cf", "Zl", "Zp"}:
        return _CONTROL
    if 0x1F1E6 <= code <= 0x1F1FF:
        return _REGIONAL
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return _HANGUL_L
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return _HANGUL_V
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return _HANGUL_T
    if 0xAC00 <= code <= 0xD7A3:
        return _HANGUL_LV if (code - 0xAC00) % 28 == 0 else _HANGUL_LVT
    return _SYMBOL if category == "So" else _OTHER


def _clusters(text: str) -> list[int]:
    """Offsets where the grapheme clusters of *text* start, and its length at the end:
    a letter keeps its marks and joiners, Hangul jamo stay one syllable, flags stay pairs
    and emoji joined by ZWJ stay together."""
    bounds = [0]
    previous, regional = _CONTROL, 0  # nothing joins the start
    for index, kind in enumerate(map(_kind, text)):
        if kind == _REGIONAL:
            joins = previous == _REGIONAL and regional % 2 == 1
            regional += 1
        else:
            joins = (previous, kind) in _JOINS
            regional = 0
        if index and not joins:
            bounds.append(index)
        previous = kind
    bounds.append(len(text))
    return bounds


def _letters(text: str) -> list[int]:
    """Offsets where a character with its marks starts in *text*, and its length: the
    smallest pieces a line may ever be cut into (a cluster alone wider than a line is
    cut so, e.g. a long chain of emoji joined by ZWJ)."""
    bounds = [
        index
        for index, kind in enumerate(map(_kind, text))
        if index == 0 or kind not in (_EXTEND, _JOINER)
    ]
    bounds.append(len(text))
    return bounds


# ------------------------------------------------------------------ breaking

#: Where a line starts or ends: a word, and the piece of it (0: the word's start).
_Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Cuts:
    """Where a word too long for a line may be cut, and estimates of its pieces.

    A shaped letter cut off from its neighbours takes its isolated, initial or final
    form, mostly wider than the joined one it was estimated in: a piece's *edge* is
    what its letters would add in their own forms, reserved where a cut puts it at
    the edge of a line.
    """

    bounds: list[int]  # offsets in the word where pieces start, and its length at the end
    estimated: list[float]  # the word's estimated advance up to each character offset
    alone: list[float]  # the same, from the characters' own advances
    level: int  # 1: the pieces are grapheme clusters, 2: characters with their marks

    @property
    def last(self) -> int:
        return len(self.bounds) - 1

    def width(self, first: int, end: int) -> float:
        """Estimated advance of the pieces from *first* up to *end* (bound indices)."""
        return self.estimated[self.bounds[end]] - self.estimated[self.bounds[first]]

    def edge(self, piece: int) -> float:
        start, end = self.bounds[piece], self.bounds[piece + 1]
        own = self.alone[end] - self.alone[start]
        return max(0.0, own - (self.estimated[end] - self.estimated[start]))

    def fitting(self, first: int, room: float) -> int:
        """The farthest bound after *first* whose pieces fit *room* by estimate, the
        edge reserved unless it is the word's end; at least one piece."""
        base = self.estimated[self.bounds[first]]
        offset = bisect_right(self.estimated, base + room, lo=self.bounds[first]) - 1
        end = min(bisect_right(self.bounds, offset) - 1, self.last)
        while first + 1 < end < self.last and self.width(first, end) + self.edge(end - 1) > room:
            end -= 1
        return max(end, first + 1)


@dataclass(slots=True)
class _Word:
    """A word of a paragraph (what stands between two spaces, maybe nothing)."""

    text: str
    #: each character's part of its advance as its paragraph is shaped; None where
    #: nothing in the paragraph is shaped (each character then counts alone)
    shares: list[float] | None
    units: float  # estimated advance, in thousandths of the font size
    spaced: bool  # a space stands before it; a line break there drops the space
    gap: float  # the estimated advance of that space
    cuts: _Cuts | None = None  # once it is known to be too long for a line


class _Paragraph:
    """One paragraph broken into lines; see the module docstring for the way.

    Lines are built of whole words, except where a word is too long for a line: such
    a word starts a line and is cut where the estimated widths of its pieces fill it,
    found by bisection over running sums, so each line of it costs a search, not a
    step per piece.
    """

    #: Tries, after the first, that shrink a line by estimates before bisecting.
    SHRINK_TRIES = 2

    def __init__(self, paragraph: str, font: str, size: float, max_width: float, rtl: bool):
        self.font, self.size, self.max_width, self.rtl = font, size, max_width, rtl
        self.limit = max_width * 1000.0 / size if size > 0 else float("inf")
        space = _advance(" ", font)
        shares = advances(paragraph, font)
        self.words: list[_Word] = []
        at = 0
        for index, text in enumerate(paragraph.split(" ")):
            if shares is None:
                word = _Word(text, None, _advance(text, font), index > 0, space)
            else:
                own = shares[at : at + len(text)]
                gap = shares[at - 1] if index > 0 else 0.0
                word = _Word(text, own, sum(own), index > 0, gap)
            if word.units > self.limit:
                word.cuts = self._cuts(word, 1)
            self.words.append(word)
            at += len(text) + 1

    def lines(self) -> Iterator[Line]:
        """The lines, each planned by the estimates and then measured as drawn; one
        that does not fit so is settled by :meth:`_settle`."""
        start: _Position = (0, 0)
        while start[0] < len(self.words):
            end = self._greedy(start)
            result = self._measured(self._text(start, end))
            if not isinstance(result, Line):
                result, end = self._settle(start, end, result)
            yield result
            start = end

    # -------------------------------------------------------------- words and pieces

    def _cuts(self, word: _Word, level: int) -> _Cuts:
        plain = char_advances(word.text, self.font)
        shares = plain if word.shares is None else word.shares
        estimated = list(accumulate(shares, initial=0.0))
        alone = estimated if shares is plain else list(accumulate(plain, initial=0.0))
        bounds = _clusters(word.text) if level == 1 else _letters(word.text)
        return _Cuts(bounds, estimated, alone, level)

    def _finer(self, start: _Position) -> _Position | None:
        """Cut the word at *start* into smaller pieces than so far; where *start* is
        then, or None if its pieces are the smallest already."""
        word = self.words[start[0]]
        if word.cuts is None:
            word.cuts = self._cuts(word, 1)
            return start
        if word.cuts.level >= 2:
            return None
        offset = word.cuts.bounds[start[1]]
        word.cuts = self._cuts(word, 2)
        return start[0], bisect_left(word.cuts.bounds, offset)

    def _text(self, start: _Position, end: _Position) -> str:
        (index, piece), parts = start, []
        while (index, piece) < end:
            word = self.words[index]
            begin = word.cuts.bounds[piece] if word.cuts is not None else 0
            if index == end[0]:
                assert word.cuts is not None  # a line ends inside a word only where it is cut
                parts.append(word.text[begin : word.cuts.bounds[end[1]]])
                break
            if parts and word.spaced:
                parts.append(" ")
            parts.append(word.text[begin:] if begin else word.text)
            index, piece = index + 1, 0
        return "".join(parts)

    # -------------------------------------------------------------- lines

    def _greedy(self, start: _Position) -> _Position:
        """Where a line from *start* ends by the estimates (after one piece at least).

        A word too long for a line starts its own, as it is cut anyway.
        """
        words, limit = self.words, self.limit
        index, piece = start
        cuts = words[index].cuts
        if cuts is None:
            total = words[index].units
        else:
            opening = cuts.edge(piece) if piece else 0.0
            end = cuts.fitting(piece, limit - opening)
            if end < cuts.last:
                return index, end
            total = opening + cuts.width(piece, end)
        index += 1
        while index < len(words):
            word = words[index]
            grown = total + word.units + (word.gap if word.spaced else 0.0)
            if word.cuts is not None or grown > limit:
                break
            total = grown
            index += 1
        return index, 0

    def _ends(self, start: _Position, end: _Position) -> list[tuple[_Position, float]]:
        """Each place after *start* up to *end* where the line could end instead, with
        the line's estimated advance up to there."""
        ends: list[tuple[_Position, float]] = []
        index, piece = start
        cuts = self.words[index].cuts
        if cuts is None:
            total = self.words[index].units
        else:
            opening = cuts.edge(piece) if piece else 0.0
            for bound in range(piece + 1, cuts.last):
                ends.append(((index, bound), opening + cuts.width(piece, bound)))
                if (index, bound) == end:
                    return ends
            total = opening + cuts.width(piece, cuts.last)
        index += 1
        ends.append(((index, 0), total))
        while (index, 0) < end and index < len(self.words):
            word = self.words[index]
            total += word.units + (word.gap if word.spaced else 0.0)
            index += 1
            ends.append(((index, 0), total))
        return ends

    def _try(self, start: _Position, end: _Position) -> Line | float:
        """The line from *start* to *end* if it fits as drawn, else its drawn width."""
        return self._measured(self._text(start, end))

    def _measured(self, text: str) -> Line | float:
        """*text* as a line if it fits as drawn, else its drawn width."""
        shown = visual(text, self.rtl, self.font)
        drawn = shown.width(self.size)
        if drawn > self.max_width:
            return drawn
        return Line(text=shown, rtl=self.rtl, logical=text, width=drawn)

    def _settle(
        self, start: _Position, end: _Position, drawn: float | None = None
    ) -> tuple[Line, _Position]:
        """The longest line from *start* that fits as drawn, trying up to *end* first
        (*drawn*: its drawn width, when that was tried already).

        The estimate is seldom wrong by more than a glyph or two, so a line that does not
        fit first ends earlier by its overflow; if that misses twice, bisection bounds
        the work at a logarithm of the line's length.
        """
        tries = 0
        while True:
            result = self._try(start, end) if drawn is None else drawn
            drawn = None
            if isinstance(result, Line):
                return result, end
            ends = self._ends(start, end)
            if len(ends) == 1:  # one word or piece alone is too wide
                finer = self._finer(start)
                if finer is None:
                    return self._alone(start, end), end
                start, end, tries = finer, self._greedy(finer), 0
                continue
            tries += 1
            if tries > self.SHRINK_TRIES:
                return self._bisect(start, ends)
            overflow = (result - self.max_width) * 1000.0 / self.size
            shorter = bisect_right([total for _, total in ends], ends[-1][1] - overflow) - 1
            end = ends[max(0, min(shorter, len(ends) - 2))][0]

    def _bisect(
        self, start: _Position, ends: list[tuple[_Position, float]]
    ) -> tuple[Line, _Position]:
        """The line to the farthest of *ends* (the last known not to fit) that fits."""
        fits, too_far, best = -1, len(ends) - 1, None
        while too_far - fits > 1:
            middle = (fits + too_far) // 2
            result = self._try(start, ends[middle][0])
            if isinstance(result, Line):
                fits, best = middle, result
            else:
                too_far = middle
        if best is not None:
            return best, ends[fits][0]
        return self._settle(start, ends[0][0])

    def _alone(self, start: _Position, end: _Position) -> Line:
        """A smallest piece wider than the line: drawn alone, as there is no other way."""
        text = self._text(start, end)
        shown = visual(text, self.rtl, self.font)
        return Line(text=shown, rtl=self.rtl, logical=text, width=shown.width(self.size))
