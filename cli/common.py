"""Options shared by several subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.paths import default_catalog_dir

if TYPE_CHECKING:  # the commands import what they use when they run, so `kiosk` starts fast
    from kiosk.catalog.compiled import CompiledCatalog
    from kiosk.store import Store


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


def catalog_paths(args: argparse.Namespace) -> tuple[Path, Path | None]:
    root = Path(args.path) if args.path else default_catalog_dir()
    return root, Path(args.translations) if args.translations else None


def load_catalog(args: argparse.Namespace, home: Path) -> CompiledCatalog | None:
    """The catalog for a terminal command, from the cache in *home* when possible;
    None (after printing every problem) when it has errors."""
    from kiosk.catalog.cache import load_catalog_cached

    root, translations = catalog_paths(args)
    result = load_catalog_cached(root, translations, home / "cache")
    if result.catalog is None or result.errors:
        for issue in result.errors:
            print(issue, file=sys.stderr)
        print(f"{root}: the catalog has errors; run `kiosk catalog validate`", file=sys.stderr)
        return None
    return result.catalog


def open_store(home: Path) -> Store | None:
    """The terminal's database, or None after a plain explanation of why it cannot open."""
    from kiosk.store import Store, StoreError

    path = home / "kiosk.sqlite3"
    try:
        return Store(path)
    except StoreError as exc:
        print(f"{path}: {exc.message}\n  ({exc.kind}: {exc.detail})", file=sys.stderr)
        return None


def format_counts(counts: dict[str, int], *, empty: str = "-") -> str:
    """``pending 2, done 40`` for a line of command output."""
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or empty
