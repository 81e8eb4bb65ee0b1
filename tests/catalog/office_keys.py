"""Sealing keys for the offices of test catalogs: a bundle must bring one for every office.

The demo catalog and the small test catalog name no keys (the demo makes them on the
terminal); tests that build, publish or install bundles give every office a real RSA
key pair first, either in the compiled catalog or in a copy of its source folder, just
as an admin puts the offices' keys into ``offices.yaml``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.crypto.sealing import generate_office_key


@cache
def office_key_pair(office: str) -> tuple[bytes, bytes]:
    """(private PEM, public PEM) for *office*, the same all through one test run."""
    return generate_office_key(2048)


def with_office_keys(catalog: CompiledCatalog, *, leave_out: str | None = None) -> CompiledCatalog:
    """*catalog* with a public key for every office (but *leave_out*, which has none)."""
    model = catalog.catalog
    offices = [
        o.model_copy(
            update={"public_key": None if o.id == leave_out else office_key_pair(o.id)[1].decode()}
        )
        for o in model.offices
    ]
    return CompiledCatalog.create(
        model.model_copy(update={"offices": offices}), catalog.translations
    )


def write_office_keys(catalog_dir: Path, *, leave_out: str | None = None) -> list[str]:
    """Write every office's public key into ``offices.yaml`` of a catalog source folder (a
    copy: comments are not kept); returns the office ids."""
    path = catalog_dir / "offices.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for office in data["offices"]:
        if office["id"] != leave_out:
            office["public_key"] = office_key_pair(office["id"])[1].decode()
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [str(o["id"]) for o in data["offices"]]


def write_office_key_files(folder: Path, offices: list[str]) -> Path:
    """OFFICE.pub.pem (and OFFICE.key.pem) in *folder*, as `kiosk office keygen` writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    for office in offices:
        private, public = office_key_pair(office)
        (folder / f"{office}.key.pem").write_bytes(private)
        (folder / f"{office}.pub.pem").write_bytes(public)
    return folder
