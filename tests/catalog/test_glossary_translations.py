"""Translations keep the German term: every translation of a text whose German holds a
glossary term carries that term too ("translation (Duldung)"); ``validate`` warns,
``--strict-translations`` lists each miss at its PO file and line, and refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from kiosk.catalog.build import BuildResult, build_catalog
from kiosk.catalog.glossary_check import glossary_translation_issues
from kiosk.catalog.issues import Issue
from tests.catalog.office_keys import write_office_keys
from tests.conftest import FORM_YAML, write_catalog

GLOSSARY_YAML = """\
terms:
  - id: duldung
    term: Duldung
    forms: [Duldungen]
    explanation: Ein Papier vom Amt für Migration.
  - id: bescheid
    term: Bescheid
    not_in: [sagen Sie uns Bescheid]
    explanation: Ein Brief, mit dem ein Amt entscheidet.
"""
STATUS = "Haben Sie eine Duldung?"
DESCRIPTION = "Sie bekommen einen Bescheid, auch mit Duldungen."
FORM = (
    FORM_YAML.replace("        label: Status\n", f"        label: {STATUS}\n")
    .replace("description: Ein Test.", f"description: {DESCRIPTION}")
    .replace("next_steps: Wir melden uns.", "next_steps: Bitte sagen Sie uns Bescheid.")
)
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def entry(ctx: str, german: str, translation: str, *, fuzzy: bool = False) -> str:
    flag = "#, fuzzy\n" if fuzzy else ""
    return f'\n{flag}msgctxt "{ctx}"\nmsgid "{german}"\nmsgstr "{translation}"\n'


def catalog_with(tmp_path: Path, po: str, lang: str = "en") -> Path:
    root = write_catalog(tmp_path, {"glossary.yaml": GLOSSARY_YAML, "amt/test_form.yaml": FORM})
    path = tmp_path / "translations" / lang / "LC_MESSAGES" / "catalog.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + po, encoding="utf-8")
    return root


def misses(tmp_path: Path, po: str) -> list[Issue]:
    result = build_catalog(catalog_with(tmp_path, po))
    assert result.ok, [str(i) for i in result.errors]
    return glossary_translation_issues(result, severity="error")


#: (German of the status question's label, translation, terms it misses)
CASES = [
    ("Haben Sie eine Duldung?", "Do you have a tolerated stay (Duldung)?", []),
    ("Haben Sie eine Duldung?", "Do you have a tolerated stay?", ["Duldung"]),
    ("Haben Sie eine Duldung?", "Do you hold Duldungen?", []),  # another form of the term
    ("Haben Sie eine Duldung?", "Do you have a Duldungsbescheinigung?", ["Duldung"]),
    ("Haben Sie eine Duldung?", "هل لديك تصريح تسامح (Duldung)؟", []),
    ("Haben Sie eine Duldung?", "Чи маєте ви (duldung)?", ["Duldung"]),  # its capitals too
    ("Duldung oder Bescheid?", "Tolerated stay (Duldung) or decision?", ["Bescheid"]),
    ("Duldung oder Bescheid?", "A decision?", ["Duldung", "Bescheid"]),
    # an everyday phrase holds no term, so a translation needs none
    ("Bitte sagen Sie uns Bescheid.", "Please let us know.", []),
    ("Alter", "Age", []),
]


@pytest.mark.parametrize(("german", "translation", "missing"), CASES)
def test_a_translation_must_carry_the_german_terms_of_its_text(
    tmp_path: Path, german: str, translation: str, missing: list[str]
) -> None:
    form = FORM.replace(f"label: {STATUS}", f"label: {german}")
    root = write_catalog(tmp_path, {"glossary.yaml": GLOSSARY_YAML, "amt/test_form.yaml": form})
    path = tmp_path / "translations" / "en" / "LC_MESSAGES" / "catalog.po"
    path.parent.mkdir(parents=True)
    path.write_text(
        HEADER + entry("form:test_form:status:label", german, translation), encoding="utf-8"
    )
    result = build_catalog(root)
    assert result.ok, [str(i) for i in result.errors]
    found = glossary_translation_issues(result, severity="error")
    assert [i.message.split("'")[1] for i in found] == missing
    assert all(i.file == "translations/en/LC_MESSAGES/catalog.po" and i.line == 6 for i in found)


PO = (
    entry("form:test_form:status:label", STATUS, "Do you have a tolerated stay?")  # line 6
    + entry("form:test_form:description", DESCRIPTION, "You get a letter (Bescheid).")  # 10
    + entry("form:test_form:title", "Testantrag", "Test application")  # no term
    + entry("form:test_form:next_steps", "Bitte sagen Sie uns Bescheid.", "Tell us, please.")
    + entry("glossary:duldung:term", "Duldung", "Tolerated stay")  # the overlay shows German
    + entry("glossary:bescheid:explanation", "Ein Brief, mit dem ein Amt entscheidet.", "A letter")
    + entry("form:test_form:age:label", "Alter (Duldung)", "Age")  # stale: not used, not checked
    + entry("form:test_form:status:option:a", "A", "A", fuzzy=True)
)


def test_each_miss_names_its_po_line_language_context_and_term(tmp_path: Path) -> None:
    found = [str(i) for i in misses(tmp_path, PO)]
    assert found == [
        "translations/en/LC_MESSAGES/catalog.po:6: form:test_form:status:label: en: the "
        "translation does not carry the German term 'Duldung' (or 'Duldungen'); write it as "
        "'translation (Duldung)'",
        "translations/en/LC_MESSAGES/catalog.po:10: form:test_form:description: en: the "
        "translation does not carry the German term 'Duldung' (or 'Duldungen'); write it as "
        "'translation (Duldung)'",
    ]


def test_plain_validate_warns_once_per_language(tmp_path: Path) -> None:
    result = build_catalog(catalog_with(tmp_path, PO))
    warnings = glossary_translation_issues(result, severity="warning")
    assert [(w.file, w.line, w.path, w.severity) for w in warnings] == [
        ("translations/en/LC_MESSAGES/catalog.po", 1, "en", "warning")
    ]
    assert "2 translations do not carry a German term" in warnings[0].message


def test_strict_validate_and_build_refuse_what_plain_validate_warns_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = catalog_with(tmp_path, PO)
    assert main(["catalog", "validate", str(root)]) == 0
    out = capsys.readouterr().out
    assert "en: warning: 2 translations do not carry a German term of the glossary" in out
    assert main(["catalog", "validate", str(root), "--strict-translations"]) == 1
    out = capsys.readouterr().out
    assert (
        "catalog.po:6: form:test_form:status:label: en: the translation does not carry the "
        "German term 'Duldung'" in out
    )
    write_office_keys(root)  # a bundle needs every office's sealing key
    bundle = tmp_path / "catalog.bundle"
    build = ["catalog", "build", str(root), "--out", str(bundle)]
    assert main([*build, "--strict-translations"]) == 1
    assert "catalog.po:10: form:test_form:description" in capsys.readouterr().err
    assert not bundle.exists()
    assert main(build) == 0 and bundle.exists()  # without it, translations may lag behind


def test_the_demo_catalog_checks_in_every_language(demo_result: BuildResult) -> None:
    """Every language of the demo catalog is checked, at its own PO file: the verdict on
    the residence status "Duldung" follows its translation, whatever the translators'
    progress is."""
    catalog = demo_result.catalog
    assert catalog is not None
    ctx = "codelist:residence_status:toleration"
    issues = glossary_translation_issues(demo_result, severity="error")
    flagged = {i.message.split(":")[0] for i in issues if i.path == ctx}
    translated = {lang: texts[ctx] for lang, texts in catalog.translations.items() if ctx in texts}
    assert translated, "no language translates the residence status Duldung"
    assert flagged == {lang for lang, text in translated.items() if "Duldung" not in text}
    for issue in issues:
        lang = issue.message.split(":")[0]
        assert issue.file == f"translations/{lang}/LC_MESSAGES/catalog.po"
        assert issue.line > 1 and not issue.path.startswith("glossary:")
