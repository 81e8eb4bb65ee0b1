"""``kiosk simulate``: many visitors through the core, for load, crash and leak tests.

It runs the unsigned catalog folder, so it is a demo: offices without a public key in
that catalog get demo key pairs in HOME/office_keys, and it says so. A terminal serving
visitors never does this (see ``kiosk run --demo``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import add_catalog_path, add_home, load_catalog, open_store
from cli.settings_cmd import load_or_explain, session_config
from kiosk.paths import home_dir

if TYPE_CHECKING:
    from kiosk.session.config import SessionConfig

log = logging.getLogger("kiosk.simulation")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("simulate", help="drive N complete visitor sessions through the core")
    add_home(p)
    add_catalog_path(p)
    p.add_argument("--visitors", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=0, metavar="S")
    p.add_argument(
        "--leave-drafts",
        type=int,
        default=0,
        metavar="K",
        help="K of the visitors choose 'continue later' instead of submitting",
    )
    p.add_argument(
        "--report",
        metavar="FILE",
        help="write JSON with the references, resume codes and every answer typed",
    )
    p.set_defaults(handler=cmd_simulate)


def cmd_simulate(args: argparse.Namespace) -> int:
    if args.visitors < 0 or args.leave_drafts < 0:
        print("--visitors and --leave-drafts must not be negative", file=sys.stderr)
        return 2
    from kiosk.catalog.bundle_files import runs_signed_catalogs

    home = home_dir(args.home)
    if runs_signed_catalogs(home):
        print(
            f"{home} runs signed catalogs: a simulation there would seal to demo keys into "
            "its real outbox and run its clock ahead over a live visit's keys; use another "
            "--home",
            file=sys.stderr,
        )
        return 2
    loaded = load_or_explain(home)
    if loaded is None:
        return 2
    from kiosk.logsetup import configure_logging

    logs = configure_logging(home, loaded.settings.logging)  # as `kiosk run` logs
    try:
        return _simulate(args, home, session_config(loaded.settings))
    finally:
        logs.close()


def _simulate(args: argparse.Namespace, home: Path, config: SessionConfig) -> int:
    """The visitors, on a terminal with the session timings of HOME/kiosk.toml (*config*)."""
    from kiosk.logsetup import Count
    from kiosk.session.clock import FakeClock
    from kiosk.session.terminal import Terminal, ensure_demo_office_keys
    from kiosk.simulation.driver import simulate

    catalog = load_catalog(args, home)
    store = open_store(home)
    if catalog is None or store is None:
        return 1
    print(
        "demo mode: the unsigned catalog folder; offices without a public_key seal to demo "
        f"keys in {home / 'office_keys'}",
        file=sys.stderr,
    )
    for office in ensure_demo_office_keys(home, catalog):
        print(
            f"made a demo key pair for office '{office}' in {home / 'office_keys'}", file=sys.stderr
        )
    clock = FakeClock(start=time.time())
    terminal = Terminal(store, catalog, home, clock=clock, config=config, demo=True)
    log.info("simulating %d visitors (seed %d)", Count(args.visitors), Count(args.seed))
    report = simulate(
        terminal, clock, visitors=args.visitors, seed=args.seed, leave_drafts=args.leave_drafts
    )
    log.info(
        "simulated %d visitors: %d submitted, %d left as drafts, %d skipped",
        Count(args.visitors),
        Count(len(report.submitted)),
        Count(len(report.parked)),
        Count(report.skipped),
    )
    if args.report:
        Path(args.report).write_text(
            json.dumps(report.as_json(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    rate = len(report.submitted) / report.seconds if report.seconds else 0.0
    print(
        f"{len(report.submitted)} submitted, {len(report.parked)} left as drafts, "
        f"{report.skipped} skipped, {report.seconds:.1f} s ({rate:.1f} applications/s)",
        file=sys.stderr,
    )
    store.close()
    return 0
