"""``kiosk catalog keygen|sign|verify|publish``: the admin's keys and signed bundles.

Apart from :mod:`cli.catalog_cmd` (checking and building a catalog) because signing is
a job of its own: the keys, the signature and the way to the central server.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> bool:
    """Write to a temporary name, flush, rename: a bundle file is never half written."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except OSError as exc:
        print(f"{exc.filename or path}: cannot write: {exc.strerror}", file=sys.stderr)
        return False
    return True


def _read_bundle(name: str) -> bytes | None:
    path = Path(name)
    try:
        return path.read_bytes()
    except OSError as exc:
        print(f"{path}: cannot read the bundle: {exc.strerror}", file=sys.stderr)
        return None


def cmd_keygen(args: argparse.Namespace) -> int:
    from kiosk.crypto.signing import KeyFileError, generate_key_pair, key_id, load_private_key

    try:
        private, public = generate_key_pair(Path(args.out))
    except KeyFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    kid = key_id(load_private_key(private).public_key())
    print(f"key id: {kid}")
    print(f"private key: {private}")
    print(f"public key: {public}")
    print(
        "The private key stays with you: whoever holds it can publish catalogs to every "
        "terminal. Give the public key to the server (kiosk server trust-key) and to the "
        "terminals.",
        file=sys.stderr,
    )
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from kiosk.catalog.bundle import BundleRefusedError, sign_bundle, split_bundle
    from kiosk.crypto.signing import KeyFileError, key_id, load_private_key

    try:
        key = load_private_key(Path(args.key))
    except KeyFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    data = _read_bundle(args.bundle)
    if data is None:
        return 1
    try:
        signed = sign_bundle(data, key)
    except BundleRefusedError as exc:
        print(f"{args.bundle}: cannot sign: {exc}", file=sys.stderr)
        return 1
    if not write_atomically(Path(args.bundle), signed):
        return 1
    parts = split_bundle(signed)
    print(
        f"{args.bundle}: signed with key {key_id(key.public_key())}, deployment "
        f"{parts.manifest.deployment}, version {parts.manifest.version} "
        f"({len(parts.signatures)} signature(s))"
    )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from kiosk.catalog.bundle import BundleRefusedError, verify_bundle
    from kiosk.crypto.signing import KeyFileError, load_public_key

    try:
        keys = [load_public_key(Path(k)) for k in args.key]
    except KeyFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    data = _read_bundle(args.bundle)
    if data is None:
        return 1
    try:
        verified = verify_bundle(data, keys, deployment=args.deployment, newer_than=args.newer_than)
    except BundleRefusedError as exc:
        print(f"{args.bundle}: refused ({exc.reason}): {exc}", file=sys.stderr)
        return 1
    m, catalog = verified.manifest, verified.catalog
    people = "no staff list" if m.staff is None else f"{len(m.staff)} staff"
    held = ", ".join(f"{lang} {done:g} %" for lang, done in catalog.withheld.items())
    print(
        f"{args.bundle}: ok: deployment {m.deployment}, version {m.version}, built {m.built_at}, "
        f"signed by key {verified.key_id}; {m.catalog_hash}, "
        f"{len(catalog.catalog.forms)} forms in {len(catalog.languages)} languages"
        + (f" (withheld from visitors, incomplete: {held})" if held else "")
        + f", {people}"
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from kiosk.catalog.bundle import BundleRefusedError, split_bundle
    from kiosk.settings_file import admin_token_from_environment
    from sync.client.admin import AdminClient, PublishRefusedError
    from sync.client.tls import TLSSettingsError, check_server_url
    from sync.client.transport import AuthRefusedError, SyncError

    args.token = args.token or admin_token_from_environment()
    if not args.token:
        print("publishing needs an admin token: --token or $KIOSK_ADMIN_TOKEN", file=sys.stderr)
        return 2
    try:  # before the bundle is even read: the token must not go out in clear
        check_server_url(args.server)
    except TLSSettingsError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    data = _read_bundle(args.bundle)
    if data is None:
        return 1
    try:  # a file that is no bundle or was never signed is not worth an upload
        if not split_bundle(data).signatures:
            print(f"{args.bundle}: not signed yet (kiosk catalog sign)", file=sys.stderr)
            return 1
    except BundleRefusedError as exc:
        print(f"{args.bundle}: {exc}", file=sys.stderr)
        return 1
    try:
        client = AdminClient(
            args.server, args.token, ca_file=Path(args.ca_file) if args.ca_file else None
        )
    except TLSSettingsError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    try:
        published = client.publish_catalog(data)
    except PublishRefusedError as exc:
        print(
            f"{args.bundle}: the server refused it ({exc.reason}): {exc.message}", file=sys.stderr
        )
        return 1
    except AuthRefusedError as exc:
        print(f"the server refused the admin token: {exc.message}", file=sys.stderr)
        return 1
    except SyncError as exc:
        print(f"publishing failed: {exc.message}", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(
        f"{args.server}: published {published.deployment} version {published.version} "
        f"({published.catalog_hash}, ETag {published.etag}); terminals fetch it at their "
        "next sync"
    )
    return 0
