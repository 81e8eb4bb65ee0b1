"""A language reaches visitors only when every text of it is written: a visitor must
never meet German halfway through a form. Incomplete languages stay in the catalog (their
texts are checked, staff may preview them) and are named, with their share, to admins
(``validate``, ``stats``) and to staff (the status screen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from kiosk.catalog.build import build_catalog
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.po_update import update_language
from tests.catalog.test_translations import extract, translate_everything
from tests.conftest import write_catalog


def ui_po(root: Path, lang: str, entries: dict[str, str]) -> Path:
    """The kiosk's own texts of *lang*: *entries* msgid -> msgstr ('' = not written)."""
    po = Catalog(locale=lang, domain="ui")
    for msgid, msgstr in entries.items():
        po.add(msgid, msgstr)
    path = root / "translations" / lang / "LC_MESSAGES" / "ui.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, po, width=0)
    return path


def drop_one(po_file: Path) -> str:
    """Empties the first translated entry; returns its context."""
    with po_file.open("rb") as fh:
        po = read_po(fh, locale="en")
    entry = next(m for m in po if m.id)
    entry.string = ""
    with po_file.open("wb") as fh:
        write_po(fh, po, width=0)
    return str(entry.context)


def ui_pot(root: Path, msgids: list[str]) -> None:
    """The template of the screens' texts: what every language must have."""
    pot = Catalog(domain="ui")
    for msgid in msgids:
        pot.add(msgid)
    with (root / "translations" / "ui.pot").open("wb") as fh:
        write_po(fh, pot, width=0)


def whole_english(tmp_path: Path) -> Path:
    write_catalog(tmp_path)
    extract(tmp_path)
    po_file, _ = translate_everything(tmp_path)
    ui_pot(tmp_path, ["Weiter", "Zurück"])
    ui_po(tmp_path, "en", {"Weiter": "Next", "Zurück": "Back"})
    return po_file


def test_a_whole_language_is_offered(tmp_path: Path) -> None:
    whole_english(tmp_path)
    result = build_catalog(tmp_path / "forms_catalog")
    assert result.catalog is not None
    assert result.catalog.languages == ["de", "en"] and result.catalog.withheld == {}
    assert not [i for i in result.issues if "withheld" in i.message]


def test_one_missing_catalog_text_keeps_the_language_from_visitors(tmp_path: Path) -> None:
    ctx = drop_one(whole_english(tmp_path))
    result = build_catalog(tmp_path / "forms_catalog")
    assert result.catalog is not None
    assert result.catalog.languages == ["de"]
    # one text of many still rounds to 100.0: it must never read as complete
    assert 0 < result.catalog.withheld["en"] < 100
    # its texts stay, checked and shown in German where missing (for staff previews)
    assert result.catalog.t("en", ctx, "Deutsch") == "Deutsch"
    warning = next(i for i in result.issues if "withheld" in i.message)
    assert not warning.is_error and warning.path == "en"
    assert str(warning).startswith("forms_catalog/catalog.yaml:")  # where languages are listed
    line = int(str(warning).split(":")[1])
    text = (tmp_path / "forms_catalog" / "catalog.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[line - 1].startswith("languages")


def test_a_missing_screen_text_keeps_it_back_too(tmp_path: Path) -> None:
    whole_english(tmp_path)
    ui_po(tmp_path, "en", {"Weiter": "Next", "Zurück": ""})
    result = build_catalog(tmp_path / "forms_catalog")
    assert result.catalog is not None
    assert result.catalog.languages == ["de"] and result.catalog.withheld == {"en": 50.0}


def test_a_po_file_is_held_against_the_template_not_its_own_entries(tmp_path: Path) -> None:
    whole_english(tmp_path)
    ui_pot(tmp_path, ["Weiter", "Zurück", "Drucken", "Fertig"])  # two texts the PO lacks
    result = build_catalog(tmp_path / "forms_catalog")
    assert result.catalog is not None and result.catalog.withheld == {"en": 50.0}


def test_a_withheld_entry_must_name_a_translation_of_the_catalog(tmp_path: Path) -> None:
    """A hand-made catalog cannot hide German, nor list languages it does not have."""
    whole_english(tmp_path)
    built = build_catalog(tmp_path / "forms_catalog").catalog
    assert built is not None
    for bad in ({"de": 0.0}, {"xx": 1.0}, {"en": 100.0}, {"en\u001b[2J": 1.0}):
        forged = CompiledCatalog.create(built.catalog, built.translations, bad)
        with pytest.raises(ValueError, match="does not fit the model"):
            CompiledCatalog.from_json(forged.to_json())


def test_no_screen_texts_at_all_is_nothing_written(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    extract(tmp_path)
    translate_everything(tmp_path)
    update_language(tmp_path / "translations", "en", "catalog")
    result = build_catalog(tmp_path / "forms_catalog")
    assert result.catalog is not None and result.catalog.withheld == {"en": 0.0}


def test_what_is_withheld_travels_with_the_catalog_and_its_hash(tmp_path: Path) -> None:
    drop_one(whole_english(tmp_path))
    built = build_catalog(tmp_path / "forms_catalog").catalog
    assert built is not None
    loaded = CompiledCatalog.from_json(built.to_json())
    assert loaded.withheld == built.withheld and loaded.languages == ["de"]
    assert loaded.content_hash == built.content_hash
    # the same catalog with nothing withheld is another catalog: another hash
    whole = CompiledCatalog.create(built.catalog, built.translations)
    assert whole.content_hash != built.content_hash and whole.languages == ["de", "en"]


def test_a_catalog_without_the_field_keeps_its_hash(tmp_path: Path) -> None:
    """Catalogs signed before languages could be withheld verify as they did."""
    whole_english(tmp_path)
    built = build_catalog(tmp_path / "forms_catalog").catalog
    assert built is not None and b'"withheld"' not in built.to_json()
    assert CompiledCatalog.from_json(built.to_json()).content_hash == built.content_hash


def test_review_status_is_draft_unless_the_catalog_says_reviewed(tmp_path: Path) -> None:
    whole_english(tmp_path)
    header = (tmp_path / "forms_catalog" / "catalog.yaml").read_text(encoding="utf-8")
    (tmp_path / "forms_catalog" / "catalog.yaml").write_text(
        header + "translation_review:\n  en: reviewed\n", encoding="utf-8"
    )
    catalog = build_catalog(tmp_path / "forms_catalog").catalog
    assert catalog is not None
    assert [catalog.review(lang) for lang in ("de", "en")] == ["source", "reviewed"]


def test_a_review_of_a_language_the_catalog_does_not_list_is_an_error(tmp_path: Path) -> None:
    whole_english(tmp_path)
    header = (tmp_path / "forms_catalog" / "catalog.yaml").read_text(encoding="utf-8")
    (tmp_path / "forms_catalog" / "catalog.yaml").write_text(
        header + "translation_review:\n  fr: reviewed\n", encoding="utf-8"
    )
    result = build_catalog(tmp_path / "forms_catalog")
    assert result.catalog is None
    assert any("translation_review" in str(i) and "fr" in str(i) for i in result.errors)
