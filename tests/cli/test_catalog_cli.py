"""`kiosk catalog ...` as an admin runs it: exit codes, output format, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from kiosk.catalog.bundle import split_bundle
from kiosk.catalog.compiled import CompiledCatalog
from tests.catalog.office_keys import write_office_keys
from tests.conftest import FORM_YAML, write_catalog

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def test_validate_demo_catalog_exits_0() -> None:
    done = subprocess.run(
        [KIOSK, "catalog", "validate", "forms_catalog"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: 11 offices" in done.stderr


def test_validate_prints_every_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_catalog(
        tmp_path,
        {
            "amt/test_form.yaml": FORM_YAML.replace("office: amt", "office: nobody"),
            "amt/other.yaml": FORM_YAML.replace("id: test_form", "id: other").replace(
                "        label: Alter\n", "        label: Alter\n        visible_if: ghost = 1\n"
            ),
        },
    )
    assert main(["catalog", "validate", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.endswith("test_form.yaml:3: office: unknown office 'nobody'") for line in out)
    assert any(
        line.endswith("other.yaml:19: pages[person].fields[age].visible_if: unknown field 'ghost'")
        for line in out
    )


def test_strict_translations_turns_missing_into_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_catalog(tmp_path)
    assert main(["catalog", "validate", str(root)]) == 0
    assert "warning: " in capsys.readouterr().out
    assert main(["catalog", "validate", str(root), "--strict-translations"]) == 1
    out = capsys.readouterr().out
    assert "test_form.yaml:14: form:test_form:name:label: no translation into 'en'" in out


def test_stats_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_catalog(tmp_path)
    assert main(["catalog", "stats", str(root), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert [o["id"] for o in stats["offices"]] == ["amt"]
    assert stats["forms"] == [
        {"id": "test_form", "version": 1, "office": "amt", "pages": 1, "fields": 3}
    ]
    assert stats["fields"] == 3
    assert stats["languages"]["de"]["percent"] == 100.0
    assert stats["languages"]["en"]["percent"] == 0.0


def test_demo_stats_promise(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert len(stats["offices"]) == 11
    receiving = [o for o in stats["offices"] if o["forms"]]  # the others: info sheets only
    assert len(receiving) == 6 and all(o["forms"] >= 2 for o in receiving)
    assert len(stats["forms"]) >= 12
    assert set(stats["languages"]) >= {"de", "en", "uk", "ru", "ar", "fa", "tr", "ro"}
    assert {lang: v["percent"] for lang, v in stats["languages"].items()} == {
        lang: 100.0 for lang in stats["languages"]
    }


def test_schema_written_and_usable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "schema", "--out", str(tmp_path)]) == 0
    form_schema = json.loads((tmp_path / "form.schema.json").read_text())
    field = form_schema["$defs"]["FormField"]
    capsys.readouterr()
    assert "visible_if" in field["properties"]
    assert "person_name" in json.dumps(field["properties"]["type"])
    assert field["additionalProperties"] is False
    assert main(["catalog", "schema", "--kind", "offices"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Offices"


def test_build_writes_an_unsigned_bundle_of_the_compiled_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795219200")
    root = write_catalog(tmp_path)
    write_office_keys(root)  # a bundle needs every office's sealing key
    out = tmp_path / "out" / "bundle.json"
    assert main(["catalog", "build", str(root), "--out", str(out)]) == 0
    parts = split_bundle(out.read_bytes())
    compiled = CompiledCatalog.from_json(parts.catalog)
    assert compiled.content_hash.startswith("sha256:")
    assert parts.signatures == ()
    m = parts.manifest
    assert (m.deployment, m.version, m.catalog_hash) == ("test_catalog", 1, compiled.content_hash)
    assert m.built_at == "2026-11-21T00:00:00Z"
    printed = capsys.readouterr().out
    assert f"{out}: deployment test_catalog, version 1, {compiled.content_hash}" in printed
    again = tmp_path / "again.json"
    assert main(["catalog", "build", str(root), "--out", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()  # deterministic
    tampered = bytes(parts.catalog).replace(b"Testantrag", b"Testantraq")
    with pytest.raises(ValueError, match="content hash"):
        CompiledCatalog.from_json(tampered)


def test_build_refuses_broken_catalog(tmp_path: Path) -> None:
    root = write_catalog(
        tmp_path, {"amt/test_form.yaml": FORM_YAML.replace("office: amt", "office: x")}
    )
    assert main(["catalog", "build", str(root), "--out", str(tmp_path / "c.json")]) == 1
    assert not (tmp_path / "c.json").exists()


def test_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "validate", str(tmp_path / "nope")]) == 1
    assert "the catalog folder does not exist" in capsys.readouterr().out
