"""`kiosk staff ...` as an admin or a provisioning script runs it, PINs on standard input."""

from __future__ import annotations

import io
import json
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cli.main import main
from cli.staff_cmd import staff_id_from_name
from kiosk.session.clock import FakeClock
from kiosk.session.unlock import StaffUnlock, UnlockRefusedError
from kiosk.staff.directory import StaffDirectory
from kiosk.staff.pepper import new_pepper, write_pepper_file
from kiosk.staff.records import is_peppered, load_staff_list, pin_matches
from kiosk.store import Store

ANNA_PIN = "4829137065"  # Anna is an admin: ten digits at least
LONG_PIN = "7301648259"
BO_PIN = "730164"
PEPPER = new_pepper()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def pins(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Put lines on a standard input that is not a terminal."""

    def type_in(*lines: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))

    return type_in


def kiosk(*argv: str) -> int:
    return main(["staff", *argv])


def audit(home: Path) -> list[tuple[str, str, str]]:
    store = Store(home / "kiosk.sqlite3")
    try:
        return [(e["actor"], e["action"], e["detail"]) for e in store.audit.entries()]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anna Kowalska", "anna.kowalska"),
        ("  Jürgen  Groß ", "juergen.gross"),
        ("José Núñez-García", "jose.nunez.garcia"),
        ("Łukasz Żółć", "lukasz.zolc"),
        ("O'Brien, Séan", "o.brien.sean"),
        ("Anna-Maria " * 10, "anna.maria.anna.maria.anna.maria.anna.ma"),
        ("Олена Шевченко", None),
        ("محمد", None),
        ("!!!", None),
    ],
)
def test_ids_come_from_latin_names_only(name: str, expected: str | None) -> None:
    assert staff_id_from_name(name) == expected


def test_add_list_remove_on_the_terminal(
    home: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Anna Kowalska", "--role", "admin", "--home", str(home)) == 0
    pins(BO_PIN, BO_PIN)
    assert kiosk("add", "Bo Berg", "--home", str(home)) == 0
    assert "added staff 'bo.berg' (Bo Berg)" in capsys.readouterr().out

    assert kiosk("list", "--home", str(home)) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "anna.kowalska  admin  Anna Kowalska",
        "bo.berg        staff  Bo Berg",
    ]
    assert kiosk("list", "--home", str(home), "--json") == 0
    out = capsys.readouterr().out
    assert json.loads(out) == [
        {"id": "anna.kowalska", "role": "admin", "name": "Anna Kowalska"},
        {"id": "bo.berg", "role": "staff", "name": "Bo Berg"},
    ]
    assert "scrypt" not in out

    # the terminal accepts the new accounts at once
    store = Store(home / "kiosk.sqlite3")
    try:
        grant = StaffUnlock(store, StaffDirectory(store.staff_accounts), FakeClock()).try_pin(
            ANNA_PIN
        )
        assert (grant.staff_id, grant.role) == ("anna.kowalska", "admin")
    finally:
        store.close()

    assert kiosk("remove", "bo.berg", "--home", str(home)) == 0
    assert kiosk("remove", "bo.berg", "--home", str(home)) == 1
    assert "no staff id 'bo.berg'" in capsys.readouterr().err
    assert [e for e in audit(home) if e[0] == "admin:cli"] == [
        ("admin:cli", "staff_added", "anna.kowalska"),
        ("admin:cli", "staff_added", "bo.berg"),
        ("admin:cli", "staff_removed", "bo.berg"),
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((ANNA_PIN, "4829137066"), "the two PINs differ"),
        (("4829", "4829"), "6 to 12 digits"),
        (("111111", "111111"), "one digit repeated"),
        ((ANNA_PIN,), "standard input ended"),
        ((), "standard input ended"),
    ],
)
def test_bad_pins_change_nothing(
    home: Path,
    pins: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
    lines: tuple[str, ...],
    message: str,
) -> None:
    pins(*lines)
    assert kiosk("add", "Anna Kowalska", "--home", str(home)) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    for line in lines:
        assert line not in err
    assert kiosk("list", "--home", str(home), "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_an_admin_pin_has_ten_digits_at_least(
    home: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    """An admin's PIN also opens a PIN pad that waits after wrong PINs: it must be long."""
    pins("730164", "730164")
    assert kiosk("add", "Bo Berg", "--role", "admin", "--home", str(home)) == 1
    err = capsys.readouterr().err
    assert "an admin PIN has 10 to 12 digits" in err and "730164" not in err
    assert kiosk("list", "--home", str(home), "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_one_pin_never_belongs_to_two_people(
    home: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Anna Kowalska", "--home", str(home)) == 0
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Bo Berg", "--home", str(home)) == 1
    assert "another account" in capsys.readouterr().err
    # the same person may keep their PIN when their account is replaced
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Anna K.", "--id", "anna.kowalska", "--replace", "--home", str(home)) == 0


def test_an_existing_id_is_replaced_only_when_asked(
    home: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Anna Kowalska", "--home", str(home)) == 0
    pins(BO_PIN, BO_PIN)
    assert kiosk("add", "Anna Kowalska", "--role", "admin", "--home", str(home)) == 1
    assert "add --replace" in capsys.readouterr().err
    pins(LONG_PIN, LONG_PIN)
    assert kiosk("add", "Anna Kowalska", "--role", "admin", "--replace", "--home", str(home)) == 0
    assert "replaced admin 'anna.kowalska'" in capsys.readouterr().out
    store = Store(home / "kiosk.sqlite3")
    try:
        anna = store.staff_accounts.get("anna.kowalska")
        assert anna is not None and anna.role == "admin"
        assert pin_matches(LONG_PIN, anna.pin_hash) and not pin_matches(ANNA_PIN, anna.pin_hash)
    finally:
        store.close()
    assert audit(home)[-1] == ("admin:cli", "staff_replaced", "anna.kowalska")


def test_names_without_a_latin_spelling_need_an_id(
    home: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Олена Шевченко", "--home", str(home)) == 2
    assert "--id" in capsys.readouterr().err
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Олена Шевченко", "--id", "Olena S", "--home", str(home)) == 2
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Олена Шевченко", "--id", "o.shevchenko", "--home", str(home)) == 0
    assert kiosk("list", "--home", str(home)) == 0
    assert "o.shevchenko  staff  Олена Шевченко" in capsys.readouterr().out


def test_the_staff_list_file_for_bundles_round_trips(
    tmp_path: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    staff_list = tmp_path / "admin" / "staff.json"
    pepper_file = tmp_path / "admin" / "staff.pepper"
    write_pepper_file(pepper_file, PEPPER)
    listed = ["--list", str(staff_list), "--pepper", str(pepper_file)]
    assert kiosk("list", "--list", str(staff_list), "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert not staff_list.exists()

    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Anna Kowalska", "--role", "admin", *listed) == 0
    pins(BO_PIN, BO_PIN)
    assert kiosk("add", "Bo Berg", *listed) == 0
    pins(BO_PIN, BO_PIN)
    assert kiosk("add", "Cem Arslan", *listed) == 1
    assert stat.S_IMODE(staff_list.stat().st_mode) == 0o600

    records = load_staff_list(staff_list)
    assert [(r.id, r.role) for r in records] == [("anna.kowalska", "admin"), ("bo.berg", "staff")]
    assert all(is_peppered(r.pin_hash) for r in records)
    assert kiosk("list", "--list", str(staff_list)) == 0
    out = capsys.readouterr().out
    assert "bo.berg        staff  Bo Berg" in out and "scrypt" not in out

    assert kiosk("remove", "anna.kowalska", "--list", str(staff_list)) == 0
    assert [r.id for r in load_staff_list(staff_list)] == ["bo.berg"]
    assert stat.S_IMODE(staff_list.stat().st_mode) == 0o600

    # a terminal that installs a bundle with this list accepts its PINs, with the pepper
    # it got at enrolment; without it (a device token and a bundle alone) nothing matches
    store = Store(tmp_path / "terminal.sqlite3")
    try:
        directory = StaffDirectory(store.staff_accounts, lambda: PEPPER)
        directory.set_bundle_staff(load_staff_list(staff_list))
        found = directory.find(BO_PIN)
        assert found is not None and found.id == "bo.berg"
        unpeppered = StaffDirectory(store.staff_accounts)
        unpeppered.set_bundle_staff(load_staff_list(staff_list))
        assert unpeppered.find(BO_PIN) is None
        assert store.audit.entries() == []  # the file is not the terminal's business
    finally:
        store.close()


def test_a_broken_staff_list_is_one_line(
    tmp_path: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    staff_list = tmp_path / "staff.json"
    staff_list.write_text('{"staff": [{"id": "x"}]}')
    write_pepper_file(tmp_path / "pepper", PEPPER)
    pins(ANNA_PIN, ANNA_PIN)
    assert (
        kiosk("add", "Anna", "--list", str(staff_list), "--pepper", str(tmp_path / "pepper")) == 1
    )
    err = capsys.readouterr().err
    assert err.startswith(f"{staff_list}: staff.0.") and len(err.splitlines()) == 1
    assert staff_list.read_text() == '{"staff": [{"id": "x"}]}'


def test_reset_lockout_opens_the_unlock_again(
    home: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    pins(ANNA_PIN, ANNA_PIN)
    assert kiosk("add", "Anna Kowalska", "--home", str(home)) == 0
    clock = FakeClock()
    store = Store(home / "kiosk.sqlite3")
    try:
        unlock = StaffUnlock(store, StaffDirectory(store.staff_accounts), clock)
        for _ in range(4):
            with pytest.raises(UnlockRefusedError):
                unlock.try_pin("905317")
        assert unlock.lockout_state() == (4, 60)
        assert kiosk("reset-lockout", "--home", str(home)) == 0
        assert "4 wrong PIN(s) cleared" in capsys.readouterr().out
        assert unlock.lockout_state() == (0, 0)
        assert unlock.try_pin(ANNA_PIN).staff_id == "anna.kowalska"
    finally:
        store.close()
    assert ("admin:cli", "staff_lockout_reset", "4 failure(s) cleared") in audit(home)


def test_home_and_list_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        kiosk("list", "--home", str(tmp_path), "--list", str(tmp_path / "s.json"))
    assert info.value.code == 2
    assert "not allowed with" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        kiosk("reset-lockout", "--list", str(tmp_path / "s.json"))
    assert info.value.code == 2


def test_a_staff_list_for_bundles_is_never_made_without_the_pepper(
    tmp_path: Path, pins: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    staff_list = tmp_path / "staff.json"
    pins(BO_PIN, BO_PIN)
    assert kiosk("add", "Bo Berg", "--list", str(staff_list)) == 2
    assert "--pepper" in capsys.readouterr().err and not staff_list.exists()
    broken = tmp_path / "broken.pepper"
    broken.write_text("not a pepper")
    pins(BO_PIN, BO_PIN)
    assert kiosk("add", "Bo Berg", "--list", str(staff_list), "--pepper", str(broken)) == 1
    assert "hexadecimal" in capsys.readouterr().err and not staff_list.exists()


def test_the_terminals_own_accounts_use_its_pepper(home: Path, pins: Callable[..., None]) -> None:
    write_pepper_file(home / "keys" / "staff.pepper", PEPPER)
    pins(BO_PIN, BO_PIN)
    assert kiosk("add", "Bo Berg", "--home", str(home)) == 0
    store = Store(home / "kiosk.sqlite3")
    try:
        (record,) = store.staff_accounts.all()
        assert is_peppered(record.pin_hash) and pin_matches(BO_PIN, record.pin_hash, PEPPER)
    finally:
        store.close()
