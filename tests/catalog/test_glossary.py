"""``glossary.yaml``: German terms with their plain explanations, read with their lines,
checked, found in texts as whole words, translated through PO and carried to the terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from kiosk.catalog.build import BuildResult, build_catalog
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.glossary import GlossaryEntry, TermFinder
from kiosk.definition.strings import glossary_ctx
from tests.catalog.test_broken_catalogs import Case, reported
from tests.catalog.test_translations import extract
from tests.conftest import FORM_YAML, write_catalog

GLOSSARY = "forms_catalog/glossary.yaml"

GLOSSARY_YAML = """\
terms:
  - id: duldung
    term: Duldung
    forms: [Duldungen]
    explanation: Ein Papier vom Amt für Migration.
  - id: bescheid
    term: Bescheid
    forms: [Bescheide, Bescheids]
    not_in: [sagen Sie uns Bescheid]
    explanation: Ein Brief, mit dem ein Amt entscheidet.
  - id: anmeldung
    term: Anmeldung
    only_in: [Anmeldung der Wohnung]
    also_in: ["info:anmeldung"]
    explanation: Die Wohnung bei den Bürgerdiensten anmelden.
  - id: migration
    term: Amt für Migration
    forms: [Ausländerbehörde]
    explanation: Die Ausländerbehörde der Stadt.
  - id: berechtigungsschein
    term: Berechtigungsschein
    explanation: Ein Papier für den Integrationskurs.
  - id: wbs
    term: Wohnberechtigungsschein
    forms: [WBS]
    explanation: Ein Papier vom Amt für Wohnen.
"""


def glossary(old: str, new: str) -> dict[str, str]:
    assert old in GLOSSARY_YAML, old
    return {"glossary.yaml": GLOSSARY_YAML.replace(old, new, 1)}


FINDER = TermFinder(
    [GlossaryEntry.model_validate(e) for e in yaml.safe_load(GLOSSARY_YAML)["terms"]]
)

#: (German text, its context, the terms found in reading order)
GERMAN_TEXTS = [
    ("Haben Sie eine Duldung?", None, ["duldung"]),
    ("Duldungen und Bescheide", None, ["duldung", "bescheid"]),
    ("Datum des Bescheids vom Amt", None, ["bescheid"]),
    # whole words only, with their capitals
    ("Duldungsbescheinigung", None, []),
    ("die duldung", None, []),
    ("Wohnberechtigungsschein (WBS)", None, ["wbs"]),  # not the Berechtigungsschein inside
    ("Ihr Berechtigungsschein", None, ["berechtigungsschein"]),
    ("Kita-Bescheid", None, ["bescheid"]),  # a hyphen ends a word
    # the longest words first: the office, not a part of its name
    ("beim Amt für Migration (Ausländerbehörde)", None, ["migration"]),
    # an everyday phrase is not the term
    ("Bitte sagen Sie uns Bescheid, wenn Sie umziehen.", None, []),
    ("Bitte sagen Sie uns Bescheid. Der Bescheid kommt per Post.", None, ["bescheid"]),
    # a word with another meaning counts only in its phrases ...
    ("Mit dieser Anmeldung bekommen Sie einen Kita-Platz.", None, []),
    ("Nach der Anmeldung der Wohnung", None, ["anmeldung"]),
    # ... or in the texts about it
    ("Was ist die Anmeldung?", "info:anmeldung:what:heading", ["anmeldung"]),
    ("Was ist die Anmeldung?", "info:kita:what:heading", []),
]


@pytest.mark.parametrize(("text", "ctx", "terms"), GERMAN_TEXTS)
def test_terms_in_german_texts(text: str, ctx: str | None, terms: list[str]) -> None:
    assert FINDER.terms_in_german(text, ctx) == terms


#: (translation, term, whether it carries the German term)
TRANSLATIONS = [
    ("هل لديك تصريح تسامح (Duldung)؟", "duldung", True),
    ("Do you have a tolerated stay?", "duldung", False),
    ("Do you have Duldungen?", "duldung", True),  # any form
    ("Ваша Anmeldung", "anmeldung", True),  # a translation carries the plain term
    ("Ваша Anmeldung der Wohnung", "anmeldung", True),
    ("the Duldungsbescheinigung", "duldung", False),
    ("Bescheid (Duldung)", "bescheid", True),
]


@pytest.mark.parametrize(("text", "entry", "carries"), TRANSLATIONS)
def test_a_translation_carries_a_term_in_any_form(text: str, entry: str, carries: bool) -> None:
    assert FINDER.carries(text, entry) is carries


def test_found_terms_say_where_they_stand() -> None:
    text = "هل لديك (Duldung) أو (Bescheide)؟"
    hits = FINDER.in_translation(text)
    assert [(text[h.start : h.end], h.entry) for h in hits] == [
        ("Duldung", "duldung"),
        ("Bescheide", "bescheid"),
    ]


def test_the_glossary_is_translated_and_reaches_the_terminal(tmp_path: Path) -> None:
    root = tmp_path
    form = FORM_YAML.replace("label: Status", "label: Haben Sie eine Duldung oder einen Bescheid?")
    write_catalog(root, {"glossary.yaml": GLOSSARY_YAML, "amt/test_form.yaml": form})
    with extract(root).open("rb") as fh:
        pot = {m.context: m for m in read_po(fh) if m.id}
    # translators are told which German terms to keep beside their words
    status = pot["form:test_form:status:label"]
    comment = " ".join(status.auto_comments)  # PO tools wrap long comments
    assert "keep the German term beside your words" in comment
    assert comment.endswith("'translation (term)': Duldung, Bescheid")
    assert not any("keep the German" in c for c in pot["form:test_form:age:label"].auto_comments)
    term = pot[glossary_ctx("duldung", "term")]
    assert term.id == "Duldung" and ("forms_catalog/glossary.yaml", 3) in term.locations
    explanation = pot[glossary_ctx("duldung", "explanation")]
    assert explanation.id == "Ein Papier vom Amt für Migration."
    assert "Duldung" in explanation.auto_comments[0]
    result = build_catalog(root / "forms_catalog")
    assert result.ok, [str(i) for i in result.errors]
    assert result.catalog is not None
    terminal = CompiledCatalog.from_json(result.catalog.to_json())
    assert [e.id for e in terminal.catalog.glossary][:2] == ["duldung", "bescheid"]
    assert terminal.catalog.glossary[2].only_in == ["Anmeldung der Wohnung"]


def test_the_demo_glossary_holds_the_words_on_visitors_papers(demo: CompiledCatalog) -> None:
    terms = {e.term for e in demo.catalog.glossary}
    assert terms >= {
        "Bürgergeld",
        "Duldung",
        "Aufenthaltsgestattung",
        "Ankunftsnachweis",
        "Aufenthaltserlaubnis",
        "Aufenthaltstitel",
        "Niederlassungserlaubnis",
        "Fiktionsbescheinigung",
        "Grenzübertrittsbescheinigung",
        "Bescheid",
        "Meldebescheinigung",
        "Anmeldung",
        "Wohnberechtigungsschein",
        "Kita",
        "Jobcenter",
        "Jugendamt",
        "Sozialamt",
        "Amt für Migration",
        "Familienkasse",
        "Kindergeld",
        "Unterhaltsvorschuss",
        "Bedarfsgemeinschaft",
        "Behandlungsschein",
        "Basiskonto",
        "AsylbLG",
        "Sozialhilfe",
        "Bildung und Teilhabe",
        "Integrationskurs",
        "Berechtigungsschein",
    }
    finder = TermFinder(demo.catalog.glossary)
    wbs = demo.catalog.form("wbs")
    assert "wohnberechtigungsschein" in finder.terms_in_german(wbs.title)
    # the everyday "Bescheid geben" of the info sheets is not the letter with a decision
    assert (
        finder.terms_in_german("Wenn Sie den Termin nicht schaffen, sagen Sie vorher Bescheid.")
        == []
    )


CASES = [
    Case(
        "an id given twice",
        glossary("  - id: bescheid\n", "  - id: duldung\n"),
        GLOSSARY,
        6,
        "terms[duldung].id",
        "glossary id 'duldung' is used twice",
    ),
    Case(
        "a word of two entries",
        glossary("forms: [Bescheide, Bescheids]", "forms: [Bescheide, Duldungen]"),
        GLOSSARY,
        8,
        "terms[bescheid].forms[1]",
        "'Duldungen' is already a word of 'duldung'",
    ),
    Case(
        "a term written with brackets, which a translator would move",
        glossary("term: Wohnberechtigungsschein", "term: Wohnberechtigungsschein (WBS)"),
        GLOSSARY,
        24,
        "terms[wbs].term",
        "is not written as words",
    ),
    Case(
        "an explanation of two lines",
        glossary(
            "explanation: Ein Papier vom Amt für Wohnen.",
            "explanation: |\n      Ein Papier\n      vom Amt für Wohnen.",
        ),
        GLOSSARY,
        26,
        "terms[wbs].explanation",
        "String should match pattern",
    ),
    Case(
        "a phrase without its term",
        glossary("not_in: [sagen Sie uns Bescheid]", "not_in: [sagen Sie es uns]"),
        GLOSSARY,
        9,
        "terms[bescheid].not_in[0]",
        "'sagen Sie es uns' does not contain 'Bescheid' or one of its forms",
    ),
    Case(
        "also_in without only_in",
        glossary("    only_in: [Anmeldung der Wohnung]\n", ""),
        GLOSSARY,
        13,
        "terms[anmeldung].also_in",
        "also_in needs only_in",
    ),
    Case(
        "a form that repeats the term",
        glossary("forms: [Duldungen]", "forms: [Duldungen, Duldung]"),
        GLOSSARY,
        4,
        "terms[duldung].forms[1]",
        "'Duldung' is the term itself",
    ),
    Case(
        "an unknown key",
        glossary("    forms: [WBS]\n", "    forms: [WBS]\n    plural: Wohnberechtigungsscheine\n"),
        GLOSSARY,
        26,
        "terms[wbs].plural",
        "unknown key",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_glossary_problems_are_reported_at_their_line(
    make_catalog: Callable[..., BuildResult], case: Case
) -> None:
    reported(make_catalog(case.files), case)
