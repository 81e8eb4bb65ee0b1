"""The bidi order of a line: each character's embedding level, and its runs' order.

The Unicode bidi algorithm (UAX #9) as python-bidi's reference implementation runs it,
as far as its levels: :mod:`kiosk.documents.text` cuts a line into runs of one level and
one font, orders them by rule L2 (:func:`in_visual_order`) and has HarfBuzz shape each
Arabic-script run in its direction. A line of a right-to-left paragraph without
left-to-right letters or embeddings, most of an Arabic, Persian, Pashto or Sorani
document, gets its levels without the whole algorithm (:func:`right_to_left`), which is
pure Python and costs a visitor copy a tenth of its time otherwise.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from bidi import algorithm
from bidi.mirror import MIRRORED

#: Bidi classes the algorithm takes out of the text (rule X9): never drawn as glyphs.
REMOVED = frozenset(algorithm.X9_REMOVED)
#: Bidi classes of a line of a right-to-left paragraph whose levels :func:`levels` finds
#: without the whole algorithm: letters written right to left, numbers, neutrals, no
#: letter written left to right and no embedding; separators and terminators (``+``,
#: ``.``, ``/``, ``%``) only where no number is, as they may join one.
RIGHT_TO_LEFT = frozenset({"R", "AL", "NSM", "BN", "WS", "ON", "S", "B"})
NUMBERS = frozenset({"EN", "AN"})
SEPARATORS = frozenset({"ES", "ET", "CS"})


@lru_cache(maxsize=4096)
def bidi_class(char: str) -> str:
    return unicodedata.bidirectional(char)


def reversed_and_mirrored(text: str) -> str:
    """*text* of a right-to-left run that is drawn as it stands, in drawing order: its
    characters reversed, brackets and the like mirrored (rule L4), the characters the
    algorithm takes out left out."""
    return "".join(
        MIRRORED.get(char, char) for char in reversed(text) if bidi_class(char) not in REMOVED
    )


def levels(text: str, rtl: bool) -> list[int]:
    """The bidi embedding level of each character of *text*, one line, after rule L1.

    Characters the algorithm takes out (rule X9: joiners, embedding controls) get the
    level of the one before them, so that a joiner stays in its word's run.
    """
    if rtl:
        classes = [bidi_class(char) for char in text]
        found = set(classes)
        if found <= RIGHT_TO_LEFT | NUMBERS or found <= RIGHT_TO_LEFT | SEPARATORS:
            return right_to_left(classes)
    return by_algorithm(text, rtl)


def by_algorithm(text: str, rtl: bool) -> list[int]:
    """:func:`levels` by python-bidi's implementation of the whole algorithm."""
    storage = algorithm.get_empty_storage()
    storage["base_level"], storage["base_dir"] = (1, "R") if rtl else (0, "L")
    algorithm.get_embedding_levels(text, storage)
    every = list(storage["chars"])
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    algorithm.reorder_resolved_levels(storage, False)  # L1 on the levels (and L2, unused)
    kept = {id(char) for char in storage["chars"]}
    levels: list[int] = []
    level = next((char["level"] for char in every if id(char) in kept), storage["base_level"])
    for char in every:
        if id(char) in kept:
            level = char["level"]
        levels.append(level)
    return levels


def right_to_left(classes: list[str]) -> list[int]:
    """What the algorithm gives a line of the classes :data:`RIGHT_TO_LEFT` and either
    numbers or separators, in a right-to-left paragraph, in a fraction of its time:
    numbers (and the marks on them) at level 2 (W1, I2), everything else at level 1 (it
    is right to left, or neutral between right-to-left text and numbers: N1, L1).
    Removed characters (BN) take the level before them, as :func:`levels` gives them."""
    levels: list[int] = []
    level = 1
    for kind in classes:
        if kind in NUMBERS:
            level = 2
        elif kind not in ("NSM", "BN"):
            level = 1
        levels.append(level)
    first = next((i for i, kind in enumerate(classes) if kind != "BN"), len(classes))
    if 0 < first < len(classes):  # leading removed characters: the level after them
        levels[:first] = [levels[first]] * first
    return levels


def in_visual_order(levels: list[int]) -> list[int]:
    """Rule L2 on runs: the indices of runs at *levels*, left to right."""
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] < level:
                index += 1
                continue
            end = index
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[index:end] = order[index:end][::-1]
            index = end
    return order
