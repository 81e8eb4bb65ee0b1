"""A bundle must bring a usable sealing key for every office: refused at build, at signing
and wherever a bundle is verified (the server, staging, installing, loading at start)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.catalog.bundle import BundleRefusedError, build_bundle, sign_bundle, verify_bundle
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import (
    CURRENT,
    FOLDER,
    CatalogInstaller,
    open_for_visitors,
    save_trust,
)
from kiosk.crypto.signing import public_key_pem
from tests.catalog.bundles import assemble, manifest_of, small_catalog, version_of
from tests.catalog.office_keys import office_key_pair, with_office_keys

ADMIN = Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CompiledCatalog:
    return small_catalog(tmp_path_factory.mktemp("catalog"))


def refusal(reason: str) -> pytest.RaisesExc[BundleRefusedError]:
    return pytest.raises(BundleRefusedError, check=lambda e: e.reason == reason)


def signed_by_hand(catalog: CompiledCatalog) -> bytes:
    """A correctly signed bundle of *catalog*, put together without the build's checks."""
    return assemble(manifest_of(catalog), catalog.to_json(), ADMIN)


def test_build_names_exactly_the_office_without_a_key(demo: CompiledCatalog) -> None:
    with refusal("missing_office_key") as caught:
        build_bundle(with_office_keys(demo, leave_out="jugendamt"))
    message = str(caught.value)
    assert "jugendamt" in message and "offices.yaml" in message
    assert not any(o in message for o in ("jobcenter", "sozialamt", "schulamt"))
    with refusal("missing_office_key"):
        build_bundle(demo)  # the demo catalog names no key at all
    keyed = with_office_keys(demo)  # with every key it builds, signs and verifies
    verified = verify_bundle(sign_bundle(build_bundle(keyed), ADMIN), [ADMIN.public_key()])
    jobcenter = verified.catalog.catalog.office("jobcenter")
    assert jobcenter.public_key == office_key_pair("jobcenter")[1].decode()


def _pem(key: object) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    return public_key_pem(key).decode()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("not a key at all", "not a PEM public key"),
        (_pem(Ed25519PrivateKey.generate().public_key()), "RSA"),  # an admin's signing key
        (_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)), "RSA"),
        (
            rsa.generate_private_key(public_exponent=65537, key_size=1024)
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode(),
            "2048",
        ),
    ],
    ids=["garbage", "ed25519", "private-rsa", "short-rsa"],
)
def test_a_key_that_cannot_seal_is_refused(catalog: CompiledCatalog, key: str, words: str) -> None:
    model = catalog.catalog
    office = model.offices[0].model_copy(update={"public_key": key})
    broken = CompiledCatalog.create(
        model.model_copy(update={"offices": [office]}), catalog.translations
    )
    with refusal("bad_office_key") as caught:
        build_bundle(broken)
    assert office.id in str(caught.value) and words in str(caught.value)
    with refusal("bad_office_key"):
        verify_bundle(signed_by_hand(broken), [ADMIN.public_key()])


def test_signing_refuses_a_bundle_without_every_key(catalog: CompiledCatalog) -> None:
    keyless = with_office_keys(catalog, leave_out="amt")
    with refusal("missing_office_key"):
        sign_bundle(assemble(manifest_of(keyless), keyless.to_json()), ADMIN)


def test_verifying_refuses_a_signed_bundle_without_every_key(catalog: CompiledCatalog) -> None:
    keyless = with_office_keys(catalog, leave_out="amt")
    with refusal("missing_office_key") as caught:
        verify_bundle(signed_by_hand(keyless), [ADMIN.public_key()], deployment="test_catalog")
    assert "amt" in str(caught.value)


def test_the_terminal_neither_stages_nor_loads_one(
    catalog: CompiledCatalog, tmp_path: Path
) -> None:
    trust = save_trust(tmp_path, "test_catalog", [public_key_pem(ADMIN.public_key())])
    installer = CatalogInstaller(tmp_path, trust)
    keyless = with_office_keys(version_of(catalog, 2), leave_out="amt")
    with refusal("missing_office_key"):
        installer.stage(signed_by_hand(keyless))
    assert not installer.has_staged()
    # one already on disk (written before keys were required, or by someone with the disk)
    (tmp_path / FOLDER / CURRENT).write_bytes(signed_by_hand(keyless))
    assert installer.load() is None
    assert "missing_office_key" in installer.refusals[0]
    serving = open_for_visitors(tmp_path, demo=False)
    assert serving.bundle is None and serving.closed is not None
    assert "missing_office_key" in serving.closed and "amt" in serving.closed
