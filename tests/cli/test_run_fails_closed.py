"""`kiosk run` on a terminal that pins admin keys: out of service until a verified bundle is
installed, whatever the catalog folder beside it holds; demo keys only with --demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.catalog.bundle import build_bundle, sign_bundle
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import TRUST_FILE, CatalogInstaller, save_trust
from kiosk.crypto.signing import public_key_pem
from tests.catalog.office_keys import with_office_keys

KIOSK = str(Path(sys.executable).with_name("kiosk"))
ADMIN = Ed25519PrivateKey.generate()


def smoke(home: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, "run", "--smoke", "--home", str(home), *extra],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )


def pin(home: Path, demo: CompiledCatalog) -> CatalogInstaller:
    trust = save_trust(home, demo.catalog.header.id, [public_key_pem(ADMIN.public_key())])
    return CatalogInstaller(home, trust)


def test_pinned_keys_without_a_bundle_start_out_of_service(
    tmp_path: Path, demo: CompiledCatalog
) -> None:
    installer = pin(tmp_path, demo)
    done = smoke(tmp_path)
    assert done.returncode == 1, done.stderr
    assert "out-of-service screen shown" in done.stdout, done.stdout
    assert "welcome screen shown" not in done.stdout
    assert "no verified catalog bundle is installed" in done.stderr  # the reason, for staff
    assert not (tmp_path / "office_keys").exists()

    installer.stage(sign_bundle(build_bundle(with_office_keys(demo)), ADMIN))  # the sync's
    done = smoke(tmp_path)
    assert done.returncode == 0 and "welcome screen shown" in done.stdout, done.stderr
    assert not (tmp_path / "office_keys").exists()  # the bundle brings every office's key


def test_damaged_pinned_keys_start_out_of_service(tmp_path: Path, demo: CompiledCatalog) -> None:
    pin(tmp_path, demo)
    (tmp_path / TRUST_FILE).write_text("{ damaged")
    done = smoke(tmp_path)
    assert done.returncode == 1 and "out-of-service screen shown" in done.stdout, done.stdout
    assert "pinned admin keys cannot be used" in done.stderr
    assert not (tmp_path / "office_keys").exists()


def test_lost_pinned_keys_beside_installed_bundles_start_out_of_service(
    tmp_path: Path, demo: CompiledCatalog
) -> None:
    pin(tmp_path, demo).stage(sign_bundle(build_bundle(with_office_keys(demo)), ADMIN))
    (tmp_path / TRUST_FILE).unlink()
    done = smoke(tmp_path)
    assert done.returncode == 1 and "out-of-service screen shown" in done.stdout, done.stdout
    assert "enrol the terminal again" in done.stderr
    assert not (tmp_path / "office_keys").exists()


def test_only_demo_mode_serves_the_catalog_folder_with_demo_keys(
    tmp_path: Path, demo: CompiledCatalog
) -> None:
    pin(tmp_path, demo)
    done = smoke(tmp_path, "--demo")
    assert done.returncode == 0 and "welcome screen shown" in done.stdout, done.stderr
    assert "demo mode" in done.stderr
    offices = sorted(o.id for o in demo.catalog.offices if o.receives_applications)
    made = sorted(
        p.name.removesuffix(".pub.pem") for p in (tmp_path / "office_keys").glob("*.pub.pem")
    )
    assert made == offices


def test_without_pinned_keys_or_demo_no_office_key_is_made(tmp_path: Path) -> None:
    done = smoke(tmp_path)  # development: the catalog folder, saying so, but no demo keys
    assert done.returncode == 0 and "welcome screen shown" in done.stdout, done.stderr
    assert "no admin keys pinned" in done.stderr
    assert not (tmp_path / "office_keys").exists()


def test_neither_the_demo_nor_a_simulation_runs_on_a_terminal_in_service(
    tmp_path: Path, demo: CompiledCatalog
) -> None:
    """Both seal to demo keys on the terminal's own disk (and a simulation runs its clock
    ahead over the live visit's keys): a home with installed signed bundles refuses them."""
    installer = pin(tmp_path, demo)
    signed = sign_bundle(build_bundle(with_office_keys(demo)), ADMIN)
    installer.stage(signed)
    assert installer.install_staged() is not None
    refused = smoke(tmp_path, "--demo")
    assert refused.returncode == 2 and "runs signed catalogs" in refused.stderr
    simulated = subprocess.run(
        [KIOSK, "simulate", "--home", str(tmp_path), "--visitors", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert simulated.returncode == 2 and "runs signed catalogs" in simulated.stderr
    assert not (tmp_path / "office_keys").exists()
