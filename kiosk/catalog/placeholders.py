"""Amounts in catalog texts: placeholders, formatted for the language a text is shown in.

A catalog text that names an amount writes it as a placeholder, never as digits:

- ``{law:ID}`` shows the value ``ID`` of ``law.yaml`` (an amount of money, a number,
  a date or a text), so a new law changes the text with the value;
- ``{money:50000}`` shows an amount in euros no law sets (an example in a help text).

"40.000 Euro" written into a German text reads as forty to an English reader and
may be copied as "40.000" by a translator; a placeholder is written out by Babel
for each language (``40.000,00 €``, ``€40,000.00``, see :mod:`kiosk.localized`).
Translations keep the placeholders as they are.

German texts are filled once, when the catalog is built (:func:`german_shown`), so
every place that shows German (the office copy, the German beside a translation)
shows the amount in German. Translations are filled when shown, in
:meth:`kiosk.catalog.compiled.CompiledCatalog.t` through :func:`fill`, the one
function both the screens and the documents go through; a German text with
placeholders that has no translation yet is kept among a language's texts as it
is (:func:`untranslated_amounts`), so its amounts, too, read as the visitor's
language writes them.

Counts stay words of the sentence ("in den letzten 3 Monaten"): the number is fixed
when the German is written, so the translator sees it and writes the form their
language uses for it. No catalog text counts something only known when it is
shown, so catalog texts need no plural forms of their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, TypeVar

from pydantic import BaseModel

from kiosk.catalog.issues import Issue
from kiosk.catalog.source import SourceFile
from kiosk.definition.law import LawBook, LawValue
from kiosk.definition.model import Catalog, Offices, Topics
from kiosk.definition.strings import CatalogString, Loc, document_strings
from kiosk.localized import long_date, money, number

#: Anything in braces: a placeholder, or a mistake the build names.
TOKEN: Final = re.compile(r"\{([^{}]*)\}")
_LAW: Final = re.compile(r"^law:([a-z][a-z0-9_]{0,62})$")
_MONEY: Final = re.compile(r"^money:([0-9]{1,12}(?:\.[0-9]{1,2})?)$")
#: A number written with a thousands separator ("40.000", "1,500"), which readers of
#: different languages read differently.
GROUPED_NUMBER: Final = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?!\d)")
SHAPES: Final = "{law:ID} for a value of law.yaml or {money:1500} for an amount in euros"

M = TypeVar("M", bound=BaseModel)


def placeholders(text: str) -> set[str]:
    """The placeholders of *text*, written as in the text (``{law:id}``)."""
    return {match.group(0) for match in TOKEN.finditer(text)}


def fill(text: str, lang: str, laws: Mapping[str, LawValue]) -> str:
    """*text* with each placeholder written out for readers of *lang*; one that names
    nothing known stays as it is (the build refuses it in German texts)."""
    if "{" not in text:
        return text

    def shown(match: re.Match[str]) -> str:
        return value_text(match.group(1), lang, laws) or match.group(0)

    return TOKEN.sub(shown, text)


def value_text(inner: str, lang: str, laws: Mapping[str, LawValue]) -> str | None:
    """The words for the placeholder ``{inner}`` in *lang*; None if it is none."""
    law = _LAW.match(inner)
    if law is not None:
        value = laws.get(law.group(1))
        return None if value is None else law_text(value, lang)
    amount = _MONEY.match(inner)
    if amount is not None:
        return money(Decimal(amount.group(1)), lang)
    return None


def law_text(value: LawValue, lang: str) -> str | None:
    """A law value in words of *lang*; None for a yes/no switch, which no text shows."""
    constant = value.constant
    if value.type == "money":
        return money(str(constant), lang)
    if value.type == "number":
        return number(str(constant), lang)
    if value.type == "date":
        return long_date(constant, lang)  # type: ignore[arg-type]  # a date, by its type
    if value.type == "text":
        return str(constant)
    return None


# ------------------------------------------------------------------ checks


def text_problems(text: str, laws: Mapping[str, LawValue]) -> list[str]:
    """What is wrong with the placeholders and amounts of the German *text*."""
    problems = []
    for match in TOKEN.finditer(text):
        inner = match.group(1)
        law = _LAW.match(inner)
        if law is not None:
            value = laws.get(law.group(1))
            if value is None:
                known = ", ".join(sorted(laws)[:12]) or "none"
                more = ", ..." if len(laws) > 12 else ""
                problems.append(
                    f"unknown law value '{law.group(1)}' in {match.group(0)} "
                    f"(law.yaml holds: {known}{more})"
                )
            elif value.type == "bool":
                problems.append(
                    f"{match.group(0)} is a yes/no switch: a text can show amounts, numbers, "
                    "dates and texts of law.yaml, not a switch"
                )
        elif _MONEY.match(inner) is None:
            problems.append(f"'{match.group(0)}' is not a placeholder: write {SHAPES}")
    for match in GROUPED_NUMBER.finditer(TOKEN.sub("", text)):
        problems.append(
            f"'{match.group(0)}' reads differently in other languages (40.000 is forty "
            f"thousand in German and forty in English): write {SHAPES}"
        )
    return problems


def placeholder_issues(
    strings: Sequence[tuple[SourceFile, CatalogString]], loaded: Iterable[SourceFile]
) -> list[Issue]:
    """Every problem of the German texts' placeholders and amounts, at its file and line."""
    laws = {v.id: v for f in loaded if isinstance(f.model, LawBook) for v in f.model.values}
    return [f.issue(s.loc, problem) for f, s in strings for problem in text_problems(s.text, laws)]


def untranslated_amounts(found: dict[str, str], german: Mapping[str, str]) -> dict[str, str]:
    """One language's translations (*found*), and for each German text with placeholders
    that has none yet, the German text itself: the visitor then reads German, but its
    amounts and dates as their own language writes them (``€40,000.00``)."""
    waiting = {ctx: text for ctx, text in german.items() if ctx not in found and "{" in text}
    return {**found, **{ctx: text for ctx, text in waiting.items() if placeholders(text)}}


def translation_gaps(german: str, translated: str) -> tuple[set[str], set[str]]:
    """(placeholders the translation adds, placeholders it leaves out)."""
    source, target = placeholders(german), placeholders(translated)
    return target - source, source - target


# ------------------------------------------------------------------ German, filled once


def german_shown(catalog: Catalog) -> Catalog:
    """*catalog* with the placeholders of its German texts written out in German."""
    laws = {v.id: v for v in catalog.law}
    update: dict[str, object] = {
        "header": _filled(catalog.header, laws),
        "offices": _filled(Offices(offices=catalog.offices), laws).offices,
        "topics": _filled(Topics(topics=catalog.topics), laws).topics,
        "info_sheets": [_filled(sheet, laws) for sheet in catalog.info_sheets],
        "codelists": [_filled(codelist, laws) for codelist in catalog.codelists],
        "forms": [_filled(form, laws) for form in catalog.forms],
    }
    if catalog.finder is not None:
        update["finder"] = _filled(catalog.finder, laws)
    return catalog.model_copy(update=update)


def _filled(doc: M, laws: Mapping[str, LawValue]) -> M:
    """*doc* (one catalog document) with its German texts' placeholders written out; the
    same object when it has none."""
    changes = _changes(document_strings(doc), laws)
    if not changes:
        return doc
    data = doc.model_dump(mode="json")
    for loc, text in changes.items():
        *parents, last = loc
        node: Any = data  # dicts and lists, as the loc's names and positions say
        for part in parents:
            node = node[part]
        node[last] = text
    return type(doc).model_validate_json(json.dumps(data))


def _changes(strings: Iterable[CatalogString], laws: Mapping[str, LawValue]) -> dict[Loc, str]:
    out = {}
    for s in strings:
        if "{" in s.text:
            shown = fill(s.text, "de", laws)
            if shown != s.text:
                out[s.loc] = shown
    return out
