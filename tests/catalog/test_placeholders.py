"""Amounts in catalog texts: placeholders written out per language, checked at build.

"40.000 Euro" must never read as forty: a text names an amount as ``{law:id}`` or
``{money:N}``, and the kiosk writes it as the language shown writes money.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog.build import BuildResult, build_catalog, missing_translation_issues
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.placeholders import fill
from kiosk.definition.law import LawValue
from kiosk.definition.model import iter_fields
from kiosk.definition.strings import document_strings, field_ctx
from tests.conftest import FORM_YAML, write_catalog

LAW_YAML = """\
values:
  - id: limit
    type: money
    value: 40000
    description: Eine Grenze.
    source: § 1 Testgesetz
  - id: cutoff
    type: date
    value: 2025-03-31
    description: Ein Stichtag.
    source: § 2 Testgesetz
  - id: degree
    type: number
    value: 1250.5
    description: Ein Grad.
    source: § 3 Testgesetz
  - id: switch
    type: bool
    value: false
    description: Ein Schalter.
    source: § 4 Testgesetz
"""
#: the line of the age question's label in FORM_YAML
LABEL_LINE = FORM_YAML.splitlines().index("        label: Alter") + 1
LABEL_CTX = field_ctx("test_form", "age", "label")
#: the line of the English entry's msgid in the PO file the tests write
MSGID_LINE = 6


def catalog_with_label(tmp_path: Path, label: str, po: str | None = None) -> BuildResult:
    """The test catalog, its age question labelled *label*; *po*: English entries."""
    form = FORM_YAML.replace("label: Alter", f"label: {label}")
    root = write_catalog(tmp_path, {"amt/test_form.yaml": form, "law.yaml": LAW_YAML})
    if po is not None:
        po_dir = tmp_path / "translations" / "en" / "LC_MESSAGES"
        po_dir.mkdir(parents=True)
        (po_dir / "catalog.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'msgctxt "{LABEL_CTX}"\nmsgid "{label}"\nmsgstr "{po}"\n',
            encoding="utf-8",
        )
    return build_catalog(root)


def label_of(catalog: CompiledCatalog) -> str:
    form = catalog.catalog.form("test_form")
    return next(f.label for p in form.pages for f in iter_fields(p.fields) if f.id == "age")


# ------------------------------------------------------------------ build checks

#: (German label, what validate says at the label's line)
BROKEN = [
    ("Mehr als {law:no_such}?", "unknown law value 'no_such' in {law:no_such}"),
    ("Gilt {law:switch}?", "{law:switch} is a yes/no switch"),
    ("Mehr als {limit}?", "'{limit}' is not a placeholder: write {law:ID}"),
    ("Mehr als {money:40.000}?", "'{money:40.000}' is not a placeholder"),
    ("Mehr als {law:Limit}?", "'{law:Limit}' is not a placeholder"),
    ("Mehr als 40.000 Euro?", "'40.000' reads differently in other languages"),
    ("Mehr als 1,500 Euro?", "'1,500' reads differently in other languages"),
]


@pytest.mark.parametrize(("label", "message"), BROKEN)
def test_a_broken_amount_in_a_german_text_is_an_error_at_its_line(
    tmp_path: Path, label: str, message: str
) -> None:
    result = catalog_with_label(tmp_path, label)
    (issue,) = result.errors
    assert issue.file.endswith("test_form.yaml") and issue.line == LABEL_LINE
    assert message in issue.message
    assert result.catalog is None


@pytest.mark.parametrize(
    "label",
    [
        "Mehr als {law:limit} bis {law:cutoff}?",
        "Zum Beispiel {money:50000} oder {money:12.5}",
        "Am 30.09.2025 um 8.30 Uhr, Tel. 0231 50-12345",  # dates, times, phone numbers
    ],
)
def test_placeholders_and_numbers_that_read_alike_everywhere_pass(
    tmp_path: Path, label: str
) -> None:
    assert catalog_with_label(tmp_path, label).errors == []


# ------------------------------------------------------------------ written out per language

#: law value or literal -> how each language writes it
WRITTEN = [
    ("{law:limit}", "de", "40.000,00\u00a0€"),
    ("{law:limit}", "en", "€40,000.00"),
    ("{law:limit}", "ar", "\u200f40,000.00\u00a0€"),  # Western digits, as on German papers
    ("{law:limit}", "fa", "\u200e€\u00a040,000.00"),
    ("{law:limit}", "ru", "40\u00a0000,00\u00a0€"),
    ("{money:12.5}", "de", "12,50\u00a0€"),
    ("{money:12.5}", "en", "€12.50"),
    ("{law:degree}", "de", "1.250,5"),
    ("{law:degree}", "en", "1,250.5"),
    ("{law:cutoff}", "de", "31. März 2025"),
    ("{law:cutoff}", "en", "March 31, 2025"),
    ("{law:cutoff}", "ar", "31 مارس 2025"),
    ("{law:unknown}", "en", "{law:unknown}"),  # never guessed; the build refuses it
]


@pytest.mark.parametrize(("placeholder", "lang", "written"), WRITTEN)
def test_a_placeholder_is_written_as_the_language_writes_it(
    placeholder: str, lang: str, written: str
) -> None:
    laws = {
        "limit": LawValue(id="limit", type="money", value=40000, description="d", source="s"),
        "degree": LawValue(id="degree", type="number", value=1250.5, description="d", source="s"),
        "cutoff": LawValue(
            id="cutoff", type="date", value="2025-03-31", description="d", source="s"
        ),
    }
    assert fill(f"a {placeholder} b", lang, laws) == f"a {written} b"


def test_german_texts_are_written_out_once_and_translations_when_shown(tmp_path: Path) -> None:
    label = "Mehr als {law:limit} seit {law:cutoff}?"
    result = catalog_with_label(tmp_path, label, po="More than {law:limit} since {law:cutoff}?")
    catalog = result.catalog
    assert catalog is not None and result.errors == []
    german = label_of(catalog)
    assert german == "Mehr als 40.000,00\u00a0€ seit 31. März 2025?"
    assert catalog.t("de", LABEL_CTX, german) == german
    assert catalog.t("en", LABEL_CTX, german) == "More than €40,000.00 since March 31, 2025?"
    # every German text of the built catalog is written out: no placeholder is left
    for doc in catalog.catalog.forms:
        assert all("{" not in s.text for s in document_strings(doc))


def test_an_untranslated_text_shows_its_amounts_as_the_visitors_language_writes_them(
    tmp_path: Path,
) -> None:
    result = catalog_with_label(tmp_path, "Mehr als {law:limit}?")
    catalog = result.catalog
    assert catalog is not None
    german = label_of(catalog)
    assert catalog.t("en", LABEL_CTX, german) == "Mehr als €40,000.00?"
    assert LABEL_CTX in result.coverage["en"].missing  # still counted as untranslated


# ------------------------------------------------------------------ translations


def test_a_placeholder_the_german_text_lacks_is_an_error_at_the_po_line(tmp_path: Path) -> None:
    result = catalog_with_label(tmp_path, "Mehr als {law:limit}?", po="More than {money:5}?")
    (issue,) = [i for i in result.errors if i.file.endswith("catalog.po")]
    assert issue.line == MSGID_LINE and issue.path == LABEL_CTX
    assert issue.message == (
        "the translation has {money:5}, which the German text does not; keep {law:limit}"
    )


def test_a_translation_that_leaves_out_an_amount_is_shown_in_german(tmp_path: Path) -> None:
    result = catalog_with_label(tmp_path, "Mehr als {law:limit}?", po="More than 40.000 euros?")
    catalog = result.catalog
    assert catalog is not None and result.errors == []
    (warning,) = [i for i in result.issues if i.file.endswith("catalog.po")]
    assert warning.severity == "warning" and warning.line == MSGID_LINE
    assert "leaves out {law:limit}" in warning.message
    # the visitor reads the German text, with the amount as English writes it
    assert catalog.t("en", LABEL_CTX, label_of(catalog)) == "Mehr als €40,000.00?"
    # --strict-translations: the string counts as untranslated, an error at the German line
    strict = missing_translation_issues(result, severity="error")
    assert any(
        i.is_error and i.path == LABEL_CTX and i.line == LABEL_LINE and "'en'" in i.message
        for i in strict
    )


# ------------------------------------------------------------------ the demo catalog


def test_the_demo_catalog_names_its_amounts_as_placeholders(demo: CompiledCatalog) -> None:
    """The German texts that named amounts in digits now show the law value or amount,
    written for each language: never "100.000" to an English, Arabic or Persian reader."""
    form = demo.catalog.form("social_assistance")
    field = next(
        f for p in form.pages for f in iter_fields(p.fields) if f.id == "relatives_high_income"
    )
    assert "100.000,00\u00a0€" in field.label
    ctx = field_ctx("social_assistance", "relatives_high_income", "label")
    assert "€100,000.00" in demo.t("en", ctx, field.label)
    for lang in ("en", "ar", "fa"):
        assert "100.000" not in demo.t(lang, ctx, field.label), lang
        assert "100,000.00" in demo.t(lang, ctx, field.label), lang
    sheet = demo.catalog.info_sheet("kindergeld")
    assert any("259,00\u00a0€" in s.body for s in sheet.sections)
