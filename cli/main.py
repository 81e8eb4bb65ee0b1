"""The ``kiosk`` command: one entry point, subcommands by job.

Subcommands register themselves from small modules so that ``kiosk catalog
validate`` never has to import Qt, and ``kiosk run`` imports it only when run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kiosk.hardening import HomeNotPrivateError, harden_process

#: Each command and the module that registers it, in the order ``kiosk --help`` lists them.
COMMANDS = {
    "catalog": "cli.catalog_cmd",
    "run": "cli.run_cmd",
    "simulate": "cli.simulate_cmd",
    "office": "cli.office_cmd",
    "documents": "cli.documents_cmd",
    "sync": "cli.sync_cmd",
    "staff": "cli.staff_cmd",
    "server": "cli.server_cmd",
    "settings": "cli.settings_cmd",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of *only* that one: ``kiosk run`` paints its first
    screen sooner when it does not import the other eight commands first."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service kiosk for newcomers: terminal, catalog tools, central server.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module).register(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command *argv* names first, when it names one before any option."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    skipped = harden_process()  # before anything is read or written: see kiosk.hardening
    if skipped:
        print(f"process hardening not applied here: {', '.join(skipped)}", file=sys.stderr)
    given = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_command_of(given)).parse_args(given)
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
