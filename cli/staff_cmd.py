"""``kiosk staff ...``: who may unlock the assisted mode, and with which PIN.

The same commands edit two lists: with ``--list FILE`` the admin's staff-list file,
which ``kiosk catalog build --staff FILE`` signs into the bundle every terminal
installs; without it, the accounts kept on one terminal, in HOME's database.
PINs are typed twice without echo; when standard input is not a terminal (a
provisioning script, a test) they are read as two lines instead.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import hmac
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cli.common import open_store
from kiosk.paths import home_dir

if TYPE_CHECKING:
    from kiosk.staff.records import StaffRecord
    from kiosk.store import Store

ACTOR = "admin:cli"
MAX_ID_LENGTH = 40

#: Letters that Unicode decomposition does not reduce to ASCII, spelled as people write
#: them in ASCII (German umlauts as ae/oe/ue, not a/o/u).
_ASCII_FOLD = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
    }
)


def staff_id_from_name(name: str) -> str | None:
    """``Anna Kowalska`` -> ``anna.kowalska``; None when the name has no Latin spelling to
    derive an id from (then the admin chooses one)."""
    from kiosk.staff.records import STAFF_ID_PATTERN

    text = unicodedata.normalize("NFKD", name.strip().lower().translate(_ASCII_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if not text.isascii():
        return None
    slug = re.sub(r"[^a-z0-9]+", ".", text).strip(".")[:MAX_ID_LENGTH].rstrip("._-")
    return slug if re.fullmatch(STAFF_ID_PATTERN, slug) else None


class CommandError(Exception):
    """A problem to report in one line; *code* 2 for a usage error, else 1."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class StaffListTarget(Protocol):
    """The list a command edits: the admin's staff-list file or the terminal's accounts."""

    where: str
    #: PIN hashes made for this list are peppered with it (None: plain scrypt)
    pepper: bytes | None

    def records(self) -> list[StaffRecord]: ...

    def put(self, record: StaffRecord, *, replacing: bool) -> None: ...

    def remove(self, staff_id: str) -> bool: ...


class StaffFile:
    """A staff list for bundles: every hash in it is peppered with the deployment's pepper."""

    def __init__(self, path: Path, pepper: bytes | None) -> None:
        from kiosk.staff.records import load_staff_list

        self.path = path
        self.pepper: bytes | None = pepper
        self.where = str(path)
        try:
            self._records = load_staff_list(path) if path.exists() else []
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def records(self) -> list[StaffRecord]:
        return list(self._records)

    def put(self, record: StaffRecord, *, replacing: bool) -> None:
        self._save([r for r in self._records if r.id != record.id] + [record])

    def remove(self, staff_id: str) -> bool:
        kept = [r for r in self._records if r.id != staff_id]
        if len(kept) == len(self._records):
            return False
        self._save(kept)
        return True

    def _save(self, records: list[StaffRecord]) -> None:
        from kiosk.staff.records import save_staff_list

        try:
            save_staff_list(self.path, records)
        except OSError as exc:
            raise CommandError(
                f"{self.path}: cannot write the staff list: {exc.strerror}"
            ) from None
        self._records = records


class LocalAccounts:
    """The terminal's own accounts; every change goes to its audit log."""

    def __init__(self, store: Store, pepper: bytes | None) -> None:
        from kiosk.session.clock import SystemClock

        self.store = store
        self.pepper = pepper
        self.where = f"{store.path} (this terminal's accounts)"
        self.clock = SystemClock()

    def records(self) -> list[StaffRecord]:
        return self.store.staff_accounts.all()

    def put(self, record: StaffRecord, *, replacing: bool) -> None:
        now = self.clock.now()
        if replacing:
            self.store.staff_accounts.replace(record, now=now)
        elif not self.store.staff_accounts.add(record, now=now):
            raise CommandError(f"staff id '{record.id}' was added meanwhile; nothing was changed")
        action = "staff_replaced" if replacing else "staff_added"
        self.store.audit.write(at=now, actor=ACTOR, action=action, detail=record.id)

    def remove(self, staff_id: str) -> bool:
        if not self.store.staff_accounts.remove(staff_id):
            return False
        self.store.audit.write(
            at=self.clock.now(), actor=ACTOR, action="staff_removed", detail=staff_id
        )
        return True


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("staff", help="staff accounts that unlock the assisted mode")
    ssub = parser.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    p = ssub.add_parser("add", help="add a staff member; the PIN is asked for twice")
    p.add_argument("name", metavar="NAME", help='the name staff see, e.g. "Anna Kowalska"')
    p.add_argument("--id", help="the id in the audit log (default: from NAME, anna.kowalska)")
    p.add_argument("--role", choices=("staff", "admin"), default="staff")
    p.add_argument("--replace", action="store_true", help="replace an account with this id")
    _add_target(p)
    p.set_defaults(handler=_reporting(cmd_add))

    p = ssub.add_parser("remove", help="remove a staff member")
    p.add_argument("id", metavar="ID")
    _add_target(p)
    p.set_defaults(handler=_reporting(cmd_remove))

    p = ssub.add_parser("list", help="the staff members (never their PIN hashes)")
    _add_target(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_reporting(cmd_list))

    p = ssub.add_parser("reset-lockout", help="end the wait after wrong staff PINs at once")
    _add_home(p)
    p.set_defaults(handler=_reporting(cmd_reset_lockout))


def _add_home(parser: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup) -> None:
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="folder for database, keys and configuration (default: $KIOSK_HOME, "
        "else the platform's user data folder)",
    )


def _add_target(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group()
    _add_home(target)
    target.add_argument(
        "--list",
        metavar="FILE",
        help="edit this staff-list file (for `kiosk catalog build --staff`) instead of "
        "the terminal's own accounts; needs --pepper",
    )
    parser.add_argument(
        "--pepper",
        metavar="FILE",
        help="the deployment's staff pepper (from `kiosk server staff-pepper`), which every "
        "PIN hash in a staff list for bundles is made with",
    )


def _reporting(
    command: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Every expected problem as one line on stderr and an exit code, never a traceback."""

    def handler(args: argparse.Namespace) -> int:
        from kiosk.store import StoreError

        try:
            return command(args)
        except CommandError as exc:
            prefix = f"kiosk staff {args.staff_command}: error: " if exc.code == 2 else ""
            if str(exc):
                print(f"{prefix}{exc}", file=sys.stderr)
            return exc.code
        except StoreError as exc:
            print(f"the terminal's database: {exc.kind}: {exc.detail}", file=sys.stderr)
            return 1

    return handler


@contextlib.contextmanager
def _store(args: argparse.Namespace) -> Iterator[Store]:
    store = open_store(home_dir(args.home))
    if store is None:
        raise CommandError("")  # open_store has said why
    try:
        yield store
    finally:
        store.close()


def _pepper(args: argparse.Namespace, *, for_hashing: bool) -> bytes | None:
    """The pepper new PIN hashes are made with: --pepper, else the terminal's own."""
    from kiosk.staff.pepper import PepperError, load_terminal_pepper, read_pepper_file

    try:
        if args.pepper:
            return read_pepper_file(Path(args.pepper))
        if args.list:
            if for_hashing:
                raise CommandError(
                    "a staff list for bundles needs the deployment's staff pepper: add "
                    "--pepper FILE (made by `kiosk server staff-pepper --out FILE`)",
                    code=2,
                )
            return None
        return load_terminal_pepper(home_dir(args.home))
    except PepperError as exc:
        raise CommandError(str(exc)) from None


@contextlib.contextmanager
def _target(args: argparse.Namespace, *, for_hashing: bool = False) -> Iterator[StaffListTarget]:
    pepper = _pepper(args, for_hashing=for_hashing)
    if args.list:
        yield StaffFile(Path(args.list), pepper)
        return
    with _store(args) as store:
        yield LocalAccounts(store, pepper)


def cmd_add(args: argparse.Namespace) -> int:
    from kiosk.staff.records import STAFF_ID_PATTERN

    name = args.name.strip()
    if not 1 <= len(name) <= 100:
        raise CommandError("NAME must have 1 to 100 characters", code=2)
    staff_id = args.id if args.id is not None else staff_id_from_name(name)
    if staff_id is None:
        raise CommandError(
            f"cannot make an id from {name!r}; choose one with --id "
            "(lowercase Latin letters and digits, e.g. --id o.shevchenko)",
            code=2,
        )
    if not re.fullmatch(STAFF_ID_PATTERN, staff_id):
        raise CommandError(
            f"--id {staff_id!r}: lowercase letters, digits, '.', '_' and '-', "
            f"starting with a letter or digit, at most {MAX_ID_LENGTH} characters",
            code=2,
        )
    with _target(args, for_hashing=True) as target:
        return _add(args, target, name, staff_id)


def _add(args: argparse.Namespace, target: StaffListTarget, name: str, staff_id: str) -> int:
    from kiosk.staff.records import (
        PinPolicyError,
        StaffRecord,
        check_pin_policy,
        hash_pin,
        pin_matches,
    )

    records = target.records()
    replacing = any(r.id == staff_id for r in records)
    if replacing and not args.replace:
        raise CommandError(
            f"staff id '{staff_id}' exists in {target.where}; add --replace to replace it"
        )
    digits = "10 to 12" if args.role == "admin" else "6 to 12"
    pin = _read_pin(f"PIN for {name} ({digits} digits): ")
    try:
        check_pin_policy(pin, args.role)
    except PinPolicyError as exc:
        raise CommandError(f"PIN not accepted: {exc}; nothing was changed") from None
    if not hmac.compare_digest(pin.encode(), _read_pin("the same PIN again: ").encode()):
        raise CommandError("the two PINs differ; nothing was changed")
    # a PIN that unlocked as two people would make the audit log's "who" a guess
    if any(pin_matches(pin, r.pin_hash, target.pepper) for r in records if r.id != staff_id):
        raise CommandError(
            f"another account in {target.where} has this PIN; choose a different one"
        )
    pin_hash = hash_pin(pin, pepper=target.pepper)
    record = StaffRecord(id=staff_id, name=name, role=args.role, pin_hash=pin_hash)
    target.put(record, replacing=replacing)
    verb = "replaced" if replacing else "added"
    print(f"{verb} {record.role} '{record.id}' ({record.name}) in {target.where}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _target(args) as target:
        if not target.remove(args.id):
            raise CommandError(f"no staff id '{args.id}' in {target.where}")
        print(f"removed '{args.id}' from {target.where}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _target(args) as target:
        where = target.where
        shown = [{"id": r.id, "role": r.role, "name": r.name} for r in target.records()]
    if args.json:
        print(json.dumps(shown, indent=2, ensure_ascii=False))
        return 0
    if not shown:
        print(f"no staff accounts in {where}", file=sys.stderr)
        return 0
    width = max(len(row["id"]) for row in shown)
    for row in shown:
        print(f"{row['id']:<{width}}  {row['role']:<5}  {row['name']}")
    return 0


def cmd_reset_lockout(args: argparse.Namespace) -> int:
    from kiosk.session.clock import SystemClock
    from kiosk.session.unlock import clear_lockout

    with _store(args) as store:
        cleared = clear_lockout(store, at=SystemClock().now(), actor=ACTOR)
    print(f"staff unlock open again ({cleared} wrong PIN(s) cleared)")
    return 0


def _read_pin(prompt: str) -> str:
    """One PIN: without echo from a terminal, else the next line of standard input."""
    if sys.stdin.isatty():
        try:
            return getpass.getpass(prompt)
        except EOFError:
            raise CommandError("no PIN entered; nothing was changed") from None
    line = sys.stdin.readline()
    if not line:
        raise CommandError(
            "standard input ended before the PIN (expected it twice, one per line); "
            "nothing was changed"
        )
    return line.rstrip("\r\n")
