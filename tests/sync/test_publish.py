"""Publishing signed catalog bundles: admins upload, the server checks like a terminal, keeps
every version and serves the newest. Real HTTP on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import hashlib
import sqlite3
import threading
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from cli.main import main
from kiosk.catalog.bundle import verify_bundle
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.crypto.signing import generate_key_pair, key_id, load_private_key, load_public_key
from sync import protocol as p
from sync.client.admin import AdminClient, PublishRefusedError
from sync.server import bundles
from sync.server.db import SCHEMA_VERSION, SchemaError, open_engine
from sync.server.embedded import EmbeddedServer
from tests.catalog.bundles import assemble, manifest_of, signed, small_catalog, version_of
from tests.catalog.office_keys import with_office_keys
from tests.sync.conftest import Tokens, bearer

STRANGER = Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CompiledCatalog:
    return small_catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture
def admin_key(tmp_path: Path) -> Path:
    private, _public = generate_key_pair(tmp_path / "keys" / "admin.key")
    return private


@pytest.fixture
def key(admin_key: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> Ed25519PrivateKey:
    """The admin's key, trusted by the server through `kiosk server trust-key`."""
    assert main(["server", "trust-key", f"{admin_key}.pub", "--db", db_url]) == 0
    private = load_private_key(admin_key)
    assert f"key {key_id(private.public_key())} now trusted" in capsys.readouterr().out
    return private


def upload(server: EmbeddedServer, token: str, data: bytes, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}{p.API}/admin/catalog",
        content=data,
        headers=bearer(token) | {"Content-Type": "application/json"} | headers,
        timeout=60,
    )


def refusal(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert body["protocol"] == p.PROTOCOL and body["message"]
    return response.status_code, body["error"]


def test_published_versions_reach_devices_newest_first(
    server: EmbeddedServer,
    tokens: Tokens,
    key: Ed25519PrivateKey,
    catalog: CompiledCatalog,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    device = bearer(tokens.device)
    url = f"{server.url}{p.API}/catalog"
    assert httpx.get(url, headers=device).json()["error"] == "no_catalog"

    v1 = signed(catalog, key)
    (tmp_path / "v1.json").write_bytes(v1)
    publish = ["catalog", "publish", str(tmp_path / "v1.json"), "--server", server.url]
    assert main([*publish, "--token", tokens.admin]) == 0
    out = capsys.readouterr().out
    assert "published test_catalog version 1" in out and hashlib.sha256(v1).hexdigest() in out

    first = httpx.get(url, headers=device)
    assert first.status_code == 200 and first.content == v1
    etag = first.headers["ETag"]
    assert etag == f'"{hashlib.sha256(v1).hexdigest()}"'
    assert first.headers["X-Catalog-Version"] == "1"
    assert verify_bundle(first.content, [key.public_key()]).manifest.version == 1
    unchanged = httpx.get(url, headers=device | {"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["ETag"] == etag

    v2 = signed(version_of(catalog, 2, title="Neuer Antrag"), key)
    client = AdminClient(server.url, tokens.admin)
    try:
        answer = client.publish_catalog(v2)
        assert (answer.deployment, answer.version) == ("test_catalog", 2)
        assert answer.etag == hashlib.sha256(v2).hexdigest()
        assert answer.catalog_hash == verify_bundle(v2, [key.public_key()]).manifest.catalog_hash
        listed = client.catalog_versions()
    finally:
        client.close()
    changed = httpx.get(url, headers=device | {"If-None-Match": etag})
    assert changed.status_code == 200 and changed.content == v2
    assert changed.headers["X-Catalog-Version"] == "2"
    assert (
        httpx.get(url, headers=device | {"If-None-Match": changed.headers["ETag"]}).status_code
        == 304
    )

    assert [v.version for v in listed] == [2, 1]  # every version kept, newest first
    assert {v.published_by for v in listed} == {"admin"}
    assert {v.key_id for v in listed} == {key_id(key.public_key())}
    assert listed[1].etag == hashlib.sha256(v1).hexdigest() and listed[1].size == len(v1)


def test_the_server_refuses_what_a_terminal_would_refuse(
    server: EmbeddedServer, tokens: Tokens, key: Ed25519PrivateKey, catalog: CompiledCatalog
) -> None:
    v2 = signed(version_of(catalog, 2), key)
    at = v2.index(b'"signature":"') + 20
    tampered = v2[:at] + (b"0" if v2[at : at + 1] != b"0" else b"1") + v2[at + 1 :]
    other = version_of(catalog, 1, title="Anders")
    cases = [
        (b"", (422, "malformed")),
        (b'{"manifest":{}}', (422, "malformed")),
        (catalog.to_json(), (422, "malformed")),
        (signed(version_of(catalog, 2)), (422, "unsigned")),
        (signed(version_of(catalog, 2), STRANGER), (422, "unknown_key")),
        (tampered, (422, "bad_signature")),
        (assemble(manifest_of(catalog), other.to_json(), key), (422, "hash_mismatch")),
        (assemble(manifest_of(catalog, version=7), catalog.to_json(), key), (422, "bad_catalog")),
    ]
    for data, expected in cases:
        assert refusal(upload(server, tokens.admin, data)) == expected, expected
    assert upload(server, tokens.admin, v2).status_code == 201
    for data, expected in [
        (v2, (409, "not_newer")),
        (signed(catalog, key), (409, "not_newer")),
        (signed(version_of(catalog, 3), key, deployment="bochum"), (409, "wrong_deployment")),
    ]:
        assert refusal(upload(server, tokens.admin, data)) == expected, expected
    wrong_type = upload(server, tokens.admin, v2, **{"Content-Type": "text/plain"})
    assert refusal(wrong_type) == (415, "unsupported_media_type")
    listed = httpx.get(f"{server.url}{p.API}/admin/catalog", headers=bearer(tokens.admin))
    versions = p.CatalogVersions.model_validate_json(listed.content).versions
    assert [v.version for v in versions] == [2]  # nothing refused was stored


def test_refusals_reach_the_admin_with_their_reason(
    server: EmbeddedServer,
    tokens: Tokens,
    key: Ed25519PrivateKey,
    catalog: CompiledCatalog,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = AdminClient(server.url, tokens.admin)
    try:
        client.publish_catalog(signed(version_of(catalog, 4), key))
        with pytest.raises(PublishRefusedError) as caught:
            client.publish_catalog(signed(version_of(catalog, 3), key))
    finally:
        client.close()
    assert (caught.value.status, caught.value.reason) == (409, "not_newer")
    assert "version 3" in caught.value.message

    stranger = tmp_path / "stranger.json"
    stranger.write_bytes(signed(version_of(catalog, 5), STRANGER))
    publish = ["catalog", "publish", str(stranger), "--server", server.url, "--token"]
    assert main([*publish, tokens.admin]) == 1
    err = capsys.readouterr().err
    assert "the server refused it (unknown_key)" in err and key_id(STRANGER.public_key()) in err
    assert main([*publish, tokens.admin + "x"]) == 1
    assert "the server refused the admin token" in capsys.readouterr().err
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_bytes(signed(version_of(catalog, 5)))
    assert (
        main(["catalog", "publish", str(unsigned), "--server", server.url, "--token", tokens.admin])
        == 1
    )
    assert "not signed yet" in capsys.readouterr().err


def test_without_a_trusted_key_the_server_says_how_to_trust_one(
    server: EmbeddedServer, tokens: Tokens, catalog: CompiledCatalog
) -> None:
    status, reason = refusal(answer := upload(server, tokens.admin, signed(catalog, STRANGER)))
    assert (status, reason) == (422, "unknown_key")
    assert "kiosk server trust-key" in answer.json()["message"]


def test_a_distrusted_key_publishes_no_more(
    server: EmbeddedServer,
    tokens: Tokens,
    key: Ed25519PrivateKey,
    catalog: CompiledCatalog,
    db_url: str,
    admin_key: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kid = key_id(key.public_key())
    assert upload(server, tokens.admin, signed(catalog, key)).status_code == 201
    assert main(["server", "distrust-key", kid, "--db", db_url]) == 0
    assert refusal(upload(server, tokens.admin, signed(version_of(catalog, 2), key))) == (
        422,
        "unknown_key",
    )
    assert main(["server", "distrust-key", kid, "--db", db_url]) == 1
    assert main(["server", "distrust-key", "not-a-key-id", "--db", db_url]) == 2
    assert main(["server", "trust-key", f"{admin_key}.pub", "--db", db_url]) == 0
    assert upload(server, tokens.admin, signed(version_of(catalog, 2), key)).status_code == 201
    assert main(["server", "trust-key", str(admin_key), "--db", db_url]) == 1  # the private one
    assert "holds a private key" in capsys.readouterr().err


def test_devices_and_offices_cannot_publish(
    server: EmbeddedServer, tokens: Tokens, key: Ed25519PrivateKey, catalog: CompiledCatalog
) -> None:
    data = signed(catalog, key)
    for token in (tokens.device, tokens.offices["jobcenter"]):
        assert refusal(upload(server, token, data)) == (403, "wrong_role")
        assert refusal(httpx.get(f"{server.url}{p.API}/admin/catalog", headers=bearer(token))) == (
            403,
            "wrong_role",
        )
    anonymous = httpx.post(f"{server.url}{p.API}/admin/catalog", content=data)
    assert refusal(anonymous) == (401, "no_token")
    assert (
        httpx.get(f"{server.url}{p.API}/catalog", headers=bearer(tokens.device)).status_code == 404
    )


def test_the_publish_route_has_its_own_body_limit(
    engine: Engine, tokens: Tokens, key: Ed25519PrivateKey, demo: CompiledCatalog
) -> None:
    """A bundle is far larger than a batch; a gzip bomb is still cut off at its own limit."""
    data = signed(with_office_keys(demo), key)
    small = p.Limits(max_batch_items=10, max_batch_bytes=len(data) // 4, max_item_bytes=1000)
    with EmbeddedServer(engine, limits=small) as server:
        assert upload(server, tokens.admin, data).status_code == 201
        batch = httpx.post(
            f"{server.url}{p.API}/applications/batch",
            content=b"x" * (len(data) // 2),
            headers=bearer(tokens.device) | {"Content-Type": "application/json"},
        )
        assert refusal(batch) == (413, "too_large")
        bomb = gzip.compress(b" " * (p.MAX_BUNDLE_BYTES + 1), compresslevel=9)
        answer = upload(server, tokens.admin, bomb, **{"Content-Encoding": "gzip"})
        assert refusal(answer) == (413, "too_large")
        assert str(p.MAX_BUNDLE_BYTES) in answer.json()["message"]


def test_racing_publishers_never_leave_an_older_version_on_top(
    server: EmbeddedServer,
    engine: Engine,
    tokens: Tokens,
    key: Ed25519PrivateKey,
    catalog: CompiledCatalog,
) -> None:
    data = {v: signed(version_of(catalog, v), key) for v in range(2, 8)}
    status: dict[int, int] = {}

    def send(version: int) -> None:
        status[version] = upload(server, tokens.admin, data[version]).status_code

    threads = [threading.Thread(target=send, args=(v,)) for v in reversed(data)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert set(status.values()) <= {201, 409} and status[7] == 201
    stored = sorted(bundles.versions(engine), key=lambda v: v.seq)
    assert [v.version for v in stored] == sorted(v.version for v in stored)  # only ever upwards
    assert {v.version for v in stored} == {v for v, s in status.items() if s == 201}
    assert bundles.newest(engine).version == 7  # type: ignore[union-attr]


# ------------------------------------------------------------------ schema


def test_a_database_of_the_first_schema_opens_and_gains_the_new_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key VARCHAR(40) PRIMARY KEY, value VARCHAR(200) NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '1')")
        db.execute(
            "CREATE TABLE catalog_bundles (seq INTEGER PRIMARY KEY, version VARCHAR(100), "
            "etag VARCHAR(64), body BLOB, published_at FLOAT)"
        )
    engine = open_engine(str(path))
    try:
        names = set(sa.inspect(engine).get_table_names())
        assert {"published_catalogs", "signing_keys", "catalog_bundles"} <= names
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT value FROM meta")).scalar() == str(SCHEMA_VERSION)
            assert sa.inspect(conn).has_table("delivery_gaps")
    finally:
        engine.dispose()
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}'")
    with pytest.raises(SchemaError, match="update the server"):
        open_engine(str(path))


def test_trust_key_refuses_what_is_not_an_ed25519_public_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "server.sqlite3")
    assert main(["server", "trust-key", str(tmp_path / "missing.pub"), "--db", db]) == 1
    assert "missing.pub: no such public key file" in capsys.readouterr().err
    (tmp_path / "junk.pub").write_text("junk")
    assert main(["server", "trust-key", str(tmp_path / "junk.pub"), "--db", db]) == 1
    assert "junk.pub: not a PEM public key" in capsys.readouterr().err
    _private, public = generate_key_pair(tmp_path / "k")
    assert main(["server", "trust-key", str(public), "--db", db]) == 0
    assert main(["server", "trust-key", str(public), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "was trusted already" in out and key_id(load_public_key(public)) in out
