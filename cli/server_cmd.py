"""``kiosk server ...``: run the central server and administer it on its own machine.

The admin commands work on the server's database directly (``--db``), so
enrolling a terminal or issuing an office token needs a shell on the server,
not a token of its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import add_home, format_counts
from kiosk.paths import home_dir

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

OFFICE_ID = r"[a-z][a-z0-9_]{0,62}"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("server", help="the central server and its administration")
    ssub = parser.add_subparsers(dest="server_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        p = ssub.add_parser(name, help=help_text)
        add_home(p)
        p.add_argument(
            "--db",
            metavar="URL",
            help="database URL or SQLite file (default: HOME/server/server.sqlite3; "
            "postgresql://user:password@host/db for PostgreSQL)",
        )
        return p

    p = action("serve", "run the HTTP API (OpenAPI at /docs and /openapi.json)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1); any other needs TLS or --insecure-http",
    )
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--tls-cert", metavar="FILE", help="the server's certificate chain (PEM)")
    p.add_argument("--tls-key", metavar="FILE", help="its private key (PEM)")
    p.add_argument(
        "--insecure-http",
        action="store_true",
        help="listen without TLS on a non-loopback address: tokens then cross the network "
        "in clear (only for a network you trust end to end)",
    )
    p.add_argument(
        "--status-retention-days",
        type=_days,
        default=180,
        metavar="N",
        help="terminals get the statuses offices set in the last N days (default 180)",
    )
    p.set_defaults(handler=cmd_serve)

    p = action("enroll-device", "print a one-time enrolment token for a terminal")
    p.add_argument("name", metavar="NAME", help="the terminal's name, e.g. migrado-eg-1")
    p.set_defaults(handler=cmd_enroll_device)

    p = action(
        "staff-pepper", "write the deployment's staff pepper, for `kiosk staff add --pepper`"
    )
    p.add_argument("--out", metavar="FILE", required=True, help="written for the owner only")
    p.set_defaults(handler=cmd_staff_pepper)

    p = action("revoke-device", "refuse a terminal from now on (lost, stolen, replaced)")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(handler=cmd_revoke_device)

    p = action("office-token", "print a new token for an office to fetch its applications")
    p.add_argument("office", metavar="OFFICE")
    p.add_argument("--revoke-old", action="store_true", help="revoke the office's earlier tokens")
    p.set_defaults(handler=cmd_office_token)

    p = action("admin-token", "print a new admin token (publishing, terminals, statistics)")
    p.add_argument("name", metavar="NAME", nargs="?", default="admin")
    p.set_defaults(handler=cmd_admin_token)

    p = action("trust-key", "accept catalog bundles signed with this admin's Ed25519 key")
    p.add_argument("pubfile", metavar="PUBFILE", help="the public key from `kiosk catalog keygen`")
    p.set_defaults(handler=cmd_trust_key)

    p = action("distrust-key", "refuse catalog bundles signed with this key from now on")
    p.add_argument("key_id", metavar="KEY_ID", help="16 hex digits, as `trust-key` printed it")
    p.set_defaults(handler=cmd_distrust_key)

    p = action("status", "list the terminals and their last heartbeat, and the statuses per office")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)

    p = action("stats", "applications per office and state, and terminals")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)

    p = action("migrate", "upgrade the database schema now (every start does it too)")
    p.set_defaults(handler=cmd_migrate)


def _days(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 3650:
        raise argparse.ArgumentTypeError("a number of days from 1 to 3650")
    return int(value)


def _engine(args: argparse.Namespace, *, upgrade: bool = True) -> Engine | None:
    from sqlalchemy.exc import SQLAlchemyError

    from sync.server.db import SchemaError, open_engine

    url = args.db or str(home_dir(args.home) / "server" / "server.sqlite3")
    try:
        return open_engine(url, upgrade=upgrade)
    except (SQLAlchemyError, SchemaError, ValueError) as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"cannot open the server database: {detail}", file=sys.stderr)
        return None


def _tls_refusal(args: argparse.Namespace) -> str | None:
    """Why the server must not start as asked, or None. Every request carries a bearer
    token, so plain HTTP is for 127.0.0.1 (a TLS reverse proxy on the same machine in
    front) unless the operator says --insecure-http; the certificate and key are tried
    before listening, so a wrong file is one line, not a traceback from uvicorn."""
    import ssl

    from sync.client.tls import is_loopback

    if (args.tls_cert is None) != (args.tls_key is None):
        return "--tls-cert and --tls-key go together"
    if args.tls_cert is None:
        if is_loopback(args.host) or args.insecure_http:
            return None
        return (
            f"refusing to serve tokens in clear on {args.host}: give --tls-cert FILE --tls-key "
            "FILE, or listen on 127.0.0.1 behind a TLS reverse proxy (--insecure-http only "
            "for a network you trust end to end)"
        )
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
            args.tls_cert, args.tls_key
        )
    except (OSError, ssl.SSLError) as exc:
        return f"cannot use {args.tls_cert} with {args.tls_key}: {exc}"
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from sync.client.tls import is_loopback
    from sync.server.app import create_app

    refusal = _tls_refusal(args)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    tls = args.tls_cert is not None
    if not tls and not is_loopback(args.host):  # only with --insecure-http
        print(
            f"WARNING: plain HTTP on {args.host} (--insecure-http): every token crosses the "
            "network in clear",
            file=sys.stderr,
        )
    engine = _engine(args)
    if engine is None:
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheme = "https" if tls else "http"
    print(f"kiosk server on {scheme}://{args.host}:{args.port} ({engine.url.get_backend_name()})")
    uvicorn.run(
        create_app(engine, status_retention_days=args.status_retention_days),
        host=args.host,
        port=args.port,
        log_level="info",
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
    )
    return 0


def cmd_enroll_device(args: argparse.Namespace) -> int:
    from sync.server.accounts import ENROLMENT_TTL, issue_enrolment

    engine = _engine(args)
    if engine is None:
        return 1
    try:
        token = issue_enrolment(engine, args.name)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(token)
    print(
        f"one-time enrolment token for '{args.name}', valid {ENROLMENT_TTL // 3600} hours; "
        "on the terminal run: kiosk enroll --server URL --token TOKEN",
        file=sys.stderr,
    )
    return 0


def cmd_staff_pepper(args: argparse.Namespace) -> int:
    """Admins make staff lists with it; terminals get it at enrolment, never in a bundle."""
    from kiosk.staff.pepper import parse_pepper, write_pepper_file
    from sync.server.accounts import staff_pepper

    engine = _engine(args)
    if engine is None:
        return 1
    out = Path(args.out)
    try:
        write_pepper_file(out, parse_pepper(staff_pepper(engine)))
    except OSError as exc:
        print(f"{out}: cannot write the staff pepper: {exc.strerror}", file=sys.stderr)
        return 1
    print(
        f"staff pepper written to {out} (keep it like a password); add staff to a list for "
        "bundles with: kiosk staff add NAME --list staff.json --pepper " + str(out),
        file=sys.stderr,
    )
    return 0


def cmd_revoke_device(args: argparse.Namespace) -> int:
    from sync.server.accounts import revoke_device

    engine = _engine(args)
    if engine is None:
        return 1
    if not revoke_device(engine, args.name):
        print(f"no terminal called '{args.name}' (see `kiosk server status`)", file=sys.stderr)
        return 1
    print(f"terminal '{args.name}' revoked")
    return 0


def cmd_office_token(args: argparse.Namespace) -> int:
    import re

    from sync.server.accounts import issue_token

    if not re.fullmatch(OFFICE_ID, args.office):
        print(f"'{args.office}' is not an office id (a-z, 0-9, _)", file=sys.stderr)
        return 2
    engine = _engine(args)
    if engine is None:
        return 1
    print(issue_token(engine, "office", args.office, revoke_old=args.revoke_old))
    return 0


def cmd_admin_token(args: argparse.Namespace) -> int:
    from sync.server.accounts import issue_token

    if not 1 <= len(args.name) <= 100:
        print("an admin name needs 1 to 100 characters", file=sys.stderr)
        return 2
    engine = _engine(args)
    if engine is None:
        return 1
    print(issue_token(engine, "admin", args.name))
    return 0


def cmd_trust_key(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from kiosk.crypto.signing import KeyFileError, load_public_key
    from sync.server.signing_keys import trust_key

    try:
        public = load_public_key(Path(args.pubfile))
    except KeyFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    engine = _engine(args)
    if engine is None:
        return 1
    try:
        kid, changed = trust_key(engine, public, now=time.time())
    finally:
        engine.dispose()
    state = "now trusted" if changed else "was trusted already"
    print(f"key {kid} {state}: catalog bundles signed with it can be published")
    return 0


def cmd_distrust_key(args: argparse.Namespace) -> int:
    import re
    import time

    from sync.server.signing_keys import distrust_key

    if not re.fullmatch(r"[0-9a-f]{16}", args.key_id):
        print(f"'{args.key_id}' is not a key id (16 hex digits)", file=sys.stderr)
        return 2
    engine = _engine(args)
    if engine is None:
        return 1
    try:
        done = distrust_key(engine, args.key_id, now=time.time())
    finally:
        engine.dispose()
    if not done:
        print(f"no trusted key {args.key_id} on this server", file=sys.stderr)
        return 1
    print(
        f"key {args.key_id} distrusted: bundles signed only with it are refused from now on "
        "(versions published before stay)"
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Terminals report the text shown here; the server neutralises it when storing and
    reading, and each line is neutralised once more right before it is printed, so an
    escape sequence can never reach the admin's terminal, whatever the database holds."""
    from sync.protocol import TerminalList
    from sync.server.fleet import terminals
    from sync.server.statuses import counts
    from sync.server.text import neutralise

    engine = _engine(args)
    if engine is None:
        return 1
    try:
        found = terminals(engine)
        per_office = counts(engine)
    finally:
        engine.dispose()
    if args.json:
        listing = TerminalList(terminals=found).model_dump(mode="json")
        print(json.dumps(listing | {"statuses": per_office}, indent=2))
        return 0
    if not found:
        print("no terminals yet (kiosk server enroll-device NAME)")
    for t in found:
        seen = t.last_seen_at.isoformat(timespec="seconds") if t.last_seen_at else "never"
        outbox = neutralise(format_counts(dict(sorted(t.outbox.items()))))
        name, app = neutralise(t.name), neutralise(t.app_version or "-")
        catalog = neutralise(t.catalog_version or "-")
        print(f"{name}  {t.state}  last seen {seen}  app {app}")
        print(f"    catalog {catalog}  outbox: {outbox}  held here: {t.held}")
        if t.gap_found_at is not None:
            found_at = t.gap_found_at.isoformat(timespec="seconds")
            print(
                f"    {t.gap_missing} confirmed application(s) were missing here on {found_at} "
                "(database restored?); the terminal sent them again"
            )
        if t.last_error:
            print(f"    last error: {neutralise(t.last_error)}")
    if per_office:
        print("statuses visitors can look up, per office:")
    for office, by_status in sorted(per_office.items()):
        print(f"    {neutralise(office)}: {format_counts(dict(sorted(by_status.items())))}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from sync.server.fleet import stats

    engine = _engine(args)
    if engine is None:
        return 1
    result = stats(engine)
    if args.json:
        print(json.dumps(result.model_dump(exclude={"protocol"}), indent=2, sort_keys=True))
        return 0
    for office, states in sorted(result.applications.items()):
        aside = result.quarantined.get(office, 0)
        note = f", {aside} set aside unread by the office tool (see the log)" if aside else ""
        print(f"{office}: {states['new']} new, {states['acknowledged']} acknowledged{note}")
    print(f"conflicts: {result.conflicts}")
    print(f"terminals: {format_counts(result.terminals)}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """What ``serve`` does silently at its start, on request and told: back the database
    up first (see docs/sync.md); a database of a newer server is refused untouched."""
    from sqlalchemy.exc import SQLAlchemyError

    from sync.server.migrate import SchemaError, upgrade_to_head

    engine = _engine(args, upgrade=False)
    if engine is None:
        return 1
    try:
        done = upgrade_to_head(engine)
    except (SQLAlchemyError, SchemaError) as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"cannot upgrade the server database: {detail}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"before: {done.before.describe()}")
    print(f"after:  {done.after.describe()} (the newest this server knows)")
    return 0
