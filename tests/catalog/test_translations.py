"""Translations: Babel extraction, PO merge, compile, and use in the built catalog."""

from __future__ import annotations

import gettext
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from kiosk.catalog.build import build_catalog, missing_translation_issues
from kiosk.catalog.po_update import update_language
from tests.conftest import FORM_YAML, write_catalog

PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def extract(root: Path) -> Path:
    """Run the real `pybabel extract` with the project's extraction method."""
    cfg = root / "babel.cfg"
    cfg.write_text("[kiosk_catalog: forms_catalog/**.yaml]\n", encoding="utf-8")
    pot = root / "translations" / "catalog.pot"
    pot.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PYBABEL, "extract", "-F", str(cfg), "--no-wrap", "-o", str(pot), "."],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return pot


def translate_everything(root: Path) -> tuple[Path, Catalog]:
    """Merge the template into an English PO file and "translate" every entry."""
    po_file = update_language(root / "translations", "en", "catalog")
    with po_file.open("rb") as fh:
        po = read_po(fh, locale="en")
    for message in po:
        if message.id:
            message.string = f"EN {message.id}"
    with po_file.open("wb") as fh:
        write_po(fh, po, width=0)
    return po_file, po


def test_extractor_gives_every_string_a_stable_context(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    with extract(tmp_path).open("rb") as fh:
        pot = read_po(fh)
    by_ctx = {m.context: m for m in pot if m.id}
    label = by_ctx["form:test_form:age:label"]
    assert label.id == "Alter"
    assert label.auto_comments == ["integer"]
    assert ("forms_catalog/amt/test_form.yaml", 18) in label.locations
    assert by_ctx["form:test_form:status:option:b"].id == "B"
    assert by_ctx["office:amt:opening_hours"].id == "Montag 8 bis 12 Uhr"
    assert by_ctx["topic:money:description"].id == "Ich brauche Geld."
    result = build_catalog(tmp_path / "forms_catalog")
    assert {s.ctx for _, s in result.strings} == set(by_ctx)


def test_round_trip_extract_translate_compile_load(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    extract(tmp_path)
    po_file, po = translate_everything(tmp_path)
    # compile to .mo and read it with the standard library, as gettext users would
    mo_file = po_file.with_suffix(".mo")
    with mo_file.open("wb") as fh:
        write_mo(fh, po)
    with mo_file.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    assert mo.pgettext("form:test_form:age:label", "Alter") == "EN Alter"
    # and the catalog build picks the translations up from the PO file
    result = build_catalog(tmp_path / "forms_catalog")
    assert result.catalog is not None
    assert result.coverage["en"].percent == 100.0
    assert result.catalog.t("en", "form:test_form:age:label", "Alter") == "EN Alter"
    assert result.catalog.t("de", "form:test_form:age:label", "Alter") == "Alter"


def test_rewording_german_marks_the_translation_fuzzy(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    extract(tmp_path)
    po_file, _ = translate_everything(tmp_path)

    write_catalog(
        tmp_path, {"amt/test_form.yaml": FORM_YAML.replace("label: Alter", "label: Ihr Alter")}
    )
    extract(tmp_path)
    update_language(tmp_path / "translations", "en", "catalog")
    with po_file.open("rb") as fh:
        po = read_po(fh, locale="en")
    entry = po.get("Ihr Alter", context="form:test_form:age:label")
    assert entry is not None and entry.fuzzy
    assert entry.string == "EN Alter"
    assert '#| msgid "Alter"' in po_file.read_text(encoding="utf-8")  # what changed, for review
    # a second update keeps one note of what changed, not a comment copy of it each time
    update_language(tmp_path / "translations", "en", "catalog")
    text = po_file.read_text(encoding="utf-8")
    assert text.count('#| msgid "Alter"') == 1 and "# | msgid" not in text
    unchanged = po.get("Name", context="form:test_form:name:label")
    assert unchanged is not None and not unchanged.fuzzy
    # a fuzzy entry is not used: the visitor sees German until a translator confirms it
    result = build_catalog(tmp_path / "forms_catalog")
    assert result.catalog is not None
    assert result.catalog.t("en", "form:test_form:age:label", "Ihr Alter") == "Ihr Alter"
    assert "form:test_form:age:label" in result.coverage["en"].missing


def test_stale_translation_is_not_used(tmp_path: Path) -> None:
    """A PO entry whose msgid is an older German text counts as missing."""
    root = write_catalog(tmp_path)
    po_dir = tmp_path / "translations" / "en" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "catalog.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "form:test_form:age:label"\nmsgid "Lebensalter"\nmsgstr "Age"\n',
        encoding="utf-8",
    )
    result = build_catalog(root)
    assert result.catalog is not None
    assert result.catalog.t("en", "form:test_form:age:label", "Alter") == "Alter"


def test_missing_translations_reported_per_language(tmp_path: Path) -> None:
    result = build_catalog(write_catalog(tmp_path))
    warnings = missing_translation_issues(result, severity="warning")
    assert [str(w) for w in warnings] == [
        "translations/en/LC_MESSAGES/catalog.po:1: en: warning: "
        f"{result.coverage['en'].total} of {result.coverage['en'].total} catalog strings "
        "not translated (0.0% done)"
    ]
    errors = missing_translation_issues(result, severity="error")
    assert any(
        str(e) == "forms_catalog/amt/test_form.yaml:18: form:test_form:age:label: "
        "no translation into 'en'"
        for e in errors
    )


def test_broken_po_file_is_reported_with_its_line(tmp_path: Path) -> None:
    root = write_catalog(tmp_path)
    po_dir = tmp_path / "translations" / "en" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "catalog.po").write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n"broken\n', encoding="utf-8"
    )
    result = build_catalog(root)
    (issue,) = [i for i in result.errors if i.file.endswith("catalog.po")]
    assert issue.line == 6 and "broken PO file" in issue.message


def test_shipped_po_files_are_marked_as_drafts() -> None:
    root = Path(__file__).resolve().parents[2] / "translations"
    files = sorted(root.glob("*/LC_MESSAGES/*.po"))
    assert len(files) >= 14
    for path in files:
        with path.open("rb") as fh:
            po = read_po(fh)
        assert "draft" in (po.language_team or ""), path


def test_ui_texts_are_complete_in_every_catalog_language(demo: object) -> None:
    """Every kiosk text (screens, validation, storage messages) in every catalog language;
    a counted text in every plural form the language's Plural-Forms header has."""
    import re

    root = Path(__file__).resolve().parents[2] / "translations"
    with (root / "ui.pot").open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    assert any(isinstance(msgid, tuple) for msgid in template), "no counted texts extracted"
    placeholder = re.compile(r"\{[a-z_]+\}")

    def names(text: str) -> set[str]:
        return set(placeholder.findall(text))

    for lang in demo.languages:  # type: ignore[attr-defined]
        if lang == "de":
            continue
        with (root / lang / "LC_MESSAGES" / "ui.po").open("rb") as fh:
            po = read_po(fh, locale=lang)
        done = {m.id: m.string for m in po if m.id and not m.fuzzy and m.string}
        missing = template - set(done)
        assert not missing, f"{lang}: {sorted(map(str, missing))[:5]}"
        for msgid, text in done.items():
            if isinstance(msgid, tuple):  # msgid, msgid_plural -> msgstr[0 .. nplurals-1]
                singular, plural = msgid
                assert names(singular) == names(plural), (lang, msgid)
                assert isinstance(text, tuple) and len(text) == po.num_plurals, (lang, msgid)
                for n, form in enumerate(text):
                    assert form, (lang, singular, f"msgstr[{n}] is empty")
                    assert names(form) == names(plural), (lang, singular, f"msgstr[{n}]")
            else:
                assert isinstance(text, str), (lang, msgid, "a plural msgstr for a single text")
                assert names(msgid) == names(text), (lang, msgid)


RU_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Language-Team: Russian (draft, needs review)\\n"\n'
    '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
    '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
)
WAIT_POT = (
    'msgid "Bitte warten Sie {seconds} Sekunde."\n'
    'msgid_plural "Bitte warten Sie {seconds} Sekunden."\nmsgstr[0] ""\nmsgstr[1] ""\n'
)
WAIT_RU = (
    'msgid "Bitte warten Sie {seconds} Sekunde."\n'
    'msgid_plural "Bitte warten Sie {seconds} Sekunden."\n'
    'msgstr[0] "Подождите {seconds} секунду."\nmsgstr[1] "Подождите {seconds} секунды."\n'
    'msgstr[2] "Подождите {seconds} секунд."\n'
)


def merged_ui(tmp_path: Path, pot: str, po: str) -> tuple[Catalog, str]:
    """Merge *pot* into the Russian *po* as `make translations-update` does."""
    (tmp_path / "ui.pot").write_text(pot, encoding="utf-8")
    po_dir = tmp_path / "ru" / "LC_MESSAGES"
    po_dir.mkdir(parents=True, exist_ok=True)
    (po_dir / "ui.po").write_text(RU_HEADER + po, encoding="utf-8")
    path = update_language(tmp_path, "ru", "ui")
    with path.open("rb") as fh:
        return read_po(fh, locale="ru"), path.read_text(encoding="utf-8")


def test_merge_keeps_every_plural_form(tmp_path: Path) -> None:
    po, text = merged_ui(tmp_path, WAIT_POT, WAIT_RU)
    entry = po.get("Bitte warten Sie {seconds} Sekunde.")
    assert entry is not None and not entry.fuzzy
    assert entry.string == (
        "Подождите {seconds} секунду.",
        "Подождите {seconds} секунды.",
        "Подождите {seconds} секунд.",
    )
    assert 'msgstr[2] "Подождите {seconds} секунд."' in text
    assert "nplurals=3" in text


def test_a_text_that_becomes_counted_keeps_its_translation_for_review(tmp_path: Path) -> None:
    old = 'msgid "Bitte warten Sie {seconds} Sekunden."\nmsgstr "Подождите {seconds} сек."\n'
    po, text = merged_ui(tmp_path, WAIT_POT, old)
    entry = po.get("Bitte warten Sie {seconds} Sekunde.")
    assert entry is not None and entry.fuzzy  # fuzzy: not shown until a translator checks it
    assert entry.string == ("Подождите {seconds} сек.", "", "")
    assert 'msgstr[1] ""\nmsgstr[2] ""' in text  # every form of the language, to fill in


def test_a_reworded_german_plural_marks_the_translation_fuzzy(tmp_path: Path) -> None:
    pot = WAIT_POT.replace("Sekunden.", "Sekunden ab.")
    po, text = merged_ui(tmp_path, pot, WAIT_RU)
    entry = po.get("Bitte warten Sie {seconds} Sekunde.")
    assert entry is not None and entry.fuzzy
    assert entry.string[2] == "Подождите {seconds} секунд."
    assert '#| msgid_plural "Bitte warten Sie {seconds} Sekunden."' in text


def test_catalog_merge_keeps_plural_forms() -> None:
    from kiosk.catalog.po_update import merge_by_context

    template = Catalog()
    template.add(("{n} Tag", "{n} Tage"), context="office:amt:days")
    existing = Catalog(locale="en")
    existing.add(("{n} Tag", "{n} Tage"), ("{n} day", "{n} days"), context="office:amt:days")
    out = merge_by_context(template, existing, "en", "catalog")
    entry = out.get("{n} Tag", context="office:amt:days")
    assert entry is not None and not entry.fuzzy
    assert entry.string == ("{n} day", "{n} days")
