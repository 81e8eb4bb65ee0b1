"""Signed catalog bundles: what verifies, and every way a bundle is refused, with its reason."""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.catalog.bundle import (
    REASONS,
    BundleRefusedError,
    build_bundle,
    read_manifest,
    sign_bundle,
    split_bundle,
    verify_bundle,
)
from kiosk.catalog.compiled import CompiledCatalog, ContentHashError
from kiosk.crypto.keywrap import ScryptParams
from kiosk.crypto.signing import (
    KeyFileError,
    generate_key_pair,
    key_id,
    load_private_key,
    load_public_key,
)
from kiosk.staff.records import StaffRecord, hash_pin, save_staff_list
from tests.catalog.bundles import assemble, manifest_of, signed, small_catalog, version_of

ADMIN = Ed25519PrivateKey.generate()
OTHER_ADMIN = Ed25519PrivateKey.generate()
STRANGER = Ed25519PrivateKey.generate()
TRUSTED = [ADMIN.public_key(), OTHER_ADMIN.public_key()]
WHEN = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
CHEAP = ScryptParams(n=2**10)
PEPPER = b"d" * 32  # the deployment's, as `kiosk server staff-pepper` gives it to admins


def peppered(pin: str) -> str:
    return hash_pin(pin, CHEAP, pepper=PEPPER)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CompiledCatalog:
    return small_catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="module")
def bundle(catalog: CompiledCatalog) -> bytes:
    return signed(catalog, ADMIN, built_at=WHEN)


def refused(data: bytes, reason: str, **kwargs: object) -> BundleRefusedError:
    with pytest.raises(BundleRefusedError) as caught:
        verify_bundle(data, TRUSTED, **kwargs)  # type: ignore[arg-type]
    assert caught.value.reason == reason, str(caught.value)
    assert str(caught.value)
    return caught.value


def test_the_reasons_are_the_documented_ones() -> None:
    assert {
        "malformed",
        "unsigned",
        "unknown_key",
        "bad_signature",
        "hash_mismatch",
        "wrong_deployment",
        "not_newer",
        "bad_catalog",
        "missing_office_key",
        "bad_office_key",
    } == REASONS


# ------------------------------------------------------------------ what verifies


def test_build_sign_verify_round_trip(catalog: CompiledCatalog, bundle: bytes) -> None:
    verified = verify_bundle(bundle, TRUSTED, deployment="test_catalog", newer_than=0)
    assert verified.data == bundle
    assert verified.key_id == key_id(ADMIN.public_key())
    assert verified.catalog.content_hash == catalog.content_hash
    assert verified.catalog.catalog == catalog.catalog
    assert verified.catalog.translations == catalog.translations
    m = verified.manifest
    assert (m.format, m.deployment, m.version, m.catalog_id) == (
        1,
        "test_catalog",
        1,
        "test_catalog",
    )
    assert m.catalog_hash == catalog.content_hash
    assert m.built_at == "2026-11-21T09:30:00Z"
    assert m.staff is None


def test_the_layout_is_the_documented_one(catalog: CompiledCatalog, bundle: bytes) -> None:
    """Built by hand from the format description, byte for byte the same."""
    by_hand = assemble(
        manifest_of(catalog, built_at="2026-11-21T09:30:00Z"), catalog.to_json(), ADMIN
    )
    assert by_hand == bundle
    whole = json.loads(bundle)
    assert list(whole) == ["manifest", "signatures", "catalog"]
    assert whole["signatures"][0]["key_id"] == key_id(ADMIN.public_key())


def test_building_is_deterministic_and_unsigned(catalog: CompiledCatalog) -> None:
    first = build_bundle(catalog, built_at=WHEN)
    assert first == build_bundle(
        catalog, built_at=WHEN.astimezone(dt.timezone(dt.timedelta(hours=2)))
    )
    assert split_bundle(first).signatures == ()
    assert read_manifest(first).version == 1
    with pytest.raises(ValueError, match="time zone"):
        build_bundle(catalog, built_at=dt.datetime(2026, 1, 1))


def test_a_trusted_key_among_strangers_is_enough(catalog: CompiledCatalog) -> None:
    data = signed(catalog, STRANGER, OTHER_ADMIN)
    ids = [s.key_id for s in split_bundle(data).signatures]
    assert ids == sorted(ids) and len(ids) == 2
    assert verify_bundle(data, TRUSTED).key_id == key_id(OTHER_ADMIN.public_key())


def test_signing_again_replaces_the_signature(bundle: bytes) -> None:
    again = sign_bundle(bundle, ADMIN)
    assert again == bundle  # Ed25519 is deterministic: one key, one signature
    assert len(split_bundle(sign_bundle(bundle, STRANGER)).signatures) == 2


def test_trusted_keys_by_mapping_count_by_their_real_id(bundle: bytes) -> None:
    mislabelled = {"0000000000000000": ADMIN.public_key()}
    assert verify_bundle(bundle, mislabelled).key_id == key_id(ADMIN.public_key())


def test_newer_version_and_own_deployment(catalog: CompiledCatalog) -> None:
    v3 = signed(version_of(catalog, 3), ADMIN, deployment="dortmund")
    verified = verify_bundle(v3, TRUSTED, deployment="dortmund", newer_than=2)
    assert verified.manifest.version == 3 and verified.manifest.deployment == "dortmund"
    assert verified.manifest.catalog_id == "test_catalog"


def test_staff_list_travels_in_the_manifest(catalog: CompiledCatalog, tmp_path: Path) -> None:
    records = [
        StaffRecord(id="amira", name="Amira K.", role="admin", pin_hash=peppered("402917")),
        StaffRecord(id="jonas", name="Jonas B.", pin_hash=peppered("815023")),
    ]
    save_staff_list(tmp_path / "staff.json", records)
    from kiosk.staff.records import load_staff_list

    data = signed(catalog, ADMIN, staff=load_staff_list(tmp_path / "staff.json"))
    staff = verify_bundle(data, TRUSTED).manifest.staff
    assert staff == tuple(records)
    empty = signed(catalog, ADMIN, staff=[])
    assert verify_bundle(empty, TRUSTED).manifest.staff == ()
    with pytest.raises(ValueError, match="more than once"):
        build_bundle(catalog, staff=[records[0], records[0]])


def test_staff_hashes_without_the_pepper_never_travel(catalog: CompiledCatalog) -> None:
    """Any device token fetches bundles: a hash in one must be useless without the pepper."""
    bare = StaffRecord(id="jonas", name="Jonas B.", pin_hash=hash_pin("815023", CHEAP))
    with pytest.raises(ValueError, match="jonas lack the deployment's staff pepper"):
        build_bundle(catalog, staff=[bare])
    good = StaffRecord(id="jonas", name="Jonas B.", pin_hash=peppered("815023"))
    unsigned = build_bundle(catalog, staff=[good])
    tampered = unsigned.replace(b'"pscrypt$', b'"scrypt$')  # as a careless tool might write it
    assert tampered != unsigned
    refused(tampered, "malformed")  # what a terminal or the server would be given
    with pytest.raises(BundleRefusedError, match="staff pepper"):
        sign_bundle(tampered, ADMIN)


# ------------------------------------------------------------------ refusals


def test_unsigned(catalog: CompiledCatalog) -> None:
    refused(build_bundle(catalog), "unsigned")


def test_only_unknown_keys(catalog: CompiledCatalog) -> None:
    error = refused(signed(catalog, STRANGER), "unknown_key")
    assert key_id(STRANGER.public_key()) in str(error)


def test_wrong_key(bundle: bytes) -> None:
    with pytest.raises(BundleRefusedError) as caught:
        verify_bundle(bundle, [STRANGER.public_key()])
    assert caught.value.reason == "unknown_key"


def test_one_byte_flipped_in_the_catalog(bundle: bytes) -> None:
    at = bundle.index(b"Testantrag")
    refused(bundle[:at] + b"X" + bundle[at + 1 :], "hash_mismatch")
    envelope = bundle.index(b'"catalog":{"content_hash":"sha256:') + 40
    flipped = bundle[:envelope] + (b"0" if bundle[envelope : envelope + 1] != b"0" else b"1")
    refused(flipped + bundle[envelope + 1 :], "hash_mismatch")


def test_one_byte_flipped_in_the_manifest(bundle: bytes) -> None:
    at = bundle.index(b'"built_at":"2026') + len(b'"built_at":"2026-1')
    refused(bundle[:at] + b"0" + bundle[at + 1 :], "bad_signature")  # 2026-10 instead of -11


def test_one_byte_flipped_in_the_signature(bundle: bytes) -> None:
    at = bundle.index(b'"signature":"') + len(b'"signature":"') + 10
    digit = b"a" if bundle[at : at + 1] != b"a" else b"b"
    refused(bundle[:at] + digit + bundle[at + 1 :], "bad_signature")


def test_a_bad_signature_by_a_trusted_key_refuses_even_beside_a_good_one(
    catalog: CompiledCatalog,
) -> None:
    data = signed(catalog, ADMIN, OTHER_ADMIN)
    bad_id = max(key_id(ADMIN.public_key()), key_id(OTHER_ADMIN.public_key()))
    at = data.index(bad_id.encode()) + len(bad_id) + len('","signature":"')
    digit = b"0" if data[at : at + 1] != b"0" else b"1"
    refused(data[:at] + digit + data[at + 1 :], "bad_signature")


def test_older_or_equal_version(catalog: CompiledCatalog) -> None:
    v2 = signed(version_of(catalog, 2), ADMIN)
    refused(v2, "not_newer", newer_than=2)
    error = refused(v2, "not_newer", newer_than=5)
    assert "version 2" in str(error) and "5" in str(error)
    assert verify_bundle(v2, TRUSTED, newer_than=1).manifest.version == 2


def test_other_deployment(bundle: bytes) -> None:
    refused(bundle, "wrong_deployment", deployment="bochum")


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b.replace(b'{"manifest":', b'{"manifest": ', 1),
        lambda b: b.replace(b',"signatures":', b', "signatures":', 1),
        lambda b: b.replace(b',"catalog":', b',\n"catalog":', 1),
        lambda b: b + b"\n",
        lambda b: b" " + b,
        lambda b: b.replace(b'"format":1,"staff"', b'"format":1.0,"staff"', 1),
        lambda b: b.replace(
            b'"deployment":"test_catalog"', b'"deployment":"test\\u005fcatalog"', 1
        ),
        lambda b: b.replace(b'"key_id":"', b'"key_id" :"', 1),
        lambda b: json.dumps(json.loads(b), indent=1).encode(),
        lambda b: b.replace(b'"format":1,"payload"', b'"format":01,"payload"', 1),
        lambda b: b.replace(b',"catalog":', b',"extra":1,"catalog":', 1),
        lambda b: b[: b.index(b',"catalog":') + 5],
        lambda b: b"",
        lambda b: b"\xff" * 40,
    ],
)
def test_non_canonical_or_broken_layout(bundle: bytes, damage: object) -> None:
    refused(damage(bundle), "malformed")  # type: ignore[operator]


def test_cut_short(bundle: bytes) -> None:
    """Where the cut falls decides which check sees it first; none lets it through."""
    refused(bundle[:-1], "hash_mismatch")
    refused(bundle[:100], "malformed")


def test_reordered_manifest_keys_even_if_signed(catalog: CompiledCatalog) -> None:
    manifest = manifest_of(catalog)
    reordered = json.dumps(dict(reversed(manifest.items())), separators=(",", ":")).encode()
    data = assemble(manifest, catalog.to_json(), ADMIN)
    data = data.replace(
        json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode(), reordered
    )
    error = refused(data, "malformed")
    assert "canonical" in str(error)


def test_a_signed_manifest_that_does_not_match_its_catalog(catalog: CompiledCatalog) -> None:
    other = version_of(catalog, 1, title="Anderer Antrag")
    data = assemble(manifest_of(catalog), other.to_json(), ADMIN)
    refused(data, "hash_mismatch")
    with pytest.raises(BundleRefusedError) as caught:
        sign_bundle(data, ADMIN)
    assert caught.value.reason == "hash_mismatch"


def test_a_signed_manifest_with_another_version_than_its_catalog(catalog: CompiledCatalog) -> None:
    data = assemble(manifest_of(catalog, version=9), catalog.to_json(), ADMIN)
    error = refused(data, "bad_catalog")
    assert "version 9" in str(error)


@pytest.mark.parametrize(
    "change",
    [
        {"extra": "field"},
        {"version": 0},
        {"version": True},
        {"format": 2},
        {"built_at": "2026-02-30T09:00:00Z"},
        {"built_at": "yesterday"},
        {"deployment": "Dortmund Nord"},
        {"catalog_hash": "sha256:abc"},
        {"staff": [{"id": "x", "name": "X", "role": "staff", "pin_hash": "plain"}]},
    ],
)
def test_a_signed_manifest_that_breaks_the_rules(
    catalog: CompiledCatalog, change: dict[str, object]
) -> None:
    refused(assemble(manifest_of(catalog) | change, catalog.to_json(), ADMIN), "malformed")


def test_sign_refuses_garbage(catalog: CompiledCatalog, bundle: bytes) -> None:
    for garbage in (b"", b"{}", b"not json", catalog.to_json(), bundle[: len(bundle) // 2]):
        with pytest.raises(BundleRefusedError) as caught:
            sign_bundle(garbage, ADMIN)
        assert caught.value.reason in {"malformed", "hash_mismatch"}


def test_a_catalog_whose_hash_is_off_is_a_content_hash_error(catalog: CompiledCatalog) -> None:
    data = catalog.to_json().replace(b"Testantrag", b"Testantraq")
    with pytest.raises(ContentHashError):
        CompiledCatalog.from_json(data)


# ------------------------------------------------------------------ keys


def test_keygen_writes_private_0600_and_public_and_never_overwrites(tmp_path: Path) -> None:
    private, public = generate_key_pair(tmp_path / "keys" / "admin.key")
    assert public == tmp_path / "keys" / "admin.key.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in private.read_bytes()
    assert b"BEGIN PUBLIC KEY" in public.read_bytes()
    key = load_private_key(private)
    assert key_id(load_public_key(public)) == key_id(key.public_key())
    assert key_id(load_public_key(public.read_bytes())) == key_id(key.public_key())
    assert len(key_id(key.public_key())) == 16 and int(key_id(key.public_key()), 16) >= 0
    before = private.read_bytes()
    with pytest.raises(KeyFileError, match=r"admin\.key: a file of that name is already there"):
        generate_key_pair(private)
    assert private.read_bytes() == before
    private.unlink()
    with pytest.raises(KeyFileError, match=r"admin.key.pub: a file of that name"):
        generate_key_pair(private)  # the public key alone is in the way too
    assert not private.exists()
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == ["admin.key.pub"]


def test_unusable_key_files_name_the_file_and_the_reason(tmp_path: Path) -> None:
    private, public = generate_key_pair(tmp_path / "admin.key")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "rsa.pem").write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "locked.pem").write_bytes(
        ADMIN.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    (tmp_path / "junk.pem").write_text("hello")
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: load_private_key(tmp_path / "missing.key"), "missing.key: no such"),
        (lambda: load_private_key(tmp_path), "is a folder"),
        (lambda: load_private_key(public), "holds a public key"),
        (lambda: load_private_key(tmp_path / "rsa.pem"), "not an Ed25519 key but RSA"),
        (lambda: load_private_key(tmp_path / "locked.pem"), "password"),
        (lambda: load_private_key(tmp_path / "junk.pem"), "junk.pem: not a PEM private key"),
        (lambda: load_public_key(private), "holds a private key"),
        (lambda: load_public_key(tmp_path / "junk.pem"), "not a PEM public key"),
        (lambda: load_public_key(b"junk"), "not a PEM public key"),
        (
            lambda: load_public_key(
                rsa_key.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            ),
            "not an Ed25519 key but RSA",
        ),
    ]
    for load, message in cases:
        with pytest.raises(KeyFileError, match=message) as caught:
            load()
        assert isinstance(caught.value, ValueError)
        assert "PRIVATE KEY-----" not in str(caught.value)
