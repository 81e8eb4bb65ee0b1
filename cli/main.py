"""The ``kiosk`` command: one entry point, subcommands by job.

Subcommands register themselves from small modules so that ``kiosk catalog
validate`` never has to import Qt, and ``kiosk run`` imports it only when run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import (
    catalog_cmd,
    documents_cmd,
    office_cmd,
    run_cmd,
    server_cmd,
    settings_cmd,
    simulate_cmd,
    staff_cmd,
    sync_cmd,
)
from kiosk.hardening import HomeNotPrivateError, harden_process


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service kiosk for newcomers: terminal, catalog tools, central server.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    catalog_cmd.register(sub)
    run_cmd.register(sub)
    simulate_cmd.register(sub)
    office_cmd.register(sub)
    documents_cmd.register(sub)
    sync_cmd.register(sub)
    staff_cmd.register(sub)
    server_cmd.register(sub)
    settings_cmd.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    skipped = harden_process()  # before anything is read or written: see kiosk.hardening
    if skipped:
        print(f"process hardening not applied here: {', '.join(skipped)}", file=sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except HomeNotPrivateError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
