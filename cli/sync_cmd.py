"""Terminal-side sync commands: ``kiosk enroll``, ``kiosk sync``, ``kiosk status``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import add_home, format_counts, open_store
from kiosk.paths import home_dir

if TYPE_CHECKING:
    from sync.client.catalog_pull import PullResult


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("enroll", help="connect this terminal to a central server")
    add_home(p)
    p.add_argument("--server", required=True, metavar="URL", help="e.g. https://kiosk.example")
    p.add_argument("--token", required=True, help="from `kiosk server enroll-device NAME`")
    p.add_argument(
        "--ca-file",
        metavar="PEM",
        help="the server's certificate, or its private CA's, for a server the system's CAs do "
        "not vouch for; kept in HOME/keys and the only certificate trusted for this terminal's "
        "requests from now on",
    )
    p.add_argument(
        "--admin-key",
        action="append",
        metavar="PUB",
        help="an admin's public key (from `kiosk catalog keygen`); catalog bundles must be "
        "signed by one of these (repeat for several admins). Without it the terminal keeps "
        "running the catalog it has and takes no updates",
    )
    p.add_argument(
        "--deployment",
        metavar="NAME",
        help="the deployment whose bundles this terminal takes (default: the id in the "
        "catalog's catalog.yaml)",
    )
    p.set_defaults(handler=cmd_enroll)

    p = sub.add_parser("sync", help="send the outbox to the central server")
    add_home(p)
    p.add_argument(
        "--once", action="store_true", help="one pass, then exit (0: all sent, 1: not all)"
    )
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("status", help="catalog, outbox and sync state of this terminal")
    add_home(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)


def cmd_enroll(args: argparse.Namespace) -> int:
    from sync.client.credential import EnrolmentError, credential_path, enrol

    home = home_dir(args.home)
    keys: list[bytes] = []
    for name in args.admin_key or []:
        try:
            keys.append(Path(name).read_bytes())
        except OSError as exc:
            print(f"{name}: cannot read the admin key: {exc.strerror}", file=sys.stderr)
            return 1
    try:
        credential = enrol(
            home, args.server, args.token, ca_file=Path(args.ca_file) if args.ca_file else None
        )
    except EnrolmentError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"enrolled as '{credential.name}' with {credential.server} "
        f"(credential in {credential_path(home)})"
    )
    if credential.ca_file is not None:
        print(f"trusting only the certificate in {credential.ca_file} for this server")
    if keys:
        return _pin_keys(home, keys, args.deployment)
    return 0


def _pin_keys(home: Path, keys: list[bytes], deployment: str | None) -> int:
    from kiosk.catalog.install import TrustError, save_trust
    from kiosk.crypto.signing import KeyFileError
    from kiosk.paths import default_catalog_dir

    if deployment is None:
        from cli.local_server import catalog_id

        deployment = catalog_id(default_catalog_dir())
    try:
        trust = save_trust(home, deployment, keys)
    except (TrustError, KeyFileError) as exc:
        print(f"admin keys not pinned: {exc}", file=sys.stderr)
        return 1
    store = open_store(home)
    if store is not None:  # a bundle refused under the old keys is fetched again
        from sync.client.catalog_pull import forget_refusal

        forget_refusal(store)
        store.close()
    print(
        f"catalog bundles for '{trust.deployment}' are accepted when signed by: "
        f"{', '.join(trust.key_ids)}"
    )
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from kiosk.store.outbox import OutboxState
    from sync.client.catalog_pull import installer_for
    from sync.client.credential import EnrolmentError, load_credential
    from sync.client.tls import TLSSettingsError, check_server_url, verify_for
    from sync.client.transport import DeviceTransport, SyncError
    from sync.client.worker import OutboxSync, SyncLoop, sync_lock

    home = home_dir(args.home)
    try:
        credential = load_credential(home)
    except EnrolmentError as exc:
        print(exc, file=sys.stderr)
        return 1
    if credential is None:
        print(
            "this terminal is not enrolled: run `kiosk enroll --server URL --token T`",
            file=sys.stderr,
        )
        return 1
    try:  # a terminal enrolled before tokens had to travel encrypted stops here, said why
        check_server_url(credential.server)
        verify_for(credential.ca_file)
    except TLSSettingsError as exc:
        print(
            f"{exc.message}; enrol the terminal again (kiosk enroll --server https://...)",
            file=sys.stderr,
        )
        return 1
    from cli.settings_cmd import load_or_explain, sync_settings

    loaded = load_or_explain(home)
    if loaded is None:
        return 2  # a bad kiosk.toml is named, key by key
    settings = sync_settings(loaded.settings)
    if not args.once:
        from kiosk.logsetup import configure_logging

        print(f"syncing with {credential.server} until interrupted (Ctrl-C)", file=sys.stderr)
        logs = configure_logging(home, loaded.settings.logging)  # as the kiosk's own sync logs
        try:
            SyncLoop(home, settings=settings).run()
        finally:
            logs.close()
        return 0
    with sync_lock(home) as mine:
        if not mine:
            print("another sync is running for this terminal (the kiosk?)", file=sys.stderr)
            return 1
        store = open_store(home)
        if store is None:
            return 1
        transport = DeviceTransport(
            credential.server,
            credential.token,
            timeout=settings.timeout,
            ca_file=credential.ca_file,
            compress=settings.compress,
        )
        try:
            sync = OutboxSync(store, transport, settings=settings)
            report = sync.run_pass(check_delivery=True)
            if report.ok:
                try:
                    sync.heartbeat()
                    _report_pull(sync.pull_catalog(installer_for(home)))
                except SyncError as exc:
                    print(f"heartbeat or catalog check failed: {exc.message}", file=sys.stderr)
        finally:
            transport.close()
            store.close()
    counts = format_counts(dict(sorted(report.counts.items())), empty="empty")
    print(
        f"sent {report.sent}: {report.stored} stored, {report.conflicts} conflicts, "
        f"{report.rejected} rejected; outbox now: {counts}"
    )
    checked = report.delivery
    if checked is not None and checked.missing:
        print(
            f"the server no longer had {checked.missing} application(s) it had confirmed "
            f"(restored from a backup?): {checked.resent} sent again",
            file=sys.stderr,
        )
    if report.delivery_error:
        print(f"delivery check failed: {report.delivery_error}", file=sys.stderr)
    pulled = report.statuses
    if pulled is not None and pulled.served:
        print(f"offices' statuses: {pulled.stored} new for visitors who ask with a receipt")
    if report.error:
        print(f"sync stopped: {report.error}", file=sys.stderr)
        return 1
    return 0 if not report.counts.get(OutboxState.PENDING) else 1


def _report_pull(result: PullResult) -> None:
    if result.status == "staged":
        print(f"catalog version {result.version} received; the kiosk installs it between visitors")
    elif result.status == "refused":
        print(f"catalog bundle refused ({result.reason}); see `kiosk status`", file=sys.stderr)


def cmd_status(args: argparse.Namespace) -> int:
    from sync.client.status import sync_status

    home = home_dir(args.home)
    store = open_store(home)
    if store is None:
        return 1
    try:
        status = sync_status(store, home)
    finally:
        store.close()
    if args.json:
        print(json.dumps(status, indent=2, sort_keys=True))
        return 0
    outbox = format_counts(status["outbox"])
    print(f"terminal {status['terminal_id'] or '-'} (kiosk {status['app_version']})")
    print(f"catalog: {status['catalog_version'] or 'not yet opened'}")
    if status["catalog_staged"]:
        print(f"catalog waiting to install: version {status['catalog_staged']}")
    if status["catalog_refused"]:
        print(f"last catalog bundle refused: {status['catalog_refused']}")
    if status["enrolled"]:
        print(f"server: {status['server']} as '{status['device_name']}'")
    else:
        print(f"server: not enrolled {status['enrolment_problem'] or ''}".rstrip())
    print(f"outbox: {outbox}")
    print(f"offices' statuses held for visitors: {status['receipt_statuses']}")
    print(f"last sync: {status['last_sync_at'] or 'never'}")
    if status["last_error"]:
        print(f"last error: {status['last_error']}")
    return 0
