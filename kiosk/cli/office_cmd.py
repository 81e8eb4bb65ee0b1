"""``kiosk office ...``: tools for receiving offices: their key pair, and fetching applications."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kiosk.cli.common import add_home
from kiosk.paths import home_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("office", help="tools for receiving offices")
    osub = parser.add_subparsers(dest="office_command", metavar="ACTION", required=True)
    p = osub.add_parser("keygen", help="make an RSA key pair for sealing an office's applications")
    p.add_argument("office", metavar="OFFICE")
    add_home(p)
    p.add_argument("--out", metavar="DIR", help="folder for the keys (default: HOME/office_keys)")
    p.add_argument("--bits", type=int, default=3072, choices=[2048, 3072, 4096])
    p.set_defaults(handler=cmd_keygen)

    p = osub.add_parser(
        "fetch", help="download, open and file the office's new applications, then acknowledge"
    )
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument("--office", required=True, metavar="OFFICE")
    p.add_argument("--token", required=True, help="from `kiosk server office-token OFFICE`")
    p.add_argument("--key", required=True, metavar="KEYFILE", help="the office's private key")
    p.add_argument("--out", required=True, metavar="DIR", help="REFERENCE.json/.pdf go here")
    p.set_defaults(handler=cmd_fetch)


def _bad_office(office: str) -> bool:
    if re.fullmatch(r"[a-z][a-z0-9_]{0,62}", office):
        return False
    print(f"'{office}' is not an office id (a-z, 0-9, _)", file=sys.stderr)
    return True


def cmd_keygen(args: argparse.Namespace) -> int:
    from kiosk.crypto.sealing import write_key_pair

    if _bad_office(args.office):
        return 2
    folder = Path(args.out) if args.out else home_dir(args.home) / "office_keys"
    private, public = write_key_pair(folder, args.office, args.bits)
    print(f"private key (give it to the office, nobody else): {private}")
    print(
        f"public key (put it into offices.yaml as public_key, or build the bundle with "
        f"--office-keys {folder}): {public}"
    )
    if not args.out:
        print(
            "terminals seal with the key in their signed catalog; a key in HOME/office_keys "
            "counts only in demo mode (kiosk run --demo)",
            file=sys.stderr,
        )
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from sync.client.office import OfficeClient
    from sync.client.transport import AuthRefusedError, SyncError

    if _bad_office(args.office):
        return 2
    try:
        key = Path(args.key).read_bytes()
    except OSError as exc:
        print(f"{args.key}: cannot read the private key ({exc.strerror})", file=sys.stderr)
        return 2
    out = Path(args.out)
    client = OfficeClient(args.server, args.token)
    try:
        report = client.fetch(key, out)
    except AuthRefusedError as exc:
        print(f"the server refused the office token: {exc.message}", file=sys.stderr)
        return 1
    except SyncError as exc:
        print(f"fetching stopped: {exc.message}", file=sys.stderr)
        return 1
    finally:
        client.close()
    for reference in report.written:
        print(f"{out / reference}.json  {out / reference}.pdf")
    for reference, reason in report.failed:
        print(f"{reference}: not filed, stays in the inbox: {reason}", file=sys.stderr)
    print(
        f"{len(report.written)} application(s) filed in {out}, "
        f"{len(report.failed)} could not be opened",
        file=sys.stderr,
    )
    return 1 if report.failed else 0
