"""A terminal takes a new signed catalog only between visitors, and refuses every bad one.

Real files in HOME/catalog, real Ed25519 keys, the real store; no UI.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.catalog.bundle import BundleRefusedError, build_bundle, sign_bundle
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import (
    CURRENT,
    FOLDER,
    PREVIOUS,
    STAGED,
    CatalogInstaller,
    open_installed,
    save_trust,
)
from kiosk.crypto.keywrap import ScryptParams
from kiosk.crypto.signing import public_key_pem
from kiosk.session.clock import FakeClock
from kiosk.session.terminal import Terminal
from kiosk.staff.pepper import new_pepper, terminal_pepper_path, write_pepper_file
from kiosk.staff.records import StaffRecord, hash_pin
from kiosk.store import Store
from tests.catalog.office_keys import with_office_keys
from tests.conftest import FAST

ADMIN = Ed25519PrivateKey.generate()
STRANGER = Ed25519PrivateKey.generate()


PEPPER = new_pepper()


def version_of(demo: CompiledCatalog, version: int, *, title: str | None = None) -> CompiledCatalog:
    """The demo catalog as an admin would publish it next: a new number, a changed title."""
    catalog = demo.catalog
    header = catalog.header.model_copy(update={"version": version})
    forms = list(catalog.forms)
    if title is not None:
        forms[0] = forms[0].model_copy(update={"title": title})
    changed = catalog.model_copy(update={"header": header, "forms": forms})
    return with_office_keys(CompiledCatalog.create(changed, demo.translations))


def signed(
    catalog: CompiledCatalog,
    key: Ed25519PrivateKey = ADMIN,
    *,
    deployment: str | None = None,
    staff: list[StaffRecord] | None = None,
) -> bytes:
    return sign_bundle(build_bundle(catalog, deployment=deployment, staff=staff), key)


@pytest.fixture
def installer(home: Path, demo: CompiledCatalog) -> CatalogInstaller:
    trust = save_trust(home, demo.catalog.header.id, [public_key_pem(ADMIN.public_key())])
    return CatalogInstaller(home, trust)


@pytest.fixture
def terminal(home: Path, demo: CompiledCatalog, installer: CatalogInstaller) -> Terminal:
    installer.stage(signed(version_of(demo, 1)))
    bundle = installer.install_staged()
    store = Store(home / "kiosk.sqlite3")
    clock = FakeClock(start=dt.datetime(2026, 11, 21, 9, 0).timestamp())
    made = Terminal(store, demo, home, clock=clock, config=FAST, installer=installer, bundle=bundle)
    yield made
    store.close()


def test_a_staged_catalog_waits_for_the_visitor_to_finish(
    terminal: Terminal, installer: CatalogInstaller, demo: CompiledCatalog
) -> None:
    assert terminal.bundle_version == 1
    session = terminal.start_session("uk")
    form_id = demo.catalog.forms[0].id
    session.open_form(form_id)
    installer.stage(signed(version_of(demo, 2, title="Neuer Titel")))
    assert terminal.install_staged_catalog() is None  # a visitor is in the middle of it
    assert terminal.bundle_version == 1
    assert session.current is not None and session.current.form.title != "Neuer Titel"
    session.end("finished")
    installed = terminal.install_staged_catalog()
    assert installed is not None and terminal.bundle_version == 2
    assert terminal.catalog.catalog.forms[0].title == "Neuer Titel"
    assert (installer.folder / PREVIOUS).exists() and not (installer.folder / STAGED).exists()
    assert any(e["action"] == "catalog_installed" for e in terminal.store.audit.entries())


def test_a_parked_draft_reopens_on_the_version_it_was_started_on(
    terminal: Terminal, installer: CatalogInstaller, demo: CompiledCatalog
) -> None:
    form_id = demo.catalog.forms[0].id
    old_title = demo.catalog.forms[0].title
    session = terminal.start_session("ru")
    session.open_form(form_id)
    ticket = session.continue_later("2468")
    installer.stage(signed(version_of(demo, 2, title="Neuer Titel")))
    assert terminal.install_staged_catalog() is not None
    terminal.housekeeping()  # purges snapshots no draft needs; this one is needed
    resumed = terminal.resume(ticket.code, "2468", "ru")
    assert resumed.current is not None
    assert resumed.current.form.title == old_title
    assert resumed.current.catalog.catalog.header.version == 1


REFUSALS = {
    "unsigned": lambda demo: build_bundle(version_of(demo, 2)),
    "wrong key": lambda demo: signed(version_of(demo, 2), STRANGER),
    "older version": lambda demo: signed(version_of(demo, 1, title="Alt")),
    "other deployment": lambda demo: signed(version_of(demo, 2), deployment="essen_kiosk"),
    "one byte flipped": lambda demo: flip(signed(version_of(demo, 2)), -500),
    "one byte flipped in the manifest": lambda demo: flip(signed(version_of(demo, 2)), 40),
}


def flip(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_every_bad_bundle_is_refused_and_the_old_catalog_keeps_serving(
    case: str,
    terminal: Terminal,
    installer: CatalogInstaller,
    demo: CompiledCatalog,
    home: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = (installer.folder / CURRENT).read_bytes()
    with pytest.raises(BundleRefusedError) as refused:
        installer.stage(REFUSALS[case](demo))
    assert refused.value.reason and str(refused.value)
    assert refused.value.reason in caplog.text  # logged with its reason
    assert not installer.has_staged()
    assert terminal.install_staged_catalog() is None
    assert terminal.bundle_version == 1
    session = terminal.start_session("de")
    assert session.open_form(demo.catalog.forms[0].id).catalog is terminal.catalog
    assert (installer.folder / CURRENT).read_bytes() == before
    _, loaded = open_installed(home)
    assert loaded is not None and loaded.manifest.version == 1


def test_a_current_bundle_damaged_on_disk_falls_back_to_the_previous(
    installer: CatalogInstaller, demo: CompiledCatalog, home: Path
) -> None:
    installer.stage(signed(version_of(demo, 1)))
    installer.install_staged()
    installer.stage(signed(version_of(demo, 2)))
    installer.install_staged()
    current = installer.folder / CURRENT
    current.write_bytes(flip(current.read_bytes(), -100))
    _, loaded = open_installed(home)
    assert loaded is not None and loaded.manifest.version == 1


def test_a_power_cut_between_the_two_renames_completes_the_install(
    installer: CatalogInstaller, demo: CompiledCatalog, home: Path
) -> None:
    installer.stage(signed(version_of(demo, 1)))
    installer.install_staged()
    installer.stage(signed(version_of(demo, 2)))
    (installer.folder / CURRENT).replace(installer.folder / PREVIOUS)  # first rename only
    _, loaded = open_installed(home)
    assert loaded is not None and loaded.manifest.version == 2
    assert not (home / FOLDER / STAGED).exists()


def test_the_bundle_brings_the_staff_list(
    terminal: Terminal, installer: CatalogInstaller, demo: CompiledCatalog, home: Path
) -> None:
    write_pepper_file(terminal_pepper_path(home), PEPPER)  # from the terminal's enrolment
    pin_hash = hash_pin("830261", ScryptParams(n=2**10), pepper=PEPPER)
    staff = [StaffRecord(id="lena", name="Lena M.", pin_hash=pin_hash)]
    installer.stage(signed(version_of(demo, 2), staff=staff))
    assert terminal.install_staged_catalog() is not None
    grant = terminal.unlock.try_pin("830261")
    assert grant.staff_id == "lena"


def test_a_catalog_only_update_keeps_the_staff_list(
    terminal: Terminal, installer: CatalogInstaller, demo: CompiledCatalog, home: Path
) -> None:
    write_pepper_file(terminal_pepper_path(home), PEPPER)  # from the terminal's enrolment
    pin_hash = hash_pin("830261", ScryptParams(n=2**10), pepper=PEPPER)
    staff = [StaffRecord(id="lena", name="Lena M.", pin_hash=pin_hash)]
    installer.stage(signed(version_of(demo, 2), staff=staff))
    assert terminal.install_staged_catalog() is not None
    installer.stage(signed(version_of(demo, 3)))  # no --staff: the list stays as it was
    assert terminal.install_staged_catalog() is not None
    assert terminal.unlock.try_pin("830261").staff_id == "lena"
    # and after a restart, from the store
    again = Terminal(
        terminal.store, demo, home, config=FAST, installer=installer, bundle=installer.load()
    )
    assert again.unlock.try_pin("830261").staff_id == "lena"
    installer.stage(signed(version_of(demo, 4), staff=[]))  # an empty list clears it
    assert terminal.install_staged_catalog() is not None
    assert terminal.staff.accounts() == []


def test_rollback_protection_survives_a_lost_current_bundle(
    installer: CatalogInstaller, demo: CompiledCatalog
) -> None:
    installer.stage(signed(version_of(demo, 5)))
    installer.install_staged()
    for name in (CURRENT, PREVIOUS):
        (installer.folder / name).unlink(missing_ok=True)
    with pytest.raises(BundleRefusedError) as refused:
        installer.stage(signed(version_of(demo, 4)))
    assert refused.value.reason == "not_newer"
