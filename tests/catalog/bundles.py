"""Bundles for tests: a small catalog in several versions, and bundles put together by hand.

Putting bytes together here, independently of ``kiosk.catalog.bundle``, checks the
format as documented rather than the code against itself, and makes bundles that
the code would refuse to build (a manifest that does not match its catalog, say).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.catalog.build import build_catalog
from kiosk.catalog.bundle import SIGNING_CONTEXT, build_bundle, sign_bundle
from kiosk.catalog.compiled import CompiledCatalog, canonical_json
from kiosk.crypto.signing import key_id
from tests.catalog.office_keys import with_office_keys
from tests.conftest import write_catalog


def small_catalog(folder: Path) -> CompiledCatalog:
    """The two-language test catalog of ``tests/conftest.py``, version 1, with a sealing
    key for its office (a bundle without one is refused)."""
    result = build_catalog(write_catalog(folder))
    assert result.catalog is not None, [str(i) for i in result.errors]
    return with_office_keys(result.catalog)


def version_of(
    catalog: CompiledCatalog, version: int, *, title: str | None = None
) -> CompiledCatalog:
    """The catalog as an admin publishes it next: ``version`` bumped, maybe a form retitled."""
    model = catalog.catalog
    forms = list(model.forms)
    if title is not None:
        forms[0] = forms[0].model_copy(update={"title": title})
    header = model.header.model_copy(update={"version": version})
    return CompiledCatalog.create(
        model.model_copy(update={"header": header, "forms": forms}), catalog.translations
    )


def signed(catalog: CompiledCatalog, *keys: Ed25519PrivateKey, **build: Any) -> bytes:
    data = build_bundle(catalog, **build)
    for key in keys:
        data = sign_bundle(data, key)
    return data


def assemble(manifest: dict[str, Any], catalog: bytes, *keys: Ed25519PrivateKey) -> bytes:
    """A bundle exactly as the format describes it, signed over whatever the manifest says."""
    manifest_bytes = canonical_json(manifest)
    signatures = sorted(
        (
            {
                "key_id": key_id(k.public_key()),
                "signature": k.sign(SIGNING_CONTEXT + manifest_bytes).hex(),
            }
            for k in keys
        ),
        key=lambda s: s["key_id"],
    )
    return (
        b'{"manifest":'
        + manifest_bytes
        + b',"signatures":'
        + canonical_json(signatures)
        + b',"catalog":'
        + catalog
        + b"}"
    )


def manifest_of(catalog: CompiledCatalog, **changes: Any) -> dict[str, Any]:
    header = catalog.catalog.header
    return {
        "built_at": "2026-11-21T09:00:00Z",
        "catalog_hash": catalog.content_hash,
        "catalog_id": header.id,
        "deployment": header.id,
        "format": 1,
        "staff": None,
        "version": header.version,
    } | changes
