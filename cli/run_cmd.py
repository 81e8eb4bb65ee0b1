"""``kiosk run``: start the touch application."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cli.common import add_catalog_path, add_home, catalog_paths
from kiosk.paths import home_dir
from kiosk.platform_check import check_display, check_qt


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
    root, translations = catalog_paths(args)
    from kiosk.catalog.install import runs_signed_catalogs

    if args.demo and runs_signed_catalogs(home):
        print(
            f"{home} runs signed catalogs: the demo (unsigned catalog, demo office keys on "
            "this disk) must not run there; start without --demo, or with another --home",
            file=sys.stderr,
        )
        return 2
    from ui.app import run_app  # Qt is imported only here

    if args.smoke:
        return run_app(home, root, translations, windowed=args.windowed, smoke=True, demo=args.demo)
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
            started["sync"] = BackgroundSync(home, companion=companion).start()
        except Exception as exc:  # the kiosk serves visitors offline; staff see "not enrolled"
            print(f"sync not started: {type(exc).__name__}: {exc}", file=sys.stderr)

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
        )
    finally:
        background = started.get("sync")
        if background is not None:
            background.stop()
