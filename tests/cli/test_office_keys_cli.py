"""`kiosk catalog build` refuses a bundle without every office's sealing key, and takes
them from key files when told to; `kiosk office keygen` still makes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from kiosk.catalog.bundle import split_bundle
from kiosk.catalog.compiled import CompiledCatalog
from tests.catalog.office_keys import write_office_key_files, write_office_keys
from tests.conftest import OFFICES_YAML, write_catalog

SECOND_OFFICE = OFFICES_YAML + (
    "  - id: zweitamt\n"
    "    name: Zweitamt\n"
    "    description: Noch ein Amt.\n"
    "    icon: house\n"
    "    contact:\n"
    "      address: Teststraße 2, 44135 Dortmund\n"
    "      opening_hours: Montag 8 bis 12 Uhr\n"
)


def test_build_refuses_an_office_without_a_key_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_catalog(tmp_path, {"offices.yaml": SECOND_OFFICE})
    write_office_keys(root, leave_out="zweitamt")
    out = tmp_path / "bundle.json"
    assert main(["catalog", "build", str(root), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out}: not built (missing_office_key)" in err
    assert "no public_key for office(s) zweitamt:" in err  # amt has its key
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_build_takes_missing_keys_from_key_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_catalog(tmp_path, {"offices.yaml": SECOND_OFFICE})
    keys = tmp_path / "office_keys"
    assert main(["office", "keygen", "amt", "--out", str(keys), "--bits", "2048"]) == 0
    assert "--office-keys" in capsys.readouterr().out
    out = tmp_path / "bundle.json"
    build = ["catalog", "build", str(root), "--out", str(out), "--office-keys", str(keys)]
    assert main(build) == 1  # zweitamt has no file yet
    assert "zweitamt" in capsys.readouterr().err
    write_office_key_files(keys, ["zweitamt"])
    assert main(build) == 0, capsys.readouterr().err
    catalog = CompiledCatalog.from_json(split_bundle(out.read_bytes()).catalog)
    by_id = {o.id: o.public_key for o in catalog.catalog.offices}
    assert by_id == {
        "amt": (keys / "amt.pub.pem").read_text(),
        "zweitamt": (keys / "zweitamt.pub.pem").read_text(),
    }


def test_a_key_in_offices_yaml_wins_over_a_key_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_catalog(tmp_path)
    write_office_keys(root)
    files = write_office_key_files(tmp_path / "other", [])
    (files / "amt.pub.pem").write_text("not the key in offices.yaml")
    out = tmp_path / "bundle.json"
    argv = ["catalog", "build", str(root), "--out", str(out), "--office-keys", str(files)]
    assert main(argv) == 0, capsys.readouterr().err
    catalog = CompiledCatalog.from_json(split_bundle(out.read_bytes()).catalog)
    assert "BEGIN PUBLIC KEY" in (catalog.catalog.offices[0].public_key or "")
