"""The server refuses to publish a bundle that leaves an office without its sealing key, and
tells the admin which office; a terminal could never seal that office's applications."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from cli.main import main
from kiosk.catalog.compiled import CompiledCatalog
from sync import protocol as p
from sync.client.admin import AdminClient, PublishRefusedError
from sync.server import bundles
from sync.server.embedded import EmbeddedServer
from sync.server.signing_keys import trust_key
from tests.catalog.bundles import assemble, manifest_of, signed, small_catalog, version_of
from tests.catalog.office_keys import with_office_keys
from tests.sync.conftest import Tokens, bearer

ADMIN = Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CompiledCatalog:
    return small_catalog(tmp_path_factory.mktemp("catalog"))


def keyless(catalog: CompiledCatalog, version: int) -> bytes:
    """Signed by a trusted admin, well formed, but the office's key left out: signed by
    hand, since `kiosk catalog build` and `sign` refuse to make it."""
    bare = with_office_keys(version_of(catalog, version), leave_out="amt")
    return assemble(manifest_of(bare), bare.to_json(), ADMIN)


def upload(server: EmbeddedServer, tokens: Tokens, data: bytes) -> httpx.Response:
    return httpx.post(
        f"{server.url}{p.API}/admin/catalog",
        content=data,
        headers=bearer(tokens.admin) | {"Content-Type": "application/json"},
        timeout=60,
    )


def test_publishing_without_every_office_key_is_refused_with_the_reason(
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    catalog: CompiledCatalog,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    trust_key(engine, ADMIN.public_key(), now=time.time())
    answer = upload(server, tokens, keyless(catalog, 2))
    body = answer.json()
    assert (answer.status_code, body["error"]) == (422, "missing_office_key")
    assert "amt" in body["message"] and "public_key" in body["message"]

    client = AdminClient(server.url, tokens.admin)
    try:
        with pytest.raises(PublishRefusedError) as caught:
            client.publish_catalog(keyless(catalog, 3))
    finally:
        client.close()
    assert (caught.value.status, caught.value.reason) == (422, "missing_office_key")

    path = tmp_path / "bundle.json"
    path.write_bytes(keyless(catalog, 4))
    argv = ["catalog", "publish", str(path), "--server", server.url, "--token", tokens.admin]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "the server refused it (missing_office_key)" in err and "amt" in err

    assert bundles.versions(engine) == []  # nothing refused was kept
    assert upload(server, tokens, signed(version_of(catalog, 2), ADMIN)).status_code == 201
