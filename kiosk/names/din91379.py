"""DIN 91379 character sets, read from the published list of characters and sequences.

The list (``data/din91379_latin_list_1.3.txt``, CC BY 4.0) names every allowed
letter, including letters that exist only as a base letter followed by combining
marks. A string is tokenised greedily, longest sequence first, after Unicode
normalisation to NFC, which DIN 91379:2022 requires.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

_DATA = "din91379_latin_list_1.3.txt"

#: Groups that make up each data type (DIN 91379 section "Datentypen").
_TYPE_GROUPS: dict[str, frozenset[str]] = {
    "A": frozenset({"bll", "bnlreq"}),
    "B": frozenset({"bll", "bnlreq", "bnl"}),
    "C": frozenset({"bll", "bnlreq", "bnl", "bnlopt", "bnlnot"}),
}


@dataclass(frozen=True)
class NameCheck:
    """Outcome of a check: the NFC text, and the first character not allowed (if any)."""

    text: str
    bad_char: str | None = None
    position: int | None = None

    @property
    def ok(self) -> bool:
        return self.bad_char is None


@dataclass(frozen=True)
class _Charset:
    singles: frozenset[str]
    sequences: dict[str, tuple[str, ...]]  # first char -> sequences, longest first


@cache
def _entries() -> tuple[tuple[str, str], ...]:
    """(group, NFC text) for every entry, parsed from the codepoint column."""
    raw = resources.files("kiosk.names").joinpath("data", _DATA).read_text(encoding="utf-8")
    out: list[tuple[str, str]] = []
    for line in raw.split("\n"):
        parts = line.split("; ")
        if len(parts) < 3 or parts[1] not in {"char", "seq"}:
            continue  # the glyph of LINE FEED itself breaks its line in two
        text = "".join(chr(int(cp, 16)) for cp in parts[2].split())
        out.append((parts[0], unicodedata.normalize("NFC", text)))
    return tuple(out)


@cache
def _charset(data_type: str) -> _Charset:
    groups = _TYPE_GROUPS[data_type]
    singles: set[str] = set()
    seqs: dict[str, list[str]] = {}
    for group, text in _entries():
        if group not in groups:
            continue
        if len(text) == 1:
            singles.add(text)
        else:
            seqs.setdefault(text[0], []).append(text)
    return _Charset(
        frozenset(singles),
        {k: tuple(sorted(v, key=len, reverse=True)) for k, v in seqs.items()},
    )


def _check(value: str, data_type: str) -> NameCheck:
    text = unicodedata.normalize("NFC", value)
    cs = _charset(data_type)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        for seq in cs.sequences.get(ch, ()):
            if text.startswith(seq, i):
                i += len(seq)
                break
        else:
            if ch not in cs.singles:
                return NameCheck(text, ch, i)
            i += 1
    return NameCheck(text)


def check_type_a(value: str) -> NameCheck:
    """Names of natural persons: Latin letters and the few signs names need."""
    return _check(value, "A")


def check_type_b(value: str) -> NameCheck:
    """Other names (streets, places): type A plus digits and common signs."""
    return _check(value, "B")
