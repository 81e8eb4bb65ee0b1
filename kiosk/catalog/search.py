"""Finding forms by words in the visitor's language or in German.

A visitor types "Wohnung", "квартира" or "سكن": each form is indexed by its
title, description, search words, office and topics in both languages, and a
form matches when every typed word starts a word of that text (case and accents
folded), so "schul" finds "Schulanmeldung" but "ul" does not match everything.
The form a visitor means comes first: a word weighs by where it is found (see
:data:`WEIGHTS`), so "Житло" finds the housing forms before the AsylbLG application,
whose description names a flat in passing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.strings import form_ctx, office_ctx, topic_ctx

_WORD = re.compile(r"\w+", re.UNICODE)
#: words of a query looked at (a search box is no place for an essay)
MAX_WORDS = 8


def fold(text: str) -> str:
    """Lower case without accents; Arabic-script letters are kept as they are."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


#: How much a typed word weighs where it is found: a form's own name and search words
#: say what it is for, its topic says what it belongs to, and its description may name
#: many things in passing ("money for food, clothes and a flat").
WEIGHTS = {
    "title": 8,
    "keywords": 7,
    "topic": 5,
    "topic_keywords": 4,
    "office": 3,
    "description": 2,
}
#: A word typed in full counts more than one it only begins.
WHOLE_WORD = 2


@cache
def _index(catalog: CompiledCatalog, lang: str) -> dict[str, list[tuple[int, list[str]]]]:
    """Per form, its texts' words in German and in *lang*, each with its weight."""
    topics = {t.id: t for t in catalog.catalog.topics}
    index: dict[str, list[tuple[int, list[str]]]] = {}
    for form in catalog.catalog.forms:
        office = catalog.catalog.office(form.office)
        parts = [
            ("title", form_ctx(form.id, "title"), form.title),
            ("keywords", form_ctx(form.id, "keywords"), form.keywords or ""),
            ("description", form_ctx(form.id, "description"), form.description),
            ("office", office_ctx(office.id, "name"), office.name),
        ]
        for topic_id in form.topics:
            topic = topics.get(topic_id)
            if topic is not None:
                parts.append(("topic", topic_ctx(topic.id, "title"), topic.title))
                keywords = topic.keywords or ""
                parts.append(("topic_keywords", topic_ctx(topic.id, "keywords"), keywords))
        fields: list[tuple[int, list[str]]] = []
        for kind, ctx, german in parts:
            words = _words(german)
            if lang != "de":
                words += _words(catalog.t(lang, ctx, german))
            fields.append((WEIGHTS[kind], words))
        index[form.id] = fields
    return index


def _score(word: str, fields: list[tuple[int, list[str]]]) -> int:
    """What *word* weighs in a form: where it weighs most, and one more for every other
    text of the form it is in (a form about flats names a flat in its name, its search
    words and its topic; one that names it in passing, once). 0: no word begins with it."""
    found_in = []
    for weight, words in fields:
        if word in words:
            found_in.append(weight * WHOLE_WORD)
        elif any(found.startswith(word) for found in words):
            found_in.append(weight)
    return max(found_in) + len(found_in) - 1 if found_in else 0


def search_forms(catalog: CompiledCatalog, lang: str, query: str) -> list[str]:
    """Form ids whose text holds every word of *query*, best matches first: where the
    words are found (name, search words, topic, office, description) and whether in
    full; equal matches in the catalog's order."""
    wanted = _words(query)[:MAX_WORDS]
    if not wanted:
        return []
    order = {form.id: n for n, form in enumerate(catalog.catalog.forms)}
    scored = []
    for form_id, fields in _index(catalog, lang).items():
        scores = [_score(word, fields) for word in wanted]
        if all(scores):
            scored.append((-sum(scores), order[form_id], form_id))
    return [form_id for _, _, form_id in sorted(scored)]
