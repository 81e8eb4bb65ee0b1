"""Finding forms by words: what a visitor types, in their language or in German, and which
form must come first (the demo catalog, its translations as they are)."""

from __future__ import annotations

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.search import search_forms

FIRST = [
    # lang, typed, the form that comes first, forms that must be found too
    ("de", "Wohnung", "housing_search", {"wbs"}),
    ("uk", "Житло", "housing_search", {"wbs"}),  # AsylbLG names a flat only in passing
    ("ru", "квартира", "housing_search", {"wbs", "change_report"}),
    ("ar", "سكن", "housing_search", {"wbs"}),
    ("fa", "مسکن", "housing_search", {"wbs"}),
    ("en", "flat", "housing_search", {"wbs"}),
    ("de", "Kita", "kita_place", set()),
    ("uk", "садок", "kita_place", set()),
    ("tr", "okul", "school_registration", {"school_ticket"}),
    ("de", "Duldung", "asylblg", set()),
    ("de", "Bürgergeld", "buergergeld", set()),
    ("de", "Termin", "appointment_request", set()),
    ("de", "schul", "school_registration", {"school_ticket"}),  # a word begun is enough
]


@pytest.mark.parametrize(("lang", "typed", "first", "also"), FIRST)
def test_the_form_a_visitor_means_comes_first(
    demo: CompiledCatalog, lang: str, typed: str, first: str, also: set[str]
) -> None:
    found = search_forms(demo, lang, typed)
    assert found[:1] == [first], found
    assert also <= set(found)


@pytest.mark.parametrize(
    ("lang", "typed"),
    [("de", "ul"), ("de", "xyzzy"), ("de", ""), ("de", "  ,;  "), ("uk", "Wohnung Kita")],
)
def test_what_finds_nothing(demo: CompiledCatalog, lang: str, typed: str) -> None:
    """A word must begin a word of the form; every word must be found in the same form."""
    assert search_forms(demo, lang, typed) == []


def test_german_words_find_forms_in_every_language(demo: CompiledCatalog) -> None:
    """The words on a visitor's papers are German: they work whatever language is chosen."""
    for lang in demo.languages:
        assert search_forms(demo, lang, "Wohnberechtigungsschein")[:1] == ["wbs"], lang


def test_a_long_query_is_cut_not_slow(demo: CompiledCatalog) -> None:
    essay = " ".join(["Wohnung"] * 5000)
    assert search_forms(demo, "de", essay)[:1] == ["housing_search"]
