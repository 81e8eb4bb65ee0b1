"""Where the kiosk finds its bundled resources and keeps its state.

Resources (the demo catalog, translations) sit beside the packages in a source
checkout and inside the bundle when frozen by PyInstaller. State (database,
keys, configuration) lives in a *home* folder so that several terminals and
servers can run side by side on one machine: ``--home`` wins, then
``KIOSK_HOME`` (read by :mod:`kiosk.settings`, like every variable of ours), then the
platform's user data folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "migrado-kiosk"


def resource_root() -> Path:
    """The folder holding ``forms_catalog/`` and ``translations/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def default_catalog_dir() -> Path:
    return resource_root() / "forms_catalog"


def translations_dir() -> Path:
    return resource_root() / "translations"


def _default_home() -> str:
    import platformdirs  # only without --home or KIOSK_HOME

    return platformdirs.user_data_dir(APP_NAME, appauthor=False)


def home_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The state folder, created on first use, for the kiosk user alone."""
    from kiosk.settings_file import home_from_environment

    path = Path(explicit or home_from_environment() or _default_home())
    from kiosk.hardening import private_home

    return private_home(path)
