"""``kiosk settings``: check HOME/kiosk.toml, and hand its values to the parts they set.

The launcher is the composition root: the settings module knows no session and no
sync, so the settings become the session's :class:`SessionConfig` and the
background sync's :class:`SyncSettings` here.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING

from cli.common import add_home
from kiosk.paths import home_dir

if TYPE_CHECKING:  # the commands import what they use when they run, so `kiosk` starts fast
    from pathlib import Path

    from kiosk.session.config import SessionConfig
    from kiosk.settings import KioskSettings, LoadedSettings
    from sync.client.worker import SyncSettings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("settings", help="the terminal's settings file, HOME/kiosk.toml")
    ssub = p.add_subparsers(dest="settings_command", metavar="SUBCOMMAND", required=True)
    check = ssub.add_parser(
        "check", help="validate HOME/kiosk.toml and print every setting in effect"
    )
    add_home(check)
    check.set_defaults(handler=cmd_check)
    listing = ssub.add_parser(
        "list", help="every setting with its default, bounds and meaning (Markdown)"
    )
    listing.set_defaults(handler=cmd_list)


def load_or_explain(home: Path) -> LoadedSettings | None:
    """The settings of *home*, or None after printing why the file cannot be used."""
    from kiosk.settings import load_settings
    from kiosk.settings_file import SettingsError

    try:
        return load_settings(home)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None


def cmd_check(args: argparse.Namespace) -> int:
    from kiosk.settings_doc import effective_values, show_value

    loaded = load_or_explain(home_dir(args.home))
    if loaded is None:
        return 2
    if loaded.exists:
        print(f"{loaded.path}: ok")
    else:
        print(f"{loaded.path}: not there, so every setting has its default")
    for key, value in effective_values(loaded.settings):
        print(f"{key} = {show_value(value)}  ({loaded.source(key)})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.settings_doc import markdown_table

    print(markdown_table())
    return 0


def session_config(settings: KioskSettings) -> SessionConfig:
    """The session's configuration: the defaults of the code, with the file's values."""
    from kiosk.session.config import SessionConfig

    values = settings.session.model_dump()
    known = {f.name for f in dataclasses.fields(SessionConfig)}
    assert set(values) <= known, sorted(set(values) - known)  # a setting nobody reads
    return SessionConfig(**values)


def sync_settings(settings: KioskSettings) -> SyncSettings:
    """The background sync's timings from the ``[sync]`` table."""
    from sync.client.worker import SyncSettings

    return SyncSettings(**settings.sync.model_dump())
