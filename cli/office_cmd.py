"""``kiosk office ...``: tools for receiving offices: their key pair, and fetching applications."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import add_home
from kiosk.paths import home_dir

if TYPE_CHECKING:  # imported when the command runs, so that `kiosk` starts fast
    from sync import protocol
    from sync.client.office import FetchReport
    from sync.client.office_quarantined import NotServed
    from sync.client.office_refile import Refiled, RefileReport
    from sync.client.office_seal import OfficeKeys


def _add_keys(p: argparse.ArgumentParser) -> None:
    """The office's private keys, as fetch and refile take them."""
    p.add_argument(
        "--key",
        required=True,
        action="append",
        metavar="KEYFILE",
        help="the office's private key; during a key change give it twice, old and new",
    )


def _add_ca_file(p: argparse.ArgumentParser) -> None:
    """The server's certificate or CA, as every command that talks to the server takes it."""
    p.add_argument(
        "--ca-file",
        metavar="PEM",
        help="the server's certificate or its private CA's, trusted instead of the system's CAs",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("office", help="tools for receiving offices")
    osub = parser.add_subparsers(dest="office_command", metavar="ACTION", required=True)
    p = osub.add_parser("keygen", help="make an RSA key pair for sealing an office's applications")
    p.add_argument("office", metavar="OFFICE")
    add_home(p)
    p.add_argument("--out", metavar="DIR", help="folder for the keys (default: HOME/office_keys)")
    p.add_argument("--bits", type=int, default=3072, choices=[2048, 3072, 4096])
    p.set_defaults(handler=cmd_keygen)

    p = osub.add_parser(
        "fetch",
        help="download, open and file the office's new applications, then acknowledge",
        description="Each application is acknowledged as soon as its files are written.\n"
        "One that cannot be read or filed is set aside in OUT/quarantine (its sealed\n"
        "form and a one-line reason) and reported to the server; the rest are filed.",
        epilog=FETCH_EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument("--office", required=True, metavar="OFFICE")
    p.add_argument("--token", required=True, help="from `kiosk server office-token OFFICE`")
    _add_keys(p)
    p.add_argument("--out", required=True, metavar="DIR", help="REFERENCE.json/.pdf go here")
    p.add_argument(
        "--trust-key",
        action="store_true",
        help="the key is surely the office's: quarantine applications sealed for other keys "
        "even when the inbox starts with them, instead of stopping with exit status 2",
    )
    _add_ca_file(p)
    p.set_defaults(handler=cmd_fetch)

    p = osub.add_parser(
        "refile",
        help="file what OUT/quarantine holds and can now be read (offline)",
        description="Each OUT/quarantine/ID.sealed is opened and checked as fetch does, against\n"
        "the server's listing fetch kept beside it (ID.entry.json); what passes is filed\n"
        "into OUT as fetch would have filed it, then removed from the quarantine. What\n"
        "still fails stays, its ID.reason.txt brought up to date. An application an older\n"
        "tool quarantined without its listing is filed only if its reason shows that\n"
        "neither its SHA-256 nor what its terminal declared was in question; with\n"
        "--server and --token its listing is read from the server first. The server is\n"
        "told nothing: it was told when the application was quarantined.",
        epilog=REFILE_EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--office",
        required=True,
        metavar="OFFICE",
        help="the office OUT is for, as given to fetch: an application sealed for another "
        "office stays in quarantine",
    )
    _add_keys(p)
    p.add_argument("--out", required=True, metavar="DIR", help="the folder fetch filed into")
    p.add_argument(
        "--trust-key",
        action="store_true",
        help="the key is surely the office's: go on even when no quarantined application "
        "names it or opens with it, instead of stopping with exit status 2",
    )
    p.add_argument("--json", action="store_true", help="print one JSON report at the end")
    p.add_argument(
        "--server",
        metavar="URL",
        help="read the listing of applications quarantined without theirs from this server "
        "(with --token), so that they are checked as fetch checks them",
    )
    p.add_argument("--token", help="the office token, for --server")
    _add_ca_file(p)
    p.set_defaults(handler=cmd_refile)
    _register_status(osub)


def _bad_office(office: str) -> bool:
    if re.fullmatch(r"[a-z][a-z0-9_]{0,62}", office):
        return False
    print(f"'{office}' is not an office id (a-z, 0-9, _)", file=sys.stderr)
    return True


def cmd_keygen(args: argparse.Namespace) -> int:
    from kiosk.crypto.sealing import write_key_pair

    if _bad_office(args.office):
        return 2
    folder = Path(args.out) if args.out else home_dir(args.home) / "office_keys"
    private, public = write_key_pair(folder, args.office, args.bits)
    print(f"private key (give it to the office, nobody else): {private}")
    print(
        f"public key (put it into offices.yaml as public_key, or build the bundle with "
        f"--office-keys {folder}): {public}"
    )
    if not args.out:
        print(
            "terminals seal with the key in their signed catalog; a key in HOME/office_keys "
            "counts only in demo mode (kiosk run --demo)",
            file=sys.stderr,
        )
    return 0


FETCH_EXIT_STATUS = """\
exit status:
  0  every new application filed (or none waiting)
  1  fetching stopped (network, server, disk) or some applications stay in the
     inbox (see the lines above); what was filed before is acknowledged
  2  nothing fetched: a bad argument or key file, a key that is not the
     office's, a token the server refuses or that belongs to another office
  3  the rest filed, some applications quarantined in OUT/quarantine
     (ID.sealed and ID.reason.txt) and reported to the server
"""
EXIT_STOPPED, EXIT_REFUSED, EXIT_QUARANTINED = 1, 2, 3


def _office_keys(names: list[str]) -> OfficeKeys | None:
    """The keys in the files *names*; None after saying why they are not usable."""
    from kiosk.crypto.sealing import OfficeKeyError
    from sync.client.office_seal import OfficeKeys

    pems = []
    for name in names:
        try:
            pems.append(Path(name).read_bytes())
        except OSError as exc:
            print(f"{name}: cannot read the private key ({exc.strerror})", file=sys.stderr)
            return None
    try:
        return OfficeKeys.load(pems)
    except OfficeKeyError as exc:
        print(f"{', '.join(names)}: not usable as the office's key: {exc}", file=sys.stderr)
        return None


def cmd_fetch(args: argparse.Namespace) -> int:
    from sync.client.office import FetchReport, OfficeClient, WrongKeyError, WrongOfficeError
    from sync.client.tls import TLSSettingsError
    from sync.client.transport import AuthRefusedError, SyncError, http_transport

    if _bad_office(args.office):
        return EXIT_REFUSED
    keys = _office_keys(args.key)
    if keys is None:
        return EXIT_REFUSED
    out = Path(args.out)
    try:  # an http:// URL beyond this machine would carry the office token in clear
        ca_file = Path(args.ca_file) if args.ca_file else None
        client = OfficeClient(args.server, args.token, transport=http_transport(ca_file))
    except TLSSettingsError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_REFUSED
    report = FetchReport(echo=_echo)
    try:
        client.fetch(keys, out, office=args.office, trust_key=args.trust_key, report=report)
    except AuthRefusedError as exc:
        print(f"the server refused the office token: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except (WrongKeyError, WrongOfficeError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except SyncError as exc:
        print(f"fetching stopped: {exc.message}", file=sys.stderr)
        _summary(report, out)
        return EXIT_STOPPED
    except OSError as exc:
        where = exc.filename or out
        print(f"fetching stopped: cannot write {where} ({exc.strerror})", file=sys.stderr)
        _summary(report, out)
        return EXIT_STOPPED
    finally:
        client.close()
    _summary(report, out)
    if report.failed:
        return EXIT_STOPPED
    return EXIT_QUARANTINED if report.quarantined else 0


def _echo(kind: str, reference: str, detail: str) -> None:
    """Each application as it is done, so that an interrupted fetch has told what it did."""
    if kind == "filed":
        print(f"{detail}.json  {detail}.pdf", flush=True)
    elif kind == "quarantined":
        print(f"{reference}: quarantined, see {detail}", file=sys.stderr, flush=True)
    else:
        print(f"{reference}: not filed, stays in the inbox: {detail}", file=sys.stderr, flush=True)


def _summary(report: FetchReport, out: Path) -> None:
    line = f"{len(report.written)} application(s) filed in {out}"
    if report.quarantined:
        line += (
            f"; warning: {len(report.quarantined)} could not be read and were quarantined in "
            f"{out / 'quarantine'}"
        )
    if report.failed:
        line += f"; {len(report.failed)} stay in the inbox"
    print(line, file=sys.stderr)


REFILE_EXIT_STATUS = """\
exit status:
  0  every quarantined application filed (or the quarantine is empty)
  1  refiling stopped (a file that cannot be written or removed, or with --server
     the server could not be asked), or some applications need a person: their
     reference is filed in OUT with another record, or their files in
     OUT/quarantine are not as the office tool writes them (see the lines above);
     what was filed before stays filed
  2  nothing changed: a bad argument or key file, a missing OUT, a key that is
     not the office's (no quarantined application names it or opens with it), or
     with --server a token the server refuses or that belongs to another office
  3  the rest filed, some applications still cannot be read and stay in
     OUT/quarantine, each ID.reason.txt saying why as of this run
"""


def cmd_refile(args: argparse.Namespace) -> int:
    import json

    from sync.client.office import WrongKeyError
    from sync.client.office_refile import RefileReport, refile

    if _bad_office(args.office):
        return EXIT_REFUSED
    keys = _office_keys(args.key)
    if keys is None:
        return EXIT_REFUSED
    out = Path(args.out)
    if not out.is_dir():
        print(f"{out}: not a folder (give the folder fetch filed into)", file=sys.stderr)
        return EXIT_REFUSED
    listings: dict[str, protocol.InboxEntry | NotServed] = {}
    if args.server or args.token:
        asked = _listings_from_server(args, out)
        if isinstance(asked, int):
            return asked
        listings = asked
    report = RefileReport(echo=None if args.json else _echo_refiled)
    stopped = None
    try:
        refile(keys, out, args.office, trust_key=args.trust_key, listings=listings, report=report)
    except WrongKeyError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:
        stopped = f"refiling stopped: {exc.filename or out}: {exc.strerror}"
    if args.json:
        print(json.dumps(report.as_json() | {"stopped": stopped}, indent=2, ensure_ascii=False))
    else:
        if stopped:
            print(stopped, file=sys.stderr)
        _refile_summary(report, out)
    if stopped or report.count("left"):
        return EXIT_STOPPED
    return EXIT_QUARANTINED if report.count("quarantined") else 0


def _listings_from_server(
    args: argparse.Namespace, out: Path
) -> dict[str, protocol.InboxEntry | NotServed] | int:
    """The server's listings of what was quarantined without them, or the exit status
    after saying why they could not be read (nothing is changed then)."""
    from sync.client.office import WrongOfficeError
    from sync.client.office_http import OfficeApi
    from sync.client.office_quarantined import ids_without_listing, read_listings
    from sync.client.tls import TLSSettingsError
    from sync.client.transport import AuthRefusedError, SyncError, http_transport

    if not (args.server and args.token):
        print("--server and --token go together", file=sys.stderr)
        return EXIT_REFUSED
    try:
        ca_file = Path(args.ca_file) if args.ca_file else None
        client = OfficeApi(args.server, args.token, transport=http_transport(ca_file))
    except TLSSettingsError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_REFUSED
    try:
        return read_listings(client, ids_without_listing(out), args.office)
    except AuthRefusedError as exc:
        print(f"the server refused the office token: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except WrongOfficeError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except SyncError as exc:
        print(f"refiling stopped: {exc.message}; nothing was changed", file=sys.stderr)
        return EXIT_STOPPED
    finally:
        client.close()


def _echo_refiled(result: Refiled) -> None:
    """One line each, as it is done: filed ones on stdout, the rest on stderr."""
    name = result.reference or f"{result.id}.sealed"
    if result.outcome == "filed":
        print(f"{name}: filed, {result.detail}", flush=True)
    elif result.outcome == "already_filed":
        print(f"{name}: already filed, {result.detail}", flush=True)
    elif result.outcome == "quarantined":
        updated = " (reason updated)" if result.reason_updated else ""
        print(f"{name}: still quarantined{updated}: {result.detail}", file=sys.stderr, flush=True)
    else:
        print(f"{name}: left in quarantine: {result.detail}", file=sys.stderr, flush=True)


def _refile_summary(report: RefileReport, out: Path) -> None:
    filed, already = report.count("filed"), report.count("already_filed")
    line = f"{filed} application(s) filed in {out} from {out / 'quarantine'}"
    if already:
        line += f"; {already} were filed already and left the quarantine"
    if still := report.count("quarantined"):
        line += f"; {still} still cannot be read and stay quarantined"
    if left := report.count("left"):
        line += f"; {left} need a look (see above) and stay as they are"
    print(line, file=sys.stderr)


STATUS_EXIT_STATUS = """\
exit status:
  0  the status is set (or was set so already)
  1  not set: the network or the server failed, or the server has no such
     application of this office
  2  nothing asked: a bad argument, a reference not filed in DIR for OFFICE, a
     token the server refuses or that belongs to another office
  3  the application carries no status key (sent before terminals made them):
     no visitor can look a status up for it
"""
EXIT_UNTRACKED = 3


def _register_status(osub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = osub.add_parser(
        "status",
        help="set the status an application's visitor sees at the terminals",
        description="The visitor sees it at any terminal with the receipt's code: the office,\n"
        "the status and its day, nothing else. Filing an application (fetch) sets\n"
        "'received' by itself.",
        epilog=STATUS_EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument("--office", required=True, metavar="OFFICE")
    p.add_argument("--token", required=True, help="from `kiosk server office-token OFFICE`")
    _add_ca_file(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", metavar="ID", help="the application's id")
    which.add_argument(
        "--reference", metavar="REF", help="the application's reference, filed in --out"
    )
    p.add_argument("--out", metavar="DIR", help="the folder fetch filed into (for --reference)")
    p.add_argument(
        "status",
        metavar="STATUS",
        choices=["received", "in_progress", "documents_missing", "decided_by_post"],
        help="received, in_progress, documents_missing or decided_by_post",
    )
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day it holds from (default: today)")
    p.set_defaults(handler=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    import datetime as dt

    from sync.client.office_http import OfficeApi
    from sync.client.office_status import NotFiledError, as_id, as_reference, filed_id, set_status
    from sync.client.tls import TLSSettingsError
    from sync.client.transport import AuthRefusedError, SyncError, http_transport

    if _bad_office(args.office):
        return EXIT_REFUSED
    try:
        on = dt.date.fromisoformat(args.on) if args.on else None
    except ValueError:
        print(f"--on {args.on}: not a day (YYYY-MM-DD)", file=sys.stderr)
        return EXIT_REFUSED
    if args.id is not None:
        application_id, named = as_id(args.id), args.id
        if application_id is None:
            print(f"'{args.id}' is not an application id", file=sys.stderr)
            return EXIT_REFUSED
    else:
        reference = as_reference(args.reference)
        if reference is None or not args.out:
            print(
                "give --reference as on the receipt (MD-XXXX-XXXX-X) with --out DIR",
                file=sys.stderr,
            )
            return EXIT_REFUSED
        try:
            application_id, named = filed_id(Path(args.out), reference, args.office), reference
        except NotFiledError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_REFUSED
    try:
        ca_file = Path(args.ca_file) if args.ca_file else None
        client = OfficeApi(args.server, args.token, transport=http_transport(ca_file))
    except TLSSettingsError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_REFUSED
    try:
        reply = set_status(client, application_id, args.status, on)
    except AuthRefusedError as exc:
        print(f"the server refused the office token: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except SyncError as exc:
        print(f"the status was not set: {exc.message}", file=sys.stderr)
        return EXIT_STOPPED
    finally:
        client.close()
    if reply.office != args.office:
        print(
            f"the token is one of office {reply.office}, not of office {args.office}",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    if reply.unknown:
        print(
            f"{named}: the server has no such application of office {args.office}", file=sys.stderr
        )
        return EXIT_STOPPED
    if reply.untracked:
        print(
            f"{named}: the application carries no status key (sent before terminals made "
            "them): no visitor can look a status up for it",
            file=sys.stderr,
        )
        return EXIT_UNTRACKED
    print(f"{named}: {args.status}" + (f" since {on.isoformat()}" if on else ""))
    return 0
