"""``kiosk office ...``: tools for receiving offices (key pairs now; fetching comes with sync)."""

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


def cmd_keygen(args: argparse.Namespace) -> int:
    from kiosk.crypto.sealing import write_key_pair

    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", args.office):
        print(f"'{args.office}' is not an office id (a-z, 0-9, _)", file=sys.stderr)
        return 2
    folder = Path(args.out) if args.out else home_dir(args.home) / "office_keys"
    private, public = write_key_pair(folder, args.office, args.bits)
    print(f"private key (give it to the office, nobody else): {private}")
    print(
        f"public key (the terminal seals with it; for production put it into offices.yaml "
        f"as public_key): {public}"
    )
    return 0
