"""Signed catalog bundles: the compiled catalog as admins publish it and terminals install it.

A bundle is one JSON object with three parts, in this order and nothing else::

    {"manifest":{...},"signatures":[...],"catalog":<CompiledCatalog.to_json() verbatim>}

The manifest is small: which deployment and version this is, the catalog's content
hash, when it was built, and the staff list the terminals should use. Admins sign the
manifest's exact bytes with Ed25519; since it names the catalog's content hash, and the
catalog's own envelope carries that hash over the exact bytes of its payload, one
signature covers everything without ever re-serialising a catalog of tens of megabytes.

Every part must be in canonical form (sorted keys, no whitespace), checked by
serialising what was parsed and comparing bytes. So one bundle has exactly one
spelling: what a terminal verified is byte for byte what the admin signed, and a
bundle cannot carry anything that a reader skipping unknown parts would miss.

Terminals refuse older versions (a rollback is publishing the old content again with a
higher version number) and bundles meant for another deployment. Every office must
bring its sealing key: a terminal seals an application with the key its signed catalog
names for the office and with no other, so a bundle that leaves one out (or carries one
that cannot seal) is refused when it is built, signed, published and installed.

Everything that can go wrong is a :class:`BundleRefusedError` with a short stable
``reason``: the sync client and the server act on that code, people read the message.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from kiosk.catalog.compiled import FORMAT_VERSION, CompiledCatalog, ContentHashError, canonical_json

# re-exported: callers that check bundles meet the refusal where they meet the check
from kiosk.catalog.refusal import REASONS as REASONS
from kiosk.catalog.refusal import BundleRefusedError as BundleRefusedError
from kiosk.crypto.sealing import OfficeKeyError
from kiosk.crypto.sealing import load_public_key as load_office_key
from kiosk.crypto.signing import key_id
from kiosk.staff.records import StaffRecord, is_peppered

BUNDLE_FORMAT: Final = 1
#: Prefixed to the manifest before signing, so an admin's key signing anything else
#: (another format, another tool) can never produce a valid bundle signature.
SIGNING_CONTEXT: Final = b"kiosk-catalog-bundle/1\n"
#: Manifest and signatures together; a real one is a few hundred bytes plus the staff list.
MAX_HEAD_BYTES: Final = 4 * 1024 * 1024
MAX_SIGNATURES: Final = 16
#: The server keeps versions in a 32-bit integer column on PostgreSQL.
MAX_VERSION: Final = 2**31 - 1

_START: Final = b'{"manifest":'
_SIGNATURES: Final = ',"signatures":'
_CATALOG: Final = b',"catalog":'
# the compiled catalog's envelope, exactly as ``CompiledCatalog.to_json`` writes it
_ENVELOPE: Final = re.compile(
    rb'\{"content_hash":"(sha256:[0-9a-f]{64})","format":(0|[1-9]\d{0,8}),"payload":\{'
)
_DECODER: Final = json.JSONDecoder()


# ------------------------------------------------------------------ the manifest

Deployment = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")]
_UTC_SECONDS = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"


class _ManifestModel(BaseModel):
    """How a manifest is checked; the bytes must also be exactly this model's dump."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    built_at: Annotated[str, StringConstraints(pattern=_UTC_SECONDS)]
    catalog_hash: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
    catalog_id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
    deployment: Deployment
    format: Literal[1]
    staff: list[StaffRecord] | None = Field(max_length=10_000)
    version: int = Field(ge=1, le=MAX_VERSION)

    @field_validator("built_at")
    @classmethod
    def _a_real_time(cls, value: str) -> str:
        dt.datetime.fromisoformat(value)  # ValueError for 2026-02-30 and the like
        return value

    @field_validator("staff")
    @classmethod
    def _unique_staff(cls, value: list[StaffRecord] | None) -> list[StaffRecord] | None:
        ids = [r.id for r in value or ()]
        if len(set(ids)) != len(ids):
            raise ValueError("a staff id appears more than once")
        # a hash without the deployment's pepper is open to guessing by every device token
        bare = [r.id for r in value or () if not is_peppered(r.pin_hash)]
        if bare:
            raise ValueError(
                f"the PIN hashes of {', '.join(bare[:5])} lack the deployment's staff pepper: "
                "make the list with `kiosk staff add NAME --list FILE --pepper PEPPER_FILE`"
            )
        return value


class _SignatureModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    key_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
    signature: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{128}$")]


_SIGNATURE_LIST: Final = TypeAdapter(list[_SignatureModel])


@dataclass(frozen=True)
class Manifest:
    """What a bundle says about itself; signed, so a terminal can trust every field."""

    format: int
    deployment: str
    version: int
    catalog_id: str
    catalog_hash: str
    built_at: str
    staff: tuple[StaffRecord, ...] | None

    def to_json(self) -> bytes:
        """The canonical bytes that are signed."""
        model = _ManifestModel(
            built_at=self.built_at,
            catalog_hash=self.catalog_hash,
            catalog_id=self.catalog_id,
            deployment=self.deployment,
            format=BUNDLE_FORMAT,
            staff=None if self.staff is None else list(self.staff),
            version=self.version,
        )
        return canonical_json(model.model_dump(mode="json"))


@dataclass(frozen=True, order=True)
class Signature:
    key_id: str
    signature: str  # 128 lowercase hex digits


@dataclass(frozen=True)
class BundleParts:
    """A bundle taken apart after the layout checks, before any signature is checked."""

    manifest: Manifest
    manifest_bytes: bytes
    signatures: tuple[Signature, ...]
    catalog: memoryview  # the compiled catalog's bytes in the bundle, not copied


@dataclass(frozen=True)
class VerifiedBundle:
    manifest: Manifest
    catalog: CompiledCatalog
    data: bytes  # the exact bytes that were verified
    key_id: str  # the trusted key whose signature was checked


# ------------------------------------------------------------------ layout


def _malformed(message: str) -> BundleRefusedError:
    return BundleRefusedError("malformed", f"not a valid catalog bundle: {message}")


def _first_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _parse_manifest(text: str, start: int) -> tuple[Manifest, int]:
    obj, end = _DECODER.raw_decode(text, start)
    try:
        model = _ManifestModel.model_validate(obj)
    except ValidationError as exc:
        raise _malformed(f"manifest: {_first_problem(exc)}") from None
    manifest = Manifest(
        format=model.format,
        deployment=model.deployment,
        version=model.version,
        catalog_id=model.catalog_id,
        catalog_hash=model.catalog_hash,
        built_at=model.built_at,
        staff=None if model.staff is None else tuple(model.staff),
    )
    return manifest, end


def _parse_signatures(text: str, start: int) -> tuple[tuple[Signature, ...], int]:
    obj, end = _DECODER.raw_decode(text, start)
    try:
        models = _SIGNATURE_LIST.validate_python(obj)
    except ValidationError as exc:
        raise _malformed(f"signatures: {_first_problem(exc)}") from None
    signatures = tuple(Signature(m.key_id, m.signature) for m in models)
    if len(signatures) > MAX_SIGNATURES:
        raise _malformed(f"more than {MAX_SIGNATURES} signatures")
    ids = [s.key_id for s in signatures]
    if ids != sorted(set(ids)):
        raise _malformed("the signatures must be sorted by key id, one per key")
    return signatures, end


def split_bundle(data: bytes) -> BundleParts:
    """Take a bundle apart, checking its layout and that every part is canonical.

    Only the small head (manifest and signatures) is decoded and parsed; the catalog
    is located by position and checked later against its hash.
    """
    if not data.startswith(_START):
        raise _malformed('it does not begin with {"manifest":')
    cut = data.find(_CATALOG, 0, MAX_HEAD_BYTES + len(_CATALOG))
    if cut < 0:
        raise _malformed(
            f"no catalog part within the first {MAX_HEAD_BYTES} bytes "
            "(cut short, or the manifest is too large)"
        )
    try:
        head = data[:cut].decode("utf-8")
        manifest, end = _parse_manifest(head, len(_START))
        if not head.startswith(_SIGNATURES, end):
            raise _malformed('the manifest is not followed by ,"signatures":')
        signatures, tail = _parse_signatures(head, end + len(_SIGNATURES))
    except BundleRefusedError:
        raise
    except UnicodeDecodeError:
        raise _malformed("the manifest is not UTF-8") from None
    except RecursionError:
        raise _malformed("the manifest is nested too deeply") from None
    except ValueError as exc:  # JSON syntax, and integers too long to convert
        raise _malformed(f"the manifest is not JSON: {exc}") from None
    if tail != len(head):
        raise _malformed("there is something between the signatures and the catalog")
    manifest_bytes = head[len(_START) : end].encode()
    if manifest_bytes != manifest.to_json():
        raise _malformed("the manifest is not in canonical form (sorted keys, no spaces)")
    signature_bytes = head[end + len(_SIGNATURES) :].encode()
    if signature_bytes != _signatures_json(signatures):
        raise _malformed("the signatures are not in canonical form (sorted keys, no spaces)")
    catalog = memoryview(data)[cut + len(_CATALOG) : -1]
    if not data.endswith(b"}}") or _ENVELOPE.match(catalog) is None:
        raise _malformed(
            "the catalog part is not a compiled catalog as `kiosk catalog build` writes it"
        )
    return BundleParts(manifest, manifest_bytes, signatures, catalog)


def _signatures_json(signatures: Sequence[Signature]) -> bytes:
    return canonical_json([{"key_id": s.key_id, "signature": s.signature} for s in signatures])


def _assemble(
    manifest_bytes: bytes, signatures: Sequence[Signature], catalog: bytes | memoryview
) -> bytes:
    return b"".join(
        (
            _START,
            manifest_bytes,
            _SIGNATURES.encode(),
            _signatures_json(signatures),
            _CATALOG,
            catalog,
            b"}",
        )
    )


# ------------------------------------------------------------------ checks


def _by_key_id(
    trusted: Mapping[str, Ed25519PublicKey] | Sequence[Ed25519PublicKey],
) -> dict[str, Ed25519PublicKey]:
    """Trusted keys by their id, always computed from the key itself: a caller's label
    for a key can never make a signature count for another one."""
    keys = trusted.values() if isinstance(trusted, Mapping) else trusted
    return {key_id(k): k for k in keys}


def verify_signatures(
    parts: BundleParts,
    trusted: Mapping[str, Ed25519PublicKey] | Sequence[Ed25519PublicKey],
) -> str:
    """The id of a trusted key that signed the manifest.

    Signatures by keys not trusted here are skipped (a bundle may carry the signatures
    of several admins, for several deployments); a signature by a trusted key that does
    not verify refuses the bundle even if another one does, since it means the bundle
    was changed after signing.
    """
    if not parts.signatures:
        raise BundleRefusedError(
            "unsigned", "the bundle is not signed (an admin runs `kiosk catalog sign` first)"
        )
    keys = _by_key_id(trusted)
    message = SIGNING_CONTEXT + parts.manifest_bytes
    good: str | None = None
    for entry in parts.signatures:
        public = keys.get(entry.key_id)
        if public is None:
            continue
        try:
            public.verify(bytes.fromhex(entry.signature), message)
        except InvalidSignature:
            raise BundleRefusedError(
                "bad_signature",
                f"the signature by key {entry.key_id} does not match the bundle "
                "(changed after signing, or damaged on the way)",
            ) from None
        good = good or entry.key_id
    if good is None:
        found = ", ".join(s.key_id for s in parts.signatures)
        raise BundleRefusedError(
            "unknown_key",
            f"the bundle is signed only by key(s) {found}, none of which is trusted here",
        )
    return good


def load_catalog(parts: BundleParts) -> CompiledCatalog:
    """The catalog of a bundle, checked against its manifest."""
    manifest = parts.manifest
    envelope = _ENVELOPE.match(parts.catalog)
    assert envelope is not None  # split_bundle checked it
    declared = envelope.group(1).decode()
    if declared != manifest.catalog_hash:
        raise BundleRefusedError(
            "hash_mismatch",
            f"the catalog in the bundle is {declared}, but the manifest names "
            f"{manifest.catalog_hash}",
        )
    if int(envelope.group(2)) != FORMAT_VERSION:
        raise BundleRefusedError(
            "bad_catalog",
            f"the compiled catalog has format {int(envelope.group(2))}; this kiosk reads "
            f"format {FORMAT_VERSION} (update the terminals first)",
        )
    try:
        catalog = CompiledCatalog.from_json(parts.catalog)
    except ContentHashError as exc:
        raise BundleRefusedError("hash_mismatch", f"the catalog was changed: {exc}") from None
    except ValueError as exc:
        raise BundleRefusedError("bad_catalog", str(exc)) from None
    except Exception as exc:  # a terminal keeps its catalog, whatever this one holds
        raise BundleRefusedError(
            "bad_catalog", f"the catalog cannot be loaded ({type(exc).__name__})"
        ) from None
    if catalog.content_hash != manifest.catalog_hash:
        raise BundleRefusedError("hash_mismatch", "the catalog does not match the manifest")
    header = catalog.catalog.header
    if (header.id, header.version) != (manifest.catalog_id, manifest.version):
        raise BundleRefusedError(
            "bad_catalog",
            f"the manifest says {manifest.catalog_id} version {manifest.version}, the "
            f"catalog is {header.id} version {header.version}",
        )
    check_office_keys(catalog)
    return catalog


def check_office_keys(catalog: CompiledCatalog) -> None:
    """Refuse a catalog unless every office that receives applications brings a key they
    can be sealed with.

    The terminal seals with the key the signed catalog names and never with a key file it
    finds on its own disk, which nobody signed: an office without a usable key here would
    leave its visitors unable to submit. An office that receives none (the build refuses
    a form addressed to it) is only shown, and needs no key.
    """
    receiving = [o for o in catalog.catalog.offices if o.receives_applications]
    missing = [o.id for o in receiving if not o.public_key]
    if missing:
        raise BundleRefusedError(
            "missing_office_key",
            f"no public_key for office(s) {', '.join(missing)}: put each office's sealing "
            "key (PEM, made by `kiosk office keygen OFFICE`) into offices.yaml as public_key, "
            "or build with --office-keys DIR",
        )
    for office in receiving:
        try:
            load_office_key((office.public_key or "").encode())
        except OfficeKeyError as exc:
            problem = str(exc)
        except Exception as exc:  # whatever the text holds, a refusal, never a crash
            problem = f"not a usable key ({type(exc).__name__})"
        else:
            continue
        raise BundleRefusedError(
            "bad_office_key",
            f"the public_key of office {office.id} cannot seal applications: {problem}",
        )


# ------------------------------------------------------------------ public API


def _built_at(when: dt.datetime | None) -> str:
    when = when or dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        raise ValueError("built_at needs a time zone")
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_bundle(
    catalog: CompiledCatalog,
    *,
    deployment: str | None = None,
    staff: Sequence[StaffRecord] | None = None,
    built_at: dt.datetime | None = None,
) -> bytes:
    """An unsigned bundle of *catalog*, for the deployment named like the catalog by default.

    The version is the catalog's own (``version`` in ``catalog.yaml``), so what an admin
    bumps in the source is what terminals compare. ValueError for a deployment name or
    staff list that a terminal would refuse; :class:`BundleRefusedError` (a ValueError)
    for an office without a usable sealing key, refused here already so that nobody
    signs and publishes what every terminal would refuse.
    """
    check_office_keys(catalog)
    header = catalog.catalog.header
    manifest = Manifest(
        format=BUNDLE_FORMAT,
        deployment=header.id if deployment is None else deployment,
        version=header.version,
        catalog_id=header.id,
        catalog_hash=catalog.content_hash,
        built_at=_built_at(built_at),
        staff=None if staff is None else tuple(staff),
    )
    try:
        manifest_bytes = manifest.to_json()
    except ValidationError as exc:
        raise ValueError(f"cannot build the bundle: {_first_problem(exc)}") from None
    return _assemble(manifest_bytes, (), catalog.to_json())


def read_manifest(data: bytes) -> Manifest:
    """The manifest of a bundle whose layout is right; no signature is checked."""
    return split_bundle(data).manifest


def sign_bundle(data: bytes, key: Ed25519PrivateKey) -> bytes:
    """*data* with this key's signature added (or renewed).

    The catalog is loaded and checked against the manifest first: a signature vouches
    for the whole bundle, so nothing that a terminal would refuse gets one.
    """
    parts = split_bundle(data)
    load_catalog(parts)
    kid = key_id(key.public_key())
    signature = Signature(kid, key.sign(SIGNING_CONTEXT + parts.manifest_bytes).hex())
    others = [s for s in parts.signatures if s.key_id != kid]
    if len(others) >= MAX_SIGNATURES:
        raise _malformed(f"it already carries {len(others)} signatures, the most there can be")
    return _assemble(parts.manifest_bytes, sorted([*others, signature]), parts.catalog)


def verify_bundle(
    data: bytes,
    trusted: Mapping[str, Ed25519PublicKey] | Sequence[Ed25519PublicKey],
    *,
    deployment: str | None = None,
    newer_than: int | None = None,
) -> VerifiedBundle:
    """The bundle, checked and loaded; :class:`BundleRefusedError` for anything else.

    ``data`` of the result holds the signatures by trusted keys only, so what a
    terminal keeps is exactly what it verified.

    Order: layout, signature, deployment, version, catalog. The cheap checks come
    first, so a refused bundle costs a terminal milliseconds, not a catalog load.
    """
    parts = split_bundle(data)
    signer = verify_signatures(parts, trusted)
    manifest = parts.manifest
    if deployment is not None and manifest.deployment != deployment:
        raise BundleRefusedError(
            "wrong_deployment",
            f"the bundle is for deployment '{manifest.deployment}', not '{deployment}'",
        )
    if newer_than is not None and manifest.version <= newer_than:
        raise BundleRefusedError(
            "not_newer",
            f"the bundle has version {manifest.version}, not newer than {newer_than}; "
            "to go back, publish the older content again with a higher version",
        )
    catalog = load_catalog(parts)
    keys = _by_key_id(trusted)
    checked = [s for s in parts.signatures if s.key_id in keys]
    if len(checked) != len(parts.signatures):
        # keep only what was checked: a signature by a key not trusted here proves
        # nothing, and bytes nobody verified are not stored or passed on
        data = _assemble(parts.manifest_bytes, checked, parts.catalog)
    return VerifiedBundle(manifest=manifest, catalog=catalog, data=data, key_id=signer)
