"""Finding forms by words in the visitor's language or in German.

A visitor types "Wohnung", "квартира" or "سكن": each form is indexed by its
title, description, search words, office and topics in both languages, and a
form matches when every typed word starts a word of that text (case and accents
folded), so "schul" finds "Schulanmeldung" but "ul" does not match everything.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.strings import form_ctx, office_ctx, topic_ctx

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents; Arabic-script letters are kept as they are."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@cache
def _index(catalog: CompiledCatalog, lang: str) -> dict[str, list[str]]:
    topics = {t.id: t for t in catalog.catalog.topics}
    index: dict[str, list[str]] = {}
    for form in catalog.catalog.forms:
        office = catalog.catalog.office(form.office)
        parts = [
            (form_ctx(form.id, "title"), form.title),
            (form_ctx(form.id, "description"), form.description),
            (form_ctx(form.id, "keywords"), form.keywords or ""),
            (office_ctx(office.id, "name"), office.name),
        ]
        for topic_id in form.topics:
            topic = topics.get(topic_id)
            if topic is not None:
                parts.append((topic_ctx(topic.id, "title"), topic.title))
                parts.append((topic_ctx(topic.id, "keywords"), topic.keywords or ""))
        words: list[str] = []
        for ctx, german in parts:
            words += _words(german)
            if lang != "de":
                words += _words(catalog.t(lang, ctx, german))
        index[form.id] = words
    return index


def search_forms(catalog: CompiledCatalog, lang: str, query: str) -> list[str]:
    """Form ids whose text holds every word of *query*, best matches first."""
    wanted = _words(query)
    if not wanted:
        return []
    scored = []
    for form_id, words in _index(catalog, lang).items():
        if all(any(w.startswith(q) for w in words) for q in wanted):
            exact = sum(1 for q in wanted if q in words)
            scored.append((-exact, form_id))
    return [form_id for _, form_id in sorted(scored)]
