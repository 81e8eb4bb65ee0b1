"""Amounts on the visitor copy, read back from the real PDF: never "40.000" to a reader
of English, Arabic or Persian, who would read forty.

The visitor's lines write amounts as their language does (``€40,000.00``); the German
beside them writes them as German does, always with the cents (``40.000,00 €``), so
that no reader can take the thousands separator for a decimal one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.documents.render import ApplicationRecord, visitor_copy
from kiosk.simulation.sample_documents import sample_record
from tests.documents.test_documents import text_of, write

#: a number with a dot between thousands, as German writes it
DOT_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")

#: language -> the asset limit (a computed amount) and the income limit of a label, as the
#: visitor's lines write them
AMOUNTS = [
    ("en", "€40,000.00", "€100,000.00"),
    ("ar", "40,000.00", "100,000.00"),  # Western digits, as on the visitor's German papers
    ("fa", "40,000.00", "100,000.00"),
]


def copy_text(
    tmp_path: Path, demo: CompiledCatalog, form_id: str, lang: str, **answers: object
) -> str:
    record = sample_record(demo, form_id, lang)
    record = ApplicationRecord(**{**record.__dict__, "answers": {**record.answers, **answers}})
    return text_of(write(tmp_path, f"{form_id}-{lang}.pdf", visitor_copy(record)))


def assert_german_amounts_only_beside(text: str) -> None:
    """Every dot-grouped number is a German amount with its cents, on a line of its own
    kind (the German beside), never in the visitor's words."""
    for match in DOT_GROUPED.finditer(text):
        after = text[match.end() : match.end() + 5]
        assert re.match(r",\d\d\s*€", after), text[max(0, match.start() - 60) : match.end() + 20]


@pytest.mark.parametrize(("lang", "asset_limit", "income_limit"), AMOUNTS)
def test_the_visitor_copy_writes_amounts_as_the_visitors_language_does(
    tmp_path: Path, demo: CompiledCatalog, lang: str, asset_limit: str, income_limit: str
) -> None:
    text = copy_text(tmp_path, demo, "buergergeld", lang, asset_limit="40000")
    assert asset_limit in text  # a computed amount, in the visitor's words
    assert "40.000,00 €" in text  # and the German beside it
    assert_german_amounts_only_beside(text)
    # a catalog text that names a law value: its label, then the German beside it
    text = copy_text(tmp_path, demo, "social_assistance", lang)
    assert income_limit in text and "100.000,00 €" in text
    assert_german_amounts_only_beside(text)


def test_the_english_copy_says_forty_thousand_euros_as_english_writes_it(
    tmp_path: Path, demo: CompiledCatalog
) -> None:
    lines = copy_text(tmp_path, demo, "buergergeld", "en", asset_limit="40000").splitlines()
    at = lines.index("€40,000.00")
    assert lines[at + 1] == "40.000,00 €"  # the German beside the answer
    assert "40.000" not in " ".join(lines[:at] + [lines[at]])
