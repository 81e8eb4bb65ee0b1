"""The visitor copy says, in the visitor's language, that the German text is binding and the
translation helps to understand it; a German copy needs no such line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.documents import texts
from kiosk.documents.render import visitor_copy
from kiosk.i18n import gettext_for
from kiosk.simulation.sample_documents import sample_record
from tests.documents.test_documents import (
    plain,
    reads_in_order,
    rtl_runs,
    text_of,
    words,
    write,
)


@pytest.mark.parametrize("lang", ["ar", "uk", "en"])
def test_the_visitor_copy_says_the_german_text_is_binding(
    tmp_path: Path, demo: CompiledCatalog, lang: str
) -> None:
    record = sample_record(demo, "buergergeld", lang)
    text = text_of(write(tmp_path, "visitor.pdf", visitor_copy(record)))
    shown = gettext_for(lang).gettext(texts.GERMAN_IS_BINDING)
    found = words(text)  # their language, each run of its words in its order
    assert all(reads_in_order(found, run) for run in rtl_runs(shown) or [words(shown)])
    assert plain(texts.GERMAN_IS_BINDING) in plain(text)  # and the German beside it
    # at the top, before the first answer: read before anything else
    assert plain(text).index(plain(texts.GERMAN_IS_BINDING)) < plain(text).index(record.reference)


def test_a_german_visitor_copy_has_no_such_line(tmp_path: Path, demo: CompiledCatalog) -> None:
    record = sample_record(demo, "buergergeld", "de")
    text = plain(text_of(write(tmp_path, "visitor.pdf", visitor_copy(record))))
    assert record.reference in text
    assert plain(texts.GERMAN_IS_BINDING) not in text
    assert "Verbindlich" not in text
