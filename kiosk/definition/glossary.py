"""The glossary: German administrative terms that visitors must match to their papers.

A visitor holds a paper that says "Duldung" or "Bescheid"; a translation that
only says "tolerated stay" leaves them guessing which of their papers is meant.
``glossary.yaml`` names these terms once, each with a one-line plain German
explanation; translators translate both through PO like every catalog string
(``glossary:<id>:term``, ``glossary:<id>:explanation``). Two things follow:

- every translation of a catalog text whose German contains a term carries that
  German term too, written "translation (German term)"; ``kiosk catalog validate
  --strict-translations`` checks it (:mod:`kiosk.catalog.glossary_check`);
- on screen, a German term inside a text can be tapped: the kiosk shows its plain
  explanation in the visitor's language with the German beside it.

Both find terms with :class:`TermFinder`. A term counts only as a whole word
(``Berechtigungsschein`` is not inside ``Wohnberechtigungsschein``) and with its
capital letters. Some words have an everyday meaning beside the official one:
``only_in`` lists the phrases that mean the term (the Anmeldung of a flat, not of a
Kita place) and ``also_in`` the texts about the term, where the word alone means it
(the info sheet on the Anmeldung); ``not_in`` lists phrases that do not mean the
term ("sagen Sie uns Bescheid").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

#: Letters and digits, words joined by single spaces or hyphens: "Amt für Migration",
#: "Kita-Platz", "AsylbLG". No brackets or punctuation, which a translator would move.
_WORDS = re.compile(r"^[^\W_]+(?:[ \-][^\W_]+)*$")

GlossaryId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    Field(description="Lower-case identifier: letters a-z, digits and _; starts with a letter."),
]
GermanWords = Annotated[
    str,
    StringConstraints(min_length=2, max_length=80),
    Field(description="German words as they are written on papers, with their capitals."),
]
TextContext = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*(:[A-Za-z0-9_.\-]+)*$", max_length=200),
    Field(description="A translation context or its beginning, e.g. `info:anmeldung`."),
]
OneLine = Annotated[
    str,
    StringConstraints(min_length=1, max_length=400, pattern=r"^[^\r\n]+$"),
    Field(description="One line of plain German."),
]

#: Most entries: a glossary names the words on papers, not a dictionary.
MAX_TERMS = 500


def _words_problem(text: str) -> str | None:
    if not _WORDS.match(text):
        return (
            f"'{text}' is not written as words: letters and digits, joined by single "
            "spaces or hyphens"
        )
    return None


class GlossaryEntry(BaseModel):
    """One German term with its other forms and its plain explanation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: GlossaryId
    term: GermanWords = Field(description="The term as a visitor finds it on a paper.")
    forms: list[GermanWords] = Field(
        default_factory=list,
        max_length=20,
        description="Other German forms of the term: plural, genitive, a short form "
        "(Duldungen; Bescheids; WBS).",
    )
    explanation: OneLine = Field(
        description="One line of plain German: what the paper or the office is, so that "
        "a visitor knows whether it is theirs."
    )
    only_in: list[GermanWords] = Field(
        default_factory=list,
        max_length=50,
        description="For a word with an everyday meaning too: only these phrases mark the "
        "term in a German text ('Anmeldung der Wohnung', not the 'Anmeldung' of a Kita place).",
    )
    also_in: list[TextContext] = Field(
        default_factory=list,
        max_length=20,
        description="With only_in: texts in which the word alone means the term, named by "
        "their context or its beginning (`info:anmeldung`: the info sheet about it).",
    )
    not_in: list[GermanWords] = Field(
        default_factory=list,
        max_length=50,
        description="Phrases in which the word does not mean the term ('sagen Sie uns Bescheid').",
    )

    @field_validator("term", "forms", "only_in", "not_in")
    @classmethod
    def _written_as_words(cls, value: str | list[str]) -> str | list[str]:
        for text in [value] if isinstance(value, str) else value:
            problem = _words_problem(text)
            if problem is not None:
                raise ValueError(problem)
        return value

    @field_validator("forms", "only_in", "not_in")
    @classmethod
    def _each_once(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for text in value:
            if text in seen:
                raise ValueError(f"'{text}' is listed twice")
            seen.add(text)
        return value

    @property
    def words(self) -> list[str]:
        """The term and its forms: what a translation carries."""
        return [self.term, *self.forms]

    def phrase_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(where in the entry, message) for a form that repeats the term, ``also_in``
        without ``only_in``, and each phrase of ``only_in``/``not_in`` that does not
        contain the term or one of its forms."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        for i, form in enumerate(self.forms):
            if form == self.term:
                out.append((("forms", i), f"'{form}' is the term itself"))
        if self.also_in and not self.only_in:
            out.append((("also_in",), "also_in needs only_in: without it the word counts anywhere"))
        words = _pattern(self.words)
        for key in ("only_in", "not_in"):
            for i, phrase in enumerate(getattr(self, key)):
                if words.search(phrase) is None:
                    out.append(
                        ((key, i), f"'{phrase}' does not contain '{self.term}' or one of its forms")
                    )
        return out


class Glossary(BaseModel):
    """``glossary.yaml``: the German terms the catalog keeps beside its translations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: list[GlossaryEntry] = Field(min_length=1, max_length=MAX_TERMS)


@dataclass(frozen=True, slots=True)
class TermHit:
    """Where a term stands in a text: ``text[start:end]`` is the words found."""

    start: int
    end: int
    entry: str  # the glossary id


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Any of *words* as a whole word, the longest first (``Amt für Migration`` before
    ``Amt``); a pattern that never matches when there are none."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    if not ordered:
        return re.compile(r"(?!x)x")
    alternatives = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


class TermFinder:
    """Finds glossary terms in German texts and in translations.

    In a German text a term is its words (term and forms), or only its ``only_in``
    phrases where it has them; in a translation it is any of them, since the
    translation carries the German term as the visitor's paper has it. A word shared
    by two entries belongs to the first (``kiosk catalog validate`` refuses that).
    """

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries = {e.id: e for e in entries}
        self._german_owner: dict[str, str] = {}
        self._any_owner: dict[str, str] = {}
        self._except_owner: dict[str, str] = {}
        self._bare_owner: dict[str, str] = {}  # words of terms narrowed by only_in
        for e in entries:
            for word in e.only_in or e.words:
                self._german_owner.setdefault(word, e.id)
            if e.only_in and e.also_in:
                for word in e.words:
                    self._bare_owner.setdefault(word, e.id)
            for word in [*e.words, *e.only_in]:
                self._any_owner.setdefault(word, e.id)
            for phrase in e.not_in:
                self._except_owner.setdefault(phrase, e.id)
        self._german = _pattern(self._german_owner)
        self._any = _pattern(self._any_owner)
        self._except = _pattern(self._except_owner)
        self._bare = _pattern(self._bare_owner)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def in_german(self, text: str, ctx: str | None = None) -> list[TermHit]:
        """The terms of a German catalog text, in reading order; *ctx*, the text's context,
        says where a word narrowed by ``only_in`` counts on its own (``also_in``)."""
        hits = self._find(text, self._german, self._german_owner)
        about = {e.id for e in self.entries.values() if ctx and _within(ctx, e.also_in)}
        if not about:
            return hits
        bare = [h for h in self._find(text, self._bare, self._bare_owner) if h.entry in about]
        bare = [b for b in bare if not any(h.start < b.end and b.start < h.end for h in hits)]
        return sorted(hits + bare, key=lambda h: h.start)

    def in_translation(self, text: str) -> list[TermHit]:
        """The German terms a translated text carries (any form), in reading order."""
        return self._find(text, self._any, self._any_owner)

    def terms_in_german(self, text: str, ctx: str | None = None) -> list[str]:
        """The ids of the terms in a German text, each once, in reading order."""
        return list(dict.fromkeys(hit.entry for hit in self.in_german(text, ctx)))

    def carries(self, translation: str, entry_id: str) -> bool:
        """Whether *translation* carries the German term *entry_id* in any of its forms."""
        return any(hit.entry == entry_id for hit in self.in_translation(translation))

    def _find(self, text: str, pattern: re.Pattern[str], owner: dict[str, str]) -> list[TermHit]:
        if not self.entries:
            return []
        excepted = [
            (m.start(), m.end(), self._except_owner[m.group()]) for m in self._except.finditer(text)
        ]
        hits: list[TermHit] = []
        for m in pattern.finditer(text):
            entry = owner[m.group()]
            if any(
                start < m.end() and m.start() < end and entry == who for start, end, who in excepted
            ):
                continue  # "sagen Sie uns Bescheid": the word, not the term
            hits.append(TermHit(m.start(), m.end(), entry))
        return hits


def _within(ctx: str, prefixes: Iterable[str]) -> bool:
    return any(ctx == p or ctx.startswith(f"{p}:") for p in prefixes)


def shared_words(entries: Sequence[GlossaryEntry]) -> list[tuple[int, str, int, str]]:
    """(index, key, position, word) for each word or ``only_in`` phrase that an earlier
    entry already uses: a word in two entries would be explained twice, differently."""
    owner: dict[str, str] = {}
    out: list[tuple[int, str, int, str]] = []
    for index, e in enumerate(entries):
        places = [("term", 0, e.term)]
        places += [("forms", i, w) for i, w in enumerate(e.forms)]
        places += [("only_in", i, w) for i, w in enumerate(e.only_in)]
        for key, position, word in places:
            first = owner.get(word)
            if first is not None and first != e.id:
                out.append((index, key, position, f"'{word}' is already a word of '{first}'"))
            owner.setdefault(word, e.id)
    return out
