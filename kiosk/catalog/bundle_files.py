"""Where a terminal keeps its signed catalog bundles, and whether it has any.

Apart from the installer (:mod:`kiosk.catalog.install`), which needs the whole
catalog machinery, so that `kiosk run` can tell a terminal in service from a demo
home before its first screen is painted, without loading the form engine.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = "catalog"
CURRENT, PREVIOUS, STAGED = "current.bundle", "previous.bundle", "staged.bundle"
HIGHEST = "highest-version"  # only ever goes up: no rollback after a lost or damaged file


def bundle_files(home: Path) -> list[str]:
    """The names of the bundle files *home* holds (current, previous, staged, highest)."""
    folder = home / FOLDER
    return [name for name in (CURRENT, PREVIOUS, STAGED, HIGHEST) if (folder / name).exists()]


def runs_signed_catalogs(home: Path) -> bool:
    """A terminal in service: it has installed signed catalog bundles. The demo mode and
    simulations (which seal to demo keys on the terminal) must never run on its home."""
    return bool(bundle_files(home))
