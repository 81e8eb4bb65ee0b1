"""Random damage to signed bundles: verification lets through only a valid bundle, unchanged,
and refuses everything else with one of its reasons; no other exception ever escapes.

The damage is of every kind a download, a disk or an attacker produces: flipped,
inserted and deleted bytes, cuts, two valid bundles spliced together, regions
repeated, numbers and strings changed inside the JSON. A second property re-signs
the damaged bundle with the trusted key (and fixes up both hashes), so that the
damage reaches the catalog itself: as an admin's own mistake would.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog.bundle import REASONS, BundleRefusedError, verify_bundle
from kiosk.catalog.compiled import CompiledCatalog
from tests.catalog.bundles import signed, small_catalog, version_of

TRUSTED_KEY = Ed25519PrivateKey.generate()
STRANGER = Ed25519PrivateKey.generate()
TRUSTED = [TRUSTED_KEY.public_key()]

Mutation = Callable[[bytes], bytes]


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Bundles that verify: two versions, one with a stranger's signature beside the
    trusted one, one for another deployment (the check here names none)."""
    catalog = small_catalog(tmp_path_factory.mktemp("fuzz"))
    v2 = version_of(catalog, 2, title="Neuer Testantrag")
    return [
        signed(catalog, TRUSTED_KEY),
        signed(v2, TRUSTED_KEY),
        signed(v2, TRUSTED_KEY, STRANGER),
        signed(version_of(catalog, 3), TRUSTED_KEY, deployment="elsewhere"),
    ]


# ------------------------------------------------------------------ damage

NUMBER = re.compile(rb"-?\d+")
STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
JSON_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "1", "null", "test_catalog", "sha256:", "\\", '"', "\u00e4", "\ud800"]),
)


def _replace_match(data: bytes, pattern: re.Pattern[bytes], index: int, new: bytes) -> bytes:
    matches = list(pattern.finditer(data[:4000]))  # the head, where the JSON edits matter
    if not matches:
        return data
    m = matches[index % len(matches)]
    return data[: m.start()] + new + data[m.end() :]


@st.composite
def mutation(draw: st.DrawFn, others: list[bytes]) -> Mutation:
    kind = draw(
        st.sampled_from(
            [
                "flip",
                "insert",
                "delete",
                "truncate",
                "splice",
                "repeat",
                "number",
                "string",
                "swap",
                "unsign",
            ]
        )
    )
    pos = draw(st.integers(min_value=0, max_value=2**20))
    # most bytes of a bundle are catalog; aim half of the damage at the small head
    near_head = draw(st.booleans())

    def at(data: bytes) -> int:
        size = min(len(data), 1200) if near_head else len(data)
        return pos % (size + 1)

    if kind == "flip":
        bit = draw(st.integers(min_value=1, max_value=255))
        return lambda d: (
            d
            if not d
            else d[: at(d) % len(d)] + bytes([d[at(d) % len(d)] ^ bit]) + d[at(d) % len(d) + 1 :]
        )
    if kind == "insert":
        extra = draw(
            st.binary(min_size=1, max_size=8)
            | st.sampled_from([b" ", b"\n", b",", b"}", b'"', b"{}"])
        )
        return lambda d: d[: at(d)] + extra + d[at(d) :]
    if kind == "delete":
        n = draw(st.integers(min_value=1, max_value=64))
        return lambda d: d[: at(d)] + d[at(d) + n :]
    if kind == "truncate":
        return lambda d: d[: at(d)]
    if kind == "unsign":
        return lambda d: re.sub(
            rb',"signatures":\[.*?\],"catalog"', b',"signatures":[],"catalog"', d, count=1
        )
    if kind == "splice":
        other = draw(st.sampled_from(others))
        cut = draw(st.integers(min_value=0, max_value=2**20))
        return lambda d: d[: at(d)] + other[cut % (len(other) + 1) :]
    if kind == "repeat":
        n = draw(st.integers(min_value=1, max_value=200))
        where = draw(st.integers(min_value=0, max_value=2**20))
        return lambda d: (
            d[: where % (len(d) + 1)] + d[at(d) : at(d) + n] + d[where % (len(d) + 1) :]
        )
    if kind == "number":
        index = draw(st.integers(min_value=0, max_value=50))
        number = draw(
            st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from([0, 1, 2, 3])
        )
        spelling = draw(st.sampled_from(["{}", "{}.0", "0{}", "{}e0", " {}"])).format(number)
        return lambda d: _replace_match(d, NUMBER, index, spelling.encode())
    if kind == "string":
        index = draw(st.integers(min_value=0, max_value=80))
        text = draw(JSON_TEXT)
        new = ('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"').encode(
            "utf-8", "surrogatepass"
        )
        return lambda d: _replace_match(d, STRING, index, new)
    # swap: one part of this bundle for the same part of another
    other = draw(st.sampled_from(others))
    part = draw(st.sampled_from([b',"signatures":', b',"catalog":']))

    def swap(d: bytes) -> bytes:
        if part not in d or part not in other:
            return d
        return d[: d.index(part)] + other[other.index(part) :]

    return swap


def damaged(valid: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.tuples(st.sampled_from(valid), st.lists(mutation(valid), min_size=1, max_size=3)).map(
        lambda pair: _apply(*pair)
    )


def _apply(data: bytes, mutations: list[Mutation]) -> bytes:
    for mutate in mutations:
        data = mutate(data)
    return data


def check(data: bytes, valid: list[bytes]) -> None:
    try:
        verified = verify_bundle(data, TRUSTED)
    except BundleRefusedError as exc:
        assert exc.reason in REASONS
        assert str(exc)
        return
    assert verified.data in valid
    assert verified.catalog.content_hash == verified.manifest.catalog_hash


@pytest.mark.slow
def test_damaged_bundles_are_refused_or_unchanged(valid: list[bytes]) -> None:
    @given(data=damaged(valid))
    @settings(
        max_examples=2000,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def run(data: bytes) -> None:
        check(data, valid)

    run()


# ------------------------------------------------------------------ damage an admin signs


def resigned(data: bytes) -> bytes:
    """*data* with its envelope hash, manifest hash and signature made to fit again."""
    from kiosk.catalog.bundle import SIGNING_CONTEXT, split_bundle
    from kiosk.catalog.compiled import canonical_json

    try:
        parts = split_bundle(data)
    except BundleRefusedError:
        return data
    catalog = bytes(parts.catalog)
    head = catalog.index(b'"payload":') + len(b'"payload":')
    digest = "sha256:" + hashlib.sha256(catalog[head:-1]).hexdigest()
    catalog = b'{"content_hash":"' + digest.encode() + catalog[len(b'{"content_hash":"') + 71 :]
    manifest = parts.manifest_bytes.replace(parts.manifest.catalog_hash.encode(), digest.encode())
    signature = TRUSTED_KEY.sign(SIGNING_CONTEXT + manifest).hex()
    from kiosk.crypto.signing import key_id

    sigs = canonical_json([{"key_id": key_id(TRUSTED_KEY.public_key()), "signature": signature}])
    return b'{"manifest":' + manifest + b',"signatures":' + sigs + b',"catalog":' + catalog + b"}"


def catalog_damage(valid: list[bytes]) -> st.SearchStrategy[bytes]:
    """Damage inside the catalog's payload only, then signed as if nothing were wrong."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        data = draw(st.sampled_from(valid[:2]))
        start = data.index(b'"payload":') + len(b'"payload":')
        end = len(data) - 2
        pos = draw(st.integers(min_value=start, max_value=end - 1))
        kind = draw(st.sampled_from(["flip", "delete", "insert", "number", "string"]))
        if kind == "flip":
            data = data[:pos] + bytes([data[pos] ^ draw(st.integers(1, 255))]) + data[pos + 1 :]
        elif kind == "delete":
            data = data[:pos] + data[pos + draw(st.integers(1, 40)) :]
        elif kind == "insert":
            data = (
                data[:pos]
                + draw(st.sampled_from([b"{", b"[", b'"', b",", b"1", b"null"]))
                + data[pos:]
            )
        else:
            pattern = NUMBER if kind == "number" else STRING
            matches = list(pattern.finditer(data, start, end))
            m = matches[draw(st.integers(0, len(matches) - 1))]
            new = (
                b"-5"
                if kind == "number"
                else b'"' + draw(st.sampled_from([b"", b"x y", b"\\u0000", b"ZZ"])) + b'"'
            )
            data = data[: m.start()] + new + data[m.end() :]
        return resigned(data)

    return build()


def test_damage_inside_a_signed_catalog_is_a_refusal_never_a_crash(valid: list[bytes]) -> None:
    @given(data=catalog_damage(valid))
    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def run(data: bytes) -> None:
        try:
            verified = verify_bundle(data, TRUSTED)
        except BundleRefusedError as exc:
            assert exc.reason in REASONS and str(exc)
            return
        # harmless damage (a changed label) re-signed is a valid bundle of its own
        assert verified.catalog.content_hash == verified.manifest.catalog_hash
        assert isinstance(verified.catalog, CompiledCatalog)

    run()


# ------------------------------------------------------------------ the terminal's own path


def test_the_terminal_stages_only_valid_bundles_and_keeps_serving(
    valid: list[bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Damaged downloads through the terminal's installer: each is staged byte-identical
    to a valid bundle or refused with a reason; what is installed keeps loading."""
    from kiosk.catalog.bundle import read_manifest
    from kiosk.catalog.install import CatalogInstaller, save_trust
    from kiosk.crypto.signing import public_key_pem

    home = tmp_path_factory.mktemp("terminal")
    deployment = read_manifest(valid[0]).deployment
    trust = save_trust(home, deployment, [public_key_pem(TRUSTED_KEY.public_key())])
    installer = CatalogInstaller(home, trust)
    installer.stage(valid[0])
    assert installer.install_staged() is not None

    @given(data=damaged(valid))
    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def run(data: bytes) -> None:
        try:
            installer.stage(data)
        except BundleRefusedError as exc:
            assert exc.reason in REASONS
        else:
            assert installer.has_staged()
            assert (installer.folder / "staged.bundle").read_bytes() in valid
            (installer.folder / "staged.bundle").unlink()
        loaded = installer.load()
        assert loaded is not None and loaded.data == valid[0]

    run()
