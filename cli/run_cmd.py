"""``kiosk run``: start the touch application.

It reads HOME/kiosk.toml first and checks every value right after the first paint,
before any visitor is served (the check's library takes longer to import than the
paint itself): a file it cannot use stops it, exit 2, with the file, key and reason.
It logs, with the sync it starts and the catalog installs, to HOME/logs (see
:mod:`kiosk.logsetup`), with the default limits until the file has been checked.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import add_catalog_path, add_home, catalog_paths
from cli.settings_cmd import session_config, sync_settings
from kiosk import __version__
from kiosk.paths import home_dir
from kiosk.platform_check import check_display, check_qt
from kiosk.settings_file import SettingsError, keyboard_before_check, read_table, settings_path

if TYPE_CHECKING:
    from kiosk.early_log import DeferredLogging
    from kiosk.session.config import SessionConfig
    from kiosk.settings import KioskSettings

log = logging.getLogger("kiosk.run")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="start the kiosk (full screen unless --windowed)")
    add_home(p)
    add_catalog_path(p)
    p.add_argument("--windowed", action="store_true", help="a normal window, for development")
    p.add_argument(
        "--smoke",
        action="store_true",
        help="start, show the first screen, and exit 0 once it has been painted",
    )
    p.add_argument(
        "--local-server",
        action="store_true",
        help="also run a central server on 127.0.0.1 and enrol this terminal with it (demo)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="demo mode: without an installed signed bundle, serve the unsigned catalog "
        "folder and make demo key pairs for its offices in HOME/office_keys (never on a "
        "real terminal: it then fails closed until a verified bundle is installed)",
    )
    p.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    problem = check_display(os.environ) or check_qt()
    if problem:
        print(problem, file=sys.stderr)
        return 3
    home = home_dir(args.home)
    try:
        table = read_table(settings_path(home))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2  # not a settings file at all: nothing is shown
    root, translations = catalog_paths(args)
    from kiosk.catalog.bundle_files import runs_signed_catalogs

    if args.demo and runs_signed_catalogs(home):
        print(
            f"{home} runs signed catalogs: the demo (unsigned catalog, demo office keys on "
            "this disk) must not run there; start without --demo, or with another --home",
            file=sys.stderr,
        )
        return 2
    from kiosk.early_log import DeferredLogging

    logs = DeferredLogging(home)  # set up after the first paint (see early_log.py)
    log.info("kiosk %s starting", __version__)
    try:
        settings = CheckedSettings(home, logs)
        return _run(args, home, root, translations, settings, keyboard_before_check(table))
    finally:
        log.info("kiosk stopped")
        logs.close()


class CheckedSettings:
    """HOME/kiosk.toml checked in full, once, when first asked for (after the first paint);
    from then on the log keeps the limits the file sets. Raises :class:`SettingsError`."""

    def __init__(self, home: Path, logs: DeferredLogging) -> None:
        self.home = home
        self.logs = logs
        self._checked: KioskSettings | None = None

    def __call__(self) -> KioskSettings:
        if self._checked is None:
            from kiosk.settings import load_settings

            self._checked = load_settings(self.home).settings
            self.logs.adopt(self._checked.logging)
        return self._checked


def _run(
    args: argparse.Namespace,
    home: Path,
    root: Path,
    translations: Path | None,
    settings: CheckedSettings,
    keyboard: bool | None,
) -> int:
    from ui.app import run_app  # Qt is imported only here

    def config() -> SessionConfig:
        return session_config(settings())

    if args.smoke:
        return run_app(
            home,
            root,
            translations,
            windowed=args.windowed,
            smoke=True,
            demo=args.demo,
            settings=settings,
            keyboard=keyboard,
            session_config=config,
        )
    started: dict[str, Any] = {}

    def start_sync() -> None:
        """After the first paint: importing the sync (and the demo server) takes long."""
        from sync.client.background import BackgroundSync
        from sync.client.status import sync_status

        companion = None
        if args.local_server:
            from cli.local_server import LocalServer

            companion = LocalServer(home, root)
        started["status"] = sync_status
        try:
            started["sync"] = BackgroundSync(
                home, settings=sync_settings(settings()), companion=companion
            ).start()
        except Exception as exc:  # the kiosk serves visitors offline; staff see "not enrolled"
            logging.getLogger("kiosk.sync").warning(
                "sync not started: %s: %s", type(exc).__name__, exc
            )

    def status_for(store: Any) -> dict[str, Any]:
        status = started.get("status")
        return status(store, home) if status is not None else {}

    def sync_now() -> None:
        background = started.get("sync")
        if background is not None:
            background.loop.nudge()

    try:
        return run_app(
            home,
            root,
            translations,
            windowed=args.windowed,
            smoke=False,
            demo=args.demo,
            status_for=status_for,
            sync_now=sync_now,
            after_first_paint=start_sync,
            settings=settings,
            keyboard=keyboard,
            session_config=config,
        )
    finally:
        background = started.get("sync")
        if background is not None:
            background.stop()
