"""Signed catalog bundles at full size: build, sign, verify, install, as ratios to floors.

Run: ``.venv/bin/python bench/catalog.py [--forms 300] [--languages 16] [--runs 7]``.
For a generated catalog (forms x languages, every string translated) prints one line
per figure (``bench/ratios.py``), each beside a floor measured in the same run; the
floors do the irreducible work on the same bytes with bare library calls (SHA-256,
``json``, one Ed25519 operation, a file write with fsync, a rename):
- building the bundle (manifest around the compiled catalog), against ``json.dumps``
  of the same content, hashed, beside a manifest;
- signing it (the catalog is loaded and checked first), against hashing and parsing
  the bundle and signing its manifest;
- ``verify_bundle``, split into the signature check (strict parse of the layout,
  Ed25519) and the catalog load (hash check and model), and in total;
- the terminal's path: staging a download (verify, write, fsync) and installing it
  between two visitors (verify from disk, renames, snapshot for drafts).
Target: each at most 3x its floor.

The catalog comes from ``bench/large_catalog.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: E402
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from bench.large_catalog import check_forms, make_large_catalog  # noqa: E402
from bench.ratios import Report, at_most, interleaved_ms, p50, run_ms  # noqa: E402
from kiosk.catalog.bundle import (  # noqa: E402
    SIGNING_CONTEXT,
    build_bundle,
    read_manifest,
    sign_bundle,
    split_bundle,
    verify_bundle,
    verify_signatures,
)
from kiosk.catalog.compiled import CompiledCatalog  # noqa: E402
from kiosk.crypto.signing import key_id  # noqa: E402

TARGET = at_most(3.0)


# ------------------------------------------------------------ floors


@dataclass(frozen=True)
class Plain:
    """The irreducible work on a bundle's bytes, done with bare library calls: its
    SHA-256, ``json.loads`` and one Ed25519 operation over its manifest."""

    data: bytes
    message: bytes
    signature: bytes
    public: Ed25519PublicKey

    def check_signature(self) -> None:
        self.public.verify(self.signature, self.message)

    def load(self) -> object:
        hashlib.sha256(self.data).digest()
        return json.loads(self.data)

    def verify(self) -> object:
        self.check_signature()
        return self.load()

    def stage(self, folder: Path) -> None:
        """Verified, written and flushed to the disk, as a staged download is."""
        self.verify()
        path = folder / "plain-staged"
        with path.open("wb") as out:
            out.write(self.data)
            out.flush()
            os.fsync(out.fileno())

    def install(self, folder: Path) -> None:
        """Read back, verified and renamed into place."""
        (folder / "plain-staged").read_bytes()
        self.verify()
        (folder / "plain-staged").replace(folder / "plain-current")


def plain_build(content: object, manifest: dict[str, Any]) -> bytes:
    """The build floor: the same content serialised with ``json.dumps``, hashed, and put
    beside a manifest naming its hash."""
    payload = json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
    manifest = {**manifest, "catalog_hash": hashlib.sha256(payload).hexdigest()}
    head = json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()
    return b'{"manifest":' + head + b',"signatures":[],"catalog":' + payload + b"}"


def plain_sign(plain: Plain, key: Ed25519PrivateKey) -> bytes:
    """The sign floor: the bundle loaded (hash + parse), its manifest signed."""
    plain.load()
    return plain.data + key.sign(plain.message)


# ------------------------------------------------------------ measuring


def bundle_figures(
    report: Report, catalog: CompiledCatalog, key: Ed25519PrivateKey, runs: int
) -> tuple[bytes, Plain]:
    trusted = [key.public_key()]
    unsigned = build_bundle(catalog)
    data = sign_bundle(unsigned, key)
    parts = split_bundle(data)
    plain = Plain(
        data,
        SIGNING_CONTEXT + parts.manifest_bytes,
        bytes.fromhex(parts.signatures[0].signature),
        trusted[0],
    )
    content = json.loads(bytes(parts.catalog))
    manifest = json.loads(parts.manifest_bytes)
    report.note(
        f"bundle: {len(data) / 2**20:.1f} MiB, version {parts.manifest.version}, signed by "
        f"{key_id(trusted[0])}; floors: bare SHA-256, json and Ed25519 on the same bytes"
    )
    cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        (
            "build (manifest around the catalog)",
            lambda: build_bundle(catalog),
            lambda: plain_build(content, manifest),
        ),
        (
            "sign (checks the catalog first)",
            lambda: sign_bundle(unsigned, key),
            lambda: plain_sign(plain, key),
        ),
        (
            "verify: signature check (layout + Ed25519)",
            lambda: verify_signatures(split_bundle(data), trusted),
            plain.check_signature,
        ),
        (
            "verify: catalog load (hash + model)",
            lambda: CompiledCatalog.from_json(parts.catalog),
            plain.load,
        ),
        ("verify_bundle, total", lambda: verify_bundle(data, trusted), plain.verify),
    ]
    for name, work, floor in cases:
        times = interleaved_ms({"work": work, "floor": floor}, runs=runs)
        report.figure(f"{name}, p50", p50(times["work"]), p50(times["floor"]), "ms", TARGET)
    return data, plain


def install_figures(
    report: Report,
    catalog: CompiledCatalog,
    data: bytes,
    plain: Plain,
    key: Ed25519PrivateKey,
    runs: int,
) -> None:
    """The terminal's path: the sync thread stages (verify, write, fsync), then between two
    visitors the terminal installs (verify from disk, two renames, snapshot for drafts,
    staff list) and runs the new catalog."""
    from kiosk.catalog.install import CatalogInstaller, save_trust
    from kiosk.crypto.signing import public_key_pem
    from kiosk.session.terminal import Terminal
    from kiosk.store import Store

    times: dict[str, list[float]] = {"stage": [], "install": [], "plain stage": [], "plain": []}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        trust = save_trust(home, catalog.catalog.header.id, [public_key_pem(key.public_key())])
        installer = CatalogInstaller(home, trust)
        store = Store(home / "kiosk.sqlite3")
        terminal = Terminal(store, catalog, home, installer=installer)
        for _ in range(runs):
            # the same version again each run: forget it was installed
            for name in ("current.bundle", "previous.bundle", "highest-version"):
                (installer.folder / name).unlink(missing_ok=True)
            times["stage"].append(run_ms(lambda: installer.stage(data)))
            times["plain stage"].append(run_ms(lambda: plain.stage(home)))
            times["install"].append(run_ms(terminal.install_staged_catalog))
            times["plain"].append(run_ms(lambda: plain.install(home)))
            if terminal.bundle_version != read_manifest(data).version:
                raise RuntimeError("the bundle was not installed")
            store.snapshots.purge_unused(keep="")
            terminal._kept_catalogs.clear()
        store.close()
    report.note(
        "installing on a terminal; floors: the same bytes verified plainly, written, renamed"
    )
    report.figure(
        "stage (sync thread: verify + write), p50",
        p50(times["stage"]),
        p50(times["plain stage"]),
        "ms",
        TARGET,
    )
    report.figure(
        "install (between visitors), p50", p50(times["install"]), p50(times["plain"]), "ms", TARGET
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--forms", type=int, default=300)
    parser.add_argument("--languages", type=int, default=16)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    report = Report("catalog")
    started = time.perf_counter()
    catalog = make_large_catalog(args.forms, args.languages)
    check_forms(catalog)
    generated = time.perf_counter() - started
    n_fields = sum(len(p.fields) for f in catalog.catalog.forms for p in f.pages)
    n_strings = len(next(iter(catalog.translations.values()), {}))
    report.note(
        f"catalog: {args.forms} forms, {n_fields} top-level fields, {n_strings} strings x "
        f"{args.languages} languages (generated in {generated:.1f} s)"
    )
    key = Ed25519PrivateKey.generate()
    data, plain = bundle_figures(report, catalog, key, args.runs)
    install_figures(report, catalog, data, plain, key, args.runs)


if __name__ == "__main__":
    main()
