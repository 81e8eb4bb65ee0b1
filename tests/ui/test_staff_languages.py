"""Staff see which languages visitors can choose, which of them a qualified translator
has checked, and which the catalog keeps back as incomplete (with how far they are)."""

from __future__ import annotations

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from ui.printing import PrinterState, PrinterStatus
from ui.speech import Speaker
from ui.staff_status import status_lines
from ui.tr import Tr

READY = PrinterStatus(PrinterState.READY, "receipts")


def test_the_status_names_offered_reviewed_and_withheld_languages(
    demo: CompiledCatalog,
) -> None:
    status = {
        "languages": {"de": "source", "ar": "reviewed", "ti": "draft"},
        "withheld": {"fr": 37.5, "sq": 0.0},
    }
    line = dict(status_lines(Tr("de", demo), status, READY))["languages"]
    assert line == (
        "Sprachen für Besucher: de, ar, ti; davon von Fachleuten geprüft: ar; "
        "zurückgehalten (unvollständig): fr (37.5 %), sq (0 %)"
    )


def test_nothing_reviewed_and_nothing_withheld_reads_as_a_dash(demo: CompiledCatalog) -> None:
    status = {"languages": {"de": "source", "en": "draft"}, "withheld": {}}
    line = dict(status_lines(Tr("de", demo), status, READY))["languages"]
    assert line.endswith("geprüft: -; zurückgehalten (unvollständig): -")


def test_the_demo_catalog_offers_every_language_it_lists_as_a_draft(
    demo: CompiledCatalog,
) -> None:
    """What the staff screen is fed: every listed language whole, none yet reviewed."""
    assert demo.withheld == {}
    assert demo.languages == demo.catalog.header.languages
    assert {demo.review(lang) for lang in demo.languages} == {"source", "draft"}


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        (Speaker("none"), "Ton: Vorlesen ausgeschaltet (speech.engine = none)"),
        (Speaker("espeak-ng", voices=frozenset()), "Ton: eSpeak NG fehlt (Paket espeak-ng)"),
    ],
)
def test_the_status_says_why_there_is_no_read_aloud(
    demo: CompiledCatalog, speaker: Speaker, expected: str
) -> None:
    status = {"audio": speaker.output_name or ""}
    assert dict(status_lines(Tr("de", demo), status, READY))["audio"] == expected


def test_a_missing_sound_output_is_named_as_such(demo: CompiledCatalog) -> None:
    line = dict(status_lines(Tr("de", demo), {"audio": ""}, READY))["audio"]
    assert line == "Ton: kein Audiogerät, Vorlesen ist aus"
