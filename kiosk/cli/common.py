"""Options shared by several subcommands."""

from __future__ import annotations

import argparse

from kiosk.paths import default_catalog_dir


def add_home(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="folder for database, keys and configuration (default: $KIOSK_HOME, "
        "else the platform's user data folder)",
    )


def add_catalog_path(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        help=f"catalog folder (default: the bundled demo catalog, {default_catalog_dir()})",
    )
    parser.add_argument(
        "--translations",
        metavar="DIR",
        help="folder with <lang>/LC_MESSAGES/catalog.po "
        "(default: translations/ beside the catalog)",
    )
